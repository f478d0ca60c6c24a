// Events turned into the exact values the case store appends, in a compact shape that crosses
// a thread boundary cheaply: numbers in typed arrays (transferred, not copied) and the string
// values in one flat array. Reading and this preparation run on one thread while the store's
// appender runs on another, so an import uses both cores.

import type { NormalizedEvent, ReadError } from '../../../shared/events.js';
import { summarize } from '../../../shared/event-views.js';
import type { TimePrecision } from '../../../shared/time.js';
import type { EvidenceFormat, TimeSource } from '../../../shared/events.js';

/** String values per event, in this order. */
export const STRINGS_PER_EVENT = 7;
export const StringSlot = {
  Host: 0,
  Channel: 1,
  Provider: 2,
  Summary: 3,
  System: 4,
  Data: 5,
  Meta: 6,
} as const;

export interface PreparedRows {
  readonly count: number;
  readonly ticks: BigInt64Array;
  readonly eventIds: Int32Array;
  /** Record ids; NaN where the record had none. */
  readonly recordIds: Float64Array;
  readonly strings: string[];
  readonly recovered: number;
}

/** The per-event values folded into the `meta` column (short keys: it is stored per event). */
export interface EventMeta {
  readonly p: TimePrecision;
  readonly t: TimeSource;
  readonly f: EvidenceFormat;
  readonly o: number;
  readonly l: number;
  readonly n?: number;
  readonly c?: number;
  readonly r?: true;
  readonly s?: string;
}

export function metaOf(e: NormalizedEvent): EventMeta {
  const src = e.source;
  const meta: { -readonly [K in keyof EventMeta]: EventMeta[K] } = {
    p: e.timePrecision,
    t: e.timeSource,
    f: src.format,
    o: src.offset,
    l: src.length,
  };
  if (src.line !== undefined) meta.n = src.line;
  if (src.chunk !== undefined) meta.c = src.chunk;
  if (e.recovered) meta.r = true;
  if (e.suspect !== undefined) meta.s = e.suspect;
  return meta;
}

export function prepareRows(events: readonly NormalizedEvent[]): PreparedRows {
  const n = events.length;
  const ticks = new BigInt64Array(n);
  const eventIds = new Int32Array(n);
  const recordIds = new Float64Array(n);
  const strings: string[] = new Array<string>(n * STRINGS_PER_EVENT);
  let recovered = 0;
  for (let i = 0; i < n; i++) {
    const e = events[i] as NormalizedEvent;
    const s = e.system;
    ticks[i] = e.ticks;
    eventIds[i] = s.eventId;
    recordIds[i] = s.recordId ?? Number.NaN;
    const k = i * STRINGS_PER_EVENT;
    strings[k + StringSlot.Host] = s.computer;
    strings[k + StringSlot.Channel] = s.channel;
    strings[k + StringSlot.Provider] = s.provider;
    strings[k + StringSlot.Summary] = summarize(e);
    strings[k + StringSlot.System] = JSON.stringify(s);
    strings[k + StringSlot.Data] = JSON.stringify(e.data);
    strings[k + StringSlot.Meta] = JSON.stringify(metaOf(e));
    if (e.recovered) recovered++;
  }
  return { count: n, ticks, eventIds, recordIds, strings, recovered };
}

/** What a reading thread sends per batch. */
export interface PreparedBatch {
  readonly rows: PreparedRows;
  readonly errors: readonly ReadError[];
  readonly bytesRead: number;
}
