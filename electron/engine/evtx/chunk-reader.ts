// Turns one chunk's bytes into ReadItems: live records in order, then records carved from the
// slack after the free-space offset (recovered). Pure (bytes in, items out), so the worker
// pool runs the same code as the single-threaded reader.
import { buildEvent, buildEventAt, optInt } from '../../../shared/build-event.js';
import type { NormalizedEvent, ReadItem, SourcePointer } from '../../../shared/events.js';
import { filetimeToTicks } from '../../../shared/time.js';
import { newChunkContext, type ChunkContext, type Template, type TemplateCache } from './binxml-tokens.js';
import { CHUNK_HEADER_SIZE, CHUNK_SIZE, chunkChecksumProblems, parseChunkHeader } from './chunk.js';
import { EvtxFormatError } from './cursor.js';
import { extractFast, extractFastCarved, newRaw, pathCounts, PASSED_OVER } from './compiled.js';
import { extractRecord, type Extracted } from './extract.js';
import { RECORD_HEADER_SIZE, RECORD_MAGIC, parseRecordBody, readRecordHead, type RecordHead } from './record.js';

export interface ChunkInput {
  readonly file: string;
  readonly buf: Buffer;
  /** Index of the chunk by position in the file. */
  readonly index: number;
  readonly fileOffset: number;
  /** Templates by id shared across the file's chunks (see ChunkContext.byId). */
  readonly templatesById?: Map<number, Template>;
  /** Parsed templates shared by the file's chunks (see TemplateCache). */
  readonly templates?: TemplateCache;
  /**
   * Whether a carved event with this record id and time is certain to be dropped
   * (ChunkCollector.dropsCarved). Such records are passed over once their System section
   * shows that they would be events with that id and time, without decoding their data:
   * most of a log's slack holds older copies of its records.
   */
  readonly dropsCarved?: (recordId: number, ticks: bigint) => boolean;
}

export interface ChunkResult {
  readonly items: ReadItem[];
  /** Items from slack space (recovered events and their errors). */
  readonly carved: ReadItem[];
  /** Why the chunk is suspect (checksum failures), if it is. */
  readonly suspect?: string;
}

function describeError(e: unknown): string {
  if (e instanceof EvtxFormatError) return e.detail;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The time recordItem gives an event: the SystemTime FILETIME, else the header's written time when there is no SystemTime. */
function recordTicks(ex: Extracted, head: RecordHead): bigint | undefined {
  let ticks = ex.ticks;
  // Loaded for every record: a load first run by a late record without a FILETIME deoptimized recordItem.
  const systemFiletime = ex.filetime;
  if (ticks === undefined) {
    const filetime = systemFiletime ?? (ex.raw.systemTime === undefined ? head.written : undefined);
    if (filetime !== undefined) ticks = filetimeToTicks(filetime);
  }
  return ticks;
}

/**
 * Whether recordItem would make of a carved record's System section an event that `drops`
 * drops. Only when that is certain: buildEvent then has an event id and a time it need not
 * parse, so it cannot fail, and the record id is the one recordItem gives the event.
 */
function passOver(ex: Extracted, head: RecordHead, drops: (recordId: number, ticks: bigint) => boolean): boolean {
  const raw = ex.raw;
  if (optInt(raw.eventId) === undefined) return false;
  // A SystemTime that is text is parsed by buildEvent, which may fail.
  const ticks = ex.ticks ?? (raw.systemTime === undefined ? recordTicks(ex, head) : undefined);
  if (ticks === undefined) return false;
  const recordId = optInt(raw.recordId === undefined || raw.recordId === '' ? head.recordNumber : raw.recordId);
  return recordId !== undefined && drops(recordId, ticks);
}

/** The optional System fields in the order buildEvent adds them, and whether each is an integer. */
const OPTIONAL_FIELDS: readonly (readonly [keyof Extracted['raw'], boolean])[] = [
  ['providerGuid', false],
  ['eventSourceName', false],
  ['qualifiers', true],
  ['version', true],
  ['level', true],
  ['task', true],
  ['opcode', true],
  ['keywords', true],
  ['recordId', true],
  ['activityId', false],
  ['relatedActivityId', false],
  ['processId', true],
  ['threadId', true],
  ['userSid', false],
];

/**
 * Runs buildEventAt, as recordItem calls it, on sixteen made-up System sections at module
 * load (sixteen rounds, about a millisecond); one event of each is kept (see primed). An
 * event's System object gets its optional fields in one order but in as many combinations
 * as a log has kinds of event, so each store of an optional field meets several object
 * shapes. Met one at a time, after recordItem was optimized, each new shape (or a field
 * stored for the first time, or the first record without an EventID) sent recordItem and
 * buildEventAt back to the interpreter: they were compiled 4 and 6 times in a read of the
 * benchmark file. Field i is present when bit i % 4 of the section's number is
 * set, so every store past the fourth sees more shapes than V8 tracks one by one and is
 * compiled as a generic store from the start; values alternate between numbers (the fast
 * path's) and text (the general parser's).
 */
function primeBuildEvent(): void {
  const source: SourcePointer = { file: '', format: 'evtx', offset: 0, length: 0, chunk: 0 };
  // Sixteen rounds: V8 keeps no feedback for a function's first calls (it allocates the
  // vector once the function has run a while), and every shape must reach the vector.
  for (let n = 0; n < 256; n++) {
    const m = n & 15;
    const raw = newRaw();
    raw.provider = 'P';
    raw.channel = 'C';
    raw.computer = 'H';
    raw.eventId = m & 1 ? '1' : 1;
    OPTIONAL_FIELDS.forEach(([field, integer], i) => {
      if (((m >> (i % 4)) & 1) === 0) return;
      (raw as Record<string, unknown>)[field] = integer ? (m & 2 ? String(i) : i) : `{${i}}`;
    });
    const event = buildEventAt(raw, {}, source, 16_000_000_000_000_000n + BigInt(m), '100ns', 'SystemTime', m % 3 === 0, m & 4 ? 'suspect' : undefined);
    primed[m] = event;
  }
  for (let n = 0; n < 4; n++) {
    try {
      buildEventAt(newRaw(), {}, source, 0n, '100ns', 'SystemTime', false, undefined);
    } catch {
      // No EventID: the error every reader reports for such a record.
    }
  }
}
/**
 * One made-up event of each kind, kept: V8 holds the object shapes in its feedback weakly,
 * and a shape no live object has is dropped at the next full collection, its feedback with
 * it (the store is then compiled as never run, and deoptimizes when it runs).
 */
const primed: NormalizedEvent[] = [];
primeBuildEvent();

/** recordItem's answer for a record whose failure needs no message (see carve). */
const QUIET_FAILURE: ReadItem = { kind: 'error', error: { file: '', offset: 0, message: '' } };

/**
 * One record's item. null when a carved record was passed over (ChunkInput.dropsCarved);
 * QUIET_FAILURE when it fails and `quiet` says that its message would not be used.
 */
function recordItem(
  ctx: ChunkContext,
  input: ChunkInput,
  head: RecordHead,
  recovered: boolean,
  suspect: string | undefined,
  quiet = false,
): ReadItem | null {
  const at = input.fileOffset + head.offset;
  try {
    ctx.where.record = head.recordNumber;
    // The compiled-template path first; the general parser for whatever it leaves (it
    // produces the same event, or the error message).
    const drops = recovered ? input.dropsCarved : undefined;
    let ex: Extracted | EvtxFormatError | null;
    if (drops) {
      const got = extractFastCarved(ctx, head.offset + RECORD_HEADER_SIZE, head.offset + head.size - 4, (system) => passOver(system, head, drops));
      if (got === PASSED_OVER) return null;
      ex = got;
    } else ex = extractFast(ctx, head.offset + RECORD_HEADER_SIZE, head.offset + head.size - 4);
    if (ex instanceof EvtxFormatError) return failure(input, head, at, recovered, quiet, ex);
    if (ex === null) {
      ex = extractRecord(parseRecordBody(ctx, head));
      pathCounts.general++;
    }
    // A record without an EventID fails in buildEvent/buildEventAt (their first check);
    // when its message is not wanted, the failure is returned without an Error being made
    // and thrown (slack holds about a thousand such records per read of the benchmark file,
    // each throw costing some twenty microseconds).
    if (quiet && optInt(ex.raw.eventId) === undefined) return QUIET_FAILURE;
    const ticks = recordTicks(ex, head);
    // Exported logs renumber record headers but keep EventRecordID in the XML: prefer it.
    if (ex.raw.recordId === undefined || ex.raw.recordId === '') ex.raw.recordId = head.recordNumber;
    const source: SourcePointer = { file: input.file, format: 'evtx', offset: at, length: head.size, chunk: input.index };
    const event =
      ticks !== undefined
        ? buildEventAt(ex.raw, ex.data, source, ticks, '100ns', 'SystemTime', recovered, suspect)
        : buildEvent(ex.raw, ex.data, source, { recovered, ...(suspect ? { suspect } : {}) });
    return { kind: 'event', event };
  } catch (e) {
    // Any failure, expected (EvtxFormatError, EventBuildError for a missing EventID) or not,
    // is this record's error only: hostile input must not stop the file.
    return failure(input, head, at, recovered, quiet, e);
  }
}

function failure(input: ChunkInput, head: RecordHead, at: number, recovered: boolean, quiet: boolean, e: unknown): ReadItem {
  if (quiet) return QUIET_FAILURE;
  const offset = e instanceof EvtxFormatError ? e.fileOffset : at;
  const label = `chunk ${input.index} record ${head.recordId}${recovered ? ' (recovered from slack)' : ''}`;
  return { kind: 'error', error: { file: input.file, offset, message: `${label}: ${describeError(e)}` } };
}

/**
 * What carve met, summed over every chunk this thread read (for the benchmark, as
 * pathCounts): record frames in slack, and what became of them before the reader's dedupe
 * (ChunkCollector) — passed over as copies of records read before, made into events, or
 * failed (most often their template was overwritten).
 */
export const slackCounts = { frames: 0, passedOver: 0, events: 0, failed: 0 };

/**
 * Scans buf[from, to) for record frames and recovers what parses. Slack records often lean on
 * templates that newer records overwrote; those that cannot be read are summed up in one
 * error item per chunk rather than one each.
 */
function carve(ctx: ChunkContext, input: ChunkInput, from: number, to: number, out: ReadItem[], suspect: string | undefined): void {
  const buf = input.buf;
  let pos = from;
  let failed = 0;
  let first: ReadItem | null = null;
  while (pos + 28 <= to) {
    const next = buf.indexOf(RECORD_MAGIC, pos);
    if (next < 0 || next + 28 > to) break;
    const head = readRecordHead(buf, next, to);
    if (typeof head === 'string') {
      pos = next + 1;
      continue;
    }
    // Only the first failure's message is reported.
    const item = recordItem(ctx, input, head, true, suspect, first !== null);
    slackCounts.frames++;
    if (item === null) {
      // Passed over: a copy of a record already read.
      slackCounts.passedOver++;
    } else if (item.kind === 'event') {
      out.push(item);
      slackCounts.events++;
    } else {
      failed++;
      slackCounts.failed++;
      first ??= item;
    }
    pos = next + head.size;
  }
  if (first?.kind === 'error') {
    const more = failed > 1 ? ` (and ${failed - 1} more in this chunk's slack)` : '';
    out.push({ kind: 'error', error: { ...first.error, message: `${first.error.message}${more}` } });
  }
}

export function readChunk(input: ChunkInput): ChunkResult {
  const { buf, file, index, fileOffset } = input;
  const items: ReadItem[] = [];
  const carved: ReadItem[] = [];
  const ctx = newChunkContext(buf, { file, base: fileOffset, chunk: index }, input.templatesById, input.templates ?? null);
  const header = parseChunkHeader(buf);
  if (!header) {
    // No chunk magic: a damaged or reused chunk. Whatever records it still holds are carved.
    carve(ctx, input, CHUNK_HEADER_SIZE, buf.length, carved, `chunk ${index} has no valid chunk header`);
    return { items, carved };
  }
  const problems = chunkChecksumProblems(buf, header);
  if (buf.length < CHUNK_SIZE) problems.push(`truncated to ${buf.length} bytes`);
  const suspect = problems.length > 0 ? `chunk ${index}: ${problems.join(', ')}` : undefined;
  const free = header.freeSpaceOffset;
  const liveEnd = free >= CHUNK_HEADER_SIZE && free <= buf.length ? free : buf.length;
  let pos = CHUNK_HEADER_SIZE;
  while (pos + 24 <= liveEnd) {
    const head = readRecordHead(buf, pos, buf.length);
    if (typeof head === 'string') {
      items.push({
        kind: 'error',
        error: { file, offset: fileOffset + pos, message: `chunk ${index} at 0x${pos.toString(16)}: ${head}` },
      });
      // Resynchronize on the next record signature inside the live area.
      const next = buf.indexOf(RECORD_MAGIC, pos + 1);
      if (next < 0 || next >= liveEnd) {
        pos = liveEnd;
        break;
      }
      pos = next;
      continue;
    }
    items.push(recordItem(ctx, input, head, false, suspect)!);
    pos += head.size;
  }
  carve(ctx, input, Math.max(pos, liveEnd), buf.length, carved, suspect);
  return { items, carved, ...(suspect ? { suspect } : {}) };
}
