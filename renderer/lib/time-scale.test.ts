import { describe, expect, it } from 'vitest';
import { fitDomain, formatSpan, MIN_SPAN_MS, panBy, tickStep, ticks, timeToX, wheelFactor, xToTime, zoomAt } from './time-scale.js';

const T0 = Date.UTC(2024, 2, 12, 10, 24, 50);

describe('time scale', () => {
  it('maps times to pixels and back', () => {
    const d = { start: T0, end: T0 + 10_000 };
    expect(timeToX(d, 1000, T0 + 2500)).toBe(250);
    expect(xToTime(d, 1000, 250)).toBe(T0 + 2500);
  });

  it('zooms around the cursor: the time under it stays under it', () => {
    const d = { start: T0, end: T0 + 60_000 };
    const anchorX = 300;
    const before = xToTime(d, 1200, anchorX);
    const zoomed = zoomAt(d, 1200, anchorX, 0.5);
    expect(zoomed.end - zoomed.start).toBeCloseTo(30_000, 6);
    expect(xToTime(zoomed, 1200, anchorX)).toBeCloseTo(before, 6);
    const out = zoomAt(zoomed, 1200, anchorX, 2);
    expect(out.start).toBeCloseTo(d.start, 6);
    expect(out.end).toBeCloseTo(d.end, 6);
  });

  it('stops zooming in at 10 µs', () => {
    let d = { start: T0, end: T0 + 1000 };
    for (let i = 0; i < 100; i++) d = zoomAt(d, 1000, 500, 0.5);
    // Epoch milliseconds as doubles resolve about 0.24 µs today: close enough at a 10 µs window.
    expect(d.end - d.start).toBeCloseTo(MIN_SPAN_MS, 4);
  });

  it('one wheel notch zooms by 1.25, the other way back', () => {
    expect(wheelFactor(100)).toBeCloseTo(1.25);
    expect(wheelFactor(-100) * wheelFactor(100)).toBeCloseTo(1);
    expect(wheelFactor(100_000)).toBeCloseTo(Math.pow(1.25, 5));
  });

  it('pans by a drag: dragging right by a tenth of the width shows a tenth earlier', () => {
    const d = { start: T0, end: T0 + 10_000 };
    expect(panBy(d, 1000, 100)).toEqual({ start: T0 - 1000, end: T0 + 9000 });
  });

  it('fits a single instant into a one-second window', () => {
    const d = fitDomain(T0, T0);
    expect(d.end - d.start).toBe(1000);
    expect((d.start + d.end) / 2).toBe(T0);
  });

  it('chooses second ticks for a five-second session', () => {
    const d = { start: T0, end: T0 + 5000 };
    expect(tickStep(d, 1200)).toBe(500);
    const labels = ticks(d, 1200).map((t) => t.label);
    expect(labels[0]).toBe('24:50.000');
    expect(labels).toContain('24:52.500');
    expect(ticks(d, 300).map((t) => t.label)).toEqual(['10:24:50', '10:24:52', '10:24:54']);
  });

  it('chooses hour ticks for a five-day span, with the dates at midnight', () => {
    const start = Date.UTC(2024, 2, 10, 7, 13);
    const d = { start, end: start + 5 * 86_400_000 };
    expect(tickStep(d, 1200)).toBe(12 * 3_600_000);
    const t = ticks(d, 1200);
    expect(t[0]?.label).toBe('12:00');
    const majors = t.filter((x) => x.major).map((x) => x.label);
    expect(majors).toEqual(['2024-03-11', '2024-03-12', '2024-03-13', '2024-03-14', '2024-03-15']);
    // Ticks are evenly spaced and inside the width.
    for (const x of t) expect(x.x).toBeGreaterThanOrEqual(0);
    for (const x of t) expect(x.x).toBeLessThanOrEqual(1200);
  });

  it('places day boundaries at the display zone’s midnight', () => {
    const start = Date.UTC(2024, 2, 10, 0, 0);
    const d = { start, end: start + 3 * 86_400_000 };
    const inPlus2 = ticks(d, 1200, 120).filter((x) => x.major);
    expect(new Date(inPlus2[0]!.t).toISOString()).toBe('2024-03-10T22:00:00.000Z');
  });

  it('labels sub-millisecond ticks with enough digits', () => {
    const d = { start: T0, end: T0 + 0.5 };
    const t = ticks(d, 1000);
    expect(tickStep(d, 1000)).toBe(0.05);
    expect(t[1]?.label).toBe('24:50.00005');
  });

  it('describes spans in words', () => {
    expect(formatSpan(4200)).toBe('4.2 s');
    expect(formatSpan(5 * 86_400_000)).toBe('5.0 days');
    expect(formatSpan(3 * 3_600_000 + 12 * 60_000)).toBe('3 h 12 min');
  });
});
