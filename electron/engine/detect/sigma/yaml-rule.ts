// One rule file → its Sigma rules and correlation rules, parsed with a real YAML parser
// (multi-document files hold correlation rules and the rules they refer to). Every document
// that cannot become a rule gives a RuleProblem with its reason; the others load.

import { parseAllDocuments } from 'yaml';
import { SEVERITIES, type Severity } from '../../../../shared/findings.js';
import { parseDetection } from './detection.js';
import { resolveLogsource } from './logsource.js';
import type { ModifierOptions } from './modifiers.js';
import {
  RULE_STATUSES,
  RuleError,
  type CorrelationCondition,
  type CorrelationRule,
  type CorrelationType,
  type CountOperator,
  type Rule,
  type RuleLogsource,
  type RuleOrigin,
  type RuleProblem,
  type RuleStatus,
} from './types.js';

export interface ParsedFile {
  readonly rules: Rule[];
  readonly correlations: CorrelationRule[];
  readonly problems: RuleProblem[];
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function strList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : x === null || x === undefined ? '' : String(x))).filter((x) => x !== '');
  if (typeof v === 'string') return [v];
  return [];
}

function level(v: unknown): Severity {
  if (v === undefined || v === null) return 'medium';
  const s = String(v).toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(s)) return s as Severity;
  throw new RuleError(`level "${String(v)}" is not one of ${SEVERITIES.join(', ')}`);
}

function status(v: unknown): RuleStatus {
  if (v === undefined || v === null) return 'experimental';
  const s = String(v).toLowerCase();
  if ((RULE_STATUSES as readonly string[]).includes(s)) return s as RuleStatus;
  throw new RuleError(`status "${String(v)}" is not one of ${RULE_STATUSES.join(', ')}`);
}

function logsource(v: unknown): RuleLogsource {
  if (!isMap(v)) throw new RuleError('logsource must be a map');
  const out: { product?: string; category?: string; service?: string } = {};
  for (const k of ['product', 'category', 'service'] as const) {
    const s = str(v[k]);
    if (s !== undefined) out[k] = s.toLowerCase();
  }
  return out;
}

const TIMESPAN = /^(\d+)\s*([smhdwMy])$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };

export function parseTimespan(v: unknown): number {
  const m = TIMESPAN.exec(String(v ?? '').trim());
  if (!m) throw new RuleError(`timespan "${String(v)}" must be a number and a unit (30s, 5m, 1h, 2d)`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

const CORRELATION_TYPES: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg'];
const OPS: readonly CountOperator[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

function correlationCondition(type: CorrelationType, v: unknown): CorrelationCondition | null {
  if (v === undefined || v === null) {
    if (type === 'temporal' || type === 'temporal_ordered') return null;
    throw new RuleError(`a ${type} correlation needs a condition`);
  }
  if (!isMap(v)) throw new RuleError('correlation condition must be a map such as {gte: 10}');
  const tests: { op: CountOperator; value: number }[] = [];
  let field: string | undefined;
  for (const [k, val] of Object.entries(v)) {
    if (k === 'field') {
      field = Array.isArray(val) ? strList(val).join(',') : str(val);
      continue;
    }
    if (!(OPS as readonly string[]).includes(k)) throw new RuleError(`correlation condition: unknown operator "${k}"`);
    const n = Number(val);
    if (!Number.isFinite(n)) throw new RuleError(`correlation condition: ${k} needs a number`);
    tests.push({ op: k as CountOperator, value: n });
  }
  if (tests.length === 0) throw new RuleError('correlation condition has no comparison');
  if ((type === 'value_count' || type === 'value_sum' || type === 'value_avg') && !field) throw new RuleError(`a ${type} correlation needs condition.field`);
  return { tests, ...(field !== undefined ? { field } : {}) };
}

function parseCorrelation(doc: Record<string, unknown>, base: Omit<CorrelationRule, 'type' | 'rules' | 'groupBy' | 'timespanMs' | 'condition' | 'aliases'>): CorrelationRule {
  const c = doc['correlation'];
  if (!isMap(c)) throw new RuleError('correlation must be a map');
  const type = str(c['type']);
  if (!type || !(CORRELATION_TYPES as readonly string[]).includes(type)) {
    throw new RuleError(`correlation type "${String(type)}" is not supported (${CORRELATION_TYPES.join(', ')})`);
  }
  const rules = strList(c['rules']);
  if (rules.length === 0) throw new RuleError('correlation.rules names no rule');
  const aliases: Record<string, Record<string, string>> = {};
  if (isMap(c['aliases'])) {
    for (const [alias, m] of Object.entries(c['aliases'])) {
      if (!isMap(m)) throw new RuleError(`correlation alias ${alias} must map rule names to fields`);
      aliases[alias] = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)]));
    }
  }
  return {
    ...base,
    type: type as CorrelationType,
    rules,
    groupBy: strList(c['group-by']),
    timespanMs: parseTimespan(c['timespan'] ?? c['timeframe']),
    condition: correlationCondition(type as CorrelationType, c['condition']),
    aliases,
  };
}

/** Parses every document of a rule file. */
export function parseRuleFile(text: string, path: string, origin: RuleOrigin, options: ModifierOptions = {}): ParsedFile {
  const out: ParsedFile = { rules: [], correlations: [], problems: [] };
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false });
  } catch (error) {
    out.problems.push({ path, kind: 'rejected', reason: `YAML: ${error instanceof Error ? error.message : String(error)}` });
    return out;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      out.problems.push({ path, kind: 'rejected', reason: `YAML: ${doc.errors[0]?.message ?? 'parse error'}` });
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue; // an empty document (trailing `---`)
    let id: string | undefined;
    let title: string | undefined;
    try {
      if (!isMap(value)) throw new RuleError('a rule document must be a map');
      id = str(value['id']);
      title = str(value['title']);
      if (!title) throw new RuleError('the rule has no title');
      if ('action' in value) throw new RuleError(`"action: ${String(value['action'])}" documents are the deprecated Sigma v1 rule collections`);
      if ('filter' in value && !('detection' in value)) {
        out.problems.push({ path, ...(id ? { id } : {}), title, kind: 'skipped', reason: 'Sigma filter documents (meta filters) are not applied by Chainline; use the allow-list' });
        continue;
      }
      const name = str(value['name']);
      const base = {
        id: id ?? `${path}#${title}`,
        ...(name !== undefined ? { name } : {}),
        title,
        level: level(value['level']),
        status: status(value['status']),
        tags: strList(value['tags']).map((t) => t.toLowerCase()),
        description: str(value['description']) ?? '',
        falsepositives: strList(value['falsepositives']),
        path,
        origin,
      };
      if ('correlation' in value) {
        out.correlations.push(parseCorrelation(value, base));
        continue;
      }
      if (!id) throw new RuleError('the rule has no id');
      const ls = logsource(value['logsource']);
      const detection = parseDetection(value['detection'], options);
      const where = resolveLogsource(ls);
      if ('skip' in where) {
        out.problems.push({ path, id, title, kind: 'skipped', reason: where.skip });
        continue;
      }
      out.rules.push({ ...base, id, logsource: ls, detection });
    } catch (error) {
      // Any failure, even an engine bug, stays with this document: the other rules load.
      const reason = error instanceof RuleError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
      out.problems.push({ path, ...(id ? { id } : {}), ...(title ? { title } : {}), kind: 'rejected', reason });
    }
  }
  return out;
}
