import { describe, expect, it } from 'vitest';
import type { ChainPage, ChainStep } from './api.js';
import { chainPageOf, chainPageSteps } from './chain-page.js';

const step = (i: number): ChainStep => ({
  time: `2024-03-01T08:00:${String(i % 60).padStart(2, '0')}.0000000Z`,
  kind: i % 3 === 0 ? 'process' : 'network',
  sessionId: `s${i % 4}`,
  eventIds: i % 6 === 0 ? [i, i + 1000] : i % 7 === 0 ? [] : [i],
  reason: i % 5 === 0 ? '<b>\u0000 \u2192 10.0.0.1:445</b>' : `reason ${i % 7}`,
  processId: i % 5 === 0 ? null : `p${i % 11}`,
});

/** The pages of `chain`, `limit` steps each. */
function pagesOf(chain: readonly ChainStep[], limit: number): ChainPage[] {
  const pages: ChainPage[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = chainPageOf(chain, offset, limit);
    pages.push(page);
    if (page.count < limit) return pages;
  }
}

describe('chain pages as columns', () => {
  it('give back the steps they were made of, in pages of any size, through JSON too', () => {
    for (const n of [0, 1, 30, 100]) {
      const chain = Array.from({ length: n }, (_, i) => step(i));
      for (const limit of [1, 7, 40, 1000]) {
        const pages = pagesOf(chain, limit);
        expect(pages.every((p, k) => p.total === n && p.offset === k * limit)).toBe(true);
        expect(chainPageSteps(pages)).toEqual(chain);
        expect(chainPageSteps(JSON.parse(JSON.stringify(pages)) as ChainPage[])).toEqual(chain);
      }
    }
  });

  it('hold each repeated kind, session and process once, and each reason once in the whole chain', () => {
    const chain = Array.from({ length: 100 }, (_, i) => step(i));
    const page = chainPageOf(chain, 0, 30);
    expect(page.kinds).toEqual(['process', 'network']);
    expect(page.sessions).toHaveLength(4);
    expect(new Set(page.processes).size).toBe(page.processes.length);
    // 8 distinct reasons, all given in the first 30 steps: later pages give none.
    const pages = pagesOf(chain, 30);
    expect(pages.map((p) => p.reasonEnds.length)).toEqual([8, 0, 0, 0]);
    expect(pages.map((p) => p.reasonBase)).toEqual([0, 8, 8, 8]);
  });

  it('answer an empty page past the end, and steps past the end of a chain are none', () => {
    const chain = Array.from({ length: 5 }, (_, i) => step(i));
    const page = chainPageOf(chain, 9, 10);
    expect([page.total, page.offset, page.count, page.reasonEnds.length, page.reasonBase]).toEqual([5, 9, 0, 0, 5]);
  });

  it('are read in order only: a page whose reasons others gave first is refused', () => {
    const chain = Array.from({ length: 30 }, (_, i) => step(i));
    expect(() => chainPageSteps([chainPageOf(chain, 10, 10)])).toThrow(/reasons from/);
  });
});
