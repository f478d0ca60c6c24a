// The interface every evidence reader implements (XML, JSON, EVTX). Readers stream: a file
// of any size is never read whole into memory. A bad record becomes an error item naming the
// file and its position, and reading goes on with the next record.

import type { EvidenceFormat, ReadItem, SourcePointer } from '../../../shared/events.js';

export interface ReaderOptions {
  /** Aborts reading promptly; the iterator then ends (no error item for the abort). */
  readonly signal?: AbortSignal;
  /** Called now and then with the number of bytes of the file consumed so far. */
  readonly onProgress?: (bytesRead: number) => void;
  /** Items per yielded batch (a hint). */
  readonly batchSize?: number;
  /**
   * Minutes east of UTC for local times that carry no zone (NXLog `EventTime`), when the
   * user knows it. Without it the reader infers it or marks the time as taken as UTC.
   */
  readonly localTimeOffsetMinutes?: number;
}

export interface EvidenceReader {
  readonly format: EvidenceFormat;
  /** Yields the file's events and errors, in batches, in file order. */
  read(path: string, options?: ReaderOptions): AsyncIterable<readonly ReadItem[]>;
  /**
   * Reads one record again from the evidence, as text for the detail pane (XML, JSON, or
   * EVTX rendered to XML). At most `maxChars` characters are returned.
   */
  readRaw(source: SourcePointer, maxChars: number): Promise<{ readonly text: string; readonly truncated: boolean }>;
}
