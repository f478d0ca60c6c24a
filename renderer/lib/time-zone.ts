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

/** `2024-03-12 10:24:52.0750036 +01:00` in the display zone, keeping the source's precision. */
export function formatInZone(
  iso: string,
  zone: DisplayZone,
  precision: TimePrecision = '100ns',
  local: LocalOffset = browserLocalOffset,
): string {
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
