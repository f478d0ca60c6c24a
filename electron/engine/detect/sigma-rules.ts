// The Sigma engine as detection's rule engine: the pack's per-event matcher feeds findings, and
// its correlation rules (event_count, temporal, …) run over the hits once every event is seen.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import type { RulePackInfo } from '../../../shared/findings.js';
import type { GroupHit, RuleEngine, RuleHit } from './findings.js';
import {
  BUILTIN_RULES_DIR,
  createMatcher,
  evaluateCorrelations,
  loadRulePack,
  type CorrelationHit,
  type LoadRulePackOptions,
  type Rule,
  type RulePack,
} from './sigma/index.js';

/** A loaded pack ready for detection, with what the UI and the CLI say about it. */
export interface SigmaRules {
  readonly engine: RuleEngine;
  readonly info: RulePackInfo;
  readonly pack: RulePack;
}

function hitOf(rule: Rule): RuleHit {
  return { ruleId: rule.id, ruleTitle: rule.title, level: rule.level, tags: rule.tags, origin: rule.origin };
}

/**
 * Detection's rule engine over a pack. `key` names the rules' content, so a case detected with
 * other rules (or other versions of them) is detected again when next asked for findings.
 */
export function sigmaRuleEngine(pack: RulePack, key: string): RuleEngine {
  // Only hits of rules some correlation refers to are kept for the correlation pass.
  const referenced = new Set(pack.correlations.flatMap((c) => c.rules));
  const hitsByRule = new Map<Rule, RuleHit>(pack.rules.map((r) => [r, hitOf(r)]));
  return {
    key,
    start() {
      const matcher = createMatcher(pack);
      const kept: CorrelationHit[] = [];
      return {
        match(event, rowId) {
          const rules = matcher.match(event);
          if (rules.length === 0) return [];
          const out: RuleHit[] = [];
          for (const rule of rules) {
            out.push(hitsByRule.get(rule) ?? hitOf(rule));
            if (referenced.has(rule.id) || (rule.name !== undefined && referenced.has(rule.name))) kept.push({ rule, event, rowId });
          }
          return out;
        },
        finish(): readonly GroupHit[] {
          if (pack.correlations.length === 0 || kept.length === 0) return [];
          return evaluateCorrelations(pack, kept).map((m) => {
            const group = Object.entries(m.group)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ');
            return {
              ruleId: m.correlation.id,
              ruleTitle: m.correlation.title,
              level: m.correlation.level,
              tags: m.correlation.tags,
              origin: m.correlation.origin,
              detail: `${m.correlation.type} ${m.value} over ${m.rowIds.length} events${group ? ` (${group})` : ''}, ${m.firstTime} – ${m.lastTime}`,
              groupKey: `${JSON.stringify(m.group)}@${m.firstTime}`,
              rowIds: m.rowIds,
            };
          });
        },
      };
    },
  };
}

/**
 * The key of a pack's content (see sigmaRuleEngine): the filters, then each rule file's origin,
 * name and bytes. A built-in file is named by its path within the built-in folder, so that the
 * same rules keep their key when the app is moved or updated into another folder (a case
 * reopened by it is not detected again: ~6 s of CPU on a million events); a user's file is
 * named by its full path.
 */
export async function rulePackKey(pack: RulePack, options: LoadRulePackOptions, builtinDir: string = BUILTIN_RULES_DIR): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ minLevel: options.minLevel ?? null, statuses: options.statuses ?? null }));
  const files = new Map<string, string>();
  for (const r of [...pack.rules, ...pack.correlations]) {
    const within = relative(builtinDir, r.path);
    const inBuiltin = r.origin === 'builtin' && within !== '' && !within.startsWith('..') && !isAbsolute(within);
    const name = inBuiltin ? `builtin:${within.split(sep).join('/')}` : `${r.origin}:${r.path}`;
    files.set(name, r.path);
  }
  for (const name of [...files.keys()].sort()) {
    hash.update(name + '\0');
    try {
      hash.update(await readFile(files.get(name)!));
    } catch {
      // A rule file removed after loading: its name alone keys it.
    }
  }
  return `sigma:${hash.digest('hex').slice(0, 16)}`;
}

/** Loads the built-in pack and the user's folders, and makes the rule engine. */
export async function loadSigmaRules(options: LoadRulePackOptions): Promise<SigmaRules> {
  const pack = await loadRulePack(options);
  const key = await rulePackKey(pack, options);
  const info: RulePackInfo = {
    key,
    dirs: options.dirs,
    builtin: options.builtin,
    rules: pack.rules.length,
    builtinRules: pack.rules.filter((r) => r.origin === 'builtin').length,
    userRules: pack.rules.filter((r) => r.origin === 'user').length,
    correlations: pack.correlations.length,
    rejected: pack.problems.filter((p) => p.kind === 'rejected').length,
    skipped: pack.problems.filter((p) => p.kind === 'skipped').length,
    problems: pack.problems.slice(0, RULE_PROBLEMS_SHOWN).map((p) => ({
      path: p.path,
      id: p.id ?? null,
      title: p.title ?? null,
      kind: p.kind,
      reason: p.reason,
    })),
  };
  return { engine: sigmaRuleEngine(pack, key), info, pack };
}

/** How many rejected/skipped rules the API lists (the CLI prints them all). */
export const RULE_PROBLEMS_SHOWN = 2000;
