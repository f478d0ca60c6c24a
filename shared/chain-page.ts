// A page of a session's chain as columns (ChainPage): written by the engine (and by the renderer
// for a chain it asked for whole), read by the renderer (renderer/lib/chain-table.ts). Pure.

import type { ChainPage, ChainStep } from './api.js';
import { valueStart } from './value-ends.js';

/** The distinct values of a column, numbered in the order first seen. */
export interface ValueDictionary {
  readonly values: readonly string[];
  /** The value's number (a new one for a value not seen before). */
  id(value: string): number;
}

/** A new, empty ValueDictionary. */
export function dictionary(): ValueDictionary {
  const index = new Map<string, number>();
  const values: string[] = [];
  return {
    values,
    id(value) {
      let k = index.get(value);
      if (k === undefined) {
        k = values.length;
        index.set(value, k);
        values.push(value);
      }
      return k;
    },
  };
}

/**
 * A chain's reasons numbered chain-wide, in the order first given: a busy session's network
 * steps repeat their process's reason across the whole chain (153,000 steps, 61,000 distinct
 * reasons, 140,000 when counted page by page), so a page sends only the reasons no earlier page
 * gave, and the renderer appends them without looking any up.
 */
interface ChainReasons {
  /** Each step's reason number. */
  readonly ids: Uint32Array;
  readonly values: readonly string[];
  /** The step that first gives reason k, ascending in k. */
  readonly firstStep: Uint32Array;
}

/** Per chain (the engine keeps a chain's steps as one array and never changes them). */
const numbered = new WeakMap<readonly ChainStep[], ChainReasons>();

function chainReasons(chain: readonly ChainStep[]): ChainReasons {
  const kept = numbered.get(chain);
  if (kept) return kept;
  const reasons = dictionary();
  const ids = new Uint32Array(chain.length);
  const first: number[] = [];
  for (let i = 0; i < chain.length; i++) {
    const known = reasons.values.length;
    const k = reasons.id(chain[i]!.reason);
    if (k === known) first.push(i);
    ids[i] = k;
  }
  const made: ChainReasons = { ids, values: reasons.values, firstStep: Uint32Array.from(first) };
  numbered.set(chain, made);
  return made;
}

/** How many reasons the steps before `step` give. */
function reasonsBefore(r: ChainReasons, step: number): number {
  let lo = 0;
  let hi = r.firstStep.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (r.firstStep[mid]! < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where each string ends when they are joined. */
function endsOf(values: readonly string[]): number[] {
  const ends: number[] = [];
  let end = 0;
  for (const v of values) ends.push((end += v.length));
  return ends;
}

/** The strings of a text and where each ends (a page's times or reasons). */
function split(text: string, ends: readonly number[]): string[] {
  return ends.map((end, k) => text.slice(valueStart(ends, k), end));
}

/** The page of `chain` of at most `limit` steps from `offset`, as columns. */
export function chainPageOf(chain: readonly ChainStep[], offset: number, limit: number): ChainPage {
  const steps = chain.slice(offset, offset + limit);
  const from = Math.min(offset, chain.length);
  const to = from + steps.length;
  const r = chainReasons(chain);
  const reasonBase = reasonsBefore(r, from);
  const fresh = r.values.slice(reasonBase, reasonsBefore(r, to));
  const kinds = dictionary();
  const sessions = dictionary();
  const processes = dictionary();
  const eventEnds: number[] = [];
  const eventIds: number[] = [];
  for (const s of steps) {
    for (const id of s.eventIds) eventIds.push(id);
    eventEnds.push(eventIds.length);
  }
  const times = steps.map((s) => s.time);
  return {
    total: chain.length,
    offset,
    count: steps.length,
    time: times.join(''),
    timeEnds: endsOf(times),
    kind: steps.map((s) => kinds.id(s.kind)),
    kinds: kinds.values,
    session: steps.map((s) => sessions.id(s.sessionId)),
    sessions: sessions.values,
    reason: Array.from(r.ids.subarray(from, to)),
    reasonBase,
    reasons: fresh.join(''),
    reasonEnds: endsOf(fresh),
    process: steps.map((s) => (s.processId === null ? -1 : processes.id(s.processId))),
    processes: processes.values,
    eventEnds,
    eventIds,
  };
}

/**
 * The steps of a chain's pages, given in order from the first (tests): a page's reasons may
 * have been given by an earlier page.
 */
export function chainPageSteps(pages: readonly ChainPage[]): ChainStep[] {
  const reasons: string[] = [];
  const steps: ChainStep[] = [];
  for (const page of pages) {
    if (page.reasonBase !== reasons.length) throw new Error(`page at ${page.offset}: reasons from ${page.reasonBase}, ${reasons.length} given before`);
    for (const reason of split(page.reasons, page.reasonEnds)) reasons.push(reason);
    const times = split(page.time, page.timeEnds);
    for (let k = 0; k < page.count; k++) {
      const p = page.process[k]!;
      const reason = reasons[page.reason[k]!];
      if (reason === undefined) throw new Error(`page at ${page.offset}: step ${k} has reason ${page.reason[k]}, not given yet`);
      steps.push({
        time: times[k]!,
        kind: page.kinds[page.kind[k]!]!,
        sessionId: page.sessions[page.session[k]!]!,
        eventIds: page.eventIds.slice(valueStart(page.eventEnds, k), page.eventEnds[k]!),
        reason,
        processId: p < 0 ? null : page.processes[p]!,
      });
    }
  }
  return steps;
}
