// Ids ordered as people read them (`p2` before `p10`, `s9` before `s10`): the tie-break of the
// process tree's and the sessions list's sorts.

/**
 * What `a.localeCompare(b, 'en', { numeric: true })` does, with one collator: localeCompare with
 * options builds a new one on every call (the ties of a large tree's or session list's sort).
 */
let collator: Intl.Collator | null = null;

export function compareIds(a: string, b: string): number {
  return (collator ??= new Intl.Collator('en', { numeric: true })).compare(a, b);
}
