// Events turned into the exact values the case store appends, in a compact shape that crosses
// a thread boundary without a copy: numbers in typed arrays and the string values as UTF-8 in
// one buffer with their end offsets, all transferred, not cloned. Reading and this
// preparation run on one thread while the store's appender runs on another, so an import uses
// both cores; the appender hands the bytes to DuckDB as they are (no re-encoding there).
import type { NormalizedEvent, ReadError } from '../../../shared/events.js';
import { summarize } from '../../../shared/event-views.js';
import type { TimePrecision } from '../../../shared/time.js';
import type { EvidenceFormat, TimeSource } from '../../../shared/events.js';
import { valueStart } from '../../../shared/value-ends.js';

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
  /** The string values as UTF-8, row after row, each row in StringSlot order. */
  readonly text: Uint8Array;
  /** Where each string value ends in `text` (count × STRINGS_PER_EVENT); each starts where the previous ends. */
  readonly ends: Float64Array;
  readonly recovered: number;
}

/** The buffers a PreparedRows owns, to transfer with it to another thread. */
export function transferListOf(rows: PreparedRows): ArrayBuffer[] {
  return [rows.ticks.buffer, rows.eventIds.buffer, rows.recordIds.buffer, rows.text.buffer, rows.ends.buffer] as ArrayBuffer[];
}

/** String value `slot` of row `row`, decoded (tests, diagnostics; the store never decodes). */
export function stringAt(rows: PreparedRows, row: number, slot: number): string {
  const k = row * STRINGS_PER_EVENT + slot;
  const start = valueStart(rows.ends, k);
  return Buffer.from(rows.text.buffer, rows.text.byteOffset + start, (rows.ends[k] as number) - start).toString('utf8');
}

/** Every string value of the rows, decoded, in row and slot order. */
export function stringsOf(rows: PreparedRows): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.count; i++) for (let slot = 0; slot < STRINGS_PER_EVENT; slot++) out.push(stringAt(rows, i, slot));
  return out;
}

/**
 * A growing UTF-8 buffer of its own (never Node's shared pool: it is transferred, which would
 * detach the pool for every other Buffer of the thread).
 */
class Utf8Writer {
  private buf: Buffer;
  private used = 0;
  constructor(initial: number, reuse?: ArrayBuffer) {
    // A buffer handed back by the engine thread (TextBufferPool) is reused as it is, however
    // large: fresh multi-megabyte buffers are new pages from the kernel, and their page
    // faults cost more than writing the text into them.
    this.buf = reuse ? Buffer.from(reuse, 0, reuse.byteLength) : Buffer.allocUnsafeSlow(Math.max(1024, initial));
  }
  /** Appends `s`; returns the end offset. */
  write(s: string): number {
    // At most 3 bytes per UTF-16 unit (a surrogate pair is 4 bytes for 2 units).
    const need = this.used + s.length * 3;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    this.used += this.buf.write(s, this.used, 'utf8');
    return this.used;
  }
  /**
   * Appends the seven string values of a row with one write when they are all ASCII (then
   * each value's byte length is its length, and its end follows from it); otherwise value by
   * value. A write is a call into C++ whose fixed cost, seven times per event, measured as
   * much as the encoding itself.
   */
  writeRow(ends: Float64Array, k: number, a: string, b: string, c: string, d: string, e: string, f: string, g: string): void {
    const start = this.used;
    const row = a + b + c + d + e + f + g;
    const need = start + row.length * 3;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, start);
      this.buf = grown;
    }
    const written = this.buf.write(row, start, 'utf8');
    if (written === row.length) {
      let end = start + a.length;
      ends[k] = end;
      ends[k + 1] = end += b.length;
      ends[k + 2] = end += c.length;
      ends[k + 3] = end += d.length;
      ends[k + 4] = end += e.length;
      ends[k + 5] = end += f.length;
      ends[k + 6] = end + g.length;
      this.used = start + written;
      return;
    }
    // Not all ASCII (a quarter of the bench file's rows: ® in Sysmon's Product): the bytes
    // written are right, and each value's end follows from its UTF-8 length (a native count,
    // cheaper than writing the row again value by value). Unless the counts do not add up: a
    // value ending in a lone high surrogate and the next starting with a lone low one make a
    // pair in the row (4 bytes) but two U+FFFD apart (6); then the values are written apart.
    let end = start + Buffer.byteLength(a, 'utf8');
    ends[k] = end;
    ends[k + 1] = end += Buffer.byteLength(b, 'utf8');
    ends[k + 2] = end += Buffer.byteLength(c, 'utf8');
    ends[k + 3] = end += Buffer.byteLength(d, 'utf8');
    ends[k + 4] = end += Buffer.byteLength(e, 'utf8');
    ends[k + 5] = end += Buffer.byteLength(f, 'utf8');
    ends[k + 6] = end += Buffer.byteLength(g, 'utf8');
    if (end === start + written) {
      this.used = end;
      return;
    }
    this.used = start;
    ends[k] = this.write(a);
    ends[k + 1] = this.write(b);
    ends[k + 2] = this.write(c);
    ends[k + 3] = this.write(d);
    ends[k + 4] = this.write(e);
    ends[k + 5] = this.write(f);
    ends[k + 6] = this.write(g);
  }
  done(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.used);
  }
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

/**
 * JSON.stringify(metaOf(e)), written out directly (once per event; the object and the generic
 * serializer cost more than the text). Its values are finite numbers, which print as
 * String(n) does, and names from closed sets (TimePrecision, TimeSource, EvidenceFormat)
 * that need no escaping; the suspect note goes through JSON.stringify. Anything else falls
 * back to the generic path.
 */
export function metaJson(e: NormalizedEvent): string {
  const src = e.source;
  if (!Number.isFinite(src.offset) || !Number.isFinite(src.length)) return JSON.stringify(metaOf(e));
  let json = `{"p":"${e.timePrecision}","t":"${e.timeSource}","f":"${src.format}","o":${src.offset},"l":${src.length}`;
  if (src.line !== undefined) {
    if (!Number.isFinite(src.line)) return JSON.stringify(metaOf(e));
    json += `,"n":${src.line}`;
  }
  if (src.chunk !== undefined) {
    if (!Number.isFinite(src.chunk)) return JSON.stringify(metaOf(e));
    json += `,"c":${src.chunk}`;
  }
  if (e.recovered) json += ',"r":true';
  if (e.suspect !== undefined) json += `,"s":${JSON.stringify(e.suspect)}`;
  return json + '}';
}

/**
 * Text buffers of prepared rows that the engine thread has appended and handed back to the
 * reading thread (with its acknowledgement), for the next batches. Bounded by the reading
 * thread's window: no more buffers are ever in flight than unacknowledged batches.
 */
export class TextBufferPool {
  private readonly free: ArrayBuffer[] = [];
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength > 0) this.free.push(buffer);
  }
  take(): ArrayBuffer | undefined {
    return this.free.pop();
  }
}

/** The buffer a PreparedRows' text lives in, to hand back to its reading thread once appended. */
export function textBufferOf(rows: PreparedRows): ArrayBuffer {
  return rows.text.buffer as ArrayBuffer;
}

/**
 * Builds prepared rows one event at a time, so that a reader can turn each event into its
 * row as soon as it is parsed: the event's objects then die young (in the scavenger's
 * nursery) instead of waiting, alive, for the rest of their chunk — which measured as a
 * large share of a reading thread's garbage-collection time.
 */
export class RowsBuilder {
  private ticks: BigInt64Array;
  private eventIds: Int32Array;
  private recordIds: Float64Array;
  private ends: Float64Array;
  private readonly text: Utf8Writer;
  private n = 0;
  private recovered = 0;

  constructor(capacity: number, pool?: TextBufferPool, reuse = true) {
    const c = Math.max(1, capacity);
    this.ticks = new BigInt64Array(c);
    this.eventIds = new Int32Array(c);
    this.recordIds = new Float64Array(c);
    this.ends = new Float64Array(c * STRINGS_PER_EVENT);
    // About 1.5 KB of text per event in the benchmark files; the writer grows when needed.
    this.text = new Utf8Writer(c * 2048, reuse ? pool?.take() : undefined);
  }

  get count(): number {
    return this.n;
  }

  private grow(): void {
    const c = this.ticks.length * 2;
    const ticks = new BigInt64Array(c);
    ticks.set(this.ticks);
    this.ticks = ticks;
    const eventIds = new Int32Array(c);
    eventIds.set(this.eventIds);
    this.eventIds = eventIds;
    const recordIds = new Float64Array(c);
    recordIds.set(this.recordIds);
    this.recordIds = recordIds;
    const ends = new Float64Array(c * STRINGS_PER_EVENT);
    ends.set(this.ends);
    this.ends = ends;
  }

  add(e: NormalizedEvent): void {
    if (this.n === this.ticks.length) this.grow();
    const i = this.n++;
    const s = e.system;
    const text = this.text;
    const ends = this.ends;
    this.ticks[i] = e.ticks;
    this.eventIds[i] = s.eventId;
    this.recordIds[i] = s.recordId ?? Number.NaN;
    const k = i * STRINGS_PER_EVENT;
    // (In StringSlot order.)
    text.writeRow(ends, k, s.computer, s.channel, s.provider, summarize(e), JSON.stringify(s), JSON.stringify(e.data), metaJson(e));
    if (e.recovered) this.recovered++;
  }

  /** The rows added; the builder is not used afterwards. */
  finish(): PreparedRows {
    const n = this.n;
    const full = n === this.ticks.length;
    return {
      count: n,
      ticks: full ? this.ticks : this.ticks.subarray(0, n),
      eventIds: full ? this.eventIds : this.eventIds.subarray(0, n),
      recordIds: full ? this.recordIds : this.recordIds.subarray(0, n),
      text: this.text.done(),
      ends: full ? this.ends : this.ends.subarray(0, n * STRINGS_PER_EVENT),
      recovered: this.recovered,
    };
  }
}

export function prepareRows(events: readonly NormalizedEvent[], pool?: TextBufferPool): PreparedRows {
  const n = events.length;
  const builder = new RowsBuilder(n, pool, n > 0);
  for (let i = 0; i < n; i++) builder.add(events[i] as NormalizedEvent);
  return builder.finish();
}

/** What a reading thread sends per batch. */
export interface PreparedBatch {
  readonly rows: PreparedRows;
  readonly errors: readonly ReadError[];
  readonly bytesRead: number;
}
