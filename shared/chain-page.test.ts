import { describe, expect, it } from 'vitest';
import type { ChainStep } from './api.js';
import { chainPageOf, chainPageSteps } from './chain-page.js';

const step = (i: number): ChainStep => ({
  time: `2024-03-01T08:00:${String(i % 60).padStart(2, '0')}.0000000Z`,
  kind: i % 3 === 0 ? 'process' : 'network',
  sessionId: `s${i % 4}`,
  eventIds: i % 6 === 0 ? [i, i + 1000] : i % 7 === 0 ? [] : [i],
  reason: i % 5 === 0 ? '<b>\u0000 \u2192 10.0.0.1:445</b>' : `reason ${i % 7}`,
  processId: i % 5 === 0 ? null : `p${i % 11}`,
});

describe('chain pages as columns', () => {
  it('give back the steps they were made of, through JSON too', () => {
    for (const n of [0, 1, 30]) {
      const steps = Array.from({ length: n }, (_, i) => step(i));
      const page = chainPageOf(steps, 100, 40);
      expect([page.total, page.offset, page.count]).toEqual([100, 40, n]);
      expect(chainPageSteps(page)).toEqual(steps);
      expect(chainPageSteps(JSON.parse(JSON.stringify(page)))).toEqual(steps);
    }
  });

  it('hold each repeated kind, session, reason and process once', () => {
    const page = chainPageOf(Array.from({ length: 30 }, (_, i) => step(i)), 30, 0);
    expect(page.kinds).toEqual(['process', 'network']);
    expect(page.sessions).toHaveLength(4);
    expect(page.reasons.length).toBeLessThanOrEqual(8);
    expect(new Set(page.processes).size).toBe(page.processes.length);
  });
});
