// The EVTX EvidenceReader. Streams the file chunk by chunk (never the whole file), finds
// chunks by their magic rather than the header's count, orders them by record id (wrapped
// logs), parses chunks whose checksums fail (marking their events suspect) and carves records
// from slack space (marked recovered). Carved records that duplicate a live record are dropped.
import { open, type FileHandle } from 'node:fs/promises';
import type { ReadItem, SourcePointer } from '../../../shared/events.js';
import type { EvidenceReader, ReaderOptions } from '../readers/reader.js';
import { newChunkContext, type Template } from './binxml-tokens.js';
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

/**
 * Lists the chunk slots of a file: every 64 KiB block after the file header, in the order to
 * read them: chunks with a magic by first record id (wrapped logs), then the others by position.
 */
export async function listChunks(fh: FileHandle, size: number): Promise<ChunkSlot[]> {
  const offsets: number[] = [];
  for (let off = FILE_HEADER_SIZE; off < size; off += CHUNK_SIZE) offsets.push(off);
  // Only the 512-byte headers are read here, many at a time: one round trip each would leave
  // the thread idle for most of a large file.
  const slots: ChunkSlot[] = new Array<ChunkSlot>(offsets.length);
  const CONCURRENT = 32;
  for (let i = 0; i < offsets.length; i += CONCURRENT) {
    await Promise.all(
      offsets.slice(i, i + CONCURRENT).map(async (off, k) => {
        const index = i + k;
        const length = Math.min(CHUNK_SIZE, size - off);
        const h = await readAt(fh, off, Math.min(CHUNK_HEADER_SIZE, length));
        const magic = hasChunkMagic(h);
        slots[index] = { index, offset: off, length, magic, firstRecordId: magic && h.length >= 32 ? h.readBigUInt64LE(24) : 0n };
      }),
    );
  }
  const live = slots.filter((s) => s.magic).sort((a, b) => (a.firstRecordId < b.firstRecordId ? -1 : a.firstRecordId > b.firstRecordId ? 1 : a.index - b.index));
  return [...live, ...slots.filter((s) => !s.magic)];
}

/** Processes chunk results in order: live items out, carved ones kept for the end. */
export class ChunkCollector {
  private readonly liveIds = new Set<number>();
  private readonly carved: ReadItem[] = [];

  take(result: ChunkResult): ReadItem[] {
    for (const item of result.items) {
      if (item.kind === 'event' && item.event.system.recordId !== undefined) this.liveIds.add(item.event.system.recordId);
    }
    for (const item of result.carved) this.carved.push(item);
    return result.items;
  }

  /** Carved events not already seen live (nor twice in slack), with their errors. */
  finish(): ReadItem[] {
    const seen = new Set<string>();
    const out: ReadItem[] = [];
    for (const item of this.carved) {
      if (item.kind === 'event') {
        const id = item.event.system.recordId;
        if (id !== undefined && this.liveIds.has(id)) continue;
        const key = `${id}:${item.event.ticks}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(item);
    }
    return out;
  }
}

/** Opens a file and reports what its header says that the reader should tell the user. */
export async function openEvtx(path: string): Promise<{ fh: FileHandle; size: number; notes: ReadItem[]; slots: ChunkSlot[] }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const notes: ReadItem[] = [];
    const header = parseFileHeader(await readAt(fh, 0, Math.min(FILE_HEADER_SIZE, size)));
    if (!header) {
      notes.push({ kind: 'error', error: { file: path, offset: 0, message: 'no EVTX file header (ElfFile); looking for chunks anyway' } });
    } else if (!header.checksumOk) {
      notes.push({ kind: 'error', error: { file: path, offset: 0, message: 'file header checksum mismatch; the header is not trusted' } });
    }
    return { fh, size, notes, slots: await listChunks(fh, size) };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

async function* readEvtxInline(path: string, options: ReaderOptions = {}): AsyncGenerator<readonly ReadItem[]> {
  const { signal, onProgress } = options;
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  if (signal?.aborted) return;
  const { fh, size, notes, slots } = await openEvtx(path);
  try {
    const pending: ReadItem[] = [...notes];
    const collector = new ChunkCollector();
    let done = FILE_HEADER_SIZE;
    const templatesById = new Map<number, Template>();
    // Two buffers: the next chunk is read while this one is parsed.
    const buffers = [Buffer.allocUnsafe(CHUNK_SIZE), Buffer.allocUnsafe(CHUNK_SIZE)];
    const readSlot = (i: number): Promise<Buffer> | null =>
      i < slots.length ? readAt(fh, slots[i]!.offset, slots[i]!.length, buffers[i & 1]) : null;
    let nextRead = readSlot(0);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const data = await nextRead!;
      if (signal?.aborted) return;
      nextRead = readSlot(i + 1);
      done += slot.length;
      if (!slot.magic && isAllZero(data)) continue;
      const input: ChunkInput = { file: path, buf: data, index: slot.index, fileOffset: slot.offset, templatesById };
      for (const item of collector.take(readChunk(input))) pending.push(item);
      onProgress?.(done);
      if (pending.length >= batchSize) yield pending.splice(0, pending.length);
    }
    if (nextRead) await nextRead;
    for (const item of collector.finish()) pending.push(item);
    onProgress?.(size);
    if (pending.length > 0 && !signal?.aborted) yield pending;
  } finally {
    await fh.close();
  }
}

export function isAllZero(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i += 8) {
    if (i + 8 <= buf.length) {
      if (buf.readBigUInt64LE(i) !== 0n) return false;
    } else {
      for (let j = i; j < buf.length; j++) if (buf[j] !== 0) return false;
    }
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
