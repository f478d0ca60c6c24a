import { describe, expect, it } from 'vitest';
import { byTime, sortByTime } from './correlate.js';
import type { CorrelationTime } from './input.js';

type Rec = CorrelationTime & { readonly row: number; readonly tag: number };

function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function records(n: number, seed: number, spanMs: number, subs: number): Rec[] {
  const rnd = makeRng(seed);
  const base = Date.UTC(2024, 0, 1);
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      ms: base + Math.floor(rnd() * spanMs),
      sub: Math.floor(rnd() * subs),
      precision: 'ms',
      // Rows repeat now and then: equal records must keep their input order.
      row: Math.floor(rnd() * n * 0.9),
      tag: i,
    });
  }
  return out;
}

describe('sortByTime', () => {
  it.each([
    ['random, wide span', 5000, 1, 1e10, 10_000],
    ['long runs of one ms (1-second logs)', 5000, 2, 20, 1],
    ['runs of one ms with subs', 3000, 3, 50, 3],
    ['two records', 2, 4, 10, 1],
  ])('orders %s exactly as sort(byTime) does', (_name, n, seed, span, subs) => {
    const input = records(n, seed, span, subs);
    const expected = input.slice().sort(byTime).map((r) => r.tag);
    const list = input.slice();
    sortByTime(list);
    expect(list.map((r) => r.tag)).toEqual(expected);
  });

  it('falls back to the comparator for times that do not fit the key', () => {
    const input: Rec[] = [
      { ms: 5.5, sub: 0, precision: 'ms', row: 2, tag: 0 },
      { ms: 1, sub: 0, precision: 'ms', row: 1, tag: 1 },
      { ms: Number.MAX_SAFE_INTEGER, sub: 0, precision: 'ms', row: 0, tag: 2 },
      { ms: -Number.MAX_SAFE_INTEGER, sub: 3, precision: 'ms', row: 3, tag: 3 },
    ];
    const list = input.slice();
    sortByTime(list);
    expect(list.map((r) => r.tag)).toEqual(input.slice().sort(byTime).map((r) => r.tag));
  });

  it('leaves an ordered list as it is', () => {
    const input = records(1000, 5, 1e6, 10).sort(byTime);
    const list = input.slice();
    sortByTime(list);
    expect(list).toEqual(input);
  });
});

describe('sortByTime on records in long runs (as read back from a case)', () => {
  it('orders three sorted runs exactly as sort(byTime) does', () => {
    const runs = [records(400, 7, 1e6, 3), records(300, 8, 1e6, 3), records(500, 9, 40, 1)].map((r) => r.sort(byTime));
    const input = runs.flat();
    const list = input.slice();
    sortByTime(list);
    expect(list.map((r) => r.tag)).toEqual(input.slice().sort(byTime).map((r) => r.tag));
  });
});
