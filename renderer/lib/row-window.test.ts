import { describe, expect, it } from 'vitest';
import { rowWindow } from './row-window.js';

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
