// Messages between the engine thread and a reading thread (read-worker.ts).
import type { EvidenceFormat } from '../../../shared/events.js';
import type { LineSegment } from '../readers/json/json-reader.js';
import type { TimeContext } from '../readers/json/json-time.js';
import type { PreparedBatch } from './prepared-rows.js';

export interface ReadWorkerData {
  readonly path: string;
  readonly format: EvidenceFormat;
  readonly localTimeOffsetMinutes?: number;
  /**
   * JSON lines read on several threads: the file's segments and the ones this thread reads
   * (ascending). Without them the thread reads the whole file.
   */
  readonly segments?: readonly LineSegment[];
  readonly mine?: readonly number[];
  /** Unacknowledged batches allowed before the thread waits. */
  readonly window: number;
  /** Segments only: the thread waits for the file's time context (a 'time-context' reply) before reading. */
  readonly awaitTimeContext?: boolean;
}

export type ReadWorkerMessage =
  | { readonly kind: 'batch'; readonly batch: PreparedBatch; readonly segment?: number }
  /** The last batch of a segment has been sent. */
  | { readonly kind: 'segment-done'; readonly segment: number; readonly bytesRead: number }
  | { readonly kind: 'done'; readonly bytesRead: number }
  | { readonly kind: 'failed'; readonly message: string; readonly bytesRead: number };

/** An ack may hand back the batch's text buffer (transferred) for the thread to reuse. */
export type ReadWorkerReply =
  | { readonly kind: 'ack'; readonly buffer?: ArrayBuffer }
  | { readonly kind: 'cancel' }
  /** The time context of the segments' file (segmentsTimeContext), computed once by the engine thread. */
  | { readonly kind: 'time-context'; readonly context: TimeContext };
