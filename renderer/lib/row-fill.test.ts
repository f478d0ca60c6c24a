import { describe, expect, it } from 'vitest';
import { heldFills } from './row-fill.js';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, k) => a + k);

describe('heldFills', () => {
  it('fills the viewport first, top down, then the overscan below, then above', () => {
    // Window 96..130, viewport 100..126, all placeholders, all ready.
    const was = new Set(range(96, 130));
    const ready = () => true;
    const held = (budget: number) => [...heldFills(96, 130, 100, 126, ready, was, budget)].sort((a, b) => a - b);
    expect(held(10)).toEqual([...range(96, 99), ...range(110, 130)]);
    expect(held(27)).toEqual([...range(96, 99), ...range(127, 130)]);
    expect(held(31)).toEqual(range(96, 99));
    // The overscan above is filled nearest first.
    expect(held(33)).toEqual([96, 97]);
    expect(held(35)).toEqual([]);
    expect(held(0)).toEqual(range(96, 130));
  });

  it('counts only rows that were placeholders and are ready now', () => {
    // 100..104 were placeholders; 105..110 entered the window with their data; 102 is not in yet.
    const was = new Set(range(100, 104));
    const ready = (i: number) => i !== 102;
    expect([...heldFills(100, 110, 100, 110, ready, was, 3)]).toEqual([104]);
    expect([...heldFills(100, 110, 100, 110, ready, was, 2)]).toEqual([103, 104]);
    expect([...heldFills(100, 110, 100, 110, ready, was, 4)]).toEqual([]);
    expect([...heldFills(100, 110, 100, 110, ready, new Set(), 0)]).toEqual([]);
  });

  it('handles a window at the top or bottom edge and an empty window', () => {
    const was = new Set(range(0, 20));
    expect([...heldFills(0, 20, 0, 16, () => true, was, 17)].sort((a, b) => a - b)).toEqual(range(17, 20));
    expect([...heldFills(80, 99, 84, 99, () => true, new Set(range(80, 99)), 16)].sort((a, b) => a - b)).toEqual(range(80, 83));
    expect(heldFills(0, -1, 0, -1, () => true, was, 0).size).toBe(0);
  });
});
