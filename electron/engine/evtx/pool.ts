// Parses a file's chunks in a pool of worker threads: the main thread reads chunks in order
// and hands them out; results are put back in order. Falls back to the single-threaded reader
// when no compiled worker exists (running from TypeScript source) or for small files.
//
// Not the default (the ingest reads with `pooled: false`): since the compiled-template fast
// path, parsing a record costs less than making its NormalizedEvent, and the thread that
// receives the events has to make every one of them whatever the transport (structured clone,
// or a compact encoding decoded there), so at most the BinXML walk moves off that thread. On
// the 2-core target, where DuckDB appends on the engine thread meanwhile, the pool measured
// slower than one thread (scripts/bench-evtx.ts).
//
// Measured (bench file, 1,024 chunks, 47,095 live events, CPU ms, warm, load ~10): parsing
// 840–1,120; structured clone of their results 920–1,360, of which v8.serialize 460–930 (the
// worker's share) and v8.deserialize 370–710 (the receiving thread's). So the receiving thread
// alone pays about half the cost of parsing, and the workers pay half again on top of it: two
// workers and the receiver need about twice the CPU of one thread, which two cores cannot beat.
import { Worker } from 'node:worker_threads';
import type { ReadItem } from '../../../shared/events.js';
import type { ReaderOptions } from '../readers/reader.js';
import { resolveWorkerScript } from '../workers/worker-script.js';
import { CHUNK_SIZE } from './chunk.js';
import type { ChunkResult } from './chunk-reader.js';
import type { ChunkJob } from './chunk-worker.js';
import { ChunkCollector, isAllZero, openEvtx, readAt, readEvtxInline } from './evtx-reader.js';
import { FILE_HEADER_SIZE } from './file-header.js';

export interface PoolOptions extends ReaderOptions {
  /** Worker threads (default: 2). */
  readonly workers?: number;
  /** Files with fewer chunks are read in this thread (default 16). */
  readonly minChunks?: number;
}

type Reply = { ok: true; items: ReadItem[]; carved: ReadItem[] } | { ok: false; message: string };

class PoolWorker {
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  readonly worker: Worker;
  constructor(script: string) {
    // A larger young generation: parsing allocates many short-lived strings.
    this.worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    this.worker.on('message', (r: Reply) => this.waiting.shift()?.resolve(r));
    this.worker.on('error', (e) => {
      for (const w of this.waiting.splice(0)) w.reject(e);
    });
  }
  run(job: ChunkJob): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(job, [job.buf.buffer as ArrayBuffer]);
    });
  }
}

export async function* readEvtxPooled(path: string, options: PoolOptions = {}): AsyncGenerator<readonly ReadItem[]> {
  const script = resolveWorkerScript(import.meta.url, './chunk-worker.js');
  const count = Math.max(0, options.workers ?? 2);
  const { signal, onProgress } = options;
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  if (!script || count === 0) {
    yield* readEvtxInline(path, options);
    return;
  }
  if (signal?.aborted) return;
  const { fh, size, notes, slots } = await openEvtx(path);
  if (slots.length < (options.minChunks ?? 16)) {
    await fh.close();
    yield* readEvtxInline(path, options);
    return;
  }
  const workers = Array.from({ length: count }, () => new PoolWorker(script));
  try {
    const pending: ReadItem[] = [...notes];
    const collector = new ChunkCollector();
    const inFlight: { promise: Promise<Reply>; index: number; length: number }[] = [];
    let done = FILE_HEADER_SIZE;
    let next = 0;
    const maxInFlight = count * 4;
    while (next < slots.length || inFlight.length > 0) {
      if (signal?.aborted) return;
      while (next < slots.length && inFlight.length < maxInFlight) {
        const slot = slots[next++]!;
        const data = await readAt(fh, slot.offset, slot.length, Buffer.allocUnsafeSlow(CHUNK_SIZE));
        if (!slot.magic && isAllZero(data)) {
          inFlight.push({ promise: Promise.resolve({ ok: true, items: [], carved: [] }), index: slot.index, length: slot.length });
          continue;
        }
        // Chunk i always goes to worker i mod n, not to the least busy one: a carved record may
        // borrow a template by id from an earlier chunk its worker parsed, so which chunks a
        // worker sees must not depend on timing, or two runs give different results.
        const worker = workers[slot.index % workers.length]!;
        const job: ChunkJob = { file: path, buf: data, index: slot.index, fileOffset: slot.offset };
        inFlight.push({ promise: worker.run(job), index: slot.index, length: slot.length });
      }
      const head = inFlight.shift()!;
      const reply = await head.promise;
      done += head.length;
      const result: ChunkResult = reply.ok
        ? { items: reply.items, carved: reply.carved }
        : { items: [{ kind: 'error', error: { file: path, offset: FILE_HEADER_SIZE + head.index * CHUNK_SIZE, message: `chunk ${head.index}: ${reply.message}` } }], carved: [] };
      for (const item of collector.take(result)) pending.push(item);
      onProgress?.(done);
      if (pending.length >= batchSize) yield pending.splice(0, pending.length);
    }
    for (const item of collector.finish()) pending.push(item);
    onProgress?.(size);
    if (pending.length > 0 && !signal?.aborted) yield pending;
  } finally {
    await Promise.all(workers.map((w) => w.worker.terminate()));
    await fh.close();
  }
}
