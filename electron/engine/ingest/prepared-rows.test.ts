import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../../shared/build-event.js';
import type { NormalizedEvent } from '../../../shared/events.js';
import { summarize } from '../../../shared/event-views.js';
import { metaJson, metaOf, prepareRows, RowsBuilder, stringsOf, TextBufferPool, textBufferOf, type PreparedRows } from './prepared-rows.js';

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

  it('hold each value as its own UTF-8 text, ASCII rows and others alike', () => {
    const rows = prepareRows(events);
    const expected = events.flatMap((e) => [
      e.system.computer,
      e.system.channel,
      e.system.provider,
      summarize(e),
      JSON.stringify(e.system),
      JSON.stringify(e.data),
      JSON.stringify(metaOf(e)),
    ]);
    // (A lone surrogate has no UTF-8: it is stored as U+FFFD, as Buffer.from writes it.)
    expect(stringsOf(rows)).toEqual(expected.map((v) => Buffer.from(v, 'utf8').toString('utf8')));
  });

  it('hold each value as its own UTF-8 text when one ends in a lone high surrogate and the next starts with a lone low one', () => {
    // Written as one row, the two halves would make one 4-byte character; apart, each is U+FFFD.
    const odd = [
      { computer: 'WS\ud83d', channel: '\ude00Security' },
      { computer: 'WS-é', channel: '\ude00Security' },
      { computer: 'WS\ud83d', channel: 'Security' },
      { computer: 'WS-é\ud83d', channel: '\ude00' },
    ].map(({ computer, channel }, i) =>
      buildEvent(
        { provider: 'P', eventId: 1, systemTime: '2024-05-01T10:00:00Z', channel, computer },
        { CommandLine: `cmd${i} é` },
        { file: '/evidence/x.jsonl', format: 'jsonl', offset: i, length: 1, line: i + 1 },
      ),
    );
    const rows = prepareRows(odd);
    const expected = odd.flatMap((e) => [e.system.computer, e.system.channel]).map((v) => Buffer.from(v, 'utf8').toString('utf8'));
    const stored = stringsOf(rows).filter((_, k) => k % 7 < 2);
    expect(stored).toEqual(expected);
    expect(stored[1]).toBe('\ufffdSecurity');
  });

  it('write the meta column as JSON.stringify(metaOf(event)) does', () => {
    const base = events[1] as NormalizedEvent;
    const variants: NormalizedEvent[] = [
      ...events.slice(0, 30),
      { ...base, source: { file: 'x.evtx', format: 'evtx', offset: 4096 * 1000, length: 512, chunk: 17 } },
      { ...base, suspect: 'chunk 3: "header" checksum \ mismatch\u0000 é\ud800' },
      { ...base, recovered: true, suspect: '' },
      { ...base, source: { file: 'x', format: 'xml', offset: Number.NaN, length: 1 } },
      { ...base, source: { file: 'x', format: 'json', offset: 1, length: 2, line: Number.POSITIVE_INFINITY } },
      { ...base, source: { file: 'x', format: 'json', offset: -0, length: 0, line: 0, chunk: 0 } },
    ];
    for (const e of variants) expect(metaJson(e)).toBe(JSON.stringify(metaOf(e)));
  });
});
