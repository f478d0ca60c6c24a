import { describe, expect, it } from 'vitest';
import { rowWindow, windowKey, windowKeyBase } from './row-window.js';

describe('rowWindow', () => {
  it('covers the rows the viewport overlaps, plus the overscan, within the list', () => {
    expect(rowWindow(1_000_000, 24, 0, 600, 4)).toEqual({ first: 0, last: 28 });
    // 100 px down: rows 4 (96..120) to 29 (696..720) overlap 100..700.
    expect(rowWindow(1_000_000, 24, 100, 600, 0)).toEqual({ first: 4, last: 29 });
    expect(rowWindow(1_000_000, 24, 100, 600, 4)).toEqual({ first: 0, last: 33 });
    // The bottom of a million rows.
    expect(rowWindow(1_000_000, 24, 24_000_000 - 600, 600, 4)).toEqual({ first: 999_971, last: 999_999 });
  });

  it('handles short and empty lists, an unmeasured viewport and an offset past the end', () => {
    expect(rowWindow(3, 24, 0, 600, 4)).toEqual({ first: 0, last: 2 });
    expect(rowWindow(0, 24, 0, 600, 4)).toEqual({ first: 0, last: -1 });
    expect(rowWindow(10, 24, 0, 0, 0)).toEqual({ first: 0, last: 0 });
    expect(rowWindow(10, 24, 10_000, 600, 2)).toEqual({ first: 7, last: 9 });
  });
});

describe('windowKeyBase / windowKey', () => {
  const keys = (first: number, base: number, size: number) => Array.from({ length: size }, (_, k) => windowKey(first + k, base, size));

  it('keeps the keys of the rows that stay when the window moves less than its size', () => {
    const base = windowKeyBase({ first: 100, base: 0 }, 103, 10);
    expect(base).toBe(0);
    const before = keys(100, 0, 10);
    const after = keys(103, base, 10);
    // Rows 103..109 are in both windows, with the same keys.
    for (let r = 103; r <= 109; r++) expect(after[r - 103]).toBe(before[r - 100]);
  });

  it('keeps each position\u2019s key when the window jumps past itself, so nothing is reordered', () => {
    for (const [from, to] of [[100, 5000], [5000, 100], [0, 10], [7, 1_000_003]] as const) {
      const base = windowKeyBase({ first: from, base: 3 }, to, 10);
      expect(keys(to, base, 10), `${from} -> ${to}`).toEqual(keys(from, 3, 10));
    }
  });

  it('gives every row of a window a different key, whatever the base', () => {
    for (const base of [0, 7, -13, 1_000_001]) {
      expect(new Set(keys(42, base, 10)).size).toBe(10);
      expect(keys(42, base, 10).every((k) => k >= 0 && k < 10)).toBe(true);
    }
    expect(windowKeyBase({ first: 5, base: 2 }, 500, 0)).toBe(2);
  });
});
