// A rule's `detection` block parsed and checked: search identifiers (maps of field items ANDed,
// lists of maps ORed, keyword lists) and the condition tree. Binding fields to events happens
// in the matcher, per log source, because the same rule reads different fields on Sysmon 1
// and on Security 4688.

import { parseConditions, type CondNode } from './condition.js';
import { parseFieldItem, type FieldItem, type ModifierOptions } from './modifiers.js';
import { RuleError } from './types.js';

export type Search =
  | { readonly t: 'map'; readonly items: readonly FieldItem[] }
  | { readonly t: 'or'; readonly alts: readonly Search[] }
  /** Keywords: any EventData field of the event contains one of the values (full-text search, as
   *  Chainsaw and Hayabusa read keyword lists; wildcards in the value still work). */
  | { readonly t: 'keywords'; readonly item: FieldItem };

export interface CompiledDetection {
  readonly searches: ReadonlyMap<string, Search>;
  readonly condition: CondNode;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseMap(name: string, map: Record<string, unknown>, options: ModifierOptions): Search {
  const items: FieldItem[] = [];
  for (const [key, value] of Object.entries(map)) {
    try {
      items.push(parseFieldItem(key, value, options));
    } catch (error) {
      if (error instanceof RuleError) throw new RuleError(`${name}: ${error.message}`);
      throw error;
    }
  }
  if (items.length === 0) throw new RuleError(`${name}: an empty map`);
  return { t: 'map', items };
}

function parseSearch(name: string, raw: unknown, options: ModifierOptions): Search {
  if (isPlainObject(raw)) return parseMap(name, raw, options);
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new RuleError(`${name}: an empty list`);
    if (raw.every(isPlainObject)) {
      const alts = raw.map((m) => parseMap(name, m, options));
      return alts.length === 1 ? (alts[0] as Search) : { t: 'or', alts };
    }
    if (raw.some(isPlainObject)) throw new RuleError(`${name}: a list mixing maps and plain values`);
    return { t: 'keywords', item: parseFieldItem('|contains', raw, options) };
  }
  if (typeof raw === 'string' || typeof raw === 'number') return { t: 'keywords', item: parseFieldItem('|contains', [raw], options) };
  throw new RuleError(`${name}: a search identifier must be a map, a list or a keyword`);
}

export function parseDetection(raw: unknown, options: ModifierOptions = {}): CompiledDetection {
  if (!isPlainObject(raw)) throw new RuleError('detection must be a map');
  const searches = new Map<string, Search>();
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'condition' || name === 'timeframe') continue;
    searches.set(name, parseSearch(name, value, options));
  }
  if ('timeframe' in raw) throw new RuleError('detection.timeframe belongs to the deprecated aggregation syntax; write a correlation rule');
  const condition = parseConditions(raw['condition'], [...searches.keys()]);
  return { searches, condition };
}
