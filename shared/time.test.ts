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
  it('formats any time as Date does, in and out of order, across days, leap years and the year 10000', () => {
    // The reference: Date's fields and the seven fraction digits.
    const reference = (ticks: bigint): string => {
      let seconds = ticks / 10_000_000n;
      let fraction = ticks % 10_000_000n;
      if (fraction < 0n) {
        fraction += 10_000_000n;
        seconds -= 1n;
      }
      const d = new Date(Number(seconds) * 1000);
      if (Number.isNaN(d.getTime())) return 'invalid-time';
      const p = (n: number, w: number): string => String(n).padStart(w, '0');
      return (
        `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1, 2)}-${p(d.getUTCDate(), 2)}T${p(d.getUTCHours(), 2)}:` +
        `${p(d.getUTCMinutes(), 2)}:${p(d.getUTCSeconds(), 2)}.${p(Number(fraction), 7)}Z`
      );
    };
    const samples: bigint[] = [0n, 9_999_999n, 10_000_000n, -1n, -10_000_001n, 253_402_300_799_999_999_9n, 253_402_300_800_000_000_0n, 10n ** 20n];
    for (const iso of ['1972-02-29T23:59:59Z', '2000-02-29T00:00:00Z', '2100-03-01T00:00:00Z', '2024-12-31T23:59:59Z', '9999-12-31T23:59:59Z']) {
      samples.push(parseTimestamp(iso)!.ticks, parseTimestamp(iso)!.ticks + 9_999_999n);
    }
    let x = 0x9e3779b9;
    const rnd = (): number => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
    let t = 16_000_000_000_000_000n;
    for (let i = 0; i < 20_000; i++) {
      // Mostly small steps (the same second again), some jumps of hours to centuries, some back.
      const r = rnd();
      t += r < 0.6 ? BigInt(Math.floor(rnd() * 3_000_000)) : r < 0.9 ? BigInt(Math.floor(rnd() * 1e6)) * 10_000_000n : -BigInt(Math.floor(rnd() * 1e9)) * 10_000_000n;
      samples.push(t, BigInt(Math.floor(rnd() * 2 ** 52)) * 50_000n);
    }
    for (const ticks of samples) expect(ticksToIso(ticks)).toBe(reference(ticks));
  });
  it('formats for display in a zone with the source precision', () => {
    expect(formatIsoForDisplay('2020-09-20T17:08:27.1234567Z', 0, 'ms')).toBe('2020-09-20 17:08:27.123 Z');
    expect(formatIsoForDisplay('2020-09-20T17:08:27.0000000Z', -240, 's')).toBe('2020-09-20 13:08:27 -04:00');
  });
});

describe('parseTimestamp within the second parsed last', () => {
  /** parseTimestamp as first written (regex and date arithmetic every time), to hold the same-second shortcut to it. */
  const RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/;
  function reference(text: string, assume = 0): { ticks: bigint; precision: string } | null {
    const m = RE.exec(text.trim());
    if (!m) return null;
    const [, y, mo, d, h, mi, s, frac = '', zone] = m;
    if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
    let offset = assume;
    if (zone !== undefined) {
      if (zone === 'Z') offset = 0;
      else {
        const digits = zone.slice(1).replace(':', '');
        offset = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
      }
    }
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    if (!Number.isFinite(ms)) return null;
    const ticks = BigInt(ms) * 10_000n + BigInt((frac + '0000000').slice(0, 7)) - BigInt(offset) * 600_000_000n;
    const precision = frac.length === 0 ? 's' : frac.length <= 3 ? 'ms' : frac.length <= 6 ? 'us' : '100ns';
    return { ticks, precision };
  }

  it('gives the full parse result for every suffix and offset after a text of the same second', () => {
    const seconds = ['2020-09-20 21:08:27', '2020-09-20T21:08:27', '2020-02-30 21:08:27', '2020-09-20 24:08:27', ' 2020-09-20 21:08:27'];
    const suffixes = ['', 'Z', '.058', '.058Z', ',5', '.', '.Z', '.0583412', '.058341299Z', '.058 ', '.058 Z', '.058+02:00', '+0130', '.05x', 'z', ' ', '.058ZZ'];
    const offsets = [0, 120, -330];
    let checked = 0;
    for (const first of seconds) {
      for (const firstSuffix of ['', 'Z', '.1']) {
        for (const offset of offsets) {
          for (const suffix of suffixes) {
            for (const second of seconds) {
              for (const secondOffset of offsets) {
                parseTimestamp(first + firstSuffix, offset);
                expect(parseTimestamp(second + suffix, secondOffset), `${first}${firstSuffix}@${offset} then ${second}${suffix}@${secondOffset}`).toEqual(
                  reference(second + suffix, secondOffset),
                );
                checked++;
              }
            }
          }
        }
      }
    }
    expect(checked).toBe(seconds.length * 3 * offsets.length * suffixes.length * seconds.length * offsets.length);
  });
});
