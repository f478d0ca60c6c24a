// Prepared batches of one evidence file, read on reading threads when the compiled worker
// exists, else in this thread (tests from source). Either way the engine sees one stream, in
// file order.
//
// A large JSON-lines file is cut into segments at line starts and read on two threads
// (segments alternate between them); the engine takes the segments in order, so event order,
// ids, offsets and line numbers are those of a single pass. Other formats use one thread
// (the XML reader has a pool of its own).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EvidenceFormat, ReadError, ReadItem } from '../../../shared/events.js';
import { planLineSegments, scanLineSegments, segmentsTimeContext, type LineSegment } from '../readers/json/json-reader.js';
import type { TimeContext } from '../readers/json/json-time.js';
import { readerFor } from '../readers/registry.js';
import { resolveWorkerScript } from '../workers/worker-script.js';
import { prepareRows, RowsBuilder, textBufferOf, type PreparedBatch, type TextBufferPool } from './prepared-rows.js';
import type { ReadWorkerData, ReadWorkerMessage } from './read-protocol.js';

export interface ReadBatchesOptions {
  readonly signal: AbortSignal;
  readonly localTimeOffsetMinutes?: number;
  /** Forces reading in this thread (tests). */
  readonly inline?: boolean;
  /** The file's size: small files are read in this thread (a thread costs ~0.3 s to start). */
  readonly size?: number;
  /** Reading threads for a JSON-lines file (default: 2 when the machine has 2 cores or more). */
  readonly threads?: number;
  /** Segment size for JSON lines read on several threads (tests use small ones). */
  readonly segmentBytes?: number;
}

/** Files below this are read in the engine thread. */
export const READ_THREAD_MIN_BYTES = 4 * 1024 * 1024;
/** JSON-lines files below this are read on one thread. */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/**
 * Segments of about 8 MB: while the engine appends one thread's segment, the other thread
 * reads the next one ahead, which its window (below) must let it finish.
 */
export const SEGMENT_BYTES = 8 * 1024 * 1024;
/** Rows a builder starts with: a 1 MB chunk of collector JSON lines holds about 700 events (it grows when needed). */
const ROWS_PER_CHUNK_GUESS = 1024;
/**
 * Unacknowledged batches of a thread reading alone. The engine thread stops for the length of
 * a DuckDB commit (flushSync, a few hundred milliseconds at a row-group boundary): with 2 the
 * EVTX reading thread sat waiting through each of them (about half its time in an import of
 * 256 MB), with 8 it reads on (~1,000 events, ~1.5 MB of text, a batch). XML and JSON stay at
 * 2, as measured before, since batches in flight are memory: a 400 MB XML import peaked at
 * 604 MB with 8 and 570 with 2, though runs vary by tens of MB (what bounds it is DuckDB's
 * import memory limit, case-store.ts IMPORT_MEMORY_LIMIT).
 */
function singleWindow(format: EvidenceFormat): number {
  return format === 'evtx' ? 8 : 2;
}
/**
 * The young generation of the one thread reading an XML file: 16 MB. Each event is turned into
 * its row as soon as it is parsed, so little survives a scavenge; with V8's 64 MB the 400 MB
 * bench export peaked at 561-646 MB RSS over four imports (over the 600 MB limit once), with
 * 16 MB at 477-536 MB over four, at the same speed (17.1-17.5 MB/s on the quiet runs).
 */
const XML_YOUNG_GENERATION_MB = 16;
/**
 * The same for the one thread reading an EVTX file: its events become rows batch by batch too.
 * With V8's 64 MB the 256 MB bench file's import peaked at 432-443 MB RSS, with 16 MB at
 * 391-396 MB, at the same speed (3.6-4.1 s against 3.7-4.0, alternated).
 */
const EVTX_YOUNG_GENERATION_MB = 16;
/**
 * Per thread when two read segments in turn (~1 MB of input per batch): three segments ahead.
 * The engine thread stops for each row group's commit (flushSync, 0.4-0.6 s); with 12 (a
 * segment and a half) each reading thread then sat waiting for acknowledgements, 1.3-3.1 s
 * of a 200 MB import, with 24 0.1-0.9 s (instrumented runs, load 5-8), for ~30-50 MB more RSS.
 */
const WINDOW_SEGMENTED = 24;

function split(items: readonly ReadItem[]): { events: import('../../../shared/events.js').NormalizedEvent[]; errors: ReadError[] } {
  const events = [];
  const errors: ReadError[] = [];
  for (const item of items) {
    if (item.kind === 'event') events.push(item.event);
    else errors.push(item.error);
  }
  return { events, errors };
}

/** Rows per prepared batch read from an EVTX file (one DuckDB append, one message). */
const EVTX_BATCH_ROWS = 1000;

/** Reads and prepares in this thread; the reading thread (read-worker.ts) runs the same. */
export async function* readPreparedInline(
  path: string,
  format: EvidenceFormat,
  options: Pick<ReadBatchesOptions, 'signal' | 'localTimeOffsetMinutes'>,
  pool?: TextBufferPool,
): AsyncGenerator<PreparedBatch> {
  let bytesRead = 0;
  const reader = readerFor(format);
  const readerOptions = {
    signal: options.signal,
    onProgress: (bytes: number) => {
      bytesRead = bytes;
    },
    ...(options.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: options.localTimeOffsetMinutes }),
  };
  if (format === 'evtx') {
    // The EVTX reader yields a chunk's items at a time (batchSize 1), and each event becomes
    // its row at once (RowsBuilder), as with JSON lines: events waiting, alive, for a batch
    // of a thousand survived the scavenges and were promoted, which cost the reading thread
    // more garbage-collection time than anything else outside the parser.
    let rows: RowsBuilder | null = null;
    let errors: ReadError[] = [];
    for await (const batch of reader.read(path, { ...readerOptions, batchSize: 1 })) {
      for (const item of batch) {
        if (item.kind === 'event') (rows ??= new RowsBuilder(ROWS_PER_CHUNK_GUESS, pool)).add(item.event);
        else errors.push(item.error);
      }
      const built = rows as RowsBuilder | null;
      if (built !== null && built.count >= EVTX_BATCH_ROWS) {
        yield { rows: built.finish(), errors, bytesRead };
        rows = null;
        errors = [];
        if (options.signal.aborted) return;
      }
    }
    const built = rows as RowsBuilder | null;
    if (built !== null || errors.length > 0) yield { rows: built ? built.finish() : prepareRows([]), errors, bytesRead };
    return;
  }
  for await (const batch of reader.read(path, readerOptions)) {
    const { events, errors } = split(batch);
    yield { rows: prepareRows(events, pool), errors, bytesRead };
    if (options.signal.aborted) return;
  }
}

export interface SegmentBatch {
  readonly segment: number;
  readonly batch: PreparedBatch;
  /** The segment's last yield (its batch is empty). */
  readonly segmentDone: boolean;
}

/** Reads and prepares some segments of a JSON-lines file (on a reading thread, or inline). */
export async function* readPreparedSegments(
  path: string,
  segments: readonly LineSegment[],
  mine: readonly number[],
  options: Pick<ReadBatchesOptions, 'signal' | 'localTimeOffsetMinutes'> & { readonly timeContext?: TimeContext },
  pool?: TextBufferPool,
): AsyncGenerator<SegmentBatch> {
  // Each event becomes its row as soon as it is read (RowsBuilder); a batch per chunk read.
  let rows: RowsBuilder | null = null;
  let errors: ReadError[] = [];
  const sink = (item: ReadItem): void => {
    if (item.kind === 'event') (rows ??= new RowsBuilder(ROWS_PER_CHUNK_GUESS, pool)).add(item.event);
    else errors.push(item.error);
  };
  const readerOptions = {
    signal: options.signal,
    ...(options.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: options.localTimeOffsetMinutes }),
    ...(options.timeContext === undefined ? {} : { timeContext: options.timeContext }),
  };
  for await (const p of scanLineSegments(path, segments, mine, readerOptions, sink)) {
    const built = rows as RowsBuilder | null;
    if (built !== null || errors.length > 0) {
      yield { segment: p.segment, batch: { rows: built ? built.finish() : prepareRows([]), errors, bytesRead: p.position }, segmentDone: false };
      rows = null;
      errors = [];
      if (options.signal.aborted) return;
    }
    if (p.segmentDone) yield { segment: p.segment, batch: { rows: prepareRows([]), errors: [], bytesRead: p.position }, segmentDone: true };
    if (options.signal.aborted) return;
  }
}

/**
 * The worker of a reading thread. --no-warnings: read-worker's collectGarbage uses
 * vm.measureMemory, which would print an ExperimentalWarning per thread on stderr (the CLI's
 * output). A runtime that refuses the option for a worker (ERR_WORKER_INVALID_EXEC_ARGV) gets
 * the thread without it: a warning on stderr, not a failed import.
 */
function startReadingThread(script: string, data: ReadWorkerData, youngGenerationMb: number): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: youngGenerationMb };
  try {
    return new Worker(script, { workerData: data, execArgv: ['--no-warnings'], resourceLimits });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Worker(script, { workerData: data, resourceLimits });
  }
}

/** One reading thread, its messages queued until the engine takes them. */
class ReadingThread {
  private readonly worker: Worker;
  private readonly queue: ReadWorkerMessage[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private exited = false;

  constructor(script: string, data: ReadWorkerData, youngGenerationMb = 64) {
    this.worker = startReadingThread(script, data, youngGenerationMb);
    const notify = (): void => {
      this.wake?.();
      this.wake = null;
    };
    this.worker.on('message', (m: ReadWorkerMessage) => {
      this.queue.push(m);
      notify();
    });
    this.worker.on('error', (e) => {
      this.failure = e;
      notify();
    });
    this.worker.on('exit', () => {
      this.exited = true;
      notify();
    });
  }

  async next(): Promise<ReadWorkerMessage> {
    for (;;) {
      const m = this.queue.shift();
      if (m) {
        if (m.kind === 'failed') throw new Error(m.message);
        return m;
      }
      if (this.failure) throw this.failure;
      if (this.exited) throw new Error('the reading thread stopped without finishing');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** Acknowledges a batch once appended, handing its text buffer back for reuse. */
  ack(batch: PreparedBatch): void {
    const buffer = batch.rows.count > 0 ? textBufferOf(batch.rows) : undefined;
    if (buffer && buffer.byteLength > 0) this.worker.postMessage({ kind: 'ack', buffer }, [buffer]);
    else this.worker.postMessage({ kind: 'ack' });
  }

  cancel(): void {
    this.worker.postMessage({ kind: 'cancel' });
  }

  sendTimeContext(context: TimeContext): void {
    this.worker.postMessage({ kind: 'time-context', context });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

function baseData(path: string, format: EvidenceFormat, options: ReadBatchesOptions): Pick<ReadWorkerData, 'path' | 'format' | 'localTimeOffsetMinutes'> {
  return {
    path,
    format,
    ...(options.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: options.localTimeOffsetMinutes }),
  };
}

async function* readInWorker(script: string, path: string, format: EvidenceFormat, options: ReadBatchesOptions): AsyncGenerator<PreparedBatch> {
  const thread = new ReadingThread(
    script,
    { ...baseData(path, format, options), window: singleWindow(format) },
    format === 'xml' ? XML_YOUNG_GENERATION_MB : format === 'evtx' ? EVTX_YOUNG_GENERATION_MB : undefined,
  );
  const onAbort = (): void => thread.cancel();
  options.signal.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const m = await thread.next();
      switch (m.kind) {
        case 'batch':
          // The engine has appended the batch (DuckDB copied its bytes) when it asks for
          // the next one: its text buffer can go back.
          yield m.batch;
          thread.ack(m.batch);
          break;
        case 'segment-done':
          break;
        case 'done':
          yield { rows: prepareRows([]), errors: [], bytesRead: m.bytesRead };
          return;
        case 'failed':
          throw new Error(m.message);
        default: {
          const unreachable: never = m;
          throw new Error(`unexpected message ${JSON.stringify(unreachable)}`);
        }
      }
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    await thread.stop();
  }
}

/** Segment k is read by thread k % threads; the engine takes the segments in order. */
async function* readInWorkers(
  script: string,
  path: string,
  segments: readonly LineSegment[],
  threadCount: number,
  options: ReadBatchesOptions,
): AsyncGenerator<PreparedBatch> {
  const threads: ReadingThread[] = [];
  for (let t = 0; t < threadCount; t++) {
    const mine = segments.map((_, k) => k).filter((k) => k % threadCount === t);
    // A young generation of 32 MB (XML's one thread has 16, the others 64): each event becomes
    // its row as soon as it is read (readPreparedSegments), so little survives a scavenge, and
    // a larger nursery only added RSS (~40 MB an import).
    threads.push(new ReadingThread(script, { ...baseData(path, 'json', options), segments, mine, window: WINDOW_SEGMENTED, awaitTimeContext: true }, 32));
  }
  const onAbort = (): void => threads.forEach((t) => t.cancel());
  options.signal.addEventListener('abort', onAbort);
  let bytesRead = 0;
  try {
    // The EventTime zone pre-scan, once for all the threads, here while they start (a thread
    // takes longer to start than the pre-scan; each scanning the same head cost it twice).
    const context = await segmentsTimeContext(path, segments, options);
    for (const t of threads) t.sendTimeContext(context);
    for (let k = 0; k < segments.length; k++) {
      const thread = threads[k % threadCount] as ReadingThread;
      for (;;) {
        const m = await thread.next();
        if (m.kind === 'batch') {
          if (m.segment !== k) throw new Error(`reading thread sent segment ${String(m.segment)} while ${k} was expected`);
          bytesRead = m.batch.bytesRead;
          yield m.batch;
          thread.ack(m.batch);
          continue;
        }
        if (m.kind === 'segment-done' && m.segment === k) {
          bytesRead = m.bytesRead;
          break;
        }
        // Cancelled: the thread ends early.
        if (m.kind === 'done' && options.signal.aborted) return;
        throw new Error(`reading thread: unexpected ${m.kind} while segment ${k} was expected`);
      }
      if (options.signal.aborted) return;
    }
    yield { rows: prepareRows([]), errors: [], bytesRead: Math.max(bytesRead, segments[segments.length - 1]?.end ?? 0) };
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    await Promise.all(threads.map((t) => t.stop()));
  }
}

/**
 * The file's prepared batches, in file order. A batch is valid until the next one is asked
 * for: its text buffer then goes back to the reading thread that wrote it, for reuse.
 */
export async function* readBatches(path: string, format: EvidenceFormat, options: ReadBatchesOptions): AsyncGenerator<PreparedBatch> {
  const small = options.size !== undefined && options.size < READ_THREAD_MIN_BYTES;
  const script = options.inline || small ? null : resolveWorkerScript(import.meta.url, './read-worker.js');
  if (!script) {
    yield* readPreparedInline(path, format, options);
    return;
  }
  const threadCount = options.threads ?? Math.min(2, availableParallelism());
  if (format === 'json' && threadCount > 1 && (options.size ?? 0) >= (options.segmentBytes === undefined ? PARALLEL_MIN_BYTES : 0)) {
    const segments = await planLineSegments(path, options.segmentBytes ?? SEGMENT_BYTES);
    if (segments && segments.length > 1) {
      yield* readInWorkers(script, path, segments, threadCount, options);
      return;
    }
  }
  yield* readInWorker(script, path, format, options);
}
