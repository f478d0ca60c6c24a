// Strings stored one after the other in one text (or byte buffer), with where each ends: the
// ingest's prepared rows, a chain page's times and reasons, a chain's event-id ranges.

/** Where value k starts: where value k - 1 ends (0 for the first). */
export function valueStart(ends: ArrayLike<number>, k: number): number {
  return k === 0 ? 0 : (ends[k - 1] as number);
}
