import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../../shared/build-event.js';
import type { NormalizedEvent } from '../../../shared/events.js';
import { prepareRows, RowsBuilder, stringsOf, TextBufferPool, textBufferOf, type PreparedRows } from './prepared-rows.js';

const ODD = ['é', '日本語', '😀', '\ud800x', 'a\u0000b', '<script>"\'</script>', '', 'x'.repeat(5000)];

function event(i: number): NormalizedEvent {
  const odd = ODD[i % ODD.length] as string;
  return buildEvent(
    {
      provider: 'Microsoft-Windows-Security-Auditing',
      eventId: 4600 + (i % 90),
      systemTime: `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(7, '0')}Z`,
      ...(i % 7 === 3 ? {} : { recordId: 2 ** 40 + i }),
      channel: 'Security',
      computer: `WS-${odd}`,
    },
    { CommandLine: `cmd${i} ${odd}`, Other: odd },
    { file: '/evidence/x.jsonl', format: 'jsonl', offset: i * 100, length: 100, line: i + 1 },
    i % 11 === 0 ? { recovered: true } : {},
  );
}

function plain(rows: PreparedRows): unknown {
  return {
    count: rows.count,
    ticks: [...rows.ticks],
    eventIds: [...rows.eventIds],
    recordIds: [...rows.recordIds],
    strings: stringsOf(rows),
    recovered: rows.recovered,
  };
}

describe('prepared rows', () => {
  const events = Array.from({ length: 700 }, (_, i) => event(i));

  it('are the same built one event at a time (growing from a small capacity) as all at once', () => {
    const builder = new RowsBuilder(3);
    for (const e of events) builder.add(e);
    expect(builder.count).toBe(700);
    const built = builder.finish();
    expect(built.ticks.length).toBe(700);
    expect(built.ends.length).toBe(700 * 7);
    expect(plain(built)).toEqual(plain(prepareRows(events)));
    expect(built.recovered).toBe(64);
  });

  it('reuse a text buffer handed back, however small or large, without changing a value', () => {
    const pool = new TextBufferPool();
    const first = prepareRows(events.slice(0, 50), pool);
    const handedBack = textBufferOf(first);
    const expected = plain(prepareRows(events.slice(50)));
    pool.give(handedBack);
    const second = prepareRows(events.slice(50), pool);
    expect(plain(second)).toEqual(expected);
    // The buffer handed back was taken (and outgrown: the writer copies into a larger one).
    expect(pool.take()).toBeUndefined();
    const big = new ArrayBuffer(64 * 1024 * 1024);
    pool.give(big);
    const third = prepareRows(events.slice(0, 10), pool);
    expect(textBufferOf(third)).toBe(big);
    expect(plain(third)).toEqual(plain(prepareRows(events.slice(0, 10))));
    // An empty batch takes no buffer from the pool.
    pool.give(new ArrayBuffer(4096));
    prepareRows([], pool);
    expect(pool.take()?.byteLength).toBe(4096);
  });
});
