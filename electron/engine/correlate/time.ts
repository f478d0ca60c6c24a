// Exact time arithmetic on CorrelationTime (ms + 100 ns remainder) at the source's precision.

import { ticksToIso, type TimePrecision } from '../../../shared/time.js';
import type { CorrelationTime } from './input.js';

const PRECISION_TICKS: Readonly<Record<TimePrecision, number>> = { s: 10_000_000, ms: 10_000, us: 10, '100ns': 1 };

/** Width of the interval a time of this precision stands for, in 100 ns ticks. */
export function precisionTicks(p: TimePrecision): number {
  return PRECISION_TICKS[p];
}

/** b − a in 100 ns ticks; exact for any two times less than ~28 years apart. */
export function diffTicks(b: CorrelationTime, a: CorrelationTime): number {
  return (b.ms - a.ms) * 10_000 + (b.sub - a.sub);
}

/** Order by instant (precision ignored); for sorting. */
export function compareTime(a: CorrelationTime, b: CorrelationTime): number {
  return a.ms - b.ms || a.sub - b.sub;
}

/**
 * True when `a` certainly happened before `b` given how finely `a` was recorded: a time of
 * precision `s` stands for the whole second it names, so 10:00:05 (s) is only before
 * 10:00:06.000 or later, never before 10:00:05.7.
 */
export function strictlyBefore(a: CorrelationTime, b: CorrelationTime): boolean {
  return diffTicks(b, a) >= PRECISION_TICKS[a.precision];
}

/** Neither is certainly before the other at the precision they were recorded. */
export function unordered(a: CorrelationTime, b: CorrelationTime): boolean {
  return !strictlyBefore(a, b) && !strictlyBefore(b, a);
}

// The date-and-second part of the last time formatted: documents format hundreds of thousands
// of times, mostly in order, many in the same second.
let lastSecond = NaN;
let lastPrefix = '';

/**
 * ISO 8601 UTC with seven fractional digits: the same text as ticksToIso of the ticks, in
 * plain double arithmetic (ms is a whole number far below 2^53; no BigInt per time).
 */
export function isoOf(t: CorrelationTime): string {
  const ms = t.ms;
  const sub = t.sub;
  if (!Number.isInteger(ms) || !Number.isInteger(sub) || sub < 0 || sub >= 10_000) {
    // Not the form splitTicks makes: the exact path.
    return ticksToIso(BigInt(Math.trunc(ms)) * 10_000n + BigInt(Math.trunc(sub)));
  }
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const date = new Date(second * 1000);
    if (Number.isNaN(date.getTime())) return 'invalid-time';
    lastPrefix =
      `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
      `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
    lastSecond = second;
  }
  return `${lastPrefix}.${pad((ms - second * 1000) * 10_000 + sub, 7)}Z`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `10:24:52` (UTC) for reasons shown to people. */
export function clockOf(t: CorrelationTime): string {
  return isoOf(t).slice(11, 19);
}
