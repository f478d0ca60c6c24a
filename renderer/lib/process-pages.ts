// The processes of a session or host, loaded in pages. A busy session has tens of thousands of
// processes (8.7 MB of JSON for 20,000): one answer that size is parsed in one task of hundreds
// of milliseconds, and the page freezes. Pages of about half a megabyte are parsed one per task,
// and the page keeps drawing in between.

import type { ChainlineApi, ProcessPageRequest, ProcessRow } from '../../shared/api.js';
import { mapPooled } from './map-pooled.js';

/** Rows per request: about 0.45 MB of JSON, parsed in a few ms. */
export const PROCESS_PAGE_SIZE = 1000;
/** Requests in flight at once: the next page is on its way while one is parsed. */
const IN_FLIGHT = 2;

interface Page<T> {
  readonly total: number;
  readonly offset: number;
  readonly items: readonly T[];
}

/**
 * Every item of a paged list, in order. A list that changed between pages (a new analysis after
 * an import) is asked for again whole (`whole`), so the items never mix two analyses.
 */
async function loadInPages<T>(
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

type ProcessApi = Pick<ChainlineApi, 'getProcessPage' | 'getSessionProcesses' | 'getHostProcesses'>;

/** Every process of a session or host, in the order getSessionProcesses / getHostProcesses give them. */
export function loadProcesses(
  api: ProcessApi,
  scope: ProcessPageRequest['scope'],
  id: string,
  pageSize = PROCESS_PAGE_SIZE,
): Promise<readonly ProcessRow[]> {
  return loadInPages(
    async (offset, limit) => {
      const p = await api.getProcessPage({ scope, id, offset, limit });
      return { total: p.total, offset: p.offset, items: p.rows };
    },
    () => (scope === 'session' ? api.getSessionProcesses(id) : api.getHostProcesses(id)),
    pageSize,
  );
}
