// ATT&CK: rule tags (`attack.execution`, `attack.t1059.001`) resolved against the project's own
// excerpt of the Enterprise matrix (assets/attack/enterprise.json), findings grouped by tactic,
// and an ATT&CK Navigator layer of the case's techniques.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttackLayer, Finding, Severity, TacticCount } from '../../../shared/findings.js';
import { severityRank } from '../../../shared/findings.js';
import { APP_ROOT } from '../app-paths.js';

export interface AttackTactic {
  readonly id: string;
  /** The Sigma tag name after `attack.`: `privilege-escalation`. */
  readonly tag: string;
  readonly name: string;
  /** Kept so that older rules' tags resolve (defense-evasion, retired in v19). */
  readonly legacy?: boolean;
}

export interface AttackTechnique {
  readonly id: string;
  readonly name: string;
  /** Tactic tag names; absent: the parent technique's (sub-techniques listed by name only). */
  readonly tactics?: readonly string[];
}

export interface AttackTable {
  readonly attackVersion: string;
  readonly tactics: readonly AttackTactic[];
  readonly techniques: readonly AttackTechnique[];
}

export const ATTACK_TABLE_FILE = join(APP_ROOT, 'assets', 'attack', 'enterprise.json');

let cached: AttackTable | null = null;

/** The shipped table, read once. */
export function attackTable(): AttackTable {
  if (!cached) cached = parseAttackTable(readFileSync(ATTACK_TABLE_FILE, 'utf8'));
  return cached;
}

export function parseAttackTable(text: string): AttackTable {
  const raw = JSON.parse(text) as Partial<AttackTable>;
  if (!Array.isArray(raw.tactics) || !Array.isArray(raw.techniques)) throw new Error('ATT&CK table: tactics and techniques must be arrays');
  return { attackVersion: String(raw.attackVersion ?? ''), tactics: raw.tactics, techniques: raw.techniques };
}

/** What one tag means. Unknown tags are kept as they are, never dropped. */
export type ResolvedTag =
  | { readonly kind: 'tactic'; readonly tag: string; readonly tactic: AttackTactic }
  | {
      readonly kind: 'technique';
      readonly tag: string;
      /** Upper case: `T1059.001`. */
      readonly id: string;
      /** Null when the id is well formed but not in the table. */
      readonly name: string | null;
      /** The parent technique of a sub-technique (`T1059` for `T1059.001`), else null. */
      readonly parentId: string | null;
      readonly parentName: string | null;
      readonly tactics: readonly string[];
    }
  | { readonly kind: 'group' | 'software'; readonly tag: string; readonly id: string }
  | { readonly kind: 'unknown'; readonly tag: string };

const TECHNIQUE_RE = /^t(\d{4})(?:\.(\d{3}))?$/;

export class AttackIndex {
  private readonly tactics = new Map<string, AttackTactic>();
  private readonly techniques = new Map<string, AttackTechnique>();

  constructor(readonly table: AttackTable = attackTable()) {
    for (const t of table.tactics) this.tactics.set(t.tag, t);
    for (const t of table.techniques) this.techniques.set(t.id, t);
  }

  tactic(tag: string): AttackTactic | undefined {
    return this.tactics.get(tag);
  }

  technique(id: string): AttackTechnique | undefined {
    return this.techniques.get(id.toUpperCase());
  }

  resolve(tag: string): ResolvedTag {
    const lower = tag.trim().toLowerCase();
    if (!lower.startsWith('attack.')) return { kind: 'unknown', tag };
    const name = lower.slice('attack.'.length);
    const tactic = this.tactics.get(name);
    if (tactic) return { kind: 'tactic', tag, tactic };
    const m = TECHNIQUE_RE.exec(name);
    if (m) {
      const id = name.toUpperCase();
      const parentId = m[2] ? `T${m[1]}` : null;
      const own = this.techniques.get(id);
      const parent = parentId ? this.techniques.get(parentId) : undefined;
      return {
        kind: 'technique',
        tag,
        id,
        name: own?.name ?? null,
        parentId,
        parentName: parent?.name ?? null,
        tactics: own?.tactics ?? parent?.tactics ?? [],
      };
    }
    if (/^g\d{4}$/.test(name)) return { kind: 'group', tag, id: name.toUpperCase() };
    if (/^s\d{4}$/.test(name)) return { kind: 'software', tag, id: name.toUpperCase() };
    return { kind: 'unknown', tag };
  }

  /**
   * The tactics a set of tags stands for: the rule's own tactic tags when it has any (the
   * author's choice), otherwise the tactics of its techniques from the table.
   */
  tacticsOf(tags: readonly string[]): string[] {
    const own: string[] = [];
    const derived: string[] = [];
    for (const tag of tags) {
      const r = this.resolve(tag);
      if (r.kind === 'tactic') own.push(r.tactic.tag);
      else if (r.kind === 'technique') derived.push(...r.tactics);
    }
    return [...new Set(own.length > 0 ? own : derived)];
  }

  /** Technique ids of a set of tags, sub-techniques kept as they are. */
  techniquesOf(tags: readonly string[]): string[] {
    const out = new Set<string>();
    for (const tag of tags) {
      const r = this.resolve(tag);
      if (r.kind === 'technique') out.add(r.id);
    }
    return [...out];
  }
}

let defaultIndex: AttackIndex | null = null;
export function attackIndex(): AttackIndex {
  if (!defaultIndex) defaultIndex = new AttackIndex();
  return defaultIndex;
}

/** Tactic order of the matrix, for display. */
function tacticOrder(index: AttackIndex): Map<string, number> {
  return new Map(index.table.tactics.map((t, i) => [t.tag, i]));
}

/** Counts active findings per tactic (a finding with two tactics counts under both). */
export function groupByTactic(findings: Iterable<Pick<Finding, 'tags'>>, index: AttackIndex = attackIndex()): TacticCount[] {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const tactics = index.tacticsOf(f.tags);
    if (tactics.length === 0) counts.set('unknown', (counts.get('unknown') ?? 0) + 1);
    for (const t of tactics) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const order = tacticOrder(index);
  return [...counts]
    .map(([tactic, count]) => {
      const t = index.tactic(tactic);
      return { tactic, name: t?.name ?? 'No ATT&CK tactic', id: t?.id ?? null, count };
    })
    .sort((a, b) => (order.get(a.tactic) ?? 99) - (order.get(b.tactic) ?? 99));
}

const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  informational: '#9ecae1',
  low: '#fdd49e',
  medium: '#fc8d59',
  high: '#e34a33',
  critical: '#b30000',
};

/**
 * An ATT&CK Navigator layer (format 4.5) of the active findings' techniques: the score is the
 * number of findings, the colour the highest severity, the comment the rules that saw it.
 */
export function attackLayer(
  findings: Iterable<Pick<Finding, 'tags' | 'level' | 'ruleTitle'>>,
  options: { name: string; description?: string },
  index: AttackIndex = attackIndex(),
): AttackLayer {
  const byTechnique = new Map<string, { count: number; level: Severity; rules: Set<string> }>();
  for (const f of findings) {
    for (const id of index.techniquesOf(f.tags)) {
      const entry = byTechnique.get(id) ?? { count: 0, level: f.level, rules: new Set<string>() };
      entry.count++;
      if (severityRank(f.level) > severityRank(entry.level)) entry.level = f.level;
      entry.rules.add(f.ruleTitle);
      byTechnique.set(id, entry);
    }
  }
  const techniques = [...byTechnique]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, e]) => {
      const name = index.technique(id)?.name;
      const rules = [...e.rules].sort();
      return {
        techniqueID: id,
        score: e.count,
        color: SEVERITY_COLORS[e.level],
        comment: `${name ? name + ': ' : ''}${e.count} finding${e.count === 1 ? '' : 's'} (highest ${e.level}) from ${rules.join('; ')}`,
        enabled: true,
        showSubtechniques: id.includes('.'),
      };
    });
  const max = techniques.reduce((m, t) => Math.max(m, t.score), 1);
  return {
    name: options.name,
    versions: { attack: index.table.attackVersion || '19', navigator: '4.9.1', layer: '4.5' },
    domain: 'enterprise-attack',
    description: options.description ?? 'Techniques of the case findings, exported by Chainline',
    sorting: 0,
    hideDisabled: false,
    techniques,
    gradient: { colors: ['#ffffff', '#e34a33'], minValue: 0, maxValue: max },
    legendItems: (['critical', 'high', 'medium', 'low', 'informational'] as const).map((level) => ({
      label: level,
      color: SEVERITY_COLORS[level],
    })),
    showTacticRowBackground: false,
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
  };
}
