import { describe, expect, it } from 'vitest';
import { loadInPages, type Page } from './paged-list.js';

/** Pages of `list()` that answer out of order (later requests sometimes first). */
function pager(list: () => readonly number[]) {
  const asked: number[] = [];
  let turn = 0;
  let whole = 0;
  return {
    asked,
    whole: () => whole,
    page: async (offset: number, limit: number): Promise<Page<number>> => {
      asked.push(offset);
      const items = list();
      await new Promise((done) => setTimeout(done, (turn++ % 3) * 2));
      return { total: items.length, offset, items: items.slice(offset, offset + limit) };
    },
    all: async () => {
      whole++;
      return list();
    },
  };
}

describe('loadInPages', () => {
  it('joins pages that answer out of order, in order, one request per page', async () => {
    for (const n of [0, 1, 9, 10, 11, 95]) {
      const list = Array.from({ length: n }, (_, i) => i);
      const p = pager(() => list);
      expect(await loadInPages(p.page, p.all, 10), `n ${n}`).toEqual(list);
      expect([...p.asked].sort((a, b) => a - b)).toEqual(Array.from({ length: Math.max(1, Math.ceil(n / 10)) }, (_, i) => i * 10));
      expect(p.whole()).toBe(0);
    }
  });

  it('asks for the whole list when it changed between pages, so no answer mixes two lists', async () => {
    let calls = 0;
    const p = pager(() => Array.from({ length: calls++ === 0 ? 25 : 30 }, (_, i) => i));
    expect(await loadInPages(p.page, p.all, 10)).toHaveLength(30);
    expect(p.whole()).toBe(1);
  });
});
