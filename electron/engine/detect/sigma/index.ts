// Chainline's Sigma engine (specification v2, ../shared/sigma/specification).
//
//   loadRulePack({ dirs, builtin, minLevel?, statuses?, placeholders? }): Promise<RulePack>
//     RulePack { rules: Rule[], correlations: CorrelationRule[], problems: RuleProblem[] }
//     Rule { id, name?, title, level: Severity, status, tags, description, falsepositives, path,
//            origin: 'builtin' | 'user', logsource: { product?, category?, service? }, detection }
//     RuleProblem { path, id?, title?, kind: 'rejected' | 'skipped', reason }
//   createMatcher(pack) → { match(event): readonly Rule[] }   per event, pure and synchronous
//   evaluateCorrelations(pack, hits: { rule, event, rowId }[]) → CorrelationMatch[]
//     CorrelationMatch { correlation, rowIds, group, firstTime, lastTime, value }
//   BUILTIN_RULES_DIR   assets/rules, from source and from dist/node
//
// Files mirror the specification: yaml-rule (rule documents), detection (search identifiers),
// modifiers (value modifiers), wildcard (values and string tests), cidr, condition (condition
// expressions), logsource (log sources and field mapping), matcher, correlation, pack.

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
