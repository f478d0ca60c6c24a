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

/** ISO 8601 UTC with seven fractional digits. */
export function isoOf(t: CorrelationTime): string {
  return ticksToIso(BigInt(t.ms) * 10_000n + BigInt(t.sub));
}

/** `10:24:52` (UTC) for reasons shown to people. */
export function clockOf(t: CorrelationTime): string {
  return isoOf(t).slice(11, 19);
}
