// The benchmark's generated evidence gives the same analysis whether it goes straight in as
// CorrelationInput or through NormalizedEvent (buildEvent + toCorrelationInput).

import { describe, expect, it } from 'vitest';
import { generate, viaEvents } from '../../../scripts/bench-correlate.js';
import { correlate } from './correlate.js';
import { buildAnalysisDocument } from './document.js';

describe('bench evidence', () => {
  it('direct CorrelationInput and the NormalizedEvent path agree', () => {
    const direct = generate(6000, 7);
    const converted = viaEvents(direct);
    expect(converted).toHaveLength(direct.length);
    const a = buildAnalysisDocument(correlate(direct));
    const b = buildAnalysisDocument(correlate(converted));
    expect(b).toEqual(a);
    // The generated set exercises what it is meant to: PID reuse, placeholders, scripts, services.
    expect(a.processes.length).toBeGreaterThan(1000);
    const pids = new Map<string, number>();
    for (const p of a.processes) pids.set(`${p.host}|${p.pid}`, (pids.get(`${p.host}|${p.pid}`) ?? 0) + 1);
    expect(Math.max(...pids.values())).toBeGreaterThan(2);
    expect(a.scripts.length).toBeGreaterThan(0);
    expect(a.lateral.length).toBeGreaterThan(0);
  });
});
