// Findings: what detection (Sigma rules, the built-in triage pack, case-level checks) says about
// the case's events. Plain JSON so they cross the API boundary as they are.

export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** Severity order, lowest first (sorting, "level ≥ high" filters). */
export const SEVERITIES: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];

export function severityRank(level: Severity): number {
  return SEVERITIES.indexOf(level);
}

/** Why a finding is quiet: the allow-list entry or baseline that matched it. Nothing is deleted. */
export interface Suppression {
  readonly entryId: string;
  readonly kind: 'allow' | 'baseline';
  readonly reason: string;
  readonly by: string;
  /** ISO time the entry was made. */
  readonly at: string;
}

export interface Finding {
  /** Stable within a case: `${ruleId}:${first event row id}` (correlation rules: their group key). */
  readonly id: string;
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly level: Severity;
  /** Where the rule came from: the built-in pack, a user rule folder, or a case-level check. */
  readonly origin: 'builtin' | 'user' | 'case';
  /** The rule's tags as written (`attack.execution`, `attack.t1059.001`, …). */
  readonly tags: readonly string[];
  /** Case event row ids (EventRow.id) the finding is about; several for correlation rules. */
  readonly eventIds: readonly number[];
  /** ISO time of the first event. */
  readonly time: string;
  readonly host: string;
  readonly sessionId: string | null;
  readonly processId: string | null;
  /** One line for lists: the rule's title plus what it saw (image, command line, service…). */
  readonly summary: string;
  readonly suppressed: Suppression | null;
}

/** `listFindings`: one page of findings, newest rule level first, then time. */
export interface FindingQuery {
  /** true: only suppressed ones (the "suppressed" tab); false: only active ones; absent: both. */
  readonly suppressed?: boolean;
  /** Only findings at this level or above. */
  readonly minLevel?: Severity;
  readonly ruleId?: string;
  readonly sessionId?: string;
  /** The findings of one process (ProcessRow.id), for the tree's badges. */
  readonly processId?: string;
  /** The findings on one host (the host's process tree). */
  readonly host?: string;
  /** The findings about one event (EventRow.id), for the event detail. */
  readonly eventId?: number;
  readonly offset: number;
  readonly limit: number;
}

export interface FindingPage {
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly Finding[];
}

/** A case-level observation that is about the evidence rather than about an event. */
export interface CaseWarning {
  readonly id: string;
  readonly title: string;
  /** What was seen, with numbers. */
  readonly detail: string;
  /** How to fix the logging for next time (GPO path, registry value). */
  readonly remedy: string;
  readonly hosts: readonly { readonly host: string; readonly without: number; readonly total: number }[];
  /** A few of the events concerned (EventRow.id). */
  readonly sampleEventIds: readonly number[];
}

export interface TacticCount {
  /** The tag name (`execution`, `privilege-escalation`, …) or `unknown`. */
  readonly tactic: string;
  readonly name: string;
  /** TA00xx; null for `unknown`. */
  readonly id: string | null;
  readonly count: number;
}

export interface RuleCount {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly level: Severity;
  readonly origin: Finding['origin'];
  /** Active (not suppressed) findings of the rule. */
  readonly count: number;
  readonly suppressed: number;
}

export interface FindingsSummary {
  /** When detection last ran over the case (null: not yet). */
  readonly computedAt: string | null;
  readonly total: number;
  /** Findings quiet because of an allow-list entry or baseline (not in the counts below). */
  readonly suppressed: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** A finding with two tactics counts under both. */
  readonly byTactic: readonly TacticCount[];
  readonly byRule: readonly RuleCount[];
  /** Active findings per session, by severity (the sessions list sorts on these). */
  readonly bySession: readonly { readonly sessionId: string; readonly bySeverity: Readonly<Record<Severity, number>> }[];
  readonly warnings: readonly CaseWarning[];
}

export type HuntingLanguage = 'kql' | 'spl';

export interface HuntingQuery {
  readonly language: HuntingLanguage;
  /** Where the query runs: `SecurityEvent (4688)`, `DeviceProcessEvents (Defender)`, … */
  readonly target: string;
  readonly query: string;
}

export interface HuntingQueries {
  readonly findingId: string;
  readonly queries: readonly HuntingQuery[];
  /** Why there are no (or fewer) queries, e.g. an event type the builder does not translate. */
  readonly note: string | null;
}

/** ATT&CK Navigator layer (format 4.5), as the Navigator imports it. */
export interface AttackLayer {
  readonly name: string;
  readonly versions: { readonly attack: string; readonly navigator: string; readonly layer: string };
  readonly domain: 'enterprise-attack';
  readonly description: string;
  readonly sorting: number;
  readonly hideDisabled: boolean;
  readonly techniques: readonly {
    readonly techniqueID: string;
    readonly score: number;
    readonly color: string;
    readonly comment: string;
    readonly enabled: boolean;
    readonly showSubtechniques: boolean;
  }[];
  readonly gradient: { readonly colors: readonly string[]; readonly minValue: number; readonly maxValue: number };
  readonly legendItems: readonly { readonly label: string; readonly color: string }[];
  readonly showTacticRowBackground: boolean;
  readonly selectTechniquesAcrossTactics: boolean;
  readonly selectSubtechniquesWithParent: boolean;
}

/** A rule that did not load (`rejected`) or does not apply here (`skipped`), and why. */
export interface RuleProblemInfo {
  readonly path: string;
  readonly id: string | null;
  readonly title: string | null;
  readonly kind: 'rejected' | 'skipped';
  readonly reason: string;
}

/** The rules detection runs: the built-in pack and the user's folders, as loaded. */
export interface RulePackInfo {
  /** Names the rules' content; findings made with another key are recomputed. */
  readonly key: string;
  readonly dirs: readonly string[];
  readonly builtin: boolean;
  readonly rules: number;
  readonly builtinRules: number;
  readonly userRules: number;
  readonly correlations: number;
  readonly rejected: number;
  readonly skipped: number;
  /** The first problems (RULE_PROBLEMS_SHOWN), each with its reason. */
  readonly problems: readonly RuleProblemInfo[];
}
