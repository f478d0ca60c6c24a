// Messages between the engine thread and a reading thread (read-worker.ts).

import type { EvidenceFormat } from '../../../shared/events.js';
import type { PreparedBatch } from './prepared-rows.js';

export interface ReadWorkerData {
  readonly path: string;
  readonly format: EvidenceFormat;
  readonly localTimeOffsetMinutes?: number;
}

export type ReadWorkerMessage =
  | { readonly kind: 'batch'; readonly batch: PreparedBatch }
  | { readonly kind: 'done'; readonly bytesRead: number }
  | { readonly kind: 'failed'; readonly message: string; readonly bytesRead: number };

export type ReadWorkerReply = { readonly kind: 'ack' } | { readonly kind: 'cancel' };
