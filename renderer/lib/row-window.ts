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
