import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ATTACK_TABLE_FILE, AttackIndex, attackLayer, groupByTactic, parseAttackTable } from './attack.js';

const index = new AttackIndex();

describe('ATT&CK table', () => {
  it('lists each technique once, with a known tactic, and every sub-technique has its parent', () => {
    const table = parseAttackTable(readFileSync(ATTACK_TABLE_FILE, 'utf8'));
    const ids = table.techniques.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    const tactics = new Set(table.tactics.map((t) => t.tag));
    for (const t of table.techniques) {
      expect(t.id).toMatch(/^T\d{4}(\.\d{3})?$/);
      // A sub-technique may be listed by name only: it takes its parent's tactics.
      const own = t.tactics ?? table.techniques.find((p) => p.id === t.id.slice(0, 5))?.tactics ?? [];
      expect(own.length, `${t.id} tactics`).toBeGreaterThan(0);
      for (const tactic of own) expect(tactics.has(tactic), `${t.id} ${tactic}`).toBe(true);
      if (t.id.includes('.')) expect(ids, `${t.id} parent`).toContain(t.id.slice(0, 5));
    }
    for (const id of ['T1059.001', 'T1027', 'T1218.011', 'T1543.003', 'T1569.002', 'T1036.003', 'T1078', 'T1021.002', 'T1548.002', 'T1134', 'T1105', 'T1047', 'T1053.005', 'T1003.001', 'T1070.001', 'T1112', 'T1562.001']) {
      expect(ids).toContain(id);
    }
    // The fourteen classic tactics (defense-evasion as a legacy tag) plus v19's two.
    for (const tag of ['reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence', 'privilege-escalation',
      'defense-evasion', 'credential-access', 'discovery', 'lateral-movement', 'collection', 'command-and-control', 'exfiltration', 'impact',
      'stealth', 'defense-impairment']) {
      expect(tactics.has(tag), tag).toBe(true);
    }
  });

  it('resolves tactic, technique and sub-technique tags; keeps unknown ones as unknown', () => {
    expect(index.resolve('attack.execution')).toMatchObject({ kind: 'tactic', tactic: { id: 'TA0002', name: 'Execution' } });
    expect(index.resolve('attack.t1059.001')).toMatchObject({
      kind: 'technique', id: 'T1059.001', name: 'PowerShell', parentId: 'T1059', parentName: 'Command and Scripting Interpreter', tactics: ['execution'],
    });
    expect(index.resolve('attack.t1059')).toMatchObject({ kind: 'technique', id: 'T1059', parentId: null });
    // Well formed but not in the table: kept with its id, name unknown, tactics from the parent if any.
    expect(index.resolve('attack.t1059.999')).toMatchObject({ kind: 'technique', id: 'T1059.999', name: null, parentName: 'Command and Scripting Interpreter', tactics: ['execution'] });
    expect(index.resolve('attack.t1685')).toMatchObject({ kind: 'technique', id: 'T1685', name: null, tactics: [] });
    // Named from the v18 names SigmaHQ's tags use; a name-only sub-technique takes its parent's tactics.
    expect(index.resolve('attack.t1113')).toMatchObject({ kind: 'technique', name: 'Screen Capture', tactics: ['collection'] });
    expect(index.resolve('attack.t1546.013')).toMatchObject({ name: 'PowerShell Profile', parentName: 'Event Triggered Execution', tactics: ['persistence', 'privilege-escalation'] });
    expect(index.resolve('attack.g0016')).toMatchObject({ kind: 'group', id: 'G0016' });
    expect(index.resolve('attack.s0002')).toMatchObject({ kind: 'software', id: 'S0002' });
    expect(index.resolve('cve.2021-44228')).toEqual({ kind: 'unknown', tag: 'cve.2021-44228' });
    expect(index.resolve('attack.nonsense')).toEqual({ kind: 'unknown', tag: 'attack.nonsense' });
  });

  it('groups by the rule’s own tactics, else by its techniques’ tactics, else as unknown', () => {
    const groups = groupByTactic([
      { tags: ['attack.execution', 'attack.t1059.001'] },
      { tags: ['attack.t1059.001'] },
      { tags: ['attack.t1543.003'] },
      { tags: ['attack.t1685'] },
      { tags: [] },
    ], index);
    expect(groups).toEqual([
      { tactic: 'execution', name: 'Execution', id: 'TA0002', count: 2 },
      { tactic: 'persistence', name: 'Persistence', id: 'TA0003', count: 1 },
      { tactic: 'privilege-escalation', name: 'Privilege Escalation', id: 'TA0004', count: 1 },
      { tactic: 'unknown', name: 'No ATT&CK tactic', id: null, count: 2 },
    ]);
  });

  it('exports a Navigator 4.5 layer with one entry per technique, scored by finding count', () => {
    const layer = attackLayer([
      { tags: ['attack.execution', 'attack.t1059.001'], level: 'medium', ruleTitle: 'Encoded PowerShell' },
      { tags: ['attack.t1059.001'], level: 'high', ruleTitle: 'Office spawns shell' },
      { tags: ['attack.t1543.003', 'attack.execution'], level: 'low', ruleTitle: 'Service' },
    ], { name: 'demo' }, index);
    expect(layer.versions.layer).toBe('4.5');
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.techniques.map((t) => [t.techniqueID, t.score])).toEqual([['T1059.001', 2], ['T1543.003', 1]]);
    const ps = layer.techniques[0]!;
    expect(ps.comment).toContain('PowerShell: 2 findings (highest high)');
    expect(ps.comment).toContain('Encoded PowerShell');
    expect(ps.color).toBe('#e34a33');
    expect(JSON.parse(JSON.stringify(layer))).toEqual(layer);
  });
});
