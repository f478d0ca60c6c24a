import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_EVIDENCE_DIR } from '../engine/app-paths.js';
import { captureCli } from './cli-capture.js';
import { main } from './main.js';

const cli = captureCli('chainline-sigma-cli-');


const BRUTE = `title: Failed logon
id: 5c0a8a43-3d1f-4a52-9b1e-2f0f3d7c9a01
name: failed_logon
status: test
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4625}
  condition: selection
level: low
---
title: Password guessing from one address
id: 5c0a8a43-3d1f-4a52-9b1e-2f0f3d7c9a02
status: test
level: high
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [IpAddress]
  timespan: 5m
  condition: {gte: 2}
`;

describe('chainline sigma', () => {
  it('has --help and rejects bad usage', async () => {
    expect(await main(['sigma', '--help'])).toBe(0);
    expect(cli.out).toContain('Usage: chainline sigma');
    expect(await main(['sigma'])).toBe(2);
    expect(await main(['sigma', '--no-builtin', DEMO_EVIDENCE_DIR])).toBe(2);
    expect(await main(['sigma', '--min-level', 'severe', DEMO_EVIDENCE_DIR])).toBe(2);
    expect(cli.err).toContain('--min-level must be one of');
  });

  it('prints one JSON line per built-in rule match on the demo evidence', async () => {
    expect(await main(['sigma', DEMO_EVIDENCE_DIR])).toBe(0);
    const lines = cli.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) expect(Object.keys(l)).toEqual(['ruleId', 'ruleTitle', 'level', 'file', 'recordId', 'eventId', 'computer', 'timeCreated']);
    expect(lines.map((l) => `${l['recordId']} ${l['eventId']} ${l['ruleTitle']}`).sort()).toEqual([
      '184270 4688 PowerShell With an Encoded Command',
      '184271 4688 Executable With a Neutral Name Outside the System and Program Folders',
      '184275 4697 Service Installed With an Image in a User-Writable Folder or a Shell Command Line (Security 4697)',
      '184279 4688 Executable With a Neutral Name Outside the System and Program Folders',
      '21888 7045 Service Installed With an Image in a User-Writable Folder or a Shell Command Line',
    ]);
    expect(lines.find((l) => l['recordId'] === 184270)?.['computer']).toBe('WS01.corp.example');
    expect(cli.err).toContain('rules and 0 correlation rules loaded');
  });

  it('runs user rules with correlations, naming member events; problems go to stderr with the reason', async () => {
    writeFileSync(join(cli.dir, 'brute.yml'), BRUTE);
    writeFileSync(join(cli.dir, 'broken.yml'), 'title: broken\nid: x\nlogsource: {product: windows, service: security}\ndetection: {sel: {EventID: 1}, condition: sel and nope}\n');
    writeFileSync(join(cli.dir, 'linux.yml'), 'title: linux\nid: y\nlogsource: {product: linux, service: auth}\ndetection: {sel: {a: b}, condition: sel}\n');
    expect(await main(['sigma', '--no-builtin', '--rules', cli.dir, join(DEMO_EVIDENCE_DIR, 'WS01-Security.xml')])).toBe(0);
    const lines = cli.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l['ruleTitle'] === 'Failed logon').map((l) => l['recordId'])).toEqual([184253, 184254]);
    const corr = lines.find((l) => l['correlation'] === 'event_count');
    expect(corr?.['ruleTitle']).toBe('Password guessing from one address');
    expect(corr?.['group']).toEqual({ IpAddress: '203.0.113.47' });
    expect((corr?.['events'] as { recordId: number }[]).map((e) => e.recordId)).toEqual([184253, 184254]);
    const problems = cli.err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(problems.find((p) => String(p['rule']).endsWith('broken.yml'))).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('unknown search identifier "nope"') });
    expect(problems.find((p) => String(p['rule']).endsWith('linux.yml'))).toMatchObject({ kind: 'skipped', reason: expect.stringContaining('not Windows') });
  });

  it('--rules repeats, and --min-level filters', async () => {
    const second = mkdtempSync(join(tmpdir(), 'chainline-sigma-cli2-'));
    try {
      writeFileSync(join(cli.dir, 'brute.yml'), BRUTE);
      writeFileSync(join(second, 'x.yml'), BRUTE.split('---')[0]!.replace('5c0a8a43-3d1f-4a52-9b1e-2f0f3d7c9a01', '5c0a8a43-3d1f-4a52-9b1e-2f0f3d7c9a03').replace('name: failed_logon\n', ''));
      expect(await main(['sigma', '--no-builtin', '--rules', cli.dir, '--rules', second, '--min-level', 'medium', join(DEMO_EVIDENCE_DIR, 'WS01-Security.xml')])).toBe(0);
      expect(cli.err).toMatch(/level low is below the minimum level medium/);
      // Both low rules are skipped (one from each folder); the correlation over them cannot run and says so.
      expect(cli.err.match(/level low is below/g)).toHaveLength(2);
      expect(cli.err).toMatch(/correlation refers to rules that did not load: failed_logon/);
      expect(cli.err).toContain('0 rules and 0 correlation rules loaded');
    } finally {
      rmSync(second, { recursive: true, force: true });
    }
  });
});
