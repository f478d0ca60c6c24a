import { describe, expect, it } from 'vitest';
import { groupDigits } from './group-digits.js';

describe('groupDigits', () => {
  it('writes what Intl.NumberFormat("en-US") writes', () => {
    const intl = new Intl.NumberFormat('en-US');
    const values = [0, -0, 1, 9, 10, 99, 100, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 1_234_567, -1, -999, -1000, -1_234_567,
      Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 60, 1.5, -2.25, 1234.5678, NaN, Infinity, -Infinity];
    let x = 1;
    for (let i = 0; i < 2000; i++) {
      x = (x * 48271) % 2147483647;
      values.push(x % 10 ** (1 + (i % 16)), -(x % 10 ** (1 + (i % 9))));
    }
    for (const v of values) expect(groupDigits(v), String(v)).toBe(intl.format(v));
  });
});
