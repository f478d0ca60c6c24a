// A page of a session's chain as columns (ChainPage): written by the engine (and by the renderer
// for a chain it asked for whole), read by the renderer (renderer/lib/chain-table.ts). Pure.

import type { ChainPage, ChainStep } from './api.js';

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

/** The page of `steps` (those of a chain of `total` steps, from `offset`) as columns. */
export function chainPageOf(steps: readonly ChainStep[], total: number, offset: number): ChainPage {
  const kinds = dictionary();
  const sessions = dictionary();
  const reasons = dictionary();
  const processes = dictionary();
  const eventEnds: number[] = [];
  const eventIds: number[] = [];
  for (const s of steps) {
    for (const id of s.eventIds) eventIds.push(id);
    eventEnds.push(eventIds.length);
  }
  return {
    total,
    offset,
    count: steps.length,
    time: steps.map((s) => s.time),
    kind: steps.map((s) => kinds.id(s.kind)),
    kinds: kinds.values,
    session: steps.map((s) => sessions.id(s.sessionId)),
    sessions: sessions.values,
    reason: steps.map((s) => reasons.id(s.reason)),
    reasons: reasons.values,
    process: steps.map((s) => (s.processId === null ? -1 : processes.id(s.processId))),
    processes: processes.values,
    eventEnds,
    eventIds,
  };
}

/** The steps of a page, as objects (tests). */
export function chainPageSteps(page: ChainPage): ChainStep[] {
  const steps: ChainStep[] = [];
  for (let k = 0; k < page.count; k++) {
    const p = page.process[k]!;
    steps.push({
      time: page.time[k]!,
      kind: page.kinds[page.kind[k]!]!,
      sessionId: page.sessions[page.session[k]!]!,
      eventIds: page.eventIds.slice(k === 0 ? 0 : page.eventEnds[k - 1]!, page.eventEnds[k]!),
      reason: page.reasons[page.reason[k]!]!,
      processId: p < 0 ? null : page.processes[p]!,
    });
  }
  return steps;
}
