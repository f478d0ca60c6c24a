import { describe, expect, it } from 'vitest';
import { resolveTime, type TimeContext } from './json-time.js';
import { keywordsHex } from './json-shapes.js';

describe('resolveTime on repeated EventTimes (the last one is remembered)', () => {
  const offsets: TimeContext = { offsets: { byKey: new Map([['collector-a', 60], ['collector-b', -240]]) } };
  const at = (eventTime: string, offsetKey: string | undefined, ctx: TimeContext) => resolveTime('flat', { eventTime, ...(offsetKey === undefined ? {} : { offsetKey }) }, ctx);

  it('answers per key and per context, not from the record before', () => {
    const a = at('2020-09-20 17:08:27', 'Collector-A', offsets);
    const b = at('2020-09-20 17:08:27', 'collector-b', offsets);
    const again = at('2020-09-20 17:08:27', 'Collector-A', offsets);
    const user = at('2020-09-20 17:08:27', 'Collector-A', { userOffsetMinutes: 0 });
    const unknown = at('2020-09-20 17:08:27', 'elsewhere', offsets);
    expect(a).toEqual({ ticks: 16006217070000000n - 36000000000n, precision: 's', source: 'EventTime (local, offset inferred)' });
    expect(b).toEqual({ ticks: 16006217070000000n + 144000000000n, precision: 's', source: 'EventTime (local, offset inferred)' });
    expect(again).toEqual(a);
    expect(user).toEqual({ ticks: 16006217070000000n, precision: 's', source: 'EventTime' });
    expect(unknown).toEqual({ ticks: 16006217070000000n, precision: 's', source: 'EventTime (local, offset unknown: taken as UTC)' });
  });

  it('reports a bad EventTime each time it comes', () => {
    expect(at('yesterday', 'collector-a', offsets)).toMatch(/EventTime "yesterday" is not a time/);
    expect(at('yesterday', 'collector-a', offsets)).toMatch(/EventTime "yesterday" is not a time/);
    expect(at(' 2020-09-20 17:08:27 ', 'collector-a', offsets)).toEqual(at('2020-09-20 17:08:27', 'collector-a', offsets));
  });
});

describe('keywordsHex (remembered per value)', () => {
  it('gives the same hex for a value seen before, and each value its own', () => {
    for (let round = 0; round < 2; round++) {
      expect(keywordsHex('-9214364837600034816')).toBe('0x8020000000000000');
      expect(keywordsHex('-9223372036854775808')).toBe('0x8000000000000000');
      expect(keywordsHex('0x00000000000003E7')).toBe('0x3e7');
      expect(keywordsHex(' ')).toBeUndefined();
    }
  });
});
