// Detection over the demo evidence with a hand-written rule source (the Sigma engine plugs into
// the same seam), then the demo allow-list applied.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events.js';
import { DEMO_EVIDENCE_DIR } from '../app-paths.js';
import { correlate, toCorrelationInput, type CorrelationInput, type CorrelationResult } from '../correlate/index.js';
import { xmlReader } from '../readers/xml/xml-reader.js';
import { mergeImported, parseAllowListYaml, proposeBaselines } from './allowlist.js';
import { applyAllowList, DetectionRun, summarizeFindings } from './detection.js';
import type { DetectedFinding, RuleHit } from './findings.js';
import { demoSource, ENCODED, LOGON, SCRIPT, SYSTEM } from './testing.js';

describe('detection over the demo evidence', () => {
  const events: NormalizedEvent[] = [];
  let result: CorrelationResult;
  let findings: DetectedFinding[];
  let warnings: unknown[];
  const rowOf = (recordId: number, channel = 'Security'): number =>
    events.findIndex((e) => e.system.recordId === recordId && e.system.channel === channel && e.system.computer.startsWith('WS01'));

  beforeAll(async () => {
    const inputs: CorrelationInput[] = [];
    for (const file of readdirSync(DEMO_EVIDENCE_DIR).filter((f) => f.endsWith('.xml')).sort()) {
      for await (const batch of xmlReader.read(join(DEMO_EVIDENCE_DIR, file))) {
        for (const item of batch) {
          if (item.kind !== 'event') throw new Error(`read error in ${file}`);
          const input = toCorrelationInput(item.event, events.length);
          events.push(item.event);
          if (input) inputs.push(input);
        }
      }
    }
    result = correlate(inputs);
    const run = new DetectionRun(result, demoSource);
    events.forEach((e, row) => run.add(e, row));
    const done = run.finish();
    findings = done.findings;
    warnings = done.warnings;
    expect(done.scanned).toBe(events.length);
  });

  it('places the encoded PowerShell finding on its process and the runas session', () => {
    const row = rowOf(184270);
    const f = findings.find((x) => x.finding.id === `test.encoded:${row}`);
    expect(f).toBeDefined();
    const process = result.processes.find((p) => p.securityRow === row)!;
    expect(f!.finding.processId).toBe(process.id);
    const session = result.sessions.find((s) => s.id === f!.finding.sessionId)!;
    expect(session.logonId).toBe('0x5a4f02');
    expect(f!.finding).toMatchObject({ host: 'WS01.corp.example', time: '2024-03-12T10:24:52.0750036Z', level: 'high', eventIds: [row] });
    expect(f!.finding.summary).toMatch(/^Encoded PowerShell: Process powershell\.exe \(PID 7996\) by cmd\.exe: C:\\Windows/);
    // The script block the -enc payload became is placed on the same process.
    const script = findings.find((x) => x.finding.id === `test.script:${rowOf(3423, 'Microsoft-Windows-PowerShell/Operational')}`);
    expect(script!.finding.processId).toBe(process.id);
  });

  it('finds nothing of its own on the demo (no full token without 4672, no integrity jump, command lines audited)', () => {
    expect(findings.filter((f) => f.finding.origin === 'case')).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('the demo allow-list quiets the benign noise and nothing of the attack', () => {
    const list = mergeImported([], parseAllowListYaml(readFileSync(join(DEMO_EVIDENCE_DIR, 'allowlist.yml'), 'utf8'))).entries;
    const applied = applyAllowList(findings, list);
    const state = (recordId: number, rule: RuleHit, channel = 'Security') => {
      const f = applied.find((x) => x.finding.id === `${rule.ruleId}:${rowOf(recordId, channel)}`);
      if (!f) throw new Error(`no ${rule.ruleId} finding on #${recordId}`);
      return f.finding.suppressed?.entryId ?? 'active';
    };
    // Attack (STORY.md steps 3–6): all active.
    expect(state(184270, ENCODED)).toBe('active');
    expect(state(184267, ENCODED)).toBe('active');
    expect(state(184278, SYSTEM)).toBe('active'); // services.exe → cmd.exe /c upd.exe
    expect(state(184279, SYSTEM)).toBe('active'); // upd.exe as SYSTEM
    expect(state(3423, SCRIPT, 'Microsoft-Windows-PowerShell/Operational')).toBe('active');
    // Noise: the updater, service hosts, the logon script and its inventory script block.
    expect(state(184223, SYSTEM)).toBe('demo-google-update');
    expect(state(184205, SYSTEM)).toBe('demo-service-hosts');
    expect(state(3415, SCRIPT, 'Microsoft-Windows-PowerShell/Operational')).toBe('demo-logon-inventory-script');
    const logonScripts = applied.filter((x) => x.finding.ruleId === LOGON.ruleId);
    expect(logonScripts.length).toBe(2);
    expect(logonScripts.map((x) => x.finding.suppressed?.kind)).toEqual(['baseline', 'baseline']);
    // Nothing is deleted.
    expect(applied.length).toBe(findings.length);

    const summary = summarizeFindings(applied.map((x) => x.finding), { computedAt: 'now', warnings: [] });
    expect(summary.total).toBe(findings.length);
    expect(summary.suppressed).toBe(applied.filter((x) => x.finding.suppressed).length);
    expect(summary.bySeverity.high).toBe(applied.filter((x) => !x.finding.suppressed && x.finding.level === 'high').length);
    expect(summary.byTactic.find((t) => t.tactic === 'execution')?.count).toBeGreaterThanOrEqual(3);
    expect(summary.byRule[0]).toMatchObject({ ruleId: 'test.encoded', suppressed: 0 });
  });

  it('proposes the logon script and the hourly updater as baselines, not the attack', () => {
    const candidates = proposeBaselines(result);
    const logon = candidates.find((c) => c.image === 'cmd.exe' && c.parentImage === 'userinit.exe');
    expect(logon).toMatchObject({ sessions: 2, commandLine: 'C:\\Windows\\system32\\cmd.exe /c "\\\\corp.example\\NETLOGON\\logon.bat"' });
    expect(logon!.entry.kind).toBe('baseline');
    expect(candidates.find((c) => c.image === 'googleupdate.exe')?.occurrences).toBe(5);
    expect(candidates.some((c) => c.commandLine.includes('-enc') || c.image === 'upd.exe')).toBe(false);
  });
});
