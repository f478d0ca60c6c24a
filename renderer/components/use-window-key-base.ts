import { useRef } from 'react';
import { windowKeyBase } from '../lib/row-window.js';

/**
 * The key base of a window of rows (first row `first`, `size` rows) for windowKey: kept from
 * render to render, moved on a jump past the whole window (row-window.ts).
 */
export function useWindowKeyBase(first: number, size: number): number {
  const last = useRef({ first: 0, base: 0 });
  const base = windowKeyBase(last.current, first, size);
  // Written during render: a render React discards leaves only a less useful base behind, and
  // the keys of any one render are distinct whatever the base.
  last.current = { first, base };
  return base;
}
