// The timeline's time axis: a linear map between epoch milliseconds and pixels, zoom around the
// cursor, pan, and "nice" ticks chosen for the visible span — readable for five seconds and for
// five days. Pure: the timeline component only feeds it pointer positions.

export interface TimeDomain {
  /** Epoch milliseconds (fractions allowed: the axis goes below one millisecond). */
  readonly start: number;
  readonly end: number;
}

/** Below this span the axis stops zooming in (10 µs); above it stops zooming out (10 years). */
export const MIN_SPAN_MS = 0.01;
export const MAX_SPAN_MS = 10 * 365 * 86_400_000;

/** Epoch ms → the API's ISO form (seven fractional digits). */
export function msToIso(t: number): string {
  return new Date(Math.floor(t)).toISOString().replace('Z', '0000Z');
}

export function spanOf(d: TimeDomain): number {
  return d.end - d.start;
}

export function timeToX(d: TimeDomain, width: number, t: number): number {
  const span = spanOf(d);
  return span > 0 ? ((t - d.start) / span) * width : 0;
}

export function xToTime(d: TimeDomain, width: number, x: number): number {
  return width > 0 ? d.start + (x / width) * spanOf(d) : d.start;
}

/**
 * Zooms by `factor` (< 1 zooms in) keeping the time under `anchorX` where it is on screen,
 * and clamps the span to [MIN_SPAN_MS, MAX_SPAN_MS].
 */
export function zoomAt(d: TimeDomain, width: number, anchorX: number, factor: number): TimeDomain {
  const span = spanOf(d);
  const next = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, span * factor));
  const fraction = width > 0 ? Math.min(1, Math.max(0, anchorX / width)) : 0.5;
  const anchor = d.start + fraction * span;
  const start = anchor - fraction * next;
  return { start, end: start + next };
}

/** The wheel's zoom factor: one notch (deltaY 100) zooms by 1.25×. */
export function wheelFactor(deltaY: number): number {
  return Math.pow(1.25, Math.max(-5, Math.min(5, deltaY / 100)));
}

/** Moves the window by a drag of `dx` pixels (dragging right shows earlier times). */
export function panBy(d: TimeDomain, width: number, dx: number): TimeDomain {
  if (width <= 0) return d;
  const shift = (dx / width) * spanOf(d);
  return { start: d.start - shift, end: d.end - shift };
}

/** A domain around [start, end] with a margin, at least `minSpan` wide (a single instant gets one). */
export function fitDomain(start: number, end: number, margin = 0.04, minSpan = 1000): TimeDomain {
  const span = Math.max(end - start, 0);
  const padded = Math.max(span * (1 + 2 * margin), minSpan);
  const mid = (start + end) / 2;
  return { start: mid - padded / 2, end: mid + padded / 2 };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Tick steps, smallest first; each is a round number in its unit. */
export const TICK_STEPS: readonly number[] = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500,
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY, 365 * DAY,
];

/** The smallest step that keeps ticks at least `minPx` apart. */
export function tickStep(d: TimeDomain, width: number, minPx = 90): number {
  const span = spanOf(d);
  if (!(span > 0) || width <= 0) return TICK_STEPS[TICK_STEPS.length - 1] as number;
  const wanted = (span / width) * minPx;
  for (const s of TICK_STEPS) if (s >= wanted) return s;
  return TICK_STEPS[TICK_STEPS.length - 1] as number;
}

export interface Tick {
  readonly t: number;
  readonly x: number;
  readonly label: string;
  /** The tick where the date (or a larger unit) changes: drawn stronger, labelled with the date. */
  readonly major: boolean;
}

function pad(n: number, w = 2): string {
  return String(Math.floor(n)).padStart(w, '0');
}

/**
 * Ticks at multiples of the step in the display zone (offsetMinutes east of UTC), labelled
 * with what changes at that step: dates for days, hh:mm for minutes, :ss.mmm below a second.
 */
export function ticks(d: TimeDomain, width: number, offsetMinutes = 0, minPx = 90): Tick[] {
  const step = tickStep(d, width, minPx);
  const shift = offsetMinutes * MINUTE;
  const first = Math.ceil((d.start + shift) / step) * step - shift;
  const out: Tick[] = [];
  for (let i = 0; i < 1000; i++) {
    // Multiply rather than accumulate, so sub-millisecond steps do not drift.
    const t = first + i * step;
    if (t > d.end) break;
    const local = new Date(Math.floor(t + shift));
    const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
    const hm = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
    const sub = (t + shift) - Math.floor((t + shift) / SECOND) * SECOND; // ms within the second
    const midnight = local.getUTCHours() === 0 && local.getUTCMinutes() === 0 && local.getUTCSeconds() === 0 && sub < 1e-6;
    let label: string;
    if (step >= DAY) label = date;
    else if (step >= MINUTE) label = midnight ? date : hm;
    else if (step >= SECOND) label = `${hm}:${pad(local.getUTCSeconds())}`;
    else {
      const decimals = step >= 1 ? 3 : step >= 0.1 ? 4 : 5;
      const frac = (sub / SECOND).toFixed(decimals).slice(1);
      label = `${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${frac}`;
    }
    out.push({ t, x: timeToX(d, width, t), label, major: midnight });
  }
  return out;
}

/** A span in words for the axis caption: `4.2 s`, `3 h 12 min`, `5.0 days`. */
export function formatSpan(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < SECOND) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(1)} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ${Math.round((ms % MINUTE) / SECOND)} s`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ${Math.round((ms % HOUR) / MINUTE)} min`;
  return `${(ms / DAY).toFixed(1)} days`;
}
