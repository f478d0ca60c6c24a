// Rule packs: the built-in rules under assets/rules plus any folders the user adds. Every
// .yml/.yaml file below a folder is read; a file or document that fails becomes a RuleProblem
// and the rest load. Level and status filters skip rules with the reason.

import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { severityRank, type Severity } from '../../../../shared/findings.js';
import type { ModifierOptions } from './modifiers.js';
import type { CorrelationRule, Rule, RuleOrigin, RulePack, RuleProblem, RuleStatus } from './types.js';
import { parseRuleFile } from './yaml-rule.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, from source (electron/engine/detect/sigma) or from dist/node/electron/engine/detect/sigma. */
const REPO_ROOT = here.includes(`${sep}dist${sep}node${sep}`) ? resolve(here, '..', '..', '..', '..', '..', '..') : resolve(here, '..', '..', '..', '..');

/** The built-in triage rules (Sigma YAML written by the project). */
export const BUILTIN_RULES_DIR = resolve(REPO_ROOT, 'assets', 'rules');

/** Statuses loaded when the caller names none: everything but deprecated and unsupported rules. */
export const DEFAULT_STATUSES: readonly RuleStatus[] = ['stable', 'test', 'experimental'];

export interface LoadRulePackOptions {
  /** User rule folders (or single rule files). */
  readonly dirs: readonly string[];
  /** Include the built-in pack. */
  readonly builtin: boolean;
  /** Skip rules below this level. */
  readonly minLevel?: Severity;
  /** Load only rules with these statuses (default: DEFAULT_STATUSES). */
  readonly statuses?: readonly RuleStatus[];
  /** Values for `|expand` placeholders. */
  readonly placeholders?: ModifierOptions['placeholders'];
}

async function listRuleFiles(root: string, problems: RuleProblem[]): Promise<string[]> {
  const out: string[] = [];
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    problems.push({ path: root, kind: 'rejected', reason: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
    return out;
  }
  if (info.isFile()) return [root];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: dir, kind: 'rejected', reason: `cannot read folder: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.')) await walk(p);
      } else if (/\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  await walk(root);
  return out;
}

export async function loadRulePack(options: LoadRulePackOptions): Promise<RulePack> {
  const rules: Rule[] = [];
  const correlations: CorrelationRule[] = [];
  const problems: RuleProblem[] = [];
  const statuses = options.statuses ?? DEFAULT_STATUSES;
  const sources: { dir: string; origin: RuleOrigin }[] = [
    ...(options.builtin ? [{ dir: BUILTIN_RULES_DIR, origin: 'builtin' as const }] : []),
    ...options.dirs.map((dir) => ({ dir: resolve(dir), origin: 'user' as const })),
  ];
  const ids = new Map<string, string>();
  for (const { dir, origin } of sources) {
    for (const path of await listRuleFiles(dir, problems)) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        problems.push({ path, kind: 'rejected', reason: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      const parsed = parseRuleFile(text, path, origin, options.placeholders ? { placeholders: options.placeholders } : {});
      problems.push(...parsed.problems);
      for (const r of [...parsed.rules, ...parsed.correlations]) {
        const who = { path, id: r.id, title: r.title };
        if (!statuses.includes(r.status)) {
          problems.push({ ...who, kind: 'skipped', reason: `status ${r.status} is not among the loaded statuses (${statuses.join(', ')})` });
          continue;
        }
        if (options.minLevel && severityRank(r.level) < severityRank(options.minLevel)) {
          problems.push({ ...who, kind: 'skipped', reason: `level ${r.level} is below the minimum level ${options.minLevel}` });
          continue;
        }
        const seen = ids.get(r.id);
        if (seen !== undefined) {
          problems.push({ ...who, kind: 'rejected', reason: `duplicate rule id ${r.id} (first loaded from ${seen})` });
          continue;
        }
        ids.set(r.id, path);
        if ('type' in r) correlations.push(r);
        else rules.push(r);
      }
    }
  }
  // A correlation must name rules (or correlations) that loaded.
  const known = new Set<string>();
  for (const r of [...rules, ...correlations]) {
    known.add(r.id);
    if (r.name) known.add(r.name);
  }
  const usable = correlations.filter((c) => {
    const missing = c.rules.filter((ref) => !known.has(ref));
    if (missing.length === 0) return true;
    problems.push({ path: c.path, id: c.id, title: c.title, kind: 'rejected', reason: `correlation refers to rules that did not load: ${missing.join(', ')}` });
    return false;
  });
  return { rules, correlations: usable, problems };
}
