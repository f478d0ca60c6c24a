// The processes of a session or host, loaded in pages. A busy session has tens of thousands of
// processes (8.7 MB of JSON for 20,000): one answer that size is parsed in one task of hundreds
// of milliseconds, and the page freezes. Pages of about half a megabyte are parsed one per task,
// and the page keeps drawing in between.

import type { ChainlineApi, ProcessPageRequest, ProcessRow } from '../../shared/api.js';
import { loadInPages, pooled, type Page } from './paged-list.js';

/** Rows per request: about 0.45 MB of JSON, parsed in a few ms. */
export const PROCESS_PAGE_SIZE = 1000;

type ProcessApi = Pick<ChainlineApi, 'getProcessPage' | 'getSessionProcesses' | 'getHostProcesses'>;

/** The fields whose values repeat across a session's processes (a handful of distinct values). */
const REPEATED = ['host', 'image', 'user', 'logonId', 'sessionId', 'integrity', 'elevation', 'parentBasis'] as const;
const NO_CANDIDATES: readonly string[] = Object.freeze([]);

/**
 * Points the repeated values of freshly parsed rows at one string each (`pool`, shared by the
 * pages of one list), and every empty candidate list at one frozen array. JSON.parse makes a
 * new string for every value: the 20,000 processes of a busy session held ~460 bytes a row,
 * ~300 with this (node, the bench's rows), and the copies die young instead of being copied by
 * every scavenge while the pages arrive (the long GC pauses of the tree's opening, issue 6).
 * The values are the same; the rows are never changed after this (ProcessRow is readonly).
 */
export function shareRepeatedValues(rows: readonly ProcessRow[], pool: Map<string, string>): void {
  for (const row of rows) {
    const r = row as { -readonly [K in keyof ProcessRow]: ProcessRow[K] };
    for (const key of REPEATED) {
      const v = r[key];
      if (typeof v !== 'string') continue;
      const kept = pooled(pool, v);
      if (kept !== v) (r as Record<string, unknown>)[key] = kept;
    }
    if (r.candidates.length === 0 && r.candidates !== NO_CANDIDATES) r.candidates = NO_CANDIDATES;
  }
}

/**
 * Every process of a session, host or chain (ProcessPageRequest), in the order the engine gives
 * them. A list that changed between pages (a new analysis) is asked for again: whole for a
 * session or host, in pages once more for a chain (which has no whole answer).
 */
export function loadProcesses(
  api: ProcessApi,
  scope: ProcessPageRequest['scope'],
  id: string,
  pageSize = PROCESS_PAGE_SIZE,
): Promise<readonly ProcessRow[]> {
  const pool = new Map<string, string>();
  const page = async (offset: number, limit: number): Promise<Page<ProcessRow>> => {
    const p = await api.getProcessPage({ scope, id, offset, limit });
    shareRepeatedValues(p.rows, pool);
    return { total: p.total, offset: p.offset, items: p.rows };
  };
  return loadInPages(page, () => wholeList(api, scope, id, page, pageSize), pageSize);
}

function wholeList(
  api: ProcessApi,
  scope: ProcessPageRequest['scope'],
  id: string,
  page: (offset: number, limit: number) => Promise<Page<ProcessRow>>,
  pageSize: number,
): Promise<readonly ProcessRow[]> {
  switch (scope) {
    case 'session':
      return api.getSessionProcesses(id);
    case 'host':
      return api.getHostProcesses(id);
    case 'chain':
      // No whole answer for a chain: its pages once more, and no third time.
      return loadInPages(page, () => Promise.reject(new Error(`the processes of session ${id}'s chain changed while they were loaded`)), pageSize);
    default: {
      const unknownScope: never = scope;
      throw new Error(`no process scope ${String(unknownScope)}`);
    }
  }
}
