import { describe, expect, it } from 'vitest';
import { ticksToIso } from '../../../shared/time.js';
import { splitTicks } from './input.js';
import { isoOf } from './time.js';

describe('isoOf', () => {
  it('gives the text of ticksToIso for every time, without BigInt arithmetic', () => {
    const samples: bigint[] = [0n, 1n, -1n, 9_999n, 10_000n, -10_000n, -10_001n, 9_999_999n, 10_000_000n, -10_000_000n, -10_000_001n];
    // 2024 with every sub-tick pattern, pre-1970, year 1601 (FILETIME zero), year 9999, far out of range.
    for (const base of [17_040_672_000_000_000n, -1_000_000_000_000n, -116_444_736_000_000_000n, 2_534_023_007_990_000_000n, 9_000_000_000_000_000_000n]) {
      for (const d of [0n, 1n, 9_999n, 10_000n, 12_345_678n, -1n, -9_999_999n]) samples.push(base + d);
    }
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      samples.push(17_000_000_000_000_000n + BigInt(seed) * 997n * (i % 2 === 0 ? 1n : -1n));
    }
    for (const ticks of samples) {
      // Twice: the second call goes through the cached date part.
      const t = splitTicks(ticks, '100ns');
      expect(isoOf(t), String(ticks)).toBe(ticksToIso(ticks));
      expect(isoOf(t), String(ticks)).toBe(ticksToIso(ticks));
    }
  });
});
