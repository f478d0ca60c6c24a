// Detection over a whole case, after correlation: the rule source and the case-level checks
// over every event, findings placed on sessions and processes, the allow-list applied, all kept
// in the case. The run itself (DetectionRun) is pure; `runCaseDetection` feeds it from the store.

import type { AllowListEntry } from '../../../shared/allowlist.js';
import type { NormalizedEvent } from '../../../shared/events.js';
import { severityRank, type CaseWarning, type Finding, type FindingsSummary, type Severity, type Suppression } from '../../../shared/findings.js';
import { attackIndex, groupByTactic, type AttackIndex } from './attack.js';
import type { CorrelationResult } from '../correlate/index.js';
import type { CaseStore } from '../store/case-store.js';
import { suppressionFor } from './allowlist.js';
import { caseChecks, CommandLineAuditCheck } from './case-checks.js';
import {
  FindingLocator,
  findingOfGroup,
  RuleRun,
  type DetectedFinding,
  type FindingContext,
  type GroupHit,
  type RuleEngine,
  type RuleHit,
  type RuleHitSource,
  type RuleRunHooks,
} from './findings.js';

/** What the case keeps of a detection run besides the findings (analysis row `detection`). */
export interface DetectionState {
  readonly computedAt: string;
  /** Events in the case when detection ran: a different count means it is out of date. */
  readonly caseEvents: number;
  readonly scanned: number;
  readonly warnings: readonly CaseWarning[];
  /** Whether a rule engine took part (false: only the case-level checks ran). */
  readonly rules: boolean;
  /** The rule engine's key (null: none). */
  readonly rulesKey: string | null;
  readonly ruleErrors: readonly string[];
  readonly ruleErrorCount: number;
}

export const DETECTION_ANALYSIS = 'detection';

/** Events the case-level checks need when no rule source reads every event. */
const CASE_CHECK_EVENT_IDS: readonly number[] = [4688, 1];

export class DetectionRun {
  private readonly caseHits: Map<number, RuleHit[]>;
  private readonly commandLines = new CommandLineAuditCheck();
  private readonly rules: RuleRun;
  readonly locator: FindingLocator;
  private readonly hooks: RuleRunHooks | null;

  /** `rules`: a rule engine, a bare per-event source, or none (case-level checks only). */
  constructor(result: CorrelationResult, rules: RuleEngine | RuleHitSource | null) {
    const locator = new FindingLocator(result);
    this.locator = locator;
    this.hooks = rules === null ? null : typeof rules === 'function' ? { match: rules } : rules.start();
    const source = this.hooks?.match ?? null;
    this.caseHits = caseChecks(result);
    const caseHits = this.caseHits;
    const combined: RuleHitSource = (event, rowId) => {
      const own = caseHits.get(rowId);
      const ruled = source ? source(event, rowId) : [];
      return own ? [...ruled, ...own] : ruled;
    };
    this.rules = new RuleRun(combined, locator);
  }

  add(event: NormalizedEvent, rowId: number): void {
    this.commandLines.add(event, rowId);
    this.rules.add(event, rowId);
  }

  /** Findings made since the last call (the run keeps none of them once taken). */
  take(): DetectedFinding[] {
    return this.rules.take();
  }

  /** Adds a finding made outside the per-event pass (a correlation rule's group). */
  addFinding(finding: DetectedFinding): void {
    this.rules.push(finding);
  }

  /** Findings made so far, taken or not. */
  get findingCount(): number {
    return this.rules.total;
  }

  /** Correlation rules' matches, after the last event (each member's first event is read again). */
  groupHits(): readonly GroupHit[] {
    if (!this.hooks?.finish) return [];
    try {
      return this.hooks.finish().filter((h) => h.rowIds.length > 0);
    } catch (error) {
      this.groupError = error instanceof Error ? error.message : String(error);
      return [];
    }
  }
  groupError: string | null = null;

  /** The findings not yet taken, the case-level warnings and the run's counts. */
  finish(): { findings: DetectedFinding[]; warnings: CaseWarning[]; scanned: number; ruleErrors: string[]; ruleErrorCount: number } {
    const warning = this.commandLines.result();
    return {
      findings: this.rules.take(),
      warnings: warning ? [warning] : [],
      scanned: this.rules.events,
      ruleErrors: [...this.rules.errors, ...(this.groupError ? [`correlation rules: ${this.groupError}`] : [])],
      ruleErrorCount: this.rules.errorCount + (this.groupError ? 1 : 0),
    };
  }
}

/** Marks each finding with the first allow-list entry that matches it. */
export function applyAllowList(findings: readonly DetectedFinding[], entries: readonly AllowListEntry[]): DetectedFinding[] {
  return findings.map((d) => {
    const suppressed = suppressionFor(entries, d.finding, d.context);
    return suppressed === d.finding.suppressed ? d : { ...d, finding: { ...d.finding, suppressed } };
  });
}

/** Re-applies the allow-list to the stored findings; returns how many changed. */
export async function reapplyAllowList(store: CaseStore): Promise<number> {
  const entries = await store.allowList();
  const changes = new Map<string, Suppression | null>();
  for (const f of await store.findingsForSuppression()) {
    const next = suppressionFor(entries, { ruleId: f.ruleId, host: f.host }, f.context as FindingContext);
    const nextText = next === null ? null : JSON.stringify(next);
    if (nextText !== f.suppressed) changes.set(f.id, next);
  }
  if (changes.size > 0) await store.setSuppression(changes);
  return changes.size;
}

/** Runs detection over the case and keeps the findings and the state in it. */
export async function runCaseDetection(
  store: CaseStore,
  result: CorrelationResult,
  rules: RuleEngine | null,
  signal?: AbortSignal,
  /**
   * The number of events `result` was correlated from, when the caller knows it (the engine):
   * counted here instead, an import finishing while the correlation was computed would be
   * counted as covered, and the findings of its events kept as current though their sessions
   * and processes were never placed.
   */
  coveredEvents?: number,
): Promise<DetectionState> {
  const caseEvents = coveredEvents ?? (await store.countEvents({}));
  const entries = await store.allowList();
  const run = new DetectionRun(result, rules);
  const write = async (found: DetectedFinding[]): Promise<void> => {
    if (found.length === 0) return;
    await store.appendFindings(applyAllowList(found, entries).map((d) => ({ finding: d.finding, context: d.context, ticks: d.ticks })));
  };
  await store.clearFindings();
  // Without a rule engine only the process-creation events matter; with one, all of them.
  for await (const page of store.eventsForDetection(rules ? null : CASE_CHECK_EVENT_IDS)) {
    if (signal?.aborted) throw new Error('detection cancelled');
    for (const { rowId, event } of page) run.add(event, rowId);
    // Findings go to the case page by page: a noisy rule must not pile them up in memory.
    await write(run.take());
  }
  // Correlation rules: a finding on each group's first event, read again from the store.
  for (const hit of run.groupHits()) {
    const first = await store.eventForDetection(hit.rowIds[0] as number);
    if (first) run.addFinding(findingOfGroup(first, hit, run.locator));
  }
  const done = run.finish();
  await write(done.findings);
  const state: DetectionState = {
    computedAt: new Date().toISOString(),
    caseEvents,
    scanned: done.scanned,
    warnings: done.warnings,
    rules: rules !== null,
    rulesKey: rules?.key ?? null,
    ruleErrors: done.ruleErrors,
    ruleErrorCount: done.ruleErrorCount,
  };
  await store.saveAnalysis(DETECTION_ANALYSIS, state, done.scanned);
  return state;
}

/** Counts for the findings view: active ones by severity, tactic and rule; suppressed apart. */
export function summarizeFindings(
  findings: readonly Finding[],
  state: Pick<DetectionState, 'computedAt' | 'warnings'> | null,
  index: AttackIndex = attackIndex(),
): FindingsSummary {
  const bySeverity: Record<Severity, number> = { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
  const byRule = new Map<string, { ruleId: string; ruleTitle: string; level: Severity; origin: Finding['origin']; count: number; suppressed: number }>();
  const active: Finding[] = [];
  const bySession = new Map<string, Record<Severity, number>>();
  let suppressed = 0;
  for (const f of findings) {
    const r = byRule.get(f.ruleId) ?? { ruleId: f.ruleId, ruleTitle: f.ruleTitle, level: f.level, origin: f.origin, count: 0, suppressed: 0 };
    if (f.suppressed) {
      suppressed++;
      r.suppressed++;
    } else {
      active.push(f);
      bySeverity[f.level]++;
      if (f.sessionId) {
        const counts = bySession.get(f.sessionId) ?? { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
        counts[f.level]++;
        bySession.set(f.sessionId, counts);
      }
      r.count++;
    }
    byRule.set(f.ruleId, r);
  }
  return {
    computedAt: state?.computedAt ?? null,
    total: findings.length,
    suppressed,
    bySeverity,
    byTactic: groupByTactic(active, index),
    byRule: [...byRule.values()].sort(
      (a, b) => severityRank(b.level) - severityRank(a.level) || b.count - a.count || a.ruleTitle.localeCompare(b.ruleTitle),
    ),
    bySession: [...bySession].map(([sessionId, counts]) => ({ sessionId, bySeverity: counts })),
    warnings: state?.warnings ?? [],
  };
}
