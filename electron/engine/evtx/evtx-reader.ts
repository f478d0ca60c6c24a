// The EVTX EvidenceReader. Streams the file in 4 MiB reads of consecutive chunks, two
// buffers reused (never the whole file), finds chunks by their magic rather than the header's
// count, orders them by record id (wrapped logs), parses chunks whose checksums fail (marking
// their events suspect) and carves records from slack space (marked recovered). Carved records
// that duplicate a live record are dropped. What the file header says wrongly (dirty flag,
// chunk count, checksum) becomes a note, never a reason to stop.
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { ReadItem, SourcePointer } from '../../../shared/events.js';
import type { EvidenceReader, ReaderOptions } from '../readers/reader.js';
import { newChunkContext, newTemplateCache, type Template } from './binxml-tokens.js';
import { CHUNK_HEADER_SIZE, CHUNK_SIZE, hasChunkMagic } from './chunk.js';
import { readChunk, type ChunkInput, type ChunkResult } from './chunk-reader.js';
import { FILE_HEADER_SIZE, looksLikeEvtx, parseFileHeader } from './file-header.js';
import { parseRecordBody, readRecordHead } from './record.js';
import { renderRecordXml } from './render-xml.js';

export { looksLikeEvtx };

export interface ChunkSlot {
  readonly index: number;
  readonly offset: number;
  readonly length: number;
  readonly magic: boolean;
  readonly firstRecordId: bigint;
  /** As the chunk header says (not trusted: a damaged chunk's may be anything). */
  readonly lastRecordId: bigint;
}

export async function readAt(fh: FileHandle, offset: number, length: number, into?: Buffer): Promise<Buffer> {
  const buf = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Chunk headers are read in groups of this many between turns of the event loop. */
const HEADER_GROUP = 1024;

/**
 * Lists the chunk slots of a file: every 64 KiB block after the file header, in the order to
 * read them: chunks with a magic by first record id (wrapped logs), then the others by position.
 */
export async function listChunks(fh: FileHandle, size: number): Promise<ChunkSlot[]> {
  const slots: ChunkSlot[] = [];
  // Only the first 40 bytes of each chunk (magic, first and last record id). Synchronous
  // reads: an asynchronous read costs tens of microseconds of overhead, a pread of 40 bytes a
  // few, and the event loop gets a turn after each group. The loop is kept to element loads
  // and numbers: it runs once per 64 KiB of the file before the first record is read, mostly
  // before V8 has compiled it, and its Buffer.compare/readBigUInt64LE calls took more than its
  // reads (cold, on a 256 MB file: 56-95 ms with them, 35-39 ms without).
  const h = Buffer.alloc(40);
  const fd = fh.fd;
  let index = 0;
  let ordered = true;
  let last = -1n;
  for (let off = FILE_HEADER_SIZE; off < size; off += CHUNK_SIZE, index++) {
    if (index > 0 && index % HEADER_GROUP === 0) await new Promise<void>((r) => setImmediate(r));
    const length = Math.min(CHUNK_SIZE, size - off);
    const got = readSync(fd, h, 0, Math.min(40, length), off);
    // h is 40 bytes whatever was read: the magic counts only when 8 bytes of it were.
    const magic = got >= 8 && hasChunkMagic(h);
    const ids = magic && got >= 40;
    const first = ids ? idAt(h, 24) : 0n;
    if (magic) {
      // Whether the live chunks are already in reading order (the usual, unwrapped log).
      if (first < last) ordered = false;
      last = first;
    }
    slots.push({ index, offset: off, length, magic, firstRecordId: first, lastRecordId: ids ? idAt(h, 32) : 0n });
  }
  const live = slots.filter((s) => s.magic);
  // A stable sort by first record id (index order among equals); skipped when already sorted.
  if (!ordered) live.sort((a, b) => (a.firstRecordId < b.firstRecordId ? -1 : a.firstRecordId > b.firstRecordId ? 1 : a.index - b.index));
  return [...live, ...slots.filter((s) => !s.magic)];
}

/** The unsigned 64-bit little-endian integer at p, from two 32-bit halves (one BigInt when below 2^53). */
function idAt(h: Buffer, p: number): bigint {
  const lo = (h[p]! | (h[p + 1]! << 8) | (h[p + 2]! << 16) | (h[p + 3]! << 24)) >>> 0;
  const hi = (h[p + 4]! | (h[p + 5]! << 8) | (h[p + 6]! << 16) | (h[p + 7]! << 24)) >>> 0;
  return hi < 0x200000 ? BigInt(hi * 0x100000000 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/** Slots read with one read: consecutive in reading order and adjacent in the file. */
export interface SlotRun {
  readonly first: number;
  readonly count: number;
  readonly offset: number;
  readonly length: number;
}

/**
 * Chunks per read: 4 MiB, few enough reads that their overhead vanishes, small enough to
 * double-buffer. Not less: each FileHandle.read call costs the reading thread some 70-100 us
 * of its own (1 MiB runs: about 25 ms per 256 MB read, against 5 ms), while the page faults
 * of larger buffers are taken by the thread-pool thread that fills them.
 */
export const RUN_CHUNKS = 64;

export function slotRuns(slots: readonly ChunkSlot[], maxChunks = RUN_CHUNKS): SlotRun[] {
  const runs: SlotRun[] = [];
  let i = 0;
  while (i < slots.length) {
    const first = i;
    const offset = slots[i]!.offset;
    let length = slots[i]!.length;
    i++;
    while (i < slots.length && i - first < maxChunks && slots[i]!.offset === offset + length && length === (i - first) * CHUNK_SIZE) {
      length += slots[i]!.length;
      i++;
    }
    runs.push({ first, count: i - first, offset, length });
  }
  return runs;
}

/**
 * Reads the slots run by run, the next run while the current one is parsed, into two reused
 * buffers; yields each slot's bytes (valid until the next yield but one).
 */
export async function* readSlots(fh: FileHandle, slots: readonly ChunkSlot[]): AsyncGenerator<{ slot: ChunkSlot; position: number; data: Buffer }> {
  const runs = slotRuns(slots);
  // No larger than the longest run: a small file (most logs of a triage collection) gets
  // buffers of its own size (their pages are faulted in as they are first written).
  const size = runs.reduce((n, r) => Math.max(n, r.length), 0);
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  const readRun = (r: number): Promise<Buffer> | null =>
    r < runs.length ? readAt(fh, runs[r]!.offset, runs[r]!.length, buffers[r & 1]) : null;
  let next = readRun(0);
  try {
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r]!;
      const block = await next!;
      next = readRun(r + 1);
      for (let k = 0; k < run.count; k++) {
        const position = run.first + k;
        const slot = slots[position]!;
        const from = slot.offset - run.offset;
        yield { slot, position, data: block.subarray(Math.min(from, block.length), Math.min(from + slot.length, block.length)) };
      }
    }
  } finally {
    // Never leave a read running into a buffer after the caller stopped.
    if (next) await next.catch(() => undefined);
  }
}

/**
 * Record ids, as sorted disjoint intervals: a log's live ids are runs of consecutive numbers,
 * so millions of them take a few intervals (a Set would take tens of bytes each). Ids out of
 * order wait in a small set until there are enough to merge.
 */
export class IdIntervals {
  private lo: number[] = [];
  private hi: number[] = [];
  private loose = new Set<number>();

  add(id: number): void {
    const n = this.lo.length;
    if (n > 0) {
      const last = this.hi[n - 1]!;
      if (id === last + 1) {
        this.hi[n - 1] = id;
        return;
      }
      if (id >= this.lo[n - 1]! && id <= last) return;
      if (id < last) {
        if (this.has(id)) return;
        this.loose.add(id);
        if (this.loose.size >= 4096) this.merge();
        return;
      }
    }
    this.lo.push(id);
    this.hi.push(id);
  }

  has(id: number): boolean {
    // The intervals first: a binary search over a few numbers costs less than the set's hashing.
    let a = 0;
    let b = this.lo.length - 1;
    while (a <= b) {
      const m = (a + b) >> 1;
      if (id < this.lo[m]!) b = m - 1;
      else if (id > this.hi[m]!) a = m + 1;
      else return true;
    }
    return this.loose.size > 0 && this.loose.has(id);
  }

  private merge(): void {
    const ids = [...this.loose].sort((x, y) => x - y);
    this.loose.clear();
    const lo: number[] = [];
    const hi: number[] = [];
    const push = (l: number, h: number): void => {
      const n = lo.length;
      if (n > 0 && l <= hi[n - 1]! + 1) hi[n - 1] = Math.max(hi[n - 1]!, h);
      else {
        lo.push(l);
        hi.push(h);
      }
    };
    let k = 0;
    for (let i = 0; i < this.lo.length; i++) {
      while (k < ids.length && ids[k]! < this.lo[i]!) push(ids[k]!, ids[k++]!);
      push(this.lo[i]!, this.hi[i]!);
    }
    while (k < ids.length) push(ids[k]!, ids[k++]!);
    this.lo = lo;
    this.hi = hi;
  }
}

/**
 * Processes chunk results in order: live items out at once, carved ones kept for the end,
 * when every live record id is known and the carved copies of live records can be dropped.
 * Carved events that are already certain to be dropped (their id was seen live, or the same
 * id and time was carved before) are dropped as they come, so that only the ones that may be
 * output are held: memory grows with what slack space recovers, not with the file.
 */
export class ChunkCollector {
  private readonly liveIds = new IdIntervals();
  private readonly carved: ReadItem[] = [];
  private readonly carvedKeys = new Set<string>();

  take(result: ChunkResult): ReadItem[] {
    for (const item of result.items) {
      if (item.kind === 'event' && item.event.system.recordId !== undefined) this.liveIds.add(item.event.system.recordId);
    }
    for (const item of result.carved) {
      if (item.kind === 'event') {
        const id = item.event.system.recordId;
        if (id !== undefined && this.liveIds.has(id)) continue;
        const key = `${id}:${item.event.ticks}`;
        if (this.carvedKeys.has(key)) continue;
        this.carvedKeys.add(key);
      }
      this.carved.push(item);
    }
    return result.items;
  }

  /**
   * Whether take() is certain to drop a carved event with this record id and time: its id was
   * seen live, or that id and time were carved before.
   */
  readonly dropsCarved = (id: number, ticks: bigint): boolean => this.liveIds.has(id) || this.carvedKeys.has(`${id}:${ticks}`);

  /** Carved events not seen live (nor twice in slack), with their errors. */
  finish(): ReadItem[] {
    const out = this.carved.filter((item) => {
      if (item.kind !== 'event') return true;
      const id = item.event.system.recordId;
      return id === undefined || !this.liveIds.has(id);
    });
    this.carved.length = 0;
    this.carvedKeys.clear();
    return out;
  }
}

/**
 * What the file header says that the reader should tell the user: a bad checksum, the dirty
 * flag, a chunk count that does not match the chunks found. These are notes about the header,
 * not lost records: reading does not depend on the header. ReadError has no severity, so they
 * are error items (file, offset 0).
 */
export function headerNotes(path: string, header: ReturnType<typeof parseFileHeader>, slots: readonly ChunkSlot[]): ReadItem[] {
  const note = (message: string): ReadItem => ({ kind: 'error', error: { file: path, offset: 0, message: `file header: ${message}` } });
  if (!header) return [note('no EVTX file header (ElfFile); looking for chunks anyway')];
  const notes: ReadItem[] = [];
  if (!header.checksumOk) notes.push(note('checksum mismatch; the header is not trusted'));
  if (header.dirty) notes.push(note('dirty flag set (the log was not closed cleanly); chunks are found by their own magic'));
  const found = slots.reduce((n, s) => n + (s.magic ? 1 : 0), 0);
  if (header.chunkCount !== found) {
    notes.push(note(`chunk count says ${header.chunkCount} but ${found} chunk${found === 1 ? '' : 's'} found`));
  }
  return notes;
}

/** Opens a file, lists its chunks and notes what its header says that the user should know. */
export async function openEvtx(path: string): Promise<{ fh: FileHandle; size: number; notes: ReadItem[]; slots: ChunkSlot[] }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const header = parseFileHeader(await readAt(fh, 0, Math.min(FILE_HEADER_SIZE, size)));
    const slots = await listChunks(fh, size);
    return { fh, size, notes: headerNotes(path, header, slots), slots };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

async function* readEvtxInline(path: string, options: ReaderOptions = {}): AsyncGenerator<readonly ReadItem[]> {
  const { signal, onProgress } = options;
  // By default each chunk's items are yielded as soon as it is read (about 50 events): a
  // consumer that handles them at once lets them die young, where events held for a batch
  // of a thousand survived scavenges and were promoted (garbage collection was the largest
  // single cost of a read). A consumer wanting larger batches asks for them.
  const batchSize = Math.max(1, options.batchSize ?? 1);
  if (signal?.aborted) return;
  const { fh, size, notes, slots } = await openEvtx(path);
  try {
    const pending: ReadItem[] = [...notes];
    const collector = new ChunkCollector();
    let done = FILE_HEADER_SIZE;
    const templatesById = new Map<number, Template>();
    const templates = newTemplateCache();
    for await (const { slot, data } of readSlots(fh, slots)) {
      if (signal?.aborted) return;
      done += slot.length;
      if (!slot.magic && isAllZero(data)) continue;
      const input: ChunkInput = { file: path, buf: data, index: slot.index, fileOffset: slot.offset, templatesById, templates, dropsCarved: collector.dropsCarved };
      for (const item of collector.take(readChunk(input))) pending.push(item);
      onProgress?.(done);
      if (pending.length >= batchSize) yield pending.splice(0, pending.length);
    }
    for (const item of collector.finish()) pending.push(item);
    onProgress?.(size);
    if (pending.length > 0 && !signal?.aborted) yield pending;
  } finally {
    await fh.close();
  }
}

const ZEROS = Buffer.alloc(CHUNK_SIZE);

export function isAllZero(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i += ZEROS.length) {
    const n = Math.min(ZEROS.length, buf.length - i);
    if (buf.compare(ZEROS, 0, n, i, i + n) !== 0) return false;
  }
  return true;
}

/** Re-reads one record from its chunk and renders it to XML. */
export async function readRawEvtx(source: SourcePointer, maxChars: number): Promise<{ text: string; truncated: boolean }> {
  const fh = await open(source.file, 'r');
  try {
    const size = (await fh.stat()).size;
    const chunkOffset =
      source.chunk !== undefined
        ? FILE_HEADER_SIZE + source.chunk * CHUNK_SIZE
        : FILE_HEADER_SIZE + Math.floor((source.offset - FILE_HEADER_SIZE) / CHUNK_SIZE) * CHUNK_SIZE;
    const buf = await readAt(fh, chunkOffset, Math.min(CHUNK_SIZE, size - chunkOffset));
    const ctx = newChunkContext(buf, { file: source.file, base: chunkOffset, chunk: source.chunk });
    const head = readRecordHead(buf, source.offset - chunkOffset, buf.length);
    if (typeof head === 'string') throw new Error(`${source.file} offset 0x${source.offset.toString(16)}: ${head}`);
    return renderRecordXml(parseRecordBody(ctx, head), maxChars);
  } finally {
    await fh.close();
  }
}

export { readEvtxInline };

export const evtxReader: EvidenceReader = {
  format: 'evtx',
  read: (path: string, options?: ReaderOptions) => readEvtxInline(path, options),
  readRaw: readRawEvtx,
};
