// Correlation rules (event_count, value_count, temporal, temporal_ordered, and value_sum /
// value_avg) evaluated over the case's rule hits. Hits are grouped by the `group-by` fields
// (with `aliases` resolved per rule), ordered by time, and a sliding window of `timespan`
// looks for the condition. Windows that fire do not overlap, so one burst gives one match.
// Correlations may refer to other correlations: their matches become inputs in turn.

import type { NormalizedEvent } from '../../../../shared/events.js';
import { fieldAccessor } from './logsource.js';
import type { CorrelationRule, CountOperator, Rule, RulePack } from './types.js';

export interface CorrelationHit {
  readonly rule: Rule;
  readonly event: NormalizedEvent;
  /** The case's event row id (EventRow.id), or any id the caller uses for the event. */
  readonly rowId: number;
}

export interface CorrelationMatch {
  readonly correlation: CorrelationRule;
  /** Row ids of every member event, in time order. */
  readonly rowIds: readonly number[];
  /** The group-by field values the members share. */
  readonly group: Readonly<Record<string, string>>;
  /** ISO times of the first and last member. */
  readonly firstTime: string;
  readonly lastTime: string;
  /** The measured value the condition was met with (count, distinct values, sum, average, rules seen). */
  readonly value: number;
}

interface Item {
  /** Names the item answers to: the rule's id and name (or the correlation's). */
  readonly refs: readonly string[];
  readonly ms: number;
  readonly firstTime: string;
  readonly lastTime: string;
  readonly rowIds: readonly number[];
  field(name: string): string | undefined;
}

function test(op: CountOperator, a: number, b: number): boolean {
  switch (op) {
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'eq':
      return a === b;
    case 'neq':
      return a !== b;
  }
}

function hitItem(hit: CorrelationHit): Item {
  const { rule, event } = hit;
  const ms = Number(event.ticks / 10_000n);
  return {
    refs: rule.name ? [rule.id, rule.name] : [rule.id],
    ms,
    firstTime: event.time,
    lastTime: event.time,
    rowIds: [hit.rowId],
    field: (name) => fieldAccessor(name, rule.logsource, event.system.channel.toLowerCase(), event.system.eventId).get(event),
  };
}

export function evaluateCorrelations(pack: Pick<RulePack, 'correlations'>, hits: readonly CorrelationHit[]): CorrelationMatch[] {
  const hitItems = hits.map(hitItem);
  const byRef = new Map<string, CorrelationRule>();
  for (const c of pack.correlations) {
    byRef.set(c.id, c);
    if (c.name) byRef.set(c.name, c);
  }
  const memo = new Map<CorrelationRule, CorrelationMatch[]>();
  const busy = new Set<CorrelationRule>();

  const run = (c: CorrelationRule): CorrelationMatch[] => {
    const done = memo.get(c);
    if (done) return done;
    if (busy.has(c)) return []; // a reference cycle: nothing comes out of it
    busy.add(c);
    const refs = new Set(c.rules);
    const items: Item[] = hitItems.filter((i) => i.refs.some((r) => refs.has(r)));
    for (const ref of c.rules) {
      const inner = byRef.get(ref);
      if (!inner) continue;
      for (const m of run(inner)) {
        items.push({
          refs: inner.name ? [inner.id, inner.name] : [inner.id],
          ms: Date.parse(m.lastTime),
          firstTime: m.firstTime,
          lastTime: m.lastTime,
          rowIds: m.rowIds,
          field: (name) => m.group[name],
        });
      }
    }
    const fieldOf = (item: Item, name: string): string | undefined => {
      const alias = c.aliases[name];
      if (alias) {
        for (const r of item.refs) if (alias[r] !== undefined) return item.field(alias[r] as string);
        return undefined;
      }
      return item.field(name);
    };
    const groups = new Map<string, { group: Record<string, string>; items: Item[] }>();
    for (const item of items) {
      const group: Record<string, string> = {};
      for (const g of c.groupBy) group[g] = fieldOf(item, g) ?? '';
      const key = JSON.stringify(c.groupBy.map((g) => group[g]));
      let entry = groups.get(key);
      if (!entry) groups.set(key, (entry = { group, items: [] }));
      entry.items.push(item);
    }
    const out: CorrelationMatch[] = [];
    const conditionHolds = (value: number, total: number): boolean =>
      c.condition ? c.condition.tests.every((t) => test(t.op, value, t.value)) : value >= total;
    for (const { group, items: list } of groups.values()) {
      list.sort((a, b) => a.ms - b.ms);
      let i = 0;
      while (i < list.length) {
        let j = i;
        while (j < list.length && (list[j] as Item).ms - (list[i] as Item).ms <= c.timespanMs) j++;
        const window = list.slice(i, j);
        const measured = measure(c, window, fieldOf);
        if (measured !== null && conditionHolds(measured.value, measured.total)) {
          const members = measured.members ?? window;
          out.push({
            correlation: c,
            rowIds: members.flatMap((m) => m.rowIds),
            group,
            firstTime: (members[0] as Item).firstTime,
            lastTime: (members[members.length - 1] as Item).lastTime,
            value: measured.value,
          });
          i = j;
        } else i++;
      }
    }
    busy.delete(c);
    memo.set(c, out);
    return out;
  };

  const all: CorrelationMatch[] = [];
  for (const c of pack.correlations) all.push(...run(c));
  return all;
}

function measure(
  c: CorrelationRule,
  window: readonly Item[],
  fieldOf: (item: Item, name: string) => string | undefined,
): { value: number; total: number; members?: Item[] } | null {
  switch (c.type) {
    case 'event_count':
      return { value: window.length, total: 0 };
    case 'value_count': {
      const fields = (c.condition?.field ?? '').split(',');
      const distinct = new Set<string>();
      for (const item of window) {
        const values = fields.map((f) => fieldOf(item, f));
        if (values.some((v) => v === undefined)) continue;
        distinct.add(JSON.stringify(values));
      }
      return { value: distinct.size, total: 0 };
    }
    case 'value_sum':
    case 'value_avg': {
      const field = c.condition?.field ?? '';
      let sum = 0;
      let n = 0;
      for (const item of window) {
        const v = Number(fieldOf(item, field));
        if (Number.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      if (n === 0) return null;
      return { value: c.type === 'value_sum' ? sum : sum / n, total: 0 };
    }
    case 'temporal': {
      const seen = new Set<string>();
      for (const item of window) for (const r of c.rules) if (item.refs.includes(r)) seen.add(r);
      return { value: seen.size, total: c.rules.length };
    }
    case 'temporal_ordered': {
      // The rules must appear in the order written: find the first occurrence of each after the previous one.
      const members: Item[] = [];
      let from = 0;
      let found = 0;
      for (const r of c.rules) {
        let k = from;
        while (k < window.length && !(window[k] as Item).refs.includes(r)) k++;
        if (k === window.length) break;
        members.push(window[k] as Item);
        found++;
        from = k + 1;
      }
      return { value: found, total: c.rules.length, members: found === c.rules.length ? members : [] };
    }
  }
}
