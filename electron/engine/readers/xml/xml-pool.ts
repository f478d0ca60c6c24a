// Parsing XML events is the costly step (fast-xml-parser ≈ the whole budget), so large files
// parse in worker threads: the scanner stays in the calling thread and sends batches of raw
// event bytes; results come back in submission order. Without a compiled worker (running
// from TypeScript source) the caller parses inline instead.

import { Worker } from 'node:worker_threads';
import type { ReadItem } from '../../../../shared/events.js';
import type { XmlEncoding } from './xml-encoding.js';
import { parseEventUnit } from './xml-event.js';

/** A batch of events cut out by the scanner: their bytes back to back, with file positions. */
export interface UnitBatch {
  readonly file: string;
  readonly encoding: XmlEncoding;
  readonly bytes: Uint8Array;
  /** Per unit: file offset, length (bytes), start within `bytes`. */
  readonly offsets: readonly number[];
  readonly lengths: readonly number[];
  readonly starts: readonly number[];
}

export interface WorkerRequest {
  readonly id: number;
  readonly batch: UnitBatch;
}

export type WorkerResponse =
  | { readonly id: number; readonly ok: true; readonly items: readonly ReadItem[] }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** Parses a batch in this thread (the worker runs the same function). */
export function parseBatch(batch: UnitBatch): ReadItem[] {
  const view = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
  const items: ReadItem[] = [];
  for (let k = 0; k < batch.offsets.length; k++) {
    const start = batch.starts[k]!;
    const length = batch.lengths[k]!;
    items.push(parseEventUnit(view.subarray(start, start + length), batch.encoding, batch.file, { offset: batch.offsets[k]!, length }));
  }
  return items;
}

interface Pending {
  readonly batch: UnitBatch;
  readonly resolve: (items: ReadItem[]) => void;
  readonly worker: Worker;
}

export class XmlParsePool {
  private readonly workers: Worker[] = [];
  private readonly load = new Map<Worker, number>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(script: string, size: number) {
    for (let k = 0; k < size; k++) {
      const worker = new Worker(script);
      worker.unref();
      worker.on('message', (msg: WorkerResponse) => this.onMessage(msg));
      worker.on('error', (err) => this.onWorkerFailure(worker, err));
      worker.on('exit', (code) => {
        if (!this.closed) this.onWorkerFailure(worker, new Error(`worker exited with code ${code}`));
      });
      this.workers.push(worker);
      this.load.set(worker, 0);
    }
  }

  /** Parses a batch in the least-busy worker. Never rejects: a failed worker's batch is parsed inline. */
  parse(batch: UnitBatch): Promise<ReadItem[]> {
    const worker = this.pickWorker();
    if (!worker) return Promise.resolve(parseBatch(batch));
    const id = this.nextId++;
    // The worker gets the bytes by transfer (no copy); a copy stays here in case it fails.
    const forWorker: UnitBatch = { ...batch, bytes: batch.bytes.slice() };
    return new Promise<ReadItem[]>((resolve) => {
      this.pending.set(id, { batch, resolve, worker });
      this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
      // Keep the process alive while a batch is out (an idle pool does not).
      worker.ref();
      const request: WorkerRequest = { id, batch: forWorker };
      worker.postMessage(request, [forWorker.bytes.buffer as ArrayBuffer]);
    });
  }

  /** True when some worker has at most one batch queued (else the caller parses inline). */
  get hasCapacity(): boolean {
    for (const w of this.workers) if ((this.load.get(w) ?? 0) < 2) return true;
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.workers.splice(0);
    await Promise.all(all.map((w) => w.terminate()));
  }

  private pickWorker(): Worker | undefined {
    let best: Worker | undefined;
    let bestLoad = Infinity;
    for (const w of this.workers) {
      const l = this.load.get(w) ?? 0;
      if (l < bestLoad) {
        best = w;
        bestLoad = l;
      }
    }
    return best;
  }

  private onMessage(msg: WorkerResponse): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    const load = Math.max(0, (this.load.get(p.worker) ?? 1) - 1);
    this.load.set(p.worker, load);
    if (load === 0) p.worker.unref();
    // A batch the worker could not handle at all is parsed here, where errors are per event.
    p.resolve(msg.ok ? (msg.items as ReadItem[]) : parseBatch(p.batch));
  }

  private onWorkerFailure(worker: Worker, _err: unknown): void {
    const idx = this.workers.indexOf(worker);
    if (idx >= 0) this.workers.splice(idx, 1);
    this.load.delete(worker);
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      p.resolve(parseBatch(p.batch));
    }
  }
}
