// The stored form of a CorrelationResult gives back the same result, keeps hostile evidence
// text and odd numbers exactly, and a damaged stored value is refused with ResultCodecError
// (the caller then correlates again), never with another error.

import { describe, expect, it } from 'vitest';
import { generate } from '../../../scripts/bench-correlate.js';
import { seededRandom } from '../testing/seeded-random.js';
import { correlate } from './correlate.js';
import { buildAnalysisDocument } from './document.js';
import type { CorrelationResult } from './model.js';
import { CORRELATION_CODEC_VERSION, decodeResult, encodeResult, ResultCodecError, toAsciiJson } from './result-codec.js';

function roundTrip(result: CorrelationResult): CorrelationResult {
  // Through ASCII text written and read as latin1, as kept in the case.
  const text = toAsciiJson(encodeResult(result));
  expect(/^[\x00-\x7e]*$/.test(text)).toBe(true);
  return decodeResult(JSON.parse(Buffer.from(text, 'latin1').toString('latin1')) as unknown);
}

describe('correlation result codec', () => {
  it('gives back the generated evidence result exactly (same records, same key order)', () => {
    const result = correlate(generate(8000, 11));
    expect(result.processes.length).toBeGreaterThan(1000);
    expect(result.processes.some((p) => p.activity.length > 0)).toBe(true);
    const back = roundTrip(result);
    expect(back).toEqual(result);
    // JSON text compares key order and drops keys holding undefined on both sides.
    expect(JSON.stringify(back)).toBe(JSON.stringify(result));
    expect(buildAnalysisDocument(back)).toEqual(buildAnalysisDocument(result));
  });

  it('keeps hostile strings, odd numbers, mixed record shapes and nulls', () => {
    const hostile = ['</script><img src=x onerror=alert(1)>', 'é中𝄞\u007f\u00ff\uffff', '\u0000\u0001\u001f', '\ud800 lone', 'line\u2028sep\u2029', '"\\', 'x'.repeat(100_000), ''];
    const time = (ms: number) => ({ ms, sub: 7, precision: '100ns' as const });
    const result = {
      hosts: [{ key: 'h', name: hostile[0], names: hostile, ips: [] }],
      sessions: [],
      processes: [
        { id: 'p1', start: time(1), end: null, pid: NaN, n2: -0, n3: Infinity, n4: -Infinity, big: 2 ** 52 + 1, frac: 0.1, activity: [{ kind: 'network', sourceIp: '1.2.3.4', initiated: null }, { kind: 'dns' }], flag: true, maybe: undefined },
        { id: 'p2', start: null, end: time(2), pid: 4, n2: 0, n3: 1, n4: 2, big: -5, frac: -0.5, activity: [], flag: false, maybe: 'set' },
        { id: hostile[2], start: time(3), end: null, pid: null, n2: null, n3: null, n4: null, big: null, frac: null, activity: null, flag: null },
      ],
      scripts: [{ id: 'b1', text: hostile[5], rows: [1, 2, 3], missingParts: [], nested: [[1], [], null, [2, 3]] }],
      services: [{ onlyNull: null }, { onlyNull: null }],
      lateral: [],
    } as unknown as CorrelationResult;
    const back = roundTrip(result) as unknown as Record<string, Record<string, unknown>[]>;
    const p = back['processes'] as Record<string, unknown>[];
    expect(p[0]?.['pid']).toBeNaN();
    expect(Object.is(p[0]?.['n2'], -0)).toBe(true);
    expect(p[0]?.['n3']).toBe(Infinity);
    expect(p[0]?.['n4']).toBe(-Infinity);
    expect(p[0]?.['big']).toBe(2 ** 52 + 1);
    expect('maybe' in (p[0] as object)).toBe(false);
    expect(p[1]?.['maybe']).toBe('set');
    expect(back).toEqual(result);
    expect(JSON.stringify(back)).toBe(JSON.stringify(result));
  });

  it('refuses what it cannot keep instead of storing something else', () => {
    const withBigint = { hosts: [{ key: 1n }], sessions: [], processes: [], scripts: [], services: [], lateral: [] } as unknown as CorrelationResult;
    expect(() => encodeResult(withBigint)).toThrow(ResultCodecError);
    const mixed = { hosts: [{ key: 'a' }, { key: 1 }], sessions: [], processes: [], scripts: [], services: [], lateral: [] } as unknown as CorrelationResult;
    expect(() => encodeResult(mixed)).toThrow(ResultCodecError);
    const instance = { hosts: [new Date(0)], sessions: [], processes: [], scripts: [], services: [], lateral: [] } as unknown as CorrelationResult;
    expect(() => encodeResult(instance)).toThrow(ResultCodecError);
    const proto = { hosts: [JSON.parse('{"__proto__": 1}')], sessions: [], processes: [], scripts: [], services: [], lateral: [] } as unknown as CorrelationResult;
    expect(() => encodeResult(proto)).toThrow(ResultCodecError);
  });

  it('refuses another version, another format and damaged values with ResultCodecError only', () => {
    const encoded = encodeResult(correlate(generate(600, 3)));
    expect(() => decodeResult({ ...encoded, version: CORRELATION_CODEC_VERSION + 1 })).toThrow(ResultCodecError);
    expect(() => decodeResult({ ...encoded, format: 'other' })).toThrow(ResultCodecError);
    for (const bad of [null, 1, 'x', [], {}]) expect(() => decodeResult(bad)).toThrow(ResultCodecError);

    // Random damage anywhere in the stored value: decoding either succeeds (a changed number
    // is still a result) or says ResultCodecError; it never throws anything else.
    const text = JSON.stringify(encoded);
    const random = seededRandom(99);
    const replacements: unknown[] = [null, -1, 0, 1, 1e9, 'x', 's', 'o', [], {}, [1, 2], { t: 'z', n: 1 }, 2.5, true, '__proto__'];
    let refused = 0;
    for (let round = 0; round < 300; round++) {
      const value = JSON.parse(text) as unknown;
      // Walk down a random path and replace what is there.
      let holder: Record<string, unknown> | unknown[] = value as Record<string, unknown>;
      let key: string | number = 'lists';
      for (let depth = 0; depth < 12; depth++) {
        const next: unknown = Array.isArray(holder) ? holder[key as number] : holder[key as string];
        if (typeof next !== 'object' || next === null) break;
        const keys: (string | number)[] = Array.isArray(next) ? next.map((_, i) => i) : Object.keys(next);
        if (keys.length === 0) break;
        holder = next as Record<string, unknown> | unknown[];
        key = keys[Math.floor(random() * keys.length)] as string | number;
        if (random() < 0.15) break;
      }
      const replacement = replacements[Math.floor(random() * replacements.length)];
      if (Array.isArray(holder)) holder[key as number] = replacement;
      else holder[key as string] = replacement;
      try {
        decodeResult(value);
      } catch (error) {
        expect(error).toBeInstanceOf(ResultCodecError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});
