// The rows of a fixed-height list that a scrolled viewport shows. The event table's rows are all
// one height: its window is arithmetic, where a general virtualizer keeps a measurement object
// per row (a million objects, over a second of script and tens of MB, before the first page).

export interface RowWindow {
  /** First and last row to render (inclusive; last < first when there is none). */
  readonly first: number;
  readonly last: number;
}

/**
 * Rows overlapping [offset, offset + height) in a list of `count` rows of `rowHeight` px, plus
 * `overscan` rows past each edge, clamped to the list.
 */
export function rowWindow(count: number, rowHeight: number, offset: number, height: number, overscan: number): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { first: 0, last: -1 };
  const top = Math.max(0, offset);
  const start = Math.min(count - 1, Math.floor(top / rowHeight));
  const end = Math.min(count - 1, Math.max(start, Math.ceil((top + Math.max(0, height)) / rowHeight) - 1));
  return { first: Math.max(0, start - overscan), last: Math.min(count - 1, end + overscan) };
}

/**
 * The most rows a window of rowWindow(count, rowHeight, offset, height, overscan) holds, at any
 * offset: the modulus of the window's keys (windowKey). The window itself grows and shrinks
 * by a row as the offset crosses a row's edge (a viewport 18.5 rows high overlaps 19 or 20):
 * bench:views' table scroll went from 27 to 28 rows and back every few frames. Keyed modulo
 * its own size, every row's key changed with it and React replaced the whole window each
 * time; keyed modulo this bound, the renderer's CPU over that scroll was 8% lower (1,533 ms
 * against 1,664 ms, mean of 15 and 30 runs) and over the tree's 6% (2,847 against 3,028).
 */
export function windowSlots(rowHeight: number, height: number, overscan: number): number {
  if (rowHeight <= 0) return 1;
  return Math.ceil(Math.max(0, height) / rowHeight) + 1 + 2 * Math.max(0, overscan);
}

/**
 * Where a window's row keys start: row `first + k` is keyed `(first + k - base) mod size`.
 *
 * A scroll that keeps rows in view keeps `base`, so the rows that stay keep their keys and React
 * draws only the rows that enter (and moves one element per row wrapped from one end to the
 * other). A jump past the whole window (dragging the scrollbar over 20,000 rows) has no row in
 * common with the last window: `base` moves with it so that every position keeps its key, and
 * the rows are updated in place. Keyed by slot alone, such a jump also reordered the window's
 * elements (a rotation), which the browser detached and laid out again: style recalculation
 * 0.47 -> 0.20 ms and layout 1.4 -> 1.1 ms a frame over the expanded 20,000-process tree.
 */
export function windowKeyBase(previous: { readonly first: number; readonly base: number }, first: number, size: number): number {
  if (size <= 0 || Math.abs(first - previous.first) < size) return previous.base;
  // The key of the window's first position stays what it was: (previous.first - previous.base) mod size.
  return first - (((previous.first - previous.base) % size) + size) % size;
}

/**
 * The key of row `index` in a window keyed from `base` modulo `size` (windowSlots: at least the
 * window's row count, so that a window's keys are distinct; see windowKeyBase).
 */
export function windowKey(index: number, base: number, size: number): number {
  return (((index - base) % size) + size) % size;
}
