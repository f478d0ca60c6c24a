// Chainline's Sigma engine (specification v2, ../shared/sigma/specification).
//
//   loadRulePack({ dirs, builtin, minLevel?, statuses?, placeholders? }): Promise<RulePack>
//     RulePack { rules: Rule[], correlations: CorrelationRule[], problems: RuleProblem[] }
//     Rule { id, name?, title, level: Severity, status, tags, description, falsepositives, path,
//            origin: 'builtin' | 'user', logsource: { product?, category?, service? }, detection }
//     RuleProblem { path, id?, title?, kind: 'rejected' | 'skipped', reason }
//   createMatcher(pack) → { match(event): readonly Rule[] }   per event, pure and synchronous
//     (also matchWithoutPrefilter, warm([{channel, eventId}]) and stats() for tests and benchmarks)
//   evaluateCorrelations(pack, hits: { rule, event, rowId }[]) → CorrelationMatch[]
//     CorrelationMatch { correlation, rowIds, group, firstTime, lastTime, value }
//   BUILTIN_RULES_DIR   assets/rules, from source and from dist/node
//
// Files mirror the specification: yaml-rule (rule documents), detection (search identifiers),
// modifiers (value modifiers), wildcard (values and string tests), cidr, condition (condition
// expressions), logsource (log sources and field mapping), matcher (buckets per channel and
// event id, literal prefilter), regex-literals, correlation, pack.
//
// Semantics worth knowing: matching is case-insensitive unless `cased`; `re` is case-sensitive
// unless `i`; `null` matches an absent or empty field, `''` only a present empty one; `neq`
// is true for an absent field; keyword lists are substring searches over every EventData value;
// statuses default to stable, test, experimental (deprecated/unsupported are skipped).

export { evaluateCorrelations, type CorrelationHit, type CorrelationMatch } from './correlation.js';
export { createMatcher, type Matcher } from './matcher.js';
export { BUILTIN_RULES_DIR, DEFAULT_STATUSES, loadRulePack, type LoadRulePackOptions } from './pack.js';
export { parseRuleFile } from './yaml-rule.js';
export { resolveLogsource, fieldAccessor, type LogTarget } from './logsource.js';
export {
  RULE_STATUSES,
  type CorrelationRule,
  type CorrelationType,
  type Rule,
  type RuleLogsource,
  type RuleOrigin,
  type RulePack,
  type RuleProblem,
  type RuleStatus,
} from './types.js';
