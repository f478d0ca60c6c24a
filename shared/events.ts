import type { TimePrecision } from './time.js';

/** The evidence formats Chainline reads. */
export type EvidenceFormat = 'evtx' | 'xml' | 'json' | 'jsonl';

/**
 * Where an event came from, so that its raw record can be shown again later from the
 * (read-only) evidence file. `offset`/`length` are byte positions in the file; `line` is
 * 1-based for line-oriented formats; EVTX adds its chunk index.
 */
export interface SourcePointer {
  readonly file: string;
  readonly format: EvidenceFormat;
  readonly offset: number;
  readonly length: number;
  readonly line?: number;
  readonly chunk?: number;
}

/** Which of the event's own fields its time was taken from. */
export type TimeSource =
  | 'SystemTime'
  | 'UtcTime'
  | 'EventTime'
  | 'EventTime (local, offset inferred)'
  | 'EventTime (local, offset unknown: taken as UTC)'
  | 'TimeCreated'
  | '@timestamp (collector time)'
  /** Winlogbeat's `@timestamp`, which is the event's own time (TimeCreated), not the collector's. */
  | '@timestamp (event time)'
  | 'none';

/** The System section, with Windows' own names. */
export interface EventSystem {
  readonly provider: string;
  readonly providerGuid?: string;
  /** `EventSourceName` of classic providers, when present. */
  readonly eventSourceName?: string;
  readonly eventId: number;
  /** The `Qualifiers` attribute of EventID (classic providers). */
  readonly qualifiers?: number;
  readonly version?: number;
  readonly level?: number;
  readonly task?: number;
  readonly opcode?: number;
  readonly keywords?: string;
  readonly recordId?: number;
  readonly activityId?: string;
  readonly relatedActivityId?: string;
  readonly processId?: number;
  readonly threadId?: number;
  readonly channel: string;
  readonly computer: string;
  readonly userSid?: string;
}

/**
 * One Windows event after normalization, whatever format it was read from.
 * `data` holds the named EventData fields (and UserData leaves by element name) as strings in
 * Windows' own rendering: hex as `0x3e7` without padding, GUIDs in braces as Windows prints them.
 * Unnamed `<Data>` elements are keyed `Data1`, `Data2`, … in order; `<Binary>` as `Binary`.
 */
export interface NormalizedEvent {
  /** ISO 8601 UTC with exactly seven fractional digits. */
  readonly time: string;
  /** 100 ns ticks since the Unix epoch (see shared/time.ts). */
  readonly ticks: bigint;
  readonly timePrecision: TimePrecision;
  readonly timeSource: TimeSource;
  readonly system: EventSystem;
  readonly data: Readonly<Record<string, string>>;
  readonly source: SourcePointer;
  /** Carved from slack space or an unreferenced chunk (EVTX). */
  readonly recovered: boolean;
  /** Parsed from a chunk whose checksum failed, or otherwise suspect. */
  readonly suspect?: string;
}

/** A record that could not be read. Reading goes on after it. */
export interface ReadError {
  readonly file: string;
  /** Byte offset in the file where the bad record starts (or where reading failed). */
  readonly offset?: number;
  /** 1-based line, for line-oriented formats. */
  readonly line?: number;
  readonly message: string;
}

/** What a reader yields, in batches: events and errors in file order. */
export type ReadItem =
  | { readonly kind: 'event'; readonly event: NormalizedEvent }
  | { readonly kind: 'error'; readonly error: ReadError };

/** Formats an error the way every layer shows it: `file offset 0x1a40 (line 12): message`. */
export function formatReadError(error: ReadError): string {
  const where: string[] = [];
  if (error.offset !== undefined) where.push(`offset 0x${error.offset.toString(16)}`);
  if (error.line !== undefined) where.push(`line ${error.line}`);
  return `${error.file}${where.length ? ' ' + where.join(' ') : ''}: ${error.message}`;
}
