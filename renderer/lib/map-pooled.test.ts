import { describe, expect, it } from 'vitest';
import { mapPooled } from './map-pooled.js';

describe('mapPooled', () => {
  it('keeps the order of the items and at most `limit` tasks running', async () => {
    let running = 0;
    let most = 0;
    const out = await mapPooled(Array.from({ length: 20 }, (_, i) => i), 3, async (i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      running--;
      return i * 2;
    });
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(most).toBe(3);
    expect(await mapPooled([], 3, async () => 1)).toEqual([]);
  });
});
