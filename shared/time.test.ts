import { describe, expect, it } from 'vitest';
import { filetimeToTicks, formatIsoForDisplay, parseTimestamp, ticksToIso } from './time.js';

describe('time', () => {
  it('keeps 100 ns and truncates libevtx nanoseconds', () => {
    const t = parseTimestamp('2016-11-09T10:17:08.996088300Z');
    expect(t?.precision).toBe('100ns');
    expect(ticksToIso(t!.ticks)).toBe('2016-11-09T10:17:08.9960883Z');
  });
  it('marks second and millisecond precision', () => {
    expect(parseTimestamp('2020-09-20 17:08:27')?.precision).toBe('s');
    expect(parseTimestamp('2025-11-27 07:40:10.132')?.precision).toBe('ms');
    expect(parseTimestamp('2025-11-27T07:40:10.165324Z')?.precision).toBe('us');
  });
  it('applies an assumed offset to zone-less local times', () => {
    const local = parseTimestamp('2020-09-20 13:08:27', -240);
    expect(ticksToIso(local!.ticks)).toBe('2020-09-20T17:08:27.0000000Z');
    const zoned = parseTimestamp('2020-09-20T13:08:27-04:00');
    expect(zoned!.ticks).toBe(local!.ticks);
  });
  it('rejects non-times', () => {
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseTimestamp('2020-13-01T00:00:00Z')).toBeNull();
  });
  it('converts FILETIME', () => {
    // 2020-01-01T00:00:00Z as FILETIME
    expect(ticksToIso(filetimeToTicks(132223104000000000n))).toBe('2020-01-01T00:00:00.0000000Z');
  });
  it('handles times before the Unix epoch', () => {
    const t = parseTimestamp('1969-12-31T23:59:59.5Z');
    expect(ticksToIso(t!.ticks)).toBe('1969-12-31T23:59:59.5000000Z');
  });
  it('formats for display in a zone with the source precision', () => {
    expect(formatIsoForDisplay('2020-09-20T17:08:27.1234567Z', 0, 'ms')).toBe('2020-09-20 17:08:27.123 Z');
    expect(formatIsoForDisplay('2020-09-20T17:08:27.0000000Z', -240, 's')).toBe('2020-09-20 13:08:27 -04:00');
  });
});
