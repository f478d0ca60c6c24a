// Which of a JSON record's times is the event's own, and how NXLog's zone-less EventTime
// becomes UTC.
//
// Order: System/TimeCreated/@SystemTime → Sysmon UtcTime (UTC, ms) → EventTime (local time of
// the NXLog that rendered it, whole seconds, usually no zone) → Winlogbeat @timestamp (the
// event's time) → Logstash/NXLog @timestamp (when the collector received it; last resort,
// marked as collector time).
//
// EventTime's zone: options.localTimeOffsetMinutes when the user gives it. Otherwise it is
// inferred by a bounded pre-scan of the file's head (see OffsetInference), keyed by whose
// clock rendered EventTime: NXLog formats datetimes in the local zone of the machine it runs
// on, and in a forwarding setup (WEC + NXLog + Logstash) that is the collector named by the
// Logstash `host` field, not the event's computer; without `host` the event's computer is the
// key. Evidence per key, best first:
//   1. records carrying both UtcTime (Sysmon) and EventTime: EventTime − UtcTime;
//   2. EventReceivedTime (NXLog, local) against Logstash @timestamp (UTC), both taken on the
//      collector a moment apart: used only when the difference is within 2 minutes of a
//      multiple of 15 minutes (a backlogged collector gives no evidence).
// Differences are rounded to 15 minutes; the most frequent value wins. A key without evidence
// takes the file's single value when every key with evidence agrees; else the time is taken as
// UTC and marked "offset unknown". A DST change inside one file is not modelled.

import type { ResolvedTime } from '../../../../shared/build-event.js';
import type { TimeSource } from '../../../../shared/events.js';
import { parseTimestamp, TICKS_PER_SECOND, type ParsedTime } from '../../../../shared/time.js';
import type { EventTimes, JsonShape } from './json-shapes.js';

const QUARTER_HOUR_TICKS = 15n * 60n * TICKS_PER_SECOND;
const MAX_OFFSET_MINUTES = 14 * 60;
const HAS_ZONE = /(?:Z|[+-]\d\d:?\d\d)$/i;

export interface OffsetTable {
  /** Minutes east of UTC by lower-cased key. */
  readonly byKey: ReadonlyMap<string, number>;
  /** The one value every key with evidence agreed on, if any. */
  readonly consensus?: number;
}

function roundToQuarterHourMinutes(diffTicks: bigint): { minutes: number; residualTicks: bigint } {
  const half = QUARTER_HOUR_TICKS / 2n;
  const q = (diffTicks >= 0n ? diffTicks + half : diffTicks - half) / QUARTER_HOUR_TICKS;
  return { minutes: Number(q) * 15, residualTicks: diffTicks - q * QUARTER_HOUR_TICKS };
}

function fieldRe(name: string): RegExp {
  return new RegExp(`"${name.replace(/[@]/g, '\\$&')}"\\s*:\\s*"([^"\\\\]{1,64})"`);
}

const RE_UTC = fieldRe('UtcTime');
const RE_EVENT_TIME = fieldRe('EventTime');
const RE_RECEIVED = fieldRe('EventReceivedTime');
const RE_TIMESTAMP = fieldRe('@timestamp');
const RE_HOST = fieldRe('host');
const RE_HOSTNAME = /"(?:Hostname|Computer|ComputerName)"\s*:\s*"([^"\\]{1,64})"/;

type Votes = Map<number, number>;

function vote(map: Map<string, Votes>, key: string, minutes: number): void {
  let votes = map.get(key);
  if (!votes) map.set(key, (votes = new Map()));
  votes.set(minutes, (votes.get(minutes) ?? 0) + 1);
}

function winner(votes: Votes | undefined): number | undefined {
  if (!votes) return undefined;
  let best: number | undefined;
  let bestCount = 0;
  for (const [minutes, count] of votes) {
    if (count > bestCount) {
      best = minutes;
      bestCount = count;
    }
  }
  return best;
}

/** Collects evidence for EventTime's zone from raw record texts (no JSON parse: regexes). */
export class OffsetInference {
  private readonly utcVotes = new Map<string, Votes>();
  private readonly receiptVotes = new Map<string, Votes>();
  /** Evidence count per key, and every key seen on a record with a zone-less EventTime. */
  private readonly evidence = new Map<string, number>();
  private samples = 0;

  get sampleCount(): number {
    return this.samples;
  }

  addRecordText(text: string): void {
    if (!text.includes('"EventTime"')) return;
    const eventTime = RE_EVENT_TIME.exec(text)?.[1];
    if (!eventTime || HAS_ZONE.test(eventTime)) return;
    const local = parseTimestamp(eventTime, 0);
    if (!local) return;
    const key = (RE_HOST.exec(text)?.[1] ?? RE_HOSTNAME.exec(text)?.[1] ?? '').trim().toLowerCase();
    if (!this.evidence.has(key)) this.evidence.set(key, 0);
    const utc = RE_UTC.exec(text)?.[1];
    if (utc) {
      const u = parseTimestamp(utc, 0);
      if (u) {
        const { minutes } = roundToQuarterHourMinutes(local.ticks - u.ticks);
        if (Math.abs(minutes) <= MAX_OFFSET_MINUTES) {
          vote(this.utcVotes, key, minutes);
          this.samples++;
          this.evidence.set(key, (this.evidence.get(key) ?? 0) + 1);
        }
      }
    }
    const received = RE_RECEIVED.exec(text)?.[1];
    const stamp = RE_TIMESTAMP.exec(text)?.[1];
    if (received && stamp && !HAS_ZONE.test(received) && HAS_ZONE.test(stamp)) {
      const r = parseTimestamp(received, 0);
      const s = parseTimestamp(stamp, 0);
      if (r && s) {
        const { minutes, residualTicks } = roundToQuarterHourMinutes(r.ticks - s.ticks);
        const residual = residualTicks < 0n ? -residualTicks : residualTicks;
        if (Math.abs(minutes) <= MAX_OFFSET_MINUTES && residual <= 120n * TICKS_PER_SECOND) {
          vote(this.receiptVotes, key, minutes);
          this.samples++;
          this.evidence.set(key, (this.evidence.get(key) ?? 0) + 1);
        }
      }
    }
  }

  /** True once every key seen has at least `enough` pieces of evidence (the pre-scan may stop). */
  settled(enough: number): boolean {
    if (this.evidence.size === 0) return false;
    for (const count of this.evidence.values()) if (count < enough) return false;
    return true;
  }

  result(): OffsetTable {
    const byKey = new Map<string, number>();
    for (const key of new Set([...this.utcVotes.keys(), ...this.receiptVotes.keys()])) {
      const minutes = winner(this.utcVotes.get(key)) ?? winner(this.receiptVotes.get(key));
      if (minutes !== undefined) byKey.set(key, minutes);
    }
    const distinct = new Set(byKey.values());
    const consensus = distinct.size === 1 ? [...distinct][0] : undefined;
    return consensus === undefined ? { byKey } : { byKey, consensus };
  }
}

export interface TimeContext {
  readonly userOffsetMinutes?: number;
  readonly offsets?: OffsetTable;
}

/**
 * A parsed time with its source. Built field by field: a spread (`{ ...t, source }`) took
 * V8's slow path for the added field on every record (Runtime_DefineNamedOwnIC_Slow).
 */
function resolved(t: ParsedTime, source: TimeSource): ResolvedTime {
  return { ticks: t.ticks, precision: t.precision, source };
}

/** The event's time, or the reason there is none. */
export function resolveTime(shape: JsonShape, times: EventTimes, ctx: TimeContext): ResolvedTime | string {
  const problems: string[] = [];
  if (times.systemTime !== undefined) {
    const t = parseTimestamp(times.systemTime, 0);
    if (t) return resolved(t, shape === 'evtx' ? 'SystemTime' : 'TimeCreated');
    problems.push(`TimeCreated "${times.systemTime.slice(0, 64)}" is not a time`);
  }
  if (times.utcTime !== undefined) {
    const t = parseTimestamp(times.utcTime, 0);
    if (t) return resolved(t, 'UtcTime');
    problems.push(`UtcTime "${times.utcTime.slice(0, 64)}" is not a time`);
  }
  if (times.eventTime !== undefined) {
    const resolved = resolveEventTime(times.eventTime, times.offsetKey, ctx);
    if (typeof resolved !== 'string') return resolved;
    problems.push(resolved);
  }
  if (times.beatTimestamp !== undefined) {
    const t = parseTimestamp(times.beatTimestamp, 0);
    if (t) return resolved(t, '@timestamp (event time)');
    problems.push(`@timestamp "${times.beatTimestamp.slice(0, 64)}" is not a time`);
  }
  if (times.collectorTimestamp !== undefined) {
    const t = parseTimestamp(times.collectorTimestamp, 0);
    if (t) return resolved(t, '@timestamp (collector time)');
    problems.push(`@timestamp "${times.collectorTimestamp.slice(0, 64)}" is not a time`);
  }
  return problems.length ? problems.join('; ') : 'the record has no time (no TimeCreated, UtcTime, EventTime or @timestamp)';
}

// The last EventTime resolved, and its inputs: collector records come many to a second (and to
// a collector), so most records resolve the same text with the same key as the one before.
let lastEventTime: string | undefined;
let lastOffsetKey: string | undefined;
let lastContext: TimeContext | undefined;
let lastResolved: ResolvedTime | string = '';

/** NXLog's EventTime as UTC (see the header), or the reason it is not a time. */
function resolveEventTime(eventTime: string, offsetKey: string | undefined, ctx: TimeContext): ResolvedTime | string {
  if (eventTime === lastEventTime && offsetKey === lastOffsetKey && ctx === lastContext) return lastResolved;
  const text = eventTime.trim();
  let offset: number | undefined;
  let source: TimeSource;
  if (HAS_ZONE.test(text)) {
    offset = 0;
    source = 'EventTime';
  } else if (ctx.userOffsetMinutes !== undefined) {
    offset = ctx.userOffsetMinutes;
    source = 'EventTime';
  } else {
    const key = (offsetKey ?? '').toLowerCase();
    offset = ctx.offsets?.byKey.get(key) ?? ctx.offsets?.consensus;
    source = offset === undefined ? 'EventTime (local, offset unknown: taken as UTC)' : 'EventTime (local, offset inferred)';
  }
  const t = parseTimestamp(text, offset ?? 0);
  lastResolved = t ? { ticks: t.ticks, precision: t.precision, source } : `EventTime "${text.slice(0, 64)}" is not a time`;
  lastEventTime = eventTime;
  lastOffsetKey = offsetKey;
  lastContext = ctx;
  return lastResolved;
}
