// The JSON evidence reader: evtx_dump / Rust evtx-crate objects (one per line, pretty-printed
// back to back, or in an array), flattened collector JSON lines (NXLog, Logstash) and
// Winlogbeat documents. The shape is decided per record from its content, the layout (lines or
// values) once per file from its head. Streaming throughout: the file is read in chunks, each
// record parsed on its own; a bad record becomes an error item with file, offset and line.

import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { buildEvent, EventBuildError } from '../../../../shared/build-event.js';
import type { EvidenceFormat, ReadItem, SourcePointer } from '../../../../shared/events.js';
import type { EvidenceReader, ReaderOptions } from '../reader.js';
import { quoteLongIntegers } from './json-bigint.js';
import { scanRecords, type RawRecord, type ScanMode } from './json-scan.js';
import { convertRecord } from './json-shapes.js';
import { OffsetInference, resolveTime, type OffsetTable, type TimeContext } from './json-time.js';

/** Bytes read to decide the layout and whether EventTime needs a zone. */
const HEAD_BYTES = 1024 * 1024;
/** The EventTime zone pre-scan reads at most this much of the file's head. */
export const OFFSET_PRESCAN_BYTES = 32 * 1024 * 1024;
/** …but stops after this much once every key seen has this many samples. */
const PRESCAN_MIN_BYTES = 4 * 1024 * 1024;
const PRESCAN_ENOUGH_SAMPLES = 16;
const PROGRESS_EVERY_BYTES = 4 * 1024 * 1024;
const DEFAULT_BATCH = 2000;

function isBlankByte(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}

function hasUtf8Bom(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

function looksUtf16(head: Buffer): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return true;
  // BOM-less UTF-16: a NUL beside every ASCII byte of the first characters.
  return head.length >= 4 && ((head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) || (head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0));
}

/**
 * Content sniffing: the first significant character (after a UTF-8 BOM and blanks) opens an
 * object, or an array whose first element is an object (or that is empty), or the head is
 * evtx_dump's `Record N` line followed by an object.
 */
export function looksLikeJson(head: Buffer): boolean {
  let i = hasUtf8Bom(head) ? 3 : 0;
  while (i < head.length && isBlankByte(head[i]!)) i++;
  if (i >= head.length) return false;
  const c = head[i];
  if (c === 0x7b) return true;
  if (c === 0x5b) {
    let j = i + 1;
    while (j < head.length && isBlankByte(head[j]!)) j++;
    return j >= head.length || head[j] === 0x7b || head[j] === 0x5d;
  }
  return /^Record \d+\r?\n\s*\{/.test(head.toString('latin1', i, Math.min(head.length, i + 64)));
}

/**
 * Lines or values: values when the text opens an array or when most of the head's complete
 * lines are not a whole `{…}` each (pretty-printed objects, evtx_dump's `Record N` blocks).
 * A first line longer than the head is taken as JSON lines (one huge record).
 */
export function detectLayout(head: Buffer, start: number, wholeFile: boolean): ScanMode {
  let i = start;
  while (i < head.length && isBlankByte(head[i]!)) i++;
  if (head[i] === 0x5b) return 'values';
  let complete = 0;
  let whole = 0;
  let lineStart = i;
  while (complete < 64) {
    let nl = head.indexOf(0x0a, lineStart);
    if (nl < 0) {
      if (!wholeFile || lineStart >= head.length) break;
      nl = head.length;
    }
    let s = lineStart;
    let e = nl;
    while (s < e && isBlankByte(head[s]!)) s++;
    while (e > s && isBlankByte(head[e - 1]!)) e--;
    if (e > s) {
      complete++;
      if (head[s] === 0x7b && head[e - 1] === 0x7d) whole++;
    }
    lineStart = nl + 1;
  }
  if (complete === 0) return 'lines';
  return whole * 2 >= complete ? 'lines' : 'values';
}

async function readHead(path: string, bytes: number): Promise<{ head: Buffer; size: number }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.allocUnsafe(Math.min(bytes, size));
    let filled = 0;
    while (filled < buf.length) {
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { head: buf.subarray(0, filled), size };
  } finally {
    await fh.close();
  }
}

/** File offset just past the last non-blank byte (judged from the last 64 KiB). */
async function lastContentEnd(path: string, size: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const want = Math.min(size, 64 * 1024);
    const buf = Buffer.allocUnsafe(want);
    const { bytesRead } = await fh.read(buf, 0, want, size - want);
    let e = bytesRead;
    while (e > 0 && isBlankByte(buf[e - 1]!)) e--;
    return size - want + e;
  } finally {
    await fh.close();
  }
}

async function inferOffsets(path: string, mode: ScanMode, start: number, signal: AbortSignal | undefined): Promise<OffsetTable> {
  const inference = new OffsetInference();
  const sink = (rec: RawRecord): void => {
    if (rec.buf) inference.addRecordText(rec.buf.toString('utf8', rec.start, rec.end));
  };
  const options = { startOffset: start, limitBytes: OFFSET_PRESCAN_BYTES, ...(signal ? { signal } : {}) };
  for await (const position of scanRecords(path, mode, options, sink)) {
    // Enough evidence for every collector seen so far: the rest of the head adds little.
    if (position - start >= PRESCAN_MIN_BYTES && inference.settled(PRESCAN_ENOUGH_SAMPLES)) break;
  }
  return inference.result();
}

function errorItem(file: string, rec: { offset: number; line: number }, message: string): ReadItem {
  return { kind: 'error', error: { file, offset: rec.offset, line: rec.line, message } };
}

/** Parses one record into an event, or an error item naming its position. */
function recordToItem(path: string, format: EvidenceFormat, rec: RawRecord, ctx: TimeContext, last: boolean): ReadItem {
  const buf = rec.buf;
  if (buf === null) return errorItem(path, rec, rec.problem ?? 'unreadable record');
  if (!rec.utf8 && !isUtf8(buf.subarray(rec.start, rec.end))) return errorItem(path, rec, 'invalid UTF-8 in the record, skipped');
  // Decoding each record on its own measured far faster than decoding whole chunks.
  const text = buf.toString('utf8', rec.start, rec.end);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const cut = last && /end of JSON input|Unterminated string/i.test(reason);
    return errorItem(path, rec, cut ? `the last record is cut short (truncated): ${reason}` : `malformed JSON: ${reason}`);
  }
  const converted = convertRecord(value, text);
  if (typeof converted === 'string') return errorItem(path, rec, converted);
  const time = resolveTime(converted.shape, converted.times, ctx);
  if (typeof time === 'string') return errorItem(path, rec, time);
  const source: SourcePointer = { file: path, format, offset: rec.offset, length: rec.length, line: rec.line };
  try {
    return { kind: 'event', event: buildEvent(converted.raw, converted.data, source, { time }) };
  } catch (err) {
    if (err instanceof EventBuildError) return errorItem(path, rec, err.message);
    throw err;
  }
}

async function* readJson(path: string, options: ReaderOptions): AsyncGenerator<readonly ReadItem[]> {
  const { signal, onProgress } = options;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  if (signal?.aborted) return;
  const { head, size } = await readHead(path, HEAD_BYTES);
  const start = hasUtf8Bom(head) ? 3 : 0;
  let first = start;
  while (first < head.length && isBlankByte(head[first]!)) first++;
  if (first >= head.length && size <= head.length) {
    yield [{ kind: 'error', error: { file: path, offset: 0, message: size === 0 ? 'empty file' : 'empty file (only blanks)' } }];
    onProgress?.(size);
    return;
  }
  if (looksUtf16(head)) {
    yield [{ kind: 'error', error: { file: path, offset: 0, message: 'UTF-16 JSON is not supported; convert the file to UTF-8' } }];
    onProgress?.(size);
    return;
  }
  const mode = detectLayout(head, start, size <= head.length);
  const format: EvidenceFormat = mode === 'lines' ? 'jsonl' : 'json';
  let ctx: TimeContext = {};
  if (options.localTimeOffsetMinutes !== undefined) ctx = { userOffsetMinutes: options.localTimeOffsetMinutes };
  else if (head.includes('"EventTime"')) ctx = { offsets: await inferOffsets(path, mode, start, signal) };
  if (signal?.aborted) return;

  // Records are parsed as the scanner finds them (so their text dies young); the events of
  // one chunk are then handed on in batches.
  let out: ReadItem[] = [];
  const contentEnd = await lastContentEnd(path, size);
  const sink = (rec: RawRecord): void => {
    out.push(recordToItem(path, format, rec, ctx, rec.offset + rec.length >= contentEnd));
  };
  let reported = 0;
  let done = start;
  for await (const position of scanRecords(path, mode, { startOffset: start, ...(signal ? { signal } : {}) }, sink)) {
    done = position;
    for (let k = 0; k < out.length; k += batchSize) {
      yield k === 0 && out.length <= batchSize ? out : out.slice(k, k + batchSize);
      if (signal?.aborted) return;
    }
    out = [];
    if (onProgress && done - reported >= PROGRESS_EVERY_BYTES) {
      reported = done;
      onProgress(done);
    }
    if (signal?.aborted) return;
  }
  if (signal?.aborted) return;
  if (out.length) yield out;
  onProgress?.(Math.max(done, size));
}

/** A byte range of a JSON-lines file that starts at the start of a line; `end` is exclusive. */
export interface LineSegment {
  readonly start: number;
  readonly end: number;
}

/**
 * Cuts a JSON-lines file into segments of about `segmentBytes`, each starting at the start of
 * a line, so that they can be read on several threads; null when the file is not JSON lines
 * (pretty-printed values cannot be cut safely) or not worth cutting.
 */
export async function planLineSegments(path: string, segmentBytes: number): Promise<LineSegment[] | null> {
  const { head, size } = await readHead(path, HEAD_BYTES);
  if (looksUtf16(head)) return null;
  const start = hasUtf8Bom(head) ? 3 : 0;
  if (detectLayout(head, start, size <= head.length) !== 'lines') return null;
  const cuts = [start];
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (let nominal = start + segmentBytes; nominal < size; nominal += segmentBytes) {
      // The first line feed at or after the nominal cut (a long line moves the cut on).
      let pos = Math.max(nominal, cuts[cuts.length - 1] as number);
      let lf = -1;
      while (lf < 0 && pos < size) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        const i = buf.subarray(0, bytesRead).indexOf(0x0a);
        if (i >= 0) lf = pos + i;
        else pos += bytesRead;
      }
      if (lf < 0 || lf + 1 >= size) break;
      if (lf + 1 > (cuts[cuts.length - 1] as number)) cuts.push(lf + 1);
    }
  } finally {
    await fh.close();
  }
  if (cuts.length < 2) return null;
  return cuts.map((c, i) => ({ start: c, end: i + 1 < cuts.length ? (cuts[i + 1] as number) : size }));
}

/**
 * The time context of a JSON-lines file cut into segments (the EventTime zone pre-scan of its
 * head), as scanLineSegments takes it: computed once and handed to every thread that reads
 * some of the segments, instead of each thread scanning the same head again.
 */
export async function segmentsTimeContext(path: string, segments: readonly LineSegment[], options: ReaderOptions): Promise<TimeContext> {
  if (options.localTimeOffsetMinutes !== undefined) return { userOffsetMinutes: options.localTimeOffsetMinutes };
  const first = segments[0];
  if (!first) return {};
  const { head } = await readHead(path, HEAD_BYTES);
  return head.includes('"EventTime"') ? { offsets: await inferOffsets(path, 'lines', first.start, options.signal) } : {};
}

/** Line feeds in [from, to) of the file. */
async function countLineFeeds(path: string, from: number, to: number, signal: AbortSignal | undefined): Promise<number> {
  if (to <= from) return 0;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let count = 0;
    for (let pos = from; pos < to; ) {
      if (signal?.aborted) return count;
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, to - pos), pos);
      if (bytesRead === 0) break;
      const data = buf.subarray(0, bytesRead);
      for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) count++;
      pos += bytesRead;
    }
    return count;
  } finally {
    await fh.close();
  }
}

/** What readJsonLineSegments yields: items of one segment, and a last, empty, one per segment. */
export interface SegmentItems {
  readonly segment: number;
  readonly items: readonly ReadItem[];
  /** File offset reached. */
  readonly position: number;
  /** True on the segment's last yield. */
  readonly segmentDone: boolean;
}

/** Where scanLineSegments has got to: after each chunk of a segment, and once at its end. */
export interface SegmentProgress {
  readonly segment: number;
  /** File offset reached. */
  readonly position: number;
  /** True at the segment's end (nothing more is handed over for it). */
  readonly segmentDone: boolean;
}

/**
 * Reads the segments `mine` (ascending indexes into `segments`, from planLineSegments) of a
 * JSON-lines file, exactly as readJson would read them in one pass: the same offsets, line
 * numbers (the line feeds before each segment are counted), time context and errors. Each
 * record's item goes to `sink` as soon as it is read; the generator yields after each chunk.
 */
export async function* scanLineSegments(
  path: string,
  segments: readonly LineSegment[],
  mine: readonly number[],
  options: ReaderOptions & { readonly timeContext?: TimeContext },
  sink: (item: ReadItem) => void,
): AsyncGenerator<SegmentProgress> {
  const { signal } = options;
  const first = segments[0];
  const lastIndex = segments.length - 1;
  const final = segments[lastIndex];
  if (!first || !final || signal?.aborted) return;
  const size = final.end;
  const ctx = options.timeContext ?? (await segmentsTimeContext(path, segments, options));
  const contentEnd = await lastContentEnd(path, size);
  const recordSink = (rec: RawRecord): void => {
    sink(recordToItem(path, 'jsonl', rec, ctx, rec.offset + rec.length >= contentEnd));
  };
  let line = 1;
  let counted = first.start;
  for (const k of mine) {
    const seg = segments[k];
    if (!seg) continue;
    line += await countLineFeeds(path, counted, seg.start, signal);
    counted = seg.start;
    if (signal?.aborted) return;
    const scan = {
      startOffset: seg.start,
      startLine: line,
      // The last segment runs to the end of the file, where a cut-short last line is reported.
      ...(k === lastIndex ? {} : { limitBytes: seg.end }),
      ...(signal ? { signal } : {}),
    };
    let position = seg.start;
    for await (const reached of scanRecords(path, 'lines', scan, recordSink)) {
      position = reached;
      yield { segment: k, position, segmentDone: false };
      if (signal?.aborted) return;
    }
    if (signal?.aborted) return;
    yield { segment: k, position: Math.max(position, seg.end), segmentDone: true };
  }
}

/** scanLineSegments with the items gathered into batches (of at most options.batchSize). */
export async function* readJsonLineSegments(
  path: string,
  segments: readonly LineSegment[],
  mine: readonly number[],
  options: ReaderOptions = {},
): AsyncGenerator<SegmentItems> {
  const { signal } = options;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  let out: ReadItem[] = [];
  for await (const p of scanLineSegments(path, segments, mine, options, (item) => out.push(item))) {
    for (let i = 0; i < out.length; i += batchSize) {
      yield { segment: p.segment, items: i === 0 && out.length <= batchSize ? out : out.slice(i, i + batchSize), position: p.position, segmentDone: false };
      if (signal?.aborted) return;
    }
    out = [];
    if (p.segmentDone) yield { segment: p.segment, items: [], position: p.position, segmentDone: true };
  }
}

/** Reads one record again; a single-line record is pretty-printed when that loses nothing. */
async function readRaw(source: SourcePointer, maxChars: number): Promise<{ readonly text: string; readonly truncated: boolean }> {
  const limit = Math.max(0, Math.floor(maxChars));
  // UTF-8 needs at most 4 bytes per character (a UTF-16 pair is 4 bytes and 2 characters).
  const want = Math.min(source.length, limit * 4 + 4);
  const fh = await open(source.file, 'r');
  let buf: Buffer;
  try {
    buf = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const { bytesRead } = await fh.read(buf, filled, want - filled, source.offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    buf = buf.subarray(0, filled);
  } finally {
    await fh.close();
  }
  let text = buf.toString('utf8');
  let truncated = want < source.length;
  if (!truncated && !text.includes('\n')) {
    try {
      const quoted = quoteLongIntegers(text);
      // Pretty-printing would show long integers as strings: keep such records as they are.
      if (quoted === text) text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Not valid JSON: shown as it is.
    }
  }
  if (text.length > limit) {
    text = text.slice(0, limit);
    truncated = true;
  }
  return { text, truncated };
}

export const jsonReader: EvidenceReader = {
  format: 'json',
  read(path: string, options: ReaderOptions = {}): AsyncIterable<readonly ReadItem[]> {
    return readJson(path, options);
  },
  readRaw,
};
