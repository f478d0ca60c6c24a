import { describe, expect, it } from 'vitest';
import { formatInZone, formatOffsetLabel, parseOffset, zoneOffsetAt } from './time-zone.js';

// A local zone with DST: +01:00 in winter, +02:00 from 2024-03-31 01:00Z.
const berlin = (ms: number) => (ms >= Date.UTC(2024, 2, 31, 1) ? 120 : 60);

describe('display time zones', () => {
  it('shows UTC by default and keeps the source precision', () => {
    expect(formatInZone('2024-03-12T10:24:52.0750036Z', { kind: 'utc' })).toBe('2024-03-12 10:24:52.0750036 Z');
    expect(formatInZone('2024-03-12T10:24:52.0000000Z', { kind: 'utc' }, 's')).toBe('2024-03-12 10:24:52 Z');
  });
  it('applies a fixed offset, across midnight', () => {
    expect(formatInZone('2024-03-12T23:30:00.0000000Z', { kind: 'fixed', minutes: 330 }, 's')).toBe('2024-03-13 05:00:00 +05:30');
    expect(formatInZone('2024-03-12T02:00:00.0000000Z', { kind: 'fixed', minutes: -240 }, 's')).toBe('2024-03-11 22:00:00 -04:00');
  });
  it('uses the local offset of the instant, so DST changes are honoured', () => {
    expect(zoneOffsetAt({ kind: 'local' }, Date.UTC(2024, 2, 12), berlin)).toBe(60);
    expect(formatInZone('2024-03-12T10:00:00.0000000Z', { kind: 'local' }, 's', berlin)).toBe('2024-03-12 11:00:00 +01:00');
    expect(formatInZone('2024-04-02T10:00:00.0000000Z', { kind: 'local' }, 's', berlin)).toBe('2024-04-02 12:00:00 +02:00');
  });
  it('parses offsets people type and refuses others', () => {
    expect(parseOffset('+05:30')).toBe(330);
    expect(parseOffset('-4')).toBe(-240);
    expect(parseOffset('UTC+2')).toBe(120);
    expect(parseOffset('-0330')).toBe(-210);
    expect(parseOffset('Z')).toBe(0);
    expect(parseOffset('+15')).toBeNull();
    expect(parseOffset('+05:75')).toBeNull();
    expect(parseOffset('Berlin')).toBeNull();
    expect(formatOffsetLabel(-210)).toBe('UTC-03:30');
  });
  it('leaves unparseable text as it is', () => {
    expect(formatInZone('not a time', { kind: 'fixed', minutes: 60 })).toBe('not a time');
  });
});
