// A reading thread for one evidence file (or some segments of a JSON-lines file): it parses,
// normalizes and prepares rows (prepared-rows.ts) while the engine thread appends earlier
// batches to DuckDB. Flow control: at most `window` batches are unacknowledged, so memory
// stays bounded however large the file.

import { parentPort, workerData } from 'node:worker_threads';
import { TextBufferPool, transferListOf, type PreparedBatch } from './prepared-rows.js';
import { readPreparedInline, readPreparedSegments } from './read-batches.js';
import type { ReadWorkerData, ReadWorkerMessage, ReadWorkerReply } from './read-protocol.js';
import type { TimeContext } from '../readers/json/json-time.js';

const port = parentPort;
if (!port) throw new Error('read-worker must run in a worker thread');
const job = workerData as ReadWorkerData;
const abort = new AbortController();
let inFlight = 0;
let wake: (() => void) | null = null;
const pool = new TextBufferPool();

let timeContext: TimeContext | undefined;
port.on('message', (message: ReadWorkerReply) => {
  switch (message.kind) {
    case 'ack':
      inFlight--;
      if (message.buffer) pool.give(message.buffer);
      break;
    case 'time-context':
      timeContext = message.context;
      break;
    case 'cancel':
      abort.abort();
      break;
    default: {
      const unreachable: never = message;
      throw new Error(`unexpected message ${JSON.stringify(unreachable)}`);
    }
  }
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
    const send = async (batch: PreparedBatch, segment?: number): Promise<void> => {
      bytesRead = batch.bytesRead;
      post({ kind: 'batch', batch, ...(segment === undefined ? {} : { segment }) }, transferListOf(batch.rows));
      inFlight++;
      while (inFlight >= job.window && !abort.signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    };
    if (job.segments && job.mine) {
      while (job.awaitTimeContext && timeContext === undefined && !abort.signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      const segmentOptions = timeContext === undefined ? options : { ...options, timeContext };
      for await (const s of readPreparedSegments(job.path, job.segments, job.mine, segmentOptions, pool)) {
        if (s.segmentDone) {
          bytesRead = s.batch.bytesRead;
          post({ kind: 'segment-done', segment: s.segment, bytesRead });
        } else await send(s.batch, s.segment);
        if (abort.signal.aborted) break;
      }
    } else {
      for await (const batch of readPreparedInline(job.path, job.format, options, pool)) {
        await send(batch);
        if (abort.signal.aborted) break;
      }
    }
    post({ kind: 'done', bytesRead });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error), bytesRead });
  }
}

void run();
