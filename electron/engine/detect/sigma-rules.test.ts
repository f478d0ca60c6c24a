import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/findings.js';
import { openDemoCase } from '../demo-case.js';
import { Engine } from '../engine.js';
import { rulePackKey } from './sigma-rules.js';
import { BUILTIN_RULES_DIR, loadRulePack } from './sigma/index.js';

const dirs: string[] = [];
function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ENCODED_POWERSHELL = '63f6d953-da6f-4f2b-86b6-e864de42b00a';
const SERVICE_4697 = '266a9b22-272b-4c9d-a952-50e793e368a1';
const SERVICE_7045 = '068abde6-9aac-44fc-be07-47f9c84724e6';
const NEUTRAL_NAME = '7738029a-41ca-4615-bb77-a27887a430b0';

// A user folder with one detection rule and an event_count correlation over it.
const USER_RULE = `title: Process creation by jdoe
id: 0b0e6f0e-7d1a-4c55-9d1e-3c6a3f1a0001
name: jdoe_process
status: test
logsource: {product: windows, category: process_creation}
detection:
  selection: {SubjectUserName: jdoe}
  condition: selection
level: low
`;
const USER_CORRELATION = `title: Burst of processes by one user
id: 0b0e6f0e-7d1a-4c55-9d1e-3c6a3f1a0002
status: test
correlation:
  type: event_count
  rules: [jdoe_process]
  group-by: [SubjectUserName]
  timespan: 1h
  condition: {gte: 3}
level: medium
tags: [attack.execution]
`;

describe('Sigma rules in detection (the demo case)', () => {
  let engine: Engine;
  let active: readonly Finding[];
  let caseDir = '';
  beforeAll(async () => {
    engine = new Engine();
    const info = await engine.setRuleFolders({ dirs: [], builtin: true });
    expect(info.builtinRules).toBeGreaterThan(5);
    expect(info.rejected).toBe(0);
    caseDir = join(temp('chainline-sigma-demo-'), 'case');
    await openDemoCase(engine, caseDir);
    await engine.waitForIngest();
    active = (await engine.listFindings({ suppressed: false, offset: 0, limit: 500 })).rows;
  }, 120_000);
  afterAll(async () => engine?.shutdown());

  it('fires on the attack: encoded PowerShell, the service install (4697 and 7045), the second stage', () => {
    const ids = new Set(active.map((f) => f.ruleId));
    for (const id of [ENCODED_POWERSHELL, SERVICE_4697, SERVICE_7045, NEUTRAL_NAME]) expect(ids, id).toContain(id);
    const encoded = active.find((f) => f.ruleId === ENCODED_POWERSHELL)!;
    expect(encoded.host).toBe('WS01.corp.example');
    expect(encoded.summary).toContain('PID 7996');
    expect(encoded.processId).not.toBeNull();
    expect(encoded.sessionId).not.toBeNull();
    // upd.exe twice: from powershell in the attacker's session, and as SYSTEM from the service.
    const neutral = active.filter((f) => f.ruleId === NEUTRAL_NAME).map((f) => f.summary);
    expect(neutral.some((s) => s.includes('PID 8104'))).toBe(true);
    expect(neutral.some((s) => s.includes('PID 7040'))).toBe(true);
  });

  it('stays quiet on the benign noise (with the demo allow-list imported when the case is built)', async () => {
    expect((await engine.getAllowList()).length).toBeGreaterThanOrEqual(5);
    for (const f of active) {
      expect(f.host).toBe('WS01.corp.example');
      expect(f.summary).not.toMatch(/GoogleUpdate|MpCmdRun|svchost\.exe -k|inventory\.ps1|logon\.bat/i);
    }
  });

  it('user folders add rules and correlation rules; a changed pack re-detects', async () => {
    const folder = temp('chainline-user-rules-');
    mkdirSync(join(folder, 'sub'));
    writeFileSync(join(folder, 'process.yml'), USER_RULE);
    writeFileSync(join(folder, 'sub', 'burst.yml'), USER_CORRELATION);
    writeFileSync(join(folder, 'broken.yml'), 'title: [unclosed\n');
    const info = await engine.setRuleFolders({ dirs: [folder], builtin: true });
    expect(info.userRules).toBe(1);
    expect(info.correlations).toBe(1);
    expect(info.problems.some((p) => p.path.endsWith('broken.yml') && p.kind === 'rejected')).toBe(true);
    const rows = (await engine.listFindings({ suppressed: false, offset: 0, limit: 500 })).rows;
    const burst = rows.filter((f) => f.ruleId === '0b0e6f0e-7d1a-4c55-9d1e-3c6a3f1a0002');
    expect(burst.length).toBeGreaterThanOrEqual(1);
    expect(burst[0]!.origin).toBe('user');
    expect(burst[0]!.eventIds.length).toBeGreaterThanOrEqual(3);
    expect(rows.some((f) => f.ruleId === ENCODED_POWERSHELL)).toBe(true);
    expect((await engine.getRuleStatus())?.key).toBe(info.key);

    // The case keeps the selection: another engine opening it loads the same rules.
    await engine.closeCase();
    const other = new Engine();
    try {
      await other.openCase(caseDir);
      const restored = await other.getRuleStatus();
      expect(restored?.key).toBe(info.key);
      expect(restored?.dirs).toEqual([folder]);
      expect((await other.listFindings({ ruleId: '0b0e6f0e-7d1a-4c55-9d1e-3c6a3f1a0002', offset: 0, limit: 10 })).total).toBe(burst.length);
    } finally {
      await other.shutdown();
    }
  });
});

describe('the rule pack key', () => {
  it('keeps the built-in rules\' key when the app moves, and changes with their content or a user folder', async () => {
    const options = { dirs: [], builtin: true };
    const pack = await loadRulePack(options);
    expect(pack.rules.length).toBeGreaterThan(0);
    const key = await rulePackKey(pack, options);
    // The same files under another install folder: the rules as the moved app loads them.
    const moved = join(temp('chainline-moved-app-'), 'assets', 'rules');
    cpSync(BUILTIN_RULES_DIR, moved, { recursive: true });
    const relocate = <T extends { path: string }>(r: T): T => ({ ...r, path: join(moved, r.path.slice(BUILTIN_RULES_DIR.length + 1)) });
    const movedPack = { ...pack, rules: pack.rules.map(relocate), correlations: pack.correlations.map(relocate) };
    expect(movedPack.rules[0]!.path.startsWith(moved)).toBe(true);
    expect(await rulePackKey(movedPack, options, moved)).toBe(key);

    // One built-in rule changed: another key.
    const file = readdirSync(moved).find((f) => f.endsWith('.yml'))!;
    writeFileSync(join(moved, file), '# changed\n', { flag: 'a' });
    expect(await rulePackKey(movedPack, options, moved)).not.toBe(key);

    // Other filters, or the same files loaded as a user's folder: another key.
    expect(await rulePackKey(pack, { ...options, minLevel: 'high' })).not.toBe(key);
    const asUser = { ...pack, rules: pack.rules.map((r) => ({ ...r, origin: 'user' as const })) };
    expect(await rulePackKey(asUser, options)).not.toBe(key);
  });
});
