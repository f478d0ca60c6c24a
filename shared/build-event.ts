// One constructor of NormalizedEvent for every reader (XML, JSON, EVTX), so the formats agree.

import type { EventSystem, NormalizedEvent, SourcePointer, TimeSource } from './events.js';
import { normalizeHex, parsePid } from './normalize.js';
import { parseTimestamp, ticksToIso, type TimePrecision } from './time.js';

/** The System section as text, the way XML (and most JSON shapes) carry it. */
export interface RawSystem {
  readonly provider?: string;
  readonly providerGuid?: string;
  readonly eventSourceName?: string;
  readonly eventId?: string | number;
  readonly qualifiers?: string | number;
  readonly version?: string | number;
  readonly level?: string | number;
  readonly task?: string | number;
  readonly opcode?: string | number;
  readonly keywords?: string | number;
  /** TimeCreated/@SystemTime. */
  readonly systemTime?: string;
  readonly recordId?: string | number;
  readonly activityId?: string;
  readonly relatedActivityId?: string;
  readonly processId?: string | number;
  readonly threadId?: string | number;
  readonly channel?: string;
  readonly computer?: string;
  readonly userSid?: string;
}

/** A time the reader already worked out (from UtcTime, EventTime with an offset, …). */
export interface ResolvedTime {
  readonly ticks: bigint;
  readonly precision: TimePrecision;
  readonly source: TimeSource;
}

export class EventBuildError extends Error {
  override readonly name = 'EventBuildError';
}

/** An integer field as buildEvent reads it (undefined when absent or not an integer). */
export function optInt(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const n = parsePid(value);
  return n === null ? undefined : n;
}

function optText(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

/**
 * Builds a NormalizedEvent. The time comes from `time` when the reader resolved it,
 * else from System/TimeCreated/@SystemTime. Throws EventBuildError when the record has no
 * event id or no usable time, so the reader can report it with its position.
 */
export function buildEvent(
  raw: RawSystem,
  data: Readonly<Record<string, string>>,
  source: SourcePointer,
  options: { readonly time?: ResolvedTime; readonly recovered?: boolean; readonly suspect?: string } = {},
): NormalizedEvent {
  const eventId = optInt(raw.eventId);
  if (eventId === undefined) throw new EventBuildError('the record has no EventID');
  let time = options.time;
  if (!time) {
    if (raw.systemTime === undefined) throw new EventBuildError('the record has no TimeCreated/@SystemTime');
    const parsed = parseTimestamp(raw.systemTime);
    if (!parsed) throw new EventBuildError(`TimeCreated "${raw.systemTime.slice(0, 64)}" is not a time`);
    time = { ...parsed, source: 'SystemTime' };
  }
  // Built by assignment rather than conditional spreads: this runs once per event, and
  // each spread allocates a temporary object.
  const system: { -readonly [K in keyof EventSystem]: EventSystem[K] } = {
    provider: raw.provider ?? '',
    channel: raw.channel ?? '',
    computer: raw.computer ?? '',
    eventId,
  };
  if (raw.providerGuid) system.providerGuid = raw.providerGuid;
  if (raw.eventSourceName) system.eventSourceName = raw.eventSourceName;
  const qualifiers = optInt(raw.qualifiers);
  if (qualifiers !== undefined) system.qualifiers = qualifiers;
  const version = optInt(raw.version);
  if (version !== undefined) system.version = version;
  const level = optInt(raw.level);
  if (level !== undefined) system.level = level;
  const task = optInt(raw.task);
  if (task !== undefined) system.task = task;
  const opcode = optInt(raw.opcode);
  if (opcode !== undefined) system.opcode = opcode;
  const keywords = optText(raw.keywords);
  if (keywords !== undefined) {
    system.keywords = typeof raw.keywords === 'number' ? '0x' + BigInt(raw.keywords).toString(16) : normalizeHex(keywords);
  }
  const recordId = optInt(raw.recordId);
  if (recordId !== undefined) system.recordId = recordId;
  if (raw.activityId) system.activityId = raw.activityId;
  if (raw.relatedActivityId) system.relatedActivityId = raw.relatedActivityId;
  const processId = optInt(raw.processId);
  if (processId !== undefined) system.processId = processId;
  const threadId = optInt(raw.threadId);
  if (threadId !== undefined) system.threadId = threadId;
  if (raw.userSid) system.userSid = raw.userSid;
  const event: { -readonly [K in keyof NormalizedEvent]: NormalizedEvent[K] } = {
    time: ticksToIso(time.ticks),
    ticks: time.ticks,
    timePrecision: time.precision,
    timeSource: time.source,
    system,
    data,
    source,
    recovered: options.recovered ?? false,
  };
  if (options.suspect) event.suspect = options.suspect;
  return event;
}
