// Prepared batches of one evidence file, read on a reading thread when the compiled worker
// exists, else in this thread (tests from source). Either way the engine sees one stream.

import { Worker } from 'node:worker_threads';
import type { EvidenceFormat, ReadError } from '../../../shared/events.js';
import { readerFor } from '../readers/registry.js';
import { resolveWorkerScript } from '../workers/worker-script.js';
import { prepareRows, type PreparedBatch } from './prepared-rows.js';
import type { ReadWorkerData, ReadWorkerMessage } from './read-protocol.js';

export interface ReadBatchesOptions {
  readonly signal: AbortSignal;
  readonly localTimeOffsetMinutes?: number;
  /** Forces reading in this thread (tests). */
  readonly inline?: boolean;
  /** The file's size: small files are read in this thread (a thread costs ~0.3 s to start). */
  readonly size?: number;
}

/** Files below this are read in the engine thread. */
export const READ_THREAD_MIN_BYTES = 4 * 1024 * 1024;

/** Reads and prepares in this thread; the reading thread (read-worker.ts) runs the same. */
export async function* readPreparedInline(
  path: string,
  format: EvidenceFormat,
  options: Pick<ReadBatchesOptions, 'signal' | 'localTimeOffsetMinutes'>,
): AsyncGenerator<PreparedBatch> {
  let bytesRead = 0;
  const reader = readerFor(format);
  for await (const batch of reader.read(path, {
    signal: options.signal,
    onProgress: (bytes) => {
      bytesRead = bytes;
    },
    ...(options.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: options.localTimeOffsetMinutes }),
  })) {
    const events = [];
    const errors: ReadError[] = [];
    for (const item of batch) {
      if (item.kind === 'event') events.push(item.event);
      else errors.push(item.error);
    }
    yield { rows: prepareRows(events), errors, bytesRead };
    if (options.signal.aborted) return;
  }
}

async function* readInWorker(script: string, path: string, format: EvidenceFormat, options: ReadBatchesOptions): AsyncGenerator<PreparedBatch> {
  const data: ReadWorkerData = {
    path,
    format,
    ...(options.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: options.localTimeOffsetMinutes }),
  };
  const worker = new Worker(script, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
  const queue: ReadWorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let exitError: Error | null = null;
  let exited = false;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: ReadWorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    exitError = e;
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  const onAbort = (): void => worker.postMessage({ kind: 'cancel' });
  options.signal.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const m = queue.shift();
      if (!m) {
        if (exitError) throw exitError;
        if (exited) throw new Error('the reading thread stopped without finishing');
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      switch (m.kind) {
        case 'batch':
          yield m.batch;
          worker.postMessage({ kind: 'ack' });
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
    await worker.terminate();
  }
}

export function readBatches(path: string, format: EvidenceFormat, options: ReadBatchesOptions): AsyncGenerator<PreparedBatch> {
  const small = options.size !== undefined && options.size < READ_THREAD_MIN_BYTES;
  const script = options.inline || small ? null : resolveWorkerScript(import.meta.url, './read-worker.js');
  return script ? readInWorker(script, path, format, options) : readPreparedInline(path, format, options);
}
