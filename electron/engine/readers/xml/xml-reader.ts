// The XML evidence reader: Event Viewer "Save As… XML" (`<Events>` root, RenderingInfo),
// `wevtutil qe /f:xml` (concatenated `<Event>`s), a single `<Event>`, and libevtx's
// `evtxexport -f xml` (a banner line, then `<Event>`s). UTF-8 or UTF-16 with or without BOM.
// The file is read in bounded chunks; the scanner cuts events out with their byte offsets;
// each event is parsed alone, so one bad event costs only itself.

import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { ReadItem, SourcePointer } from '../../../../shared/events.js';
import type { EvidenceReader, ReaderOptions } from '../reader.js';
import { resolveWorkerScript } from '../../workers/worker-script.js';
import { decodeLenient, detectEncoding, unitWidth, type XmlEncoding } from './xml-encoding.js';
import { parseEventUnit } from './xml-event.js';
import { parseBatch, XmlParsePool, type UnitBatch } from './xml-pool.js';
import { XmlEventScanner } from './xml-scanner.js';

export interface XmlReaderConfig {
  /** Events larger than this are reported as errors and skipped (default 64 MiB). */
  readonly maxEventBytes?: number;
  /** Bytes per file read (default 1 MiB). */
  readonly chunkBytes?: number;
  /**
   * Worker threads for parsing: 0 parses inline. Default: cores − 1 (at least 1), as the
   * calling thread parses too when the workers are busy. Used only for files of at least
   * `poolMinBytes` and when a compiled worker exists.
   */
  readonly workers?: number;
  /** Smallest file parsed with workers (default 8 MiB): smaller files are not worth the start-up. */
  readonly poolMinBytes?: number;
}

const DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const DEFAULT_POOL_MIN_BYTES = 8 * 1024 * 1024;
const PROGRESS_EVERY_BYTES = 4 * 1024 * 1024;
const HEAD_BYTES = 4096;
/** Raw bytes per batch sent to a worker, and batches in flight (bounds memory). */
const POOL_BATCH_BYTES = 1024 * 1024;
const POOL_IN_FLIGHT = 4;
/** Batches held for ordering (parsed inline while an earlier one is still in a worker). */
const MAX_SLOTS = 8;

/** Reads the first bytes of a file (for encoding detection). */
async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(head, 0, HEAD_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Collects scanned units (copied) into batches for the pool. */
class BatchBuilder {
  private bytes: Buffer = Buffer.allocUnsafe(POOL_BATCH_BYTES);
  private used = 0;
  private offsets: number[] = [];
  private lengths: number[] = [];
  private starts: number[] = [];

  constructor(
    private readonly file: string,
    private readonly encoding: XmlEncoding,
  ) {}

  get count(): number {
    return this.offsets.length;
  }

  get byteSize(): number {
    return this.used;
  }

  add(offset: number, unitBytes: Buffer): void {
    if (this.used + unitBytes.length > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + unitBytes.length));
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    unitBytes.copy(this.bytes, this.used);
    this.offsets.push(offset);
    this.lengths.push(unitBytes.length);
    this.starts.push(this.used);
    this.used += unitBytes.length;
  }

  take(): UnitBatch {
    // An exact-size copy whose buffer can be transferred to the worker without cloning.
    const bytes = new Uint8Array(this.used);
    bytes.set(this.bytes.subarray(0, this.used));
    const batch: UnitBatch = {
      file: this.file,
      encoding: this.encoding,
      bytes,
      offsets: this.offsets,
      lengths: this.lengths,
      starts: this.starts,
    };
    this.used = 0;
    this.offsets = [];
    this.lengths = [];
    this.starts = [];
    return batch;
  }
}

/**
 * One slot of ordered output: items ready now, or a batch being parsed by a worker
 * (scanner errors between two batches keep their place).
 */
type Slot = { readonly ready: ReadItem[] } | { readonly promise: Promise<ReadItem[]> };

export function createXmlReader(config: XmlReaderConfig = {}): EvidenceReader {
  const maxEventBytes = config.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const chunkBytes = config.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  // Default: one worker per core beyond the calling thread, which scans and parses too.
  const workerCount = config.workers ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  const poolMinBytes = config.poolMinBytes ?? DEFAULT_POOL_MIN_BYTES;

  async function* read(path: string, options: ReaderOptions = {}): AsyncGenerator<readonly ReadItem[]> {
    const { signal, onProgress } = options;
    const batchSize = Math.max(1, options.batchSize ?? 1000);
    if (signal?.aborted) return;

    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      yield [{ kind: 'error', error: { file: path, message: `cannot open the file: ${(err as Error).message}` } }];
      return;
    }
    let pool: XmlParsePool | null = null;
    try {
      const size = (await fh.stat()).size;
      const headBuf = Buffer.alloc(Math.min(HEAD_BYTES, Math.max(size, 1)));
      const { bytesRead: headRead } = await fh.read(headBuf, 0, headBuf.length, 0);
      const detected = detectEncoding(headBuf.subarray(0, headRead));
      const scanner = new XmlEventScanner({ ...detected, maxEventBytes });

      if (workerCount > 0 && size >= poolMinBytes) {
        const script = resolveWorkerScript(import.meta.url, './xml-worker.js');
        if (script) pool = new XmlParsePool(script, workerCount);
      }

      const slots: Slot[] = [];
      let current: ReadItem[] = [];
      const builder = pool ? new BatchBuilder(path, detected.encoding) : null;
      let sentFirst = false;
      const flushBuilder = (): void => {
        if (!pool || !builder || builder.count === 0) return;
        if (current.length) {
          slots.push({ ready: current });
          current = [];
        }
        // The calling thread parses too when the workers are busy: on two cores one worker
        // plus this thread (which also scans) keeps both cores at work.
        const batch = builder.take();
        // The first batch is parsed here: the worker is still starting (a second or more on a
        // busy machine), and the first page of events should not wait for it.
        const here = !pool.hasCapacity || !sentFirst;
        sentFirst = true;
        slots.push(here ? { ready: parseBatch(batch) } : { promise: pool.parse(batch) });
      };

      let position = 0;
      let lastProgress = 0;
      // Reused for every read: the scanner copies what it keeps, and units are parsed or
      // copied into a batch before the next read.
      const chunk = Buffer.allocUnsafe(chunkBytes);
      for (;;) {
        if (signal?.aborted) return;
        const { bytesRead } = await fh.read(chunk, 0, chunkBytes, position);
        position += bytesRead;
        const outputs = bytesRead === 0 ? scanner.finish() : scanner.push(chunk.subarray(0, bytesRead));
        for (const o of outputs) {
          if (o.kind === 'unit') {
            if (builder) {
              builder.add(o.offset, o.bytes);
              if (builder.byteSize >= POOL_BATCH_BYTES) flushBuilder();
            } else {
              current.push(parseEventUnit(o.bytes, detected.encoding, path, { offset: o.offset, length: o.length }));
            }
          } else {
            if (builder && builder.count > 0) flushBuilder();
            current.push({ kind: 'error', error: { file: path, offset: o.offset, message: o.message } });
          }
        }
        const done = bytesRead === 0 || scanner.isStopped;
        if (done) flushBuilder();
        if (onProgress && (position - lastProgress >= PROGRESS_EVERY_BYTES || done)) {
          lastProgress = position;
          onProgress(position);
        }

        // Yield what is ready, in order; wait on workers only when too many batches are out.
        if (!pool) {
          while (current.length >= batchSize || (done && current.length > 0)) {
            if (signal?.aborted) return;
            yield current.splice(0, batchSize);
          }
        } else {
          if (done && current.length) {
            slots.push({ ready: current });
            current = [];
          }
          let inFlight = slots.reduce((n, s) => n + ('promise' in s ? 1 : 0), 0);
          while (slots.length > 0 && (done || inFlight >= POOL_IN_FLIGHT || slots.length > MAX_SLOTS || 'ready' in slots[0]!)) {
            const slot = slots.shift()!;
            const items = 'ready' in slot ? slot.ready : await slot.promise;
            if ('promise' in slot) inFlight--;
            if (signal?.aborted) return;
            for (let k = 0; k < items.length; k += batchSize) yield items.slice(k, k + batchSize);
          }
        }
        if (done) break;
      }
    } finally {
      if (pool) await pool.close();
      await fh.close();
    }
  }

  async function readRaw(source: SourcePointer, maxChars: number): Promise<{ readonly text: string; readonly truncated: boolean }> {
    if (source.format !== 'xml') throw new Error(`readRaw: ${source.file} is ${source.format}, not xml`);
    const { encoding } = detectEncoding(await readHead(source.file));
    const size = (await stat(source.file)).size;
    if (source.offset < 0 || source.length < 0 || source.offset + source.length > size) {
      throw new Error(`${source.file}: record at offset 0x${source.offset.toString(16)} (${source.length} bytes) is past the end of the file (${size} bytes)`);
    }
    const limit = Math.max(0, Math.floor(maxChars));
    // Enough bytes for maxChars characters in the worst case (4 bytes per UTF-8 character).
    const bytesWanted = Math.min(source.length, limit * (unitWidth(encoding) === 1 ? 4 : 2) + 4);
    const fh = await open(source.file, 'r');
    let bytes: Buffer;
    try {
      const buf = Buffer.alloc(bytesWanted);
      const { bytesRead } = await fh.read(buf, 0, bytesWanted, source.offset);
      bytes = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
    let text = decodeLenient(bytes, encoding);
    let truncated = bytes.length < source.length;
    if (text.length > limit) {
      let cut = limit;
      // Do not split a surrogate pair.
      if (cut > 0 && /[\uD800-\uDBFF]/.test(text[cut - 1]!)) cut--;
      text = text.slice(0, cut);
      truncated = true;
    }
    return { text, truncated };
  }

  return { format: 'xml', read, readRaw };
}

/** The XML reader with default settings. */
export const xmlReader: EvidenceReader = createXmlReader();

/** Exposed for benchmarks: parse-only throughput without the pool (same code path as the worker). */
export { parseBatch };
