import { describe, expect, it } from 'vitest';
import { normalizeHex } from '../../../../shared/normalize.js';
import { renderValue } from './json-shapes.js';

describe('hex values', () => {
  it('render exactly as normalizeHex does, with or without its work', () => {
    const cases = ['0x0', '0x00', '0x1', '0x01', '0xABC', '0xabc', '0XABC', '0X0', '0x0a', '0xa0', '0xAbC', '0x3e7', '0x003e7', '0x0000000000000000', '0x8020000000000000', '0xfF', '0xg1', '0x'];
    for (const c of cases) expect(renderValue(c, false)).toBe(normalizeHex(c));
    // A deterministic spread of prefixes, leading zeros and letter cases.
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      let s = next(2) ? '0x' : '0X';
      if (next(3) === 0) s += '0'.repeat(1 + next(3));
      for (let j = 0, len = 1 + next(8); j < len; j++) s += '0123456789abcdefABCDEF'[next(22)];
      expect(renderValue(s, false)).toBe(normalizeHex(s));
    }
  });
});
