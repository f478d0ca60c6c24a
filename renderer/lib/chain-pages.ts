// A session's chain, loaded in pages (getSessionChainPage). A busy session's chain is 150,000
// steps, 37 MB of JSON: one answer that size took the page over a second to parse and collect
// (two tasks of 500-650 ms and a 60 ms mark-compact). Pages of about half a megabyte are parsed
// one per task, and the page keeps drawing in between.

import type { ChainlineApi, ChainStep } from '../../shared/api.js';
import { loadInPages, pooled } from './paged-list.js';

/** Steps per request: about 0.5 MB of JSON (~240 bytes a step). */
export const CHAIN_PAGE_SIZE = 2000;

type ChainApi = Pick<ChainlineApi, 'getSessionChainPage' | 'getSessionChain'>;

/**
 * Points the repeated values of freshly parsed steps at one string each (`pool`, shared by the
 * pages of one chain): kinds and session ids are a handful of values, and a process's network
 * steps repeat its reason and id (the bench's busiest chain: 61,000 distinct reasons in 153,000
 * steps). JSON.parse makes a new string for every value; the copies die young instead of
 * filling the heap. The values are the same; the steps are never changed after this.
 */
export function shareRepeatedStepValues(steps: readonly ChainStep[], pool: Map<string, string>): void {
  for (const step of steps) {
    const s = step as { -readonly [K in keyof ChainStep]: ChainStep[K] };
    s.kind = pooled(pool, s.kind);
    s.sessionId = pooled(pool, s.sessionId);
    s.reason = pooled(pool, s.reason);
    if (s.processId !== null) s.processId = pooled(pool, s.processId);
  }
}

/** Every step of a session's chain, in getSessionChain's order. */
export function loadChain(api: ChainApi, sessionId: string, pageSize = CHAIN_PAGE_SIZE): Promise<readonly ChainStep[]> {
  const pool = new Map<string, string>();
  return loadInPages(
    async (offset, limit) => {
      const p = await api.getSessionChainPage({ sessionId, offset, limit });
      shareRepeatedStepValues(p.steps, pool);
      return { total: p.total, offset: p.offset, items: p.steps };
    },
    () => api.getSessionChain(sessionId),
    pageSize,
  );
}
