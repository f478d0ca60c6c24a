// The display zone of every time in the UI: UTC by default, the machine's local zone, or a
// fixed offset the investigator chooses (the suspect host's zone). Stored times stay UTC.

import { formatIsoForDisplay, parseTimestamp, ticksToEpochMs, type TimePrecision } from '../../shared/time.js';

export type DisplayZone =
  | { readonly kind: 'utc' }
  | { readonly kind: 'local' }
  /** Minutes east of UTC. */
  | { readonly kind: 'fixed'; readonly minutes: number };

export const UTC: DisplayZone = { kind: 'utc' };

/** The local zone's offset at an instant (minutes east of UTC); injectable for tests. */
export type LocalOffset = (epochMs: number) => number;
export const browserLocalOffset: LocalOffset = (ms) => -new Date(ms).getTimezoneOffset();

/** Minutes east of UTC that the zone has at the instant `epochMs` (local zones change with DST). */
export function zoneOffsetAt(zone: DisplayZone, epochMs: number, local: LocalOffset = browserLocalOffset): number {
  switch (zone.kind) {
    case 'utc':
      return 0;
    case 'local':
      return local(epochMs);
    case 'fixed':
      return zone.minutes;
    default: {
      const unreachable: never = zone;
      return unreachable;
    }
  }
}

/** The engine's own form of a time (`2024-03-12T10:24:52.0750036Z`), with its parts. */
const CANONICAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{7}Z$/;

/**
 * A canonical UTC time shown in UTC is its own text rearranged: no parsing into ticks and back
 * (BigInt arithmetic, for every time cell of every row scrolled past). Only where the slow path
 * could not change the date (a day past 28 or a leap second would roll over; a year before 1000
 * is read as 19xx by Date.UTC): those take the slow path.
 */
function fastUtc(iso: string, precision: TimePrecision): string | null {
  const m = CANONICAL.exec(iso);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec] = m;
  const month = Number(mo);
  const day = Number(d);
  if (Number(y) < 1000 || month < 1 || month > 12 || day < 1 || day > 28 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  const digits = precision === 's' ? 0 : precision === 'ms' ? 3 : precision === 'us' ? 6 : 7;
  return iso.slice(0, 10) + ' ' + iso.slice(11, 19) + (digits === 0 ? '' : '.' + iso.slice(20, 20 + digits)) + ' Z';
}

/** `2024-03-12 10:24:52.0750036 +01:00` in the display zone, keeping the source's precision. */
export function formatInZone(
  iso: string,
  zone: DisplayZone,
  precision: TimePrecision = '100ns',
  local: LocalOffset = browserLocalOffset,
): string {
  if (zone.kind === 'utc') {
    const fast = fastUtc(iso, precision);
    if (fast !== null) return fast;
  }
  return formatSlowly(iso, zone, precision, local);
}

/** formatInZone through ticks: any zone, any form parseTimestamp reads. */
export function formatSlowly(iso: string, zone: DisplayZone, precision: TimePrecision = '100ns', local: LocalOffset = browserLocalOffset): string {
  const parsed = parseTimestamp(iso);
  if (!parsed) return iso;
  return formatIsoForDisplay(iso, zoneOffsetAt(zone, ticksToEpochMs(parsed.ticks), local), precision);
}

/** Parses `+05:30`, `-4`, `UTC+2`, `Z` into minutes east of UTC (null when it is not an offset). */
export function parseOffset(text: string): number | null {
  const t = text.trim().replace(/^(utc|gmt)/i, '');
  if (t === '' || t.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

export function formatOffsetLabel(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const a = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function zoneLabel(zone: DisplayZone): string {
  switch (zone.kind) {
    case 'utc':
      return 'UTC';
    case 'local':
      return 'local';
    case 'fixed':
      return formatOffsetLabel(zone.minutes);
    default: {
      const unreachable: never = zone;
      return unreachable;
    }
  }
}
