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
  const time = options.time;
  if (time) return buildEventAt(raw, data, source, time.ticks, time.precision, time.source, options.recovered ?? false, options.suspect);
  const eventId = optInt(raw.eventId);
  if (eventId === undefined) throw new EventBuildError('the record has no EventID');
  if (raw.systemTime === undefined) throw new EventBuildError('the record has no TimeCreated/@SystemTime');
  const parsed = parseTimestamp(raw.systemTime);
  if (!parsed) throw new EventBuildError(`TimeCreated "${raw.systemTime.slice(0, 64)}" is not a time`);
  return assemble(raw, eventId, data, source, parsed.ticks, parsed.precision, 'SystemTime', options.recovered ?? false, options.suspect);
}

type MutableSystem = { -readonly [K in keyof EventSystem]: EventSystem[K] };
type Sizing = Record<`a${number}`, undefined>;

/**
 * Makes the System object with its four fields always present, as the literal
 * `{ provider, channel, computer, eventId }` would (prototype Object.prototype), but with room
 * inside the object for the optional fields added after: a literal has room for its own four,
 * and the dozen an event usually adds went to a separate property store that was copied
 * larger three or four times per event. The assignments under the never-true test only size
 * that room (V8 counts a constructor's `this.x =`); no object gets those names.
 */
const SystemObject = function SystemObject(this: MutableSystem, provider: string, channel: string, computer: string, eventId: number): void {
  this.provider = provider;
  this.channel = channel;
  this.computer = computer;
  this.eventId = eventId;
  if (sizingOnly) {
    (this as unknown as Sizing).a1 = undefined;
    (this as unknown as Sizing).a2 = undefined;
    (this as unknown as Sizing).a3 = undefined;
    (this as unknown as Sizing).a4 = undefined;
    (this as unknown as Sizing).a5 = undefined;
    (this as unknown as Sizing).a6 = undefined;
    (this as unknown as Sizing).a7 = undefined;
    (this as unknown as Sizing).a8 = undefined;
    (this as unknown as Sizing).a9 = undefined;
    (this as unknown as Sizing).a10 = undefined;
    (this as unknown as Sizing).a11 = undefined;
    (this as unknown as Sizing).a12 = undefined;
    (this as unknown as Sizing).a13 = undefined;
    (this as unknown as Sizing).a14 = undefined;
  }
} as unknown as new (provider: string, channel: string, computer: string, eventId: number) => MutableSystem;
SystemObject.prototype = Object.prototype;
/** Never set (see SystemObject). */
let sizingOnly = false;

/**
 * buildEvent with the time already resolved, its parts passed one by one: the EVTX reader
 * calls it once per record, and the option objects cost allocations.
 */
export function buildEventAt(
  raw: RawSystem,
  data: Readonly<Record<string, string>>,
  source: SourcePointer,
  ticks: bigint,
  precision: TimePrecision,
  timeSource: TimeSource,
  recovered: boolean,
  suspect: string | undefined,
): NormalizedEvent {
  const eventId = optInt(raw.eventId);
  if (eventId === undefined) throw new EventBuildError('the record has no EventID');
  return assemble(raw, eventId, data, source, ticks, precision, timeSource, recovered, suspect);
}

function assemble(
  raw: RawSystem,
  eventId: number,
  data: Readonly<Record<string, string>>,
  source: SourcePointer,
  ticks: bigint,
  precision: TimePrecision,
  timeSource: TimeSource,
  recovered: boolean,
  suspect: string | undefined,
): NormalizedEvent {
  // Built by assignment rather than conditional spreads: this runs once per event, and
  // each spread allocates a temporary object.
  const system = new SystemObject(raw.provider ?? '', raw.channel ?? '', raw.computer ?? '', eventId);
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
    time: ticksToIso(ticks),
    ticks,
    timePrecision: precision,
    timeSource,
    system,
    data,
    source,
    recovered,
  };
  if (suspect) event.suspect = suspect;
  return event;
}
