// A session's chain, loaded in pages (getSessionChainPage). A busy session's chain is 150,000
// steps, 37 MB of JSON: one answer that size took the page over a second to parse and collect
// (two tasks of 500-650 ms and a 60 ms mark-compact). Pages of about half a megabyte are parsed
// one per task, and the page keeps drawing in between. Each page comes as columns (ChainPage)
// and goes into the chain's columns (chain-table.ts) in the task that parsed it.

import type { ChainlineApi, ChainPage } from '../../shared/api.js';
import { ChainPageError, ChainTable, ChainTableBuilder } from './chain-table.js';
import { loadPages } from './paged-list.js';

/** Steps per request: about 0.5 MB of JSON (~240 bytes a step). */
export const CHAIN_PAGE_SIZE = 2000;

type ChainApi = Pick<ChainlineApi, 'getSessionChainPage' | 'getSessionChain'>;

/** Every step of a session's chain, in getSessionChain's order. */
export async function loadChain(api: ChainApi, sessionId: string, pageSize = CHAIN_PAGE_SIZE): Promise<ChainTable> {
  // Pages can answer out of order (two requests are in flight): each is appended once the pages
  // before it are in, so one builder serves them all; a page that answers early waits as
  // objects (one page at most).
  const built: { builder: ChainTableBuilder | null; broken: boolean } = { builder: null, broken: false };
  const waiting = new Map<number, ChainPage>();
  const pages = await loadPages(async (offset, limit) => {
    const p = await api.getSessionChainPage({ sessionId, offset, limit });
    // Sized once, by the first answer's total (every page carries it).
    const b = (built.builder ??= new ChainTableBuilder(p.total));
    waiting.set(p.offset, p);
    // Append every page now in turn (this one, and any that waited for it). A page that does not
    // follow (its reasons are numbered across the chain: one of a chain that changed between
    // pages) stops the appending, and the chain is asked for whole.
    try {
      for (let next = waiting.get(b.length); next !== undefined && !built.broken; next = waiting.get(b.length)) {
        waiting.delete(b.length);
        b.addPage(next);
      }
    } catch (e) {
      if (!(e instanceof ChainPageError)) throw e;
      built.broken = true;
    }
    return { total: p.total, offset: p.offset, count: p.count, value: null };
  }, pageSize);
  if (pages === null || built.broken || waiting.size > 0 || built.builder === null) return ChainTable.fromSteps(await api.getSessionChain(sessionId));
  return built.builder.finish();
}
