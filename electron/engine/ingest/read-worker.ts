// A reading thread for one evidence file: it parses, normalizes and prepares rows
// (prepared-rows.ts) while the engine thread appends the previous batch to DuckDB.
// Flow control: at most MAX_IN_FLIGHT batches are unacknowledged, so memory stays bounded
// however large the file.

import { parentPort, workerData } from 'node:worker_threads';
import type { NormalizedEvent, ReadError } from '../../../shared/events.js';
import { readerFor } from '../readers/registry.js';
import { prepareRows } from './prepared-rows.js';
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
    const reader = readerFor(job.format);
    const options = {
      signal: abort.signal,
      onProgress: (bytes: number) => {
        bytesRead = bytes;
      },
      ...(job.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: job.localTimeOffsetMinutes }),
    };
    let events: NormalizedEvent[] = [];
    let errors: ReadError[] = [];
    const flush = async (): Promise<void> => {
      const rows = prepareRows(events);
      post({ kind: 'batch', batch: { rows, errors, bytesRead } }, [
        rows.ticks.buffer as ArrayBuffer,
        rows.eventIds.buffer as ArrayBuffer,
        rows.recordIds.buffer as ArrayBuffer,
      ]);
      events = [];
      errors = [];
      inFlight++;
      while (inFlight >= MAX_IN_FLIGHT && !abort.signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    };
    for await (const batch of reader.read(job.path, options)) {
      for (const item of batch) {
        if (item.kind === 'event') events.push(item.event);
        else errors.push(item.error);
      }
      if (events.length + errors.length >= job.batchSize) await flush();
      if (abort.signal.aborted) break;
    }
    if (events.length + errors.length > 0 && !abort.signal.aborted) await flush();
    post({ kind: 'done', bytesRead });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error), bytesRead });
  }
}

void run();
