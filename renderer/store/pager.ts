import { EVENT_PAGE_ROWS, type EventRow } from '../../shared/api.js';
import { Pager } from '../lib/page-cache.js';

/** Rows per request; the virtualized table asks for the pages its visible window touches. */
export const PAGE_SIZE = EVENT_PAGE_ROWS;
/** ~10 000 rows kept in memory, whatever the size of the result. */
export const PAGE_CAPACITY = 20;

type Hooks = { onChange(): void; onError(e: unknown): void };
let hooks: Hooks = { onChange() {}, onError() {} };

export function setPagerHooks(h: Hooks): void {
  hooks = h;
}

/** The one pager of the event table; mutable, outside the store (only its tick is state). */
export const eventPager = new Pager<EventRow>({
  pageSize: PAGE_SIZE,
  capacity: PAGE_CAPACITY,
  // Two requests at a time: a fast scroll asks only for where it stopped, not every page it passed.
  maxInflight: 2,
  onChange: () => hooks.onChange(),
  onError: (e) => hooks.onError(e),
});
