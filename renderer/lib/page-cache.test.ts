import { describe, expect, it } from 'vitest';
import { PageCache, Pager, type PageResult } from './page-cache.js';

describe('PageCache', () => {
  it('evicts the least recently used page beyond capacity', () => {
    const c = new PageCache<string>(3);
    c.set(0, 'a');
    c.set(1, 'b');
    c.set(2, 'c');
    c.get(0); // 0 is now the newest; 1 the oldest
    c.set(3, 'd');
    expect(c.has(1)).toBe(false);
    expect(c.keys().sort()).toEqual([0, 2, 3]);
    expect(c.size).toBe(3);
  });
  it('peek does not refresh age', () => {
    const c = new PageCache<string>(2);
    c.set(0, 'a');
    c.set(1, 'b');
    c.peek(0);
    c.set(2, 'c');
    expect(c.has(0)).toBe(false);
    expect(c.peek(1)).toBe('b');
  });
  it('rejects a non-positive capacity', () => {
    expect(() => new PageCache(0)).toThrow();
  });
});

interface Deferred {
  readonly offset: number;
  readonly limit: number;
  resolve(r: PageResult<number>): void;
  reject(e: unknown): void;
}

function harness(pageSize = 10, capacity = 4, maxInflight?: number) {
  const calls: Deferred[] = [];
  const errors: unknown[] = [];
  let changes = 0;
  let clock = 0;
  const pager = new Pager<number>({
    pageSize,
    capacity,
    onChange: () => void changes++,
    onError: (e) => void errors.push(e),
    retryAfterMs: 1000,
    now: () => clock,
    ...(maxInflight !== undefined ? { maxInflight } : {}),
  });
  const fetchPage = (offset: number, limit: number) =>
    new Promise<PageResult<number>>((resolve, reject) => calls.push({ offset, limit, resolve, reject }));
  // A result of `total` rows whose value is its index (+ base, to tell queries apart).
  const answer = (d: Deferred, total: number, base = 0) => {
    const rows: number[] = [];
    for (let i = d.offset; i < Math.min(total, d.offset + d.limit); i++) rows.push(base + i);
    d.resolve({ total, rows });
  };
  return {
    pager, calls, errors, fetchPage, answer,
    get changes() { return changes; },
    advance(ms: number) { clock += ms; },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Pager', () => {
  it('fetches the first page on reset and learns the total', async () => {
    const h = harness();
    h.pager.reset(h.fetchPage);
    expect(h.calls.map((c) => c.offset)).toEqual([0]);
    expect(h.pager.total).toBeNull();
    h.answer(h.calls[0]!, 1_000_000);
    await flush();
    expect(h.pager.total).toBe(1_000_000);
    expect(h.pager.rowAt(7)).toBe(7);
    expect(h.pager.rowAt(10)).toBeUndefined();
  });

  it('fetches only the pages of the visible window, once each', async () => {
    const h = harness();
    h.pager.reset(h.fetchPage);
    h.answer(h.calls[0]!, 1_000_000);
    await flush();
    h.pager.ensureRange(500_005, 500_025);
    h.pager.ensureRange(500_005, 500_025); // in flight: no duplicates
    expect(h.calls.slice(1).map((c) => c.offset)).toEqual([500_000, 500_010, 500_020]);
    for (const c of h.calls.slice(1)) h.answer(c, 1_000_000);
    await flush();
    expect(h.pager.rowAt(500_019)).toBe(500_019);
    h.pager.ensureRange(500_005, 500_025);
    expect(h.calls.length).toBe(4);
  });

  it('keeps at most `capacity` pages', async () => {
    const h = harness(10, 2);
    h.pager.reset(h.fetchPage);
    h.answer(h.calls[0]!, 100);
    await flush();
    h.pager.ensureRange(50, 50);
    h.pager.ensureRange(90, 90);
    for (const c of h.calls.slice(1)) h.answer(c, 100);
    await flush();
    expect(h.pager.rowAt(3)).toBeUndefined(); // page 0 evicted
    expect(h.pager.rowAt(95)).toBe(95);
  });

  it('does not ask for pages past the end of the result', async () => {
    const h = harness();
    h.pager.reset(h.fetchPage);
    h.answer(h.calls[0]!, 15);
    await flush();
    h.pager.ensureRange(0, 40);
    expect(h.calls.map((c) => c.offset)).toEqual([0, 10]);
  });

  it('drops responses of a previous query', async () => {
    const h = harness();
    h.pager.reset(h.fetchPage);
    const old = h.calls[0]!;
    h.pager.reset(h.fetchPage);
    h.answer(h.calls[1]!, 50, 1000);
    h.answer(old, 999);
    await flush();
    expect(h.pager.total).toBe(50);
    expect(h.pager.rowAt(0)).toBe(1000);
  });

  it('refresh keeps showing stale rows until the refetch arrives', async () => {
    const h = harness();
    h.pager.reset(h.fetchPage);
    h.answer(h.calls[0]!, 5);
    await flush();
    h.pager.refresh();
    expect(h.pager.rowAt(2)).toBe(2);
    expect(h.pager.isLoaded(2)).toBe(false);
    h.answer(h.calls[1]!, 8, 100);
    await flush();
    expect(h.pager.total).toBe(8);
    expect(h.pager.rowAt(2)).toBe(102);
    expect(h.pager.isLoaded(2)).toBe(true);
  });

  it('reports errors and retries a failed page only after a pause', async () => {
    const h = harness();
    h.pager.reset(h.fetchPage);
    h.calls[0]!.reject(new Error('boom'));
    await flush();
    expect(h.errors.length).toBe(1);
    h.pager.ensureRange(0, 5);
    expect(h.calls.length).toBe(1);
    h.advance(1500);
    h.pager.ensureRange(0, 5);
    expect(h.calls.length).toBe(2);
  });

  it('with maxInflight, asks only for the latest range when a request ends', async () => {
    const h = harness(10, 8, 2);
    h.pager.reset(h.fetchPage);
    h.answer(h.calls[0]!, 1_000_000);
    await flush();
    // A scroll passes three windows while two requests are under way.
    h.pager.ensureRange(100, 125); // pages 10, 11, 12
    expect(h.calls.slice(1).map((c) => c.offset)).toEqual([100, 110]);
    h.pager.ensureRange(5000, 5015); // pages 500, 501: wait
    h.pager.ensureRange(9000, 9015); // pages 900, 901: replace what waited
    expect(h.calls.length).toBe(3);
    h.answer(h.calls[1]!, 1_000_000);
    await flush();
    expect(h.calls.slice(3).map((c) => c.offset)).toEqual([9000]);
    h.answer(h.calls[2]!, 1_000_000);
    await flush();
    expect(h.calls.slice(3).map((c) => c.offset)).toEqual([9000, 9010]);
    for (const c of h.calls.slice(3)) h.answer(c, 1_000_000);
    await flush();
    expect(h.pager.rowAt(9015)).toBe(9015);
    expect(h.pager.rowAt(5000)).toBeUndefined();
    expect(h.calls.length).toBe(5);
  });
});
