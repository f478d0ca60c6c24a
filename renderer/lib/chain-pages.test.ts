import { describe, expect, it } from 'vitest';
import type { ChainPageRequest, ChainStep } from '../../shared/api.js';
import { chainPageOf } from '../../shared/chain-page.js';
import { loadChain } from './chain-pages.js';

const step = (i: number): ChainStep => ({
  time: `2024-03-01T08:00:${String(i % 60).padStart(2, '0')}.0000000Z`,
  kind: i % 3 === 0 ? 'process' : 'network',
  sessionId: `s${i % 4}`,
  eventIds: i % 6 === 0 ? [i, i + 1000] : [i],
  reason: `reason ${i % 7}`,
  processId: i % 5 === 0 ? null : `p${i % 11}`,
});

/** A chain API whose pages answer out of order (later requests sometimes first), as JSON copies. */
function chainApi(list: () => readonly ChainStep[]) {
  const asked: ChainPageRequest[] = [];
  let turn = 0;
  let whole = 0;
  return {
    asked,
    whole: () => whole,
    getSessionChainPage: async (r: ChainPageRequest) => {
      asked.push(r);
      const steps = list();
      await new Promise((done) => setTimeout(done, (turn++ % 3) * 2));
      return structuredClone(chainPageOf(steps, r.offset, r.limit));
    },
    getSessionChain: async () => {
      whole++;
      return structuredClone(list());
    },
  };
}

describe('loadChain', () => {
  it("asks for the session's chain in pages and joins them in order, whatever order they answer in", async () => {
    for (const n of [0, 1, 10, 23, 95]) {
      const chain = Array.from({ length: n }, (_, i) => step(i));
      const api = chainApi(() => chain);
      const got = await loadChain(api, 's7', 10);
      expect(got.toSteps(), `n ${n}`).toEqual(chain);
      expect(api.asked.map((r) => r.sessionId).every((s) => s === 's7')).toBe(true);
      expect(api.asked.map((r) => [r.offset, r.limit]).sort((a, b) => a[0]! - b[0]!)).toEqual(
        Array.from({ length: Math.max(1, Math.ceil(n / 10)) }, (_, i) => [i * 10, 10]),
      );
      expect(api.whole()).toBe(0);
    }
  });

  it('asks for the whole chain when it changed between pages, so no chain mixes two analyses', async () => {
    let calls = 0;
    const api = chainApi(() => Array.from({ length: calls++ === 0 ? 25 : 30 }, (_, i) => step(i)));
    const got = await loadChain(api, 's7', 10);
    expect(got.length).toBe(30);
    expect(got.toSteps()).toEqual(Array.from({ length: 30 }, (_, i) => step(i)));
    expect(api.whole()).toBe(1);
  });

  it('asks for the whole chain when one of the same length changed between pages (its reasons are numbered otherwise)', async () => {
    let calls = 0;
    const other = (i: number): ChainStep => ({ ...step(i), reason: `other ${i % 3}` });
    const api = chainApi(() => {
      const first = calls++ === 0;
      return Array.from({ length: 30 }, (_, i) => (first ? step(i) : other(i)));
    });
    const got = await loadChain(api, 's7', 10);
    expect(got.toSteps()).toEqual(Array.from({ length: 30 }, (_, i) => other(i)));
    expect(api.whole()).toBe(1);
  });
});
