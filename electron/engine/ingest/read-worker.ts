// A reading thread for one evidence file (or some segments of a JSON-lines file): it parses,
// normalizes and prepares rows (prepared-rows.ts) while the engine thread appends earlier
// batches to DuckDB. Flow control: at most `window` batches are unacknowledged, so memory
// stays bounded however large the file.

import * as vm from 'node:vm';
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

/**
 * Input read between the full collections this thread asks for when it reads a file alone.
 * Its old generation fills with promoted garbage (events of a batch outlive two scavenges)
 * and V8 lets it grow to several times what is live before collecting: on a 4 GB EVTX file,
 * ~28 MB live grew to ~107 MB, and the import's peak RSS was 444-506 MB, over the 500 MB
 * bound once. Collecting every 256 MB of input, the peak was 437-450 MB at the same speed
 * (each collection paused the thread 1-21 ms, median 5, in a trace collecting every 128 MB).
 */
const COLLECT_EVERY_BYTES = 256 * 1024 * 1024;

/**
 * A full collection now: measureMemory's eager mode starts one (documented), the only way to
 * ask for one without --expose-gc, a V8 flag for the whole process. It is experimental (the
 * thread runs with --no-warnings so that it does not print so); where it is missing or fails,
 * the thread goes on with V8's own schedule.
 */
function collectGarbage(): void {
  if (typeof vm.measureMemory !== 'function') return;
  try {
    void vm.measureMemory({ mode: 'summary', execution: 'eager' }).catch(() => undefined);
  } catch {
    // refused by this runtime: V8's own schedule it is
  }
}

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
      let collectAt = COLLECT_EVERY_BYTES;
      for await (const batch of readPreparedInline(job.path, job.format, options, pool)) {
        if (batch.bytesRead >= collectAt) {
          collectAt = batch.bytesRead + COLLECT_EVERY_BYTES;
          collectGarbage();
        }
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
