// ATT&CK as the report and the exports show it: tactic names and technique ids of a finding's
// tags, resolved by detection's table (detect/attack.ts, assets/attack/enterprise.json), so a
// rule tagged only with a technique still lands under that technique's tactics.

import { attackIndex } from '../detect/attack.js';

/** Tactic names in the table's (kill-chain) order, for sorting report sections. */
export const TACTIC_ORDER: readonly string[] = attackIndex().table.tactics.map((t) => t.name);
export const NO_TACTIC = 'No ATT&CK tactic';

/** Older rules write tactics with `_` (`attack.defense_evasion`); the table uses `-`. */
function normalizedTags(tags: readonly string[]): string[] {
  return tags.map((t) => t.trim().toLowerCase().replace(/_/g, '-'));
}

/** The tactic names a finding's tags name (or, without tactic tags, its techniques' tactics). */
export function tacticsOf(tags: readonly string[]): string[] {
  const index = attackIndex();
  return index.tacticsOf(normalizedTags(tags)).map((slug) => index.tactic(slug)?.name ?? slug);
}

/** Technique ids (`T1059.001`) a finding's tags name. */
export function techniquesOf(tags: readonly string[]): string[] {
  return attackIndex().techniquesOf(normalizedTags(tags));
}
