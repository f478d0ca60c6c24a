// ATT&CK tactics from Sigma tags (`attack.execution`, `attack.privilege-escalation`,
// `attack.t1059.001`). Only the 14 Enterprise tactics: technique names are detection's table.

const TACTICS: readonly (readonly [string, string])[] = [
  ['reconnaissance', 'Reconnaissance'],
  ['resource-development', 'Resource Development'],
  ['initial-access', 'Initial Access'],
  ['execution', 'Execution'],
  ['persistence', 'Persistence'],
  ['privilege-escalation', 'Privilege Escalation'],
  ['defense-evasion', 'Defense Evasion'],
  ['credential-access', 'Credential Access'],
  ['discovery', 'Discovery'],
  ['lateral-movement', 'Lateral Movement'],
  ['collection', 'Collection'],
  ['command-and-control', 'Command and Control'],
  ['exfiltration', 'Exfiltration'],
  ['impact', 'Impact'],
];

const BY_SLUG = new Map(TACTICS);
/** Kill-chain order, for sorting report sections. */
export const TACTIC_ORDER: readonly string[] = TACTICS.map(([, name]) => name);
export const NO_TACTIC = 'No ATT&CK tactic';

/** The tactic names a finding's tags name (older tags use `_`: `attack.defense_evasion`). */
export function tacticsOf(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const m = /^attack\.([a-z_-]+)$/i.exec(tag.trim());
    if (!m) continue;
    const name = BY_SLUG.get((m[1] as string).toLowerCase().replace(/_/g, '-'));
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Technique ids (`T1059.001`) a finding's tags name. */
export function techniquesOf(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag.trim());
    if (m) {
      const id = (m[1] as string).toUpperCase();
      if (!out.includes(id)) out.push(id);
    }
  }
  return out;
}
