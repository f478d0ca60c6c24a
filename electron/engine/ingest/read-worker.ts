// A reading thread for one evidence file: it parses, normalizes and prepares rows
// (prepared-rows.ts) while the engine thread appends the previous batch to DuckDB.
// Flow control: at most MAX_IN_FLIGHT batches are unacknowledged, so memory stays bounded
// however large the file.

import { parentPort, workerData } from 'node:worker_threads';
import { transferListOf } from './prepared-rows.js';
import { readPreparedInline } from './read-batches.js';
import type { ReadWorkerData, ReadWorkerMessage, ReadWorkerReply } from './read-protocol.js';

const MAX_IN_FLIGHT = 2;

const port = parentPort;
if (!port) throw new Error('read-worker must run in a worker thread');
const job = workerData as ReadWorkerData;
const abort = new AbortController();
let inFlight = 0;
let wake: (() => void) | null = null;

port.on('message', (message: ReadWorkerReply) => {
  if (message.kind === 'ack') inFlight--;
  else abort.abort();
  wake?.();
  wake = null;
});

function post(message: ReadWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function run(): Promise<void> {
  let bytesRead = 0;
  try {
    const options = {
      signal: abort.signal,
      ...(job.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: job.localTimeOffsetMinutes }),
    };
    for await (const batch of readPreparedInline(job.path, job.format, options)) {
      bytesRead = batch.bytesRead;
      post({ kind: 'batch', batch }, transferListOf(batch.rows));
      inFlight++;
      while (inFlight >= MAX_IN_FLIGHT && !abort.signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (abort.signal.aborted) break;
    }
    post({ kind: 'done', bytesRead });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error), bytesRead });
  }
}

void run();
