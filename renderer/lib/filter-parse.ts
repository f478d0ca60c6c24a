import { API_LIMITS } from '../../shared/api.js';

export interface ParsedEventIds {
  /** Distinct ids in the order typed. */
  readonly ids: readonly number[];
  /** Tokens that are not event ids (shown to the user, not sent). */
  readonly invalid: readonly string[];
}

const MAX_EVENT_ID = 65535;

/**
 * Parses the event-id filter box: ids separated by commas and/or whitespace ("4624, 4688"),
 * and short ranges ("4624-4634"). Ranges are capped so one typo cannot ask for 65 536 ids.
 */
export function parseEventIds(input: string): ParsedEventIds {
  // The empty box (every start-up's first query) without the token regexes: their first use
  // compiles them, tens of ms of the first screen on a slow machine.
  if (input.trim() === '') return { ids: [], invalid: [] };
  const ids: number[] = [];
  const seen = new Set<number>();
  const invalid: string[] = [];
  const add = (n: number): void => {
    if (!seen.has(n) && ids.length < API_LIMITS.maxFilterItems) {
      seen.add(n);
      ids.push(n);
    }
  };
  for (const token of input.split(/[\s,;]+/)) {
    if (token === '') continue;
    const single = /^\d{1,5}$/.exec(token);
    if (single) {
      const n = Number(token);
      if (n <= MAX_EVENT_ID) add(n);
      else invalid.push(token);
      continue;
    }
    const range = /^(\d{1,5})-(\d{1,5})$/.exec(token);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (a <= b && b <= MAX_EVENT_ID && b - a < 1000) {
        for (let n = a; n <= b; n++) add(n);
      } else invalid.push(token);
      continue;
    }
    invalid.push(token);
  }
  return { ids, invalid };
}

/** Free text as the API accepts it: no NUL, at most maxFilterText characters, trimmed. */
export function normalizeFilterText(input: string): string {
  return (input.includes('\u0000') ? input.replace(/\u0000/g, '') : input).trim().slice(0, API_LIMITS.maxFilterText);
}
