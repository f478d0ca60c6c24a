import { describe, expect, it } from 'vitest';
import type { ChainPageRequest, ChainStep } from '../../shared/api.js';
import { loadChain, shareRepeatedStepValues } from './chain-pages.js';

const step = (i: number): ChainStep => ({
  time: `2024-03-01T08:00:${String(i % 60).padStart(2, '0')}.0000000Z`,
  kind: i % 3 === 0 ? 'process' : 'network',
  sessionId: `s${i % 4}`,
  eventIds: [i],
  reason: `reason ${i % 7}`,
  processId: i % 5 === 0 ? null : `p${i % 11}`,
});

describe('loadChain', () => {
  it("asks for the session's chain in pages and joins them, values shared across pages", async () => {
    const chain = Array.from({ length: 23 }, (_, i) => step(i));
    const asked: ChainPageRequest[] = [];
    const api = {
      // JSON copies, as the shells' answers are: the pool must not change the engine's steps.
      getSessionChainPage: async (r: ChainPageRequest) => {
        asked.push(r);
        return { total: chain.length, offset: r.offset, steps: structuredClone(chain.slice(r.offset, r.offset + r.limit)) };
      },
      getSessionChain: async () => chain,
    };
    const got = await loadChain(api, 's7', 10);
    expect(got).toEqual(chain);
    expect(asked.map((r) => [r.sessionId, r.offset, r.limit])).toEqual([['s7', 0, 10], ['s7', 10, 10], ['s7', 20, 10]]);
    // Steps 1 and 15 (on different pages) have the same reason: one string.
    expect(got[15]!.reason).toBe(got[1]!.reason);
  });
});

describe('shareRepeatedStepValues', () => {
  it('points equal values at one string and changes nothing else', () => {
    const steps = structuredClone(Array.from({ length: 20 }, (_, i) => step(i)));
    const before = structuredClone(steps);
    const pool = new Map<string, string>();
    shareRepeatedStepValues(steps, pool);
    expect(steps).toEqual(before);
    expect(pool.get('reason 1')).toBe(steps[1]!.reason);
    expect(steps[8]!.reason).toBe(steps[1]!.reason);
    expect(steps[12]!.processId).toBe(steps[1]!.processId);
    expect(steps[0]!.processId).toBeNull();
  });
});
