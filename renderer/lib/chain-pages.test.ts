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

/** A fake engine whose chain may change between pages (a new analysis); pages answer out of order. */
function fakeApi(all: () => readonly ChainStep[]) {
  const asked: ChainPageRequest[] = [];
  let whole = 0;
  let turn = 0;
  return {
    asked,
    whole: () => whole,
    api: {
      async getSessionChainPage(r: ChainPageRequest) {
        asked.push(r);
        const steps = all();
        await new Promise((done) => setTimeout(done, (turn++ % 3) * 2));
        // A copy, as JSON would make: the pool must not change the engine's steps.
        return { total: steps.length, offset: r.offset, steps: structuredClone(steps.slice(r.offset, r.offset + r.limit)) };
      },
      async getSessionChain() {
        whole++;
        return all();
      },
    },
  };
}

describe('loadChain', () => {
  it('joins the pages in order: the same steps as the whole chain', async () => {
    for (const n of [0, 1, 9, 10, 11, 95]) {
      const steps = Array.from({ length: n }, (_, i) => step(i));
      const f = fakeApi(() => steps);
      const got = await loadChain(f.api, 's1', 10);
      expect(got).toEqual(steps);
      expect(f.whole()).toBe(0);
      expect(f.asked.every((r) => r.sessionId === 's1' && r.limit === 10)).toBe(true);
      expect(f.asked.map((r) => r.offset).sort((a, b) => a - b)).toEqual(Array.from({ length: Math.max(1, Math.ceil(n / 10)) }, (_, i) => i * 10));
    }
  });

  it('asks for the whole chain when it changed between pages', async () => {
    let version = 0;
    const f = fakeApi(() => Array.from({ length: version++ === 0 ? 25 : 30 }, (_, i) => step(i)));
    const got = await loadChain(f.api, 's1', 10);
    expect(f.whole()).toBe(1);
    expect(got).toHaveLength(30);
  });
});

describe('shareRepeatedStepValues', () => {
  it('points equal values at one string and changes nothing else', () => {
    const a = structuredClone([step(1), step(8)]);
    const b = structuredClone([step(15)]);
    const before = structuredClone([...a, ...b]);
    const pool = new Map<string, string>();
    shareRepeatedStepValues(a, pool);
    shareRepeatedStepValues(b, pool);
    expect([...a, ...b]).toEqual(before);
    // step 1 and step 15: same kind, session, reason (1 % 7 = 15 % 7) and process (1 % 11 vs 15 % 11 differ).
    expect(a[0]!.reason).toBe(b[0]!.reason);
    expect(pool.get('reason 1')).toBe(a[0]!.reason);
    expect(pool.size).toBeGreaterThan(0);
  });
});
