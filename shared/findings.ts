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
