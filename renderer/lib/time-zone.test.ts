import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../electron/engine/testing/seeded-random.js';
import { formatInZone, formatOffsetLabel, formatSlowly, parseOffset, zoneOffsetAt } from './time-zone.js';

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
  it('formats UTC without parsing exactly as through ticks, rolled-over dates and odd forms included', () => {
    const rnd = seededRandom(11);
    const two = (n: number) => String(n).padStart(2, '0');
    const inputs: string[] = ['2024-02-29T23:59:59.9999999Z', '2023-02-29T00:00:00.0000000Z', '2024-04-31T12:00:00.0000000Z', '2024-03-12T10:00:60.0000000Z',
      '0999-01-01T00:00:00.0000000Z', '0050-06-15T00:00:00.0000000Z', '1000-01-01T00:00:00.0000000Z', '9999-12-28T23:59:59.9999999Z', '2024-13-01T00:00:00.0000000Z',
      '2024-00-10T00:00:00.0000000Z', '2024-03-00T00:00:00.0000000Z', '2024-03-12T24:00:00.0000000Z', '2024-03-12T10:24:52.075Z', '2024-03-12T10:24:52Z',
      '2024-03-12T10:24:52.0750036+01:00', '2024-03-12 10:24:52.0750036Z', 'garbage', '',
      // a non-digit where a digit belongs (the fast path checks each character)
      '2024-0a-12T10:24:52.0750036Z', '2024-03-12T10:24:52.07500a6Z', '-024-03-12T10:24:52.0750036Z', '2024-03-1 T10:24:52.0750036Z',
      '20２4-03-12T10:24:52.0750036Z', '2024-03-12T10:24:52.075003/Z', '2024/03/12T10:24:52.0750036Z', '2024-03-12T10:24:52.0750036z'];
    for (let i = 0; i < 3000; i++) {
      const y = 900 + Math.floor(rnd() * 9100);
      inputs.push(`${String(y).padStart(4, '0')}-${two(Math.floor(rnd() * 14))}-${two(Math.floor(rnd() * 33))}T${two(Math.floor(rnd() * 25))}:${two(Math.floor(rnd() * 61))}:${two(Math.floor(rnd() * 61))}.${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}Z`);
    }
    for (const iso of inputs) {
      for (const precision of ['100ns', 'us', 'ms', 's'] as const) {
        expect(formatInZone(iso, { kind: 'utc' }, precision), iso).toBe(formatSlowly(iso, { kind: 'utc' }, precision));
      }
    }
  });
});
