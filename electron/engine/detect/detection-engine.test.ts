// Detection through the engine: findings after an import, kept in the case across reopening,
// suppression re-applied when the allow-list changes, YAML in and out, and older cases opening.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { DEMO_EVIDENCE_DIR } from '../app-paths.js';
import { openDemoCase } from '../demo-case.js';
import { Engine } from '../engine.js';
import { CASE_DB_FILE, CASE_MANIFEST_FILE } from '../store/case-store.js';
import { SCHEMA_VERSION } from '../store/schema.js';
import { demoSource } from './testing.js';
import type { RuleHitSource } from './findings.js';
import { tempDirs } from '../testing/temp-dirs.js';

const newTemp = tempDirs();
const temp = (): string => newTemp('chainline-detect-');

const UPDATER_ENTRY = {
  kind: 'allow' as const,
  ruleId: 'test.system',
  conditions: [
    { kind: 'field' as const, field: 'SubjectUserSid', match: 'equals' as const, value: 'S-1-5-18' },
    { kind: 'field' as const, field: 'NewProcessName', match: 'wildcard' as const, value: '*\\GoogleUpdate.exe' },
  ],
  reason: 'hourly updater',
  by: 'tester',
};

describe('detection in the engine', () => {
  it('finds, keeps findings across reopening, and re-applies suppression without re-running rules', async () => {
    const dir = join(temp(), 'demo');
    let calls = 0;
    const counting: RuleHitSource = (event, row) => {
      calls++;
      return demoSource(event, row);
    };
    const engine = new Engine({ ruleHitSource: counting });
    await openDemoCase(engine, dir);
    await engine.waitForIngest();
    // The demo case arrives with its allow-list imported; this test starts from an empty one.
    for (const e of await engine.getAllowList()) expect(await engine.removeAllowListEntry(e.id)).toBe(true);
    const first = await engine.listFindings({ offset: 0, limit: 1000 });
    expect(first.total).toBeGreaterThan(5);
    expect(calls).toBeGreaterThan(150); // every event of the case went through the source
    // Highest level first.
    expect(first.rows[0]!.level).toBe('high');
    const encoded = first.rows.find((f) => f.ruleId === 'test.encoded' && f.summary.includes('powershell.exe (PID 7996)'))!;
    expect(encoded.sessionId).not.toBeNull();
    expect(encoded.processId).not.toBeNull();
    const sessions = await engine.listSessions();
    expect(sessions.sessions.find((s) => s.id === encoded.sessionId)?.logonId).toBe('0x5a4f02');
    expect((await engine.listFindings({ sessionId: encoded.sessionId!, offset: 0, limit: 100 })).rows.map((f) => f.id)).toContain(encoded.id);
    expect((await engine.listFindings({ processId: encoded.processId!, offset: 0, limit: 100 })).rows.map((f) => f.ruleId).sort()).toEqual(['test.encoded', 'test.script']);
    // By event: exactly the findings naming that row.
    const byEvent = await engine.listFindings({ eventId: encoded.eventIds[0]!, offset: 0, limit: 100 });
    expect(byEvent.rows.map((f) => f.id)).toContain(encoded.id);
    expect(byEvent.rows.map((f) => f.id).sort()).toEqual(
      first.rows.filter((f) => f.eventIds.includes(encoded.eventIds[0]!)).map((f) => f.id).sort(),
    );
    expect((await engine.listFindings({ eventId: 987_654_321, offset: 0, limit: 100 })).total).toBe(0);
    expect((await engine.listFindings({ minLevel: 'high', offset: 0, limit: 100 })).rows.every((f) => f.level === 'high' || f.level === 'critical')).toBe(true);

    const summary = await engine.getFindingsSummary();
    expect(summary.total).toBe(first.total);
    expect(summary.suppressed).toBe(0);
    expect(summary.byRule.find((r) => r.ruleId === 'test.encoded')?.count).toBeGreaterThanOrEqual(2);
    expect(summary.byTactic.find((t) => t.tactic === 'execution')).toBeDefined();
    expect(summary.bySession.find((s) => s.sessionId === encoded.sessionId)?.bySeverity.high).toBeGreaterThanOrEqual(1);

    const layer = await engine.getAttackLayer();
    expect(layer.techniques.map((t) => t.techniqueID)).toContain('T1059.001');

    const hunting = await engine.getHuntingQueries(encoded.id);
    expect(hunting.queries.find((q) => q.target.startsWith('SecurityEvent'))?.query).toContain('NewProcessName endswith "\\\\powershell.exe"');
    await expect(engine.getHuntingQueries('nope:1')).rejects.toThrow('no finding nope:1');

    // Suppress the updater: re-applied in place, rules not run again.
    const before = calls;
    const updaterCount = first.rows.filter((f) => f.ruleId === 'test.system' && f.summary.includes('GoogleUpdate.exe')).length;
    expect(updaterCount).toBe(5);
    const entry = await engine.addAllowListEntry(UPDATER_ENTRY);
    expect(entry.id).toMatch(/^al-/);
    const quiet = await engine.listFindings({ suppressed: true, offset: 0, limit: 100 });
    expect(quiet.total).toBe(updaterCount);
    expect(quiet.rows[0]!.suppressed).toMatchObject({ entryId: entry.id, kind: 'allow', reason: 'hourly updater', by: 'tester' });
    expect((await engine.getFindingsSummary()).suppressed).toBe(updaterCount);
    expect((await engine.listFindings({ suppressed: false, offset: 0, limit: 1000 })).total).toBe(first.total - updaterCount);
    expect(calls).toBe(before);

    // Close and reopen with a source that must not be called: the findings are in the case.
    await engine.shutdown();
    let reopenCalls = 0;
    const reopened = new Engine({ ruleHitSource: () => { reopenCalls++; return []; } });
    await reopened.openCase(dir);
    const again = await reopened.listFindings({ offset: 0, limit: 1000 });
    expect(again.total).toBe(first.total);
    expect(again.rows.filter((f) => f.suppressed).length).toBe(updaterCount);
    expect(reopenCalls).toBe(0);
    expect(await reopened.getAllowList()).toEqual([entry]);

    // Remove the entry: active again.
    expect(await reopened.removeAllowListEntry(entry.id)).toBe(true);
    expect(await reopened.removeAllowListEntry(entry.id)).toBe(false);
    expect((await reopened.getFindingsSummary()).suppressed).toBe(0);

    // The demo allow-list through YAML: imported, applied, exported again.
    const imported = await reopened.importAllowList(readFileSync(join(DEMO_EVIDENCE_DIR, 'allowlist.yml'), 'utf8'));
    expect(imported.added).toBeGreaterThanOrEqual(5);
    const afterImport = await reopened.getFindingsSummary();
    expect(afterImport.suppressed).toBeGreaterThan(updaterCount);
    const stillActive = await reopened.listFindings({ suppressed: false, ruleId: 'test.encoded', offset: 0, limit: 100 });
    expect(stillActive.total).toBe(first.rows.filter((f) => f.ruleId === 'test.encoded').length);
    const yaml = await reopened.exportAllowList();
    expect(yaml).toContain('demo-logon-script');
    expect((await reopened.importAllowList(yaml)).added).toBe(0);
    await expect(reopened.importAllowList('format: chainline-allowlist\nversion: 2\n')).rejects.toThrow('the allow-list was not imported: "version" must be 1');
    await expect(reopened.addAllowListEntry({ ...UPDATER_ENTRY, conditions: [] })).rejects.toThrow('at least one condition');

    // Other rules (another key): detected again; a correlation rule's group becomes one finding
    // on its first event, naming every member; the allow-list still applies.
    const guesses = await reopened.queryEvents({ filter: { eventIds: [4625], hosts: ['WS01.corp.example'] }, sort: 'asc', offset: 0, limit: 10 });
    expect(guesses.total).toBe(2);
    const rows = guesses.rows.map((r) => r.id);
    let started = 0;
    reopened.setRules({
      key: 'with-correlation',
      start: () => {
        started++;
        return {
          match: demoSource,
          finish: () => [{ ruleId: 'test.guessing', ruleTitle: 'Password guessing', level: 'medium', tags: ['attack.t1110.001'], origin: 'user', groupKey: '203.0.113.47', rowIds: rows }],
        };
      },
    });
    const regrouped = await reopened.listFindings({ ruleId: 'test.guessing', offset: 0, limit: 10 });
    expect(started).toBe(1);
    expect(regrouped.rows).toHaveLength(1);
    expect(regrouped.rows[0]).toMatchObject({ id: 'test.guessing:203.0.113.47', eventIds: rows, host: 'WS01.corp.example', time: guesses.rows[0]!.time, suppressed: null });
    expect(regrouped.rows[0]!.summary).toBe('Password guessing: 2 events (203.0.113.47)');
    expect((await reopened.getFindingsSummary()).suppressed).toBe(afterImport.suppressed);
    const hunt = await reopened.getHuntingQueries('test.guessing:203.0.113.47');
    expect(hunt.note).toContain('4625');

    const candidates = await reopened.getBaselineCandidates();
    expect(candidates.some((c) => c.parentImage === 'userinit.exe' && c.image === 'cmd.exe')).toBe(true);
    await reopened.shutdown();
  });

  it('runs the case-level checks without a rule engine, and opens a case written with schema 2', async () => {
    const dir = join(temp(), 'case');
    const engine = new Engine();
    await engine.openCase(dir, { name: 'old' });
    // A 4688 without CommandLine: command-line auditing off on NOCMD01.
    const xml = (record: number) =>
      `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-A5BA-3E3B0328C30D}"/><EventID>4688</EventID><Version>1</Version><Level>0</Level><Task>13312</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime="2024-03-12T08:00:0${record}.0000000Z"/><EventRecordID>${record}</EventRecordID><Correlation/><Execution ProcessID="4" ThreadID="8"/><Channel>Security</Channel><Computer>NOCMD01</Computer><Security/></System><EventData><Data Name="SubjectUserSid">S-1-5-18</Data><Data Name="SubjectLogonId">0x3e7</Data><Data Name="NewProcessId">0x10${record}</Data><Data Name="NewProcessName">C:\\Windows\\System32\\svchost.exe</Data><Data Name="TokenElevationType">%%1936</Data><Data Name="ProcessId">0x2ac</Data></EventData></Event>\n`;
    const file = join(temp(), 'nocmd.xml');
    writeFileSync(file, xml(1) + xml(2));
    await engine.openEvidence({ paths: [file] });
    await engine.waitForIngest();
    const summary = await engine.getFindingsSummary();
    expect(summary.total).toBe(0);
    expect(summary.warnings.map((w) => w.id)).toEqual(['chainline.case.command-line-auditing-off']);
    expect(summary.warnings[0]!.hosts).toEqual([{ host: 'NOCMD01', without: 2, total: 2 }]);
    await engine.shutdown();

    // Make it look like a schema-2 case: no findings/allow_list tables, manifest version 2.
    const db = await DuckDBInstance.create(join(dir, CASE_DB_FILE));
    const conn = await db.connect();
    await conn.run('DROP TABLE findings; DROP TABLE allow_list;');
    conn.closeSync();
    db.closeSync();
    const manifestPath = join(dir, CASE_MANIFEST_FILE);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, schemaVersion: 2 }));

    const old = new Engine();
    await old.openCase(dir);
    expect((await old.getCaseOverview()).totalEvents).toBe(2);
    expect(await old.getAllowList()).toEqual([]);
    expect((await old.getFindingsSummary()).warnings.length).toBe(1);
    await old.shutdown();
    expect(JSON.parse(readFileSync(manifestPath, 'utf8')).schemaVersion).toBe(SCHEMA_VERSION);

    writeFileSync(manifestPath, JSON.stringify({ ...manifest, schemaVersion: 1 }));
    await expect(new Engine().openCase(dir)).rejects.toThrow('older development build');
  });
});
