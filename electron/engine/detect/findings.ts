// From rule hits to findings: a rule source (the Sigma matcher, once plugged in) says which
// rules an event matches; this turns each hit into a Finding placed on its host, session and
// process through the correlation result.

import type { NormalizedEvent } from '../../../shared/events.js';
import { summarize } from '../../../shared/event-views.js';
import type { Finding, Severity } from '../../../shared/findings.js';
import type { CorrelationResult, ProcessNode } from '../correlate/index.js';
import { hostKeyOf } from '../correlate/index.js';
import { normalizeLogonId } from '../../../shared/normalize.js';

/** One rule an event matched, as the rule engine reports it. */
export interface RuleHit {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly level: Severity;
  readonly tags: readonly string[];
  /** `case` for Chainline's own case-level checks (detect/case-checks.ts). */
  readonly origin: Finding['origin'];
  /** What the rule saw, when the event's own summary does not say it (case-level checks). */
  readonly detail?: string;
}

/**
 * The seam between the rule engine and the findings: called once per event of the case, in
 * row order. The Sigma matcher plugs in as
 * `(event) => matcher.match(event).map((r) => ({ ruleId: r.id, ruleTitle: r.title, level: r.level, tags: r.tags, origin: r.origin }))`.
 */
export type RuleHitSource = (event: NormalizedEvent, rowId: number) => readonly RuleHit[];

/** The default until a rule engine is connected: no rule fires. */
export const NO_RULES: RuleHitSource = () => [];

/** A correlation rule's match (event_count, temporal, …): several events under one group key. */
export interface GroupHit extends RuleHit {
  /** Stable for the group within the case (the finding id is `${ruleId}:${groupKey}`). */
  readonly groupKey: string;
  /** Case event row ids of the member events, first event first. */
  readonly rowIds: readonly number[];
}

/** One detection run of a rule engine: every event in row order, then `finish`. */
export interface RuleRunHooks {
  readonly match: RuleHitSource;
  /** Correlation rules' matches, once every event has been seen. */
  finish?(): readonly GroupHit[];
}

/**
 * A rule engine as detection uses it. `key` names the rules (a hash of the loaded pack, say):
 * a case whose findings were made with another key is detected again when next opened.
 * `start()` gives fresh per-run state (correlation rules count across events).
 */
export interface RuleEngine {
  readonly key: string;
  start(): RuleRunHooks;
}

/** A stateless per-event source as a RuleEngine. */
export function ruleEngineOf(source: RuleHitSource, key: string): RuleEngine {
  return { key, start: () => ({ match: source }) };
}

/**
 * What allow-list conditions and hunting queries read of a finding's event, kept with the
 * finding so that suppression can be re-applied without reading the events again.
 */
export interface FindingContext {
  readonly eventId: number;
  readonly channel: string;
  readonly provider: string;
  /** The event's data fields; values longer than CONTEXT_VALUE_MAX are clipped (see `clipped`). */
  readonly data: Readonly<Record<string, string>>;
  /** Names of the fields whose value was clipped (an exact match on them cannot hold). */
  readonly clipped: readonly string[];
}

/** A finding as detection makes it, with its event context, before suppression. */
export interface DetectedFinding {
  readonly finding: Finding;
  readonly context: FindingContext;
  /** 100 ns ticks of `finding.time`, for ordering in the store. */
  readonly ticks: bigint;
}

export const CONTEXT_VALUE_MAX = 32_768;
const SUMMARY_MAX = 300;

export function findingContext(event: NormalizedEvent): FindingContext {
  const data: Record<string, string> = {};
  const clipped: string[] = [];
  for (const [k, v] of Object.entries(event.data)) {
    if (v.length > CONTEXT_VALUE_MAX) {
      data[k] = v.slice(0, CONTEXT_VALUE_MAX);
      clipped.push(k);
    } else data[k] = v;
  }
  return { eventId: event.system.eventId, channel: event.system.channel, provider: event.system.provider, data, clipped };
}

/** One line: control characters (evidence is hostile) become spaces, runs of space one. */
export function oneLine(text: string, max = SUMMARY_MAX): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

export function findingSummary(title: string, event: NormalizedEvent): string {
  return oneLine(`${title}: ${summarize(event)}`);
}

/** Where an event sits in the correlation result: its process and session. */
export class FindingLocator {
  private readonly processByRow = new Map<number, ProcessNode>();
  private readonly sessionByRow = new Map<number, string>();
  private readonly processById = new Map<string, ProcessNode>();
  /** `${hostKey}|${logonId}` → sessions in start order (a LogonId repeats across boots). */
  private readonly sessionsByLogon = new Map<string, { id: string; startMs: number }[]>();

  constructor(readonly result: CorrelationResult) {
    for (const p of result.processes) {
      this.processById.set(p.id, p);
      if (p.securityRow !== null) this.processByRow.set(p.securityRow, p);
      if (p.sysmonRow !== null) this.processByRow.set(p.sysmonRow, p);
      for (const r of p.endRows) this.processByRow.set(r, p);
      for (const a of p.activity) this.processByRow.set(a.row, p);
    }
    for (const s of result.scripts) {
      const p = s.processId ? this.processById.get(s.processId) : undefined;
      for (const r of s.rows) {
        if (p) this.processByRow.set(r, p);
      }
    }
    for (const s of result.sessions) {
      if (s.logonRow !== null) this.sessionByRow.set(s.logonRow, s.id);
      for (const r of s.privilegeRows) this.sessionByRow.set(r, s.id);
      for (const r of s.logoffRows) this.sessionByRow.set(r, s.id);
      for (const r of s.explicitCredentialRows) this.sessionByRow.set(r, s.id);
      const key = `${s.hostKey}|${s.logonId}`;
      const list = this.sessionsByLogon.get(key) ?? [];
      list.push({ id: s.id, startMs: s.start.ms });
      this.sessionsByLogon.set(key, list);
    }
    for (const list of this.sessionsByLogon.values()) list.sort((a, b) => a.startMs - b.startMs);
    for (const v of result.services) {
      for (const r of [v.systemRow, v.securityRow]) {
        if (r === null) continue;
        if (v.sessionId) this.sessionByRow.set(r, v.sessionId);
      }
    }
  }

  process(processId: string): ProcessNode | undefined {
    return this.processById.get(processId);
  }

  /** The process and session of an event row; falls back to the event's own LogonId fields. */
  locate(event: NormalizedEvent, rowId: number): { processId: string | null; sessionId: string | null } {
    const p = this.processByRow.get(rowId);
    if (p) return { processId: p.id, sessionId: p.sessionId ?? this.sessionByRow.get(rowId) ?? null };
    const direct = this.sessionByRow.get(rowId);
    if (direct) return { processId: null, sessionId: direct };
    const d = event.data;
    const target = normalizeLogonId(d['TargetLogonId']);
    const logonId =
      (target && target !== '0x0' ? target : null) ?? normalizeLogonId(d['SubjectLogonId']) ?? normalizeLogonId(d['LogonId']);
    if (!logonId || logonId === '0x0') return { processId: null, sessionId: null };
    const list = this.sessionsByLogon.get(`${hostKeyOf(event.system.computer)}|${logonId}`);
    if (!list) return { processId: null, sessionId: null };
    // The latest session of that LogonId that began before the event (LogonIds repeat after a reboot).
    const ms = Number(event.ticks / 10_000n);
    let pick: string | null = list[0]?.id ?? null;
    for (const s of list) if (s.startMs <= ms) pick = s.id;
    return { processId: null, sessionId: pick };
  }
}

/** Turns a correlation rule's group match into a finding on its first event. */
export function findingOfGroup(first: NormalizedEvent, hit: GroupHit, locator: FindingLocator): DetectedFinding {
  const firstRow = hit.rowIds[0] ?? -1;
  const where = locator.locate(first, firstRow);
  return {
    finding: {
      id: `${hit.ruleId}:${hit.groupKey}`,
      ruleId: hit.ruleId,
      ruleTitle: hit.ruleTitle,
      level: hit.level,
      origin: hit.origin,
      tags: [...hit.tags],
      eventIds: [...hit.rowIds],
      time: first.time,
      host: first.system.computer,
      sessionId: where.sessionId,
      processId: where.processId,
      summary: oneLine(`${hit.ruleTitle}: ${hit.detail ?? `${hit.rowIds.length} events (${hit.groupKey})`}`),
      suppressed: null,
    },
    context: findingContext(first),
    ticks: first.ticks,
  };
}

/** Turns the rule hits of one event into findings. */
export function findingsOfEvent(
  event: NormalizedEvent,
  rowId: number,
  hits: readonly RuleHit[],
  locator: FindingLocator,
): DetectedFinding[] {
  if (hits.length === 0) return [];
  const where = locator.locate(event, rowId);
  const context = findingContext(event);
  const seen = new Set<string>();
  const out: DetectedFinding[] = [];
  for (const hit of hits) {
    const id = `${hit.ruleId}:${rowId}`;
    if (seen.has(id)) continue; // a rule listed twice by the source is one finding
    seen.add(id);
    out.push({
      finding: {
        id,
        ruleId: hit.ruleId,
        ruleTitle: hit.ruleTitle,
        level: hit.level,
        origin: hit.origin,
        tags: [...hit.tags],
        eventIds: [rowId],
        time: event.time,
        host: event.system.computer,
        sessionId: where.sessionId,
        processId: where.processId,
        summary: hit.detail ? oneLine(`${hit.ruleTitle}: ${hit.detail}`) : findingSummary(hit.ruleTitle, event),
        suppressed: null,
      },
      context,
      ticks: event.ticks,
    });
  }
  return out;
}

/**
 * Runs a rule source over events. One rule source that throws on one event costs that event's
 * hits, never the run: the error is counted and the first few kept.
 */
export class RuleRun {
  /** Findings made since the last `take()`. */
  findings: DetectedFinding[] = [];
  /** All findings made, taken or not. */
  total = 0;
  readonly errors: string[] = [];
  errorCount = 0;
  events = 0;

  constructor(
    private readonly source: RuleHitSource,
    private readonly locator: FindingLocator,
  ) {}

  add(event: NormalizedEvent, rowId: number): void {
    this.events++;
    let hits: readonly RuleHit[];
    try {
      hits = this.source(event, rowId);
    } catch (error) {
      this.errorCount++;
      if (this.errors.length < 20) this.errors.push(`event ${rowId}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (hits.length > 0) {
      const made = findingsOfEvent(event, rowId, hits, this.locator);
      this.total += made.length;
      for (const f of made) this.findings.push(f);
    }
  }

  push(finding: DetectedFinding): void {
    this.total++;
    this.findings.push(finding);
  }

  /** Hands over the findings made so far (so that a noisy rule does not pile them up in memory). */
  take(): DetectedFinding[] {
    const out = this.findings;
    this.findings = [];
    return out;
  }
}
