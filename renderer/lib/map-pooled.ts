// Many requests, a few at a time: the process pages of a busy session, and the findings or
// chains of a busy session's sessions. Hundreds of fetches started in one task hold the page.

/** `task` over every item, at most `limit` running at once; the results in the items' order. */
export async function mapPooled<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}
