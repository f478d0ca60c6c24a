// Answers the engine keeps between API calls (the overview's counts, histograms, filter totals,
// the findings summary): each scans the whole case, so it is computed once per "stamp" — the
// things it was computed from (the store, its data version, …) — and asked again when the stamp
// moves. Concurrent callers share one computation; a failed one is not kept.

interface Kept<T> {
  readonly stamp: readonly unknown[];
  readonly value: Promise<T>;
}

function sameStamp(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export class KeptAnswers<T> {
  private readonly entries = new Map<string, Kept<T>>();

  /** @param limit keys kept at most (past it everything is forgotten: filters come and go). */
  constructor(private readonly limit: number) {}

  /**
   * The answer kept for `key` at this `stamp` (compared item by item with `===`), else a new one
   * from `compute`, kept unless `keep` is false (an answer that is only provisional).
   */
  answer(key: string, stamp: readonly unknown[], compute: () => Promise<T>, keep = true): Promise<T> {
    const kept = this.entries.get(key);
    if (kept && sameStamp(kept.stamp, stamp)) return kept.value;
    const value = compute();
    if (keep) {
      if (this.entries.size >= this.limit && !this.entries.has(key)) this.entries.clear();
      const entry = { stamp, value };
      this.entries.set(key, entry);
      value.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
