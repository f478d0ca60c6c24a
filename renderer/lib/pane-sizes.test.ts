import { describe, expect, it } from 'vitest';
import { clampSize } from './pane-sizes.js';

describe('remembered pane sizes', () => {
  it('clamps what was stored and falls back on garbage', () => {
    expect(clampSize('0.4', 0.15, 0.85, 0.5)).toBe(0.4);
    expect(clampSize('2', 0.15, 0.85, 0.5)).toBe(0.85);
    expect(clampSize('-1', 0.15, 0.85, 0.5)).toBe(0.15);
    expect(clampSize(null, 0.15, 0.85, 0.5)).toBe(0.5);
    expect(clampSize('abc', 200, 600, 360)).toBe(360);
    expect(clampSize(420, 200, 600, 360)).toBe(420);
  });
});
