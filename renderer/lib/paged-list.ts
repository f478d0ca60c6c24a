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

/** One page of a list as its loader keeps it: `count` items, held as `value`. */
export interface HeldPage<P> {
  readonly total: number;
  readonly offset: number;
  readonly count: number;
  readonly value: P;
}

/**
 * The pages of a paged list, in order, each as `page` made it, or null when the list changed
 * between pages (a new analysis after an import): a page may turn its items into something
 * smaller as soon as it is parsed (the chain's columns), so the parsed objects die young.
 */
export async function loadPages<P>(page: (offset: number, limit: number) => Promise<HeldPage<P>>, pageSize: number): Promise<P[] | null> {
  const first = await page(0, pageSize);
  if (first.count >= first.total) return [first.value];
  const offsets: number[] = [];
  for (let o = first.count; o < first.total; o += pageSize) offsets.push(o);
  const pages: HeldPage<P>[] = [first, ...(await mapPooled(offsets, IN_FLIGHT, (offset) => page(offset, pageSize)))];
  let at = 0;
  for (const p of pages) {
    if (p.total !== first.total || p.offset !== at) return null;
    at += p.count;
  }
  return at === first.total ? pages.map((p) => p.value) : null;
}

/**
 * Every item of a paged list, in order. A list that changed between pages is asked for again
 * whole (`whole`), so the items never mix two analyses.
 */
export async function loadInPages<T>(
  page: (offset: number, limit: number) => Promise<Page<T>>,
  whole: () => Promise<readonly T[]>,
  pageSize: number,
): Promise<readonly T[]> {
  const pages = await loadPages(async (offset, limit) => {
    const p = await page(offset, limit);
    return { total: p.total, offset: p.offset, count: p.items.length, value: p.items };
  }, pageSize);
  if (pages === null) return whole();
  // One native flat, not an item-by-item push.
  return pages.length === 1 ? pages[0]! : pages.flat();
}
