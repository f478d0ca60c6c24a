// The shapes the Sigma engine hands to the rest of Chainline: loaded rules, correlation rules,
// the problems met while loading, and the pack that holds them.

import type { Severity } from '../../../../shared/findings.js';
import type { CompiledDetection } from './detection.js';

export type RuleStatus = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';
export const RULE_STATUSES: readonly RuleStatus[] = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];

export type RuleOrigin = 'builtin' | 'user';

/** The rule's `logsource` block as written (lower-cased values). */
export interface RuleLogsource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

/** A detection rule that loaded and compiled. */
export interface Rule {
  readonly id: string;
  /** The optional `name` (correlation rules may refer to a rule by it). */
  readonly name?: string;
  readonly title: string;
  readonly level: Severity;
  readonly status: RuleStatus;
  readonly tags: readonly string[];
  readonly description: string;
  readonly falsepositives: readonly string[];
  /** The file the rule came from. */
  readonly path: string;
  readonly origin: RuleOrigin;
  readonly logsource: RuleLogsource;
  /** Engine-internal: the parsed detection, compiled per log source by the matcher. */
  readonly detection: CompiledDetection;
}

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered' | 'value_sum' | 'value_avg';

export type CountOperator = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface CorrelationCondition {
  readonly tests: readonly { readonly op: CountOperator; readonly value: number }[];
  /** value_count / value_sum / value_avg: the field whose values are counted or summed. */
  readonly field?: string;
}

/** A Sigma correlation rule (meta rule over other rules' matches). */
export interface CorrelationRule {
  readonly id: string;
  readonly name?: string;
  readonly title: string;
  readonly level: Severity;
  readonly status: RuleStatus;
  readonly tags: readonly string[];
  readonly description: string;
  readonly falsepositives: readonly string[];
  readonly path: string;
  readonly origin: RuleOrigin;
  readonly type: CorrelationType;
  /** Referenced rules (or correlation rules), by id or name, as written. */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  /** Timespan in milliseconds. */
  readonly timespanMs: number;
  readonly condition: CorrelationCondition | null;
  /** alias name → rule name/id → field name */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A rule file or document that did not become a usable rule, and why. */
export interface RuleProblem {
  readonly path: string;
  readonly id?: string;
  readonly title?: string;
  /** `rejected`: the rule is broken or uses something the engine cannot evaluate;
   *  `skipped`: it is fine but does not apply (log source Chainline cannot map, level/status filter). */
  readonly kind: 'rejected' | 'skipped';
  readonly reason: string;
}

export interface RulePack {
  readonly rules: readonly Rule[];
  readonly correlations: readonly CorrelationRule[];
  readonly problems: readonly RuleProblem[];
}

/** A rule load/compile error with its reason (becomes a `rejected` problem). */
export class RuleError extends Error {
  override readonly name = 'RuleError';
}
