/** A small least-recently-used map from page index to page. */
export class PageCache<T> {
  // A Map iterates in insertion order; re-inserting on access keeps the oldest entry first.
  private readonly map = new Map<number, T>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('PageCache capacity must be a positive integer');
  }

  get size(): number {
    return this.map.size;
  }

  /** Reads a page and marks it most recently used. */
  get(page: number): T | undefined {
    const value = this.map.get(page);
    if (value !== undefined) {
      this.map.delete(page);
      this.map.set(page, value);
    }
    return value;
  }

  /** Reads a page without changing its age. */
  peek(page: number): T | undefined {
    return this.map.get(page);
  }

  has(page: number): boolean {
    return this.map.has(page);
  }

  set(page: number, value: T): void {
    this.map.delete(page);
    this.map.set(page, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  clear(): void {
    this.map.clear();
  }

  keys(): number[] {
    return [...this.map.keys()];
  }

  /** Rewrites every entry in place (same age order). */
  mapValues(fn: (value: T, page: number) => T): void {
    for (const [k, v] of this.map) this.map.set(k, fn(v, k));
  }
}

export interface PageResult<T> {
  readonly total: number;
  readonly rows: readonly T[];
}

export type FetchPage<T> = (offset: number, limit: number) => Promise<PageResult<T>>;

interface CachedPage<T> {
  readonly rows: readonly T[];
  /** Shown until a refetch replaces it (live refresh while importing). */
  readonly stale: boolean;
}

export interface PagerOptions {
  readonly pageSize: number;
  readonly capacity: number;
  /** Called after a page arrives or the total changes. */
  readonly onChange: () => void;
  readonly onError: (error: unknown) => void;
  /** A failed page is not asked for again sooner than this (ms). */
  readonly retryAfterMs?: number;
  readonly now?: () => number;
  /**
   * At most this many page requests under way (default: no limit). The pages `ensureRange` asks
   * for past it wait, and only those of the latest range are still asked for when a request
   * ends: scrolling across a million rows must not queue a request for every page it passed,
   * each answered before the page that is finally on screen.
   */
  readonly maxInflight?: number;
}

/**
 * Serves rows of a server-side result by index, fetching fixed-size pages on demand.
 * The whole result never lives in memory: only the LRU of recent pages does. Responses that
 * belong to an older query (filter/sort changed) or an older refresh are dropped.
 */
export class Pager<T> {
  private readonly cache: PageCache<CachedPage<T>>;
  private readonly inflight = new Set<number>();
  private readonly failedAt = new Map<number, number>();
  /** Pages of the latest `ensureRange` waiting for a free request slot, nearest first. */
  private waiting: number[] = [];
  private generation = 0;
  private fetchPage: FetchPage<T> | null = null;
  private knownTotal: number | null = null;

  constructor(private readonly options: PagerOptions) {
    this.cache = new PageCache(options.capacity);
  }

  get pageSize(): number {
    return this.options.pageSize;
  }

  /** The total of the current query, or null until its first page arrives. */
  get total(): number | null {
    return this.knownTotal;
  }

  /** A new query: forget everything and fetch its first page (for the total). */
  reset(fetchPage: FetchPage<T>): void {
    this.generation++;
    this.fetchPage = fetchPage;
    this.cache.clear();
    this.inflight.clear();
    this.failedAt.clear();
    this.waiting = [];
    this.knownTotal = null;
    this.options.onChange();
    this.load(0);
  }

  /**
   * Same query, newer data (import in progress): keep showing what is cached, but refetch
   * the first page and whatever `ensureRange` asks for next.
   */
  refresh(): void {
    if (!this.fetchPage) return;
    this.generation++;
    this.inflight.clear();
    this.failedAt.clear();
    this.waiting = [];
    this.cache.mapValues((page) => (page.stale ? page : { rows: page.rows, stale: true }));
    this.load(0);
  }

  /** The row at `index`, or undefined while its page is loading. */
  rowAt(index: number): T | undefined {
    const page = Math.floor(index / this.options.pageSize);
    const cached = this.cache.peek(page);
    return cached?.rows[index - page * this.options.pageSize];
  }

  isLoaded(index: number): boolean {
    const cached = this.cache.peek(Math.floor(index / this.options.pageSize));
    return cached !== undefined && !cached.stale;
  }

  /** Makes sure rows `start..end` (inclusive) are loaded or loading; marks their pages recently used. */
  ensureRange(start: number, end: number): void {
    if (end < start) return;
    const first = Math.max(0, Math.floor(start / this.options.pageSize));
    const last = Math.floor(end / this.options.pageSize);
    const max = this.options.maxInflight ?? Infinity;
    const wanted: number[] = [];
    for (let page = first; page <= last; page++) {
      const cached = this.cache.get(page);
      if (cached === undefined || cached.stale) wanted.push(page);
    }
    // What an earlier range still waited for is no longer needed.
    this.waiting = [];
    for (const page of wanted) {
      if (this.inflight.has(page)) continue;
      if (this.inflight.size < max) this.load(page);
      else this.waiting.push(page);
    }
  }

  /** A request ended: ask for the next waiting page of the latest range. */
  private pump(): void {
    const max = this.options.maxInflight ?? Infinity;
    while (this.inflight.size < max && this.waiting.length > 0) {
      const page = this.waiting.shift() as number;
      const cached = this.cache.peek(page);
      if (cached === undefined || cached.stale) this.load(page);
    }
  }

  private load(page: number): void {
    const fetchPage = this.fetchPage;
    if (!fetchPage || this.inflight.has(page)) return;
    const failed = this.failedAt.get(page);
    const now = (this.options.now ?? Date.now)();
    if (failed !== undefined && now - failed < (this.options.retryAfterMs ?? 2000)) return;
    if (this.knownTotal !== null && page > 0 && page * this.options.pageSize >= this.knownTotal) return;
    const generation = this.generation;
    this.inflight.add(page);
    fetchPage(page * this.options.pageSize, this.options.pageSize).then(
      (result) => {
        if (generation !== this.generation) return;
        this.inflight.delete(page);
        this.failedAt.delete(page);
        this.cache.set(page, { rows: result.rows, stale: false });
        this.knownTotal = result.total;
        this.pump();
        this.options.onChange();
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.inflight.delete(page);
        this.failedAt.set(page, (this.options.now ?? Date.now)());
        this.pump();
        this.options.onError(error);
        this.options.onChange();
      },
    );
  }
}
