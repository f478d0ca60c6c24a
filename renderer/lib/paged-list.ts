// A list the engine answers in pages, loaded whole: a few requests in flight, every page parsed in
// a task of its own (a busy session's processes or chain is megabytes of JSON: one answer that
// size is parsed in one task of hundreds of milliseconds, and the page freezes).

import { mapPooled } from './map-pooled.js';

/**
 * The one string kept in `pool` equal to `v` (`v` itself, kept, when there is none yet): the
 * pages of one list point their repeated values at one string each, where JSON.parse made a
 * new one for every value.
 */
export function pooled(pool: Map<string, string>, v: string): string {
  const kept = pool.get(v);
  if (kept !== undefined) return kept;
  pool.set(v, v);
  return v;
}

/** Requests in flight at once: the next page is on its way while one is parsed. */
const IN_FLIGHT = 2;

export interface Page<T> {
  readonly total: number;
  readonly offset: number;
  readonly items: readonly T[];
}

/**
 * Every item of a paged list, in order. A list that changed between pages (a new analysis after
 * an import) is asked for again whole (`whole`), so the items never mix two analyses.
 */
export async function loadInPages<T>(
  page: (offset: number, limit: number) => Promise<Page<T>>,
  whole: () => Promise<readonly T[]>,
  pageSize: number,
): Promise<readonly T[]> {
  const first = await page(0, pageSize);
  if (first.items.length >= first.total) return first.items;
  const offsets: number[] = [];
  for (let o = first.items.length; o < first.total; o += pageSize) offsets.push(o);
  const pages: Page<T>[] = [first, ...(await mapPooled(offsets, IN_FLIGHT, (offset) => page(offset, pageSize)))];
  let at = 0;
  let consistent = true;
  for (const p of pages) {
    if (p.total !== first.total || p.offset !== at) consistent = false;
    at += p.items.length;
  }
  if (!consistent || at !== first.total) return whole();
  // One native flatMap, not an item-by-item push.
  return pages.flatMap((p) => p.items);
}

