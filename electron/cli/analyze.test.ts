// `chainline analyze --case … --report … --export …`: the whole job headless, its outputs and
// its exit codes.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DEMO_EVIDENCE_DIR } from '../engine/app-paths.js';
import { chromiumAvailable, CHROMIUM } from '../engine/report/testing/dom-check.js';
import { captureCli } from './cli-capture.js';
import { main } from './main.js';

const cli = captureCli('chainline-analyze-');


describe('chainline analyze --case', () => {
  it('imports, correlates, reports and exports, with progress on stderr', async () => {
    const caseDir = join(cli.dir, 'case');
    const code = await main([
      'analyze', DEMO_EVIDENCE_DIR, '--case', caseDir, '--report', join(cli.dir, 'report.html'), '--analyst', 'A. Analyst',
      '--export', 'ecs', join(cli.dir, 'ecs.ndjson'),
      '--export', 'timesketch', join(cli.dir, 'ts.jsonl'),
      '--export', 'timesketch', join(cli.dir, 'ts.csv'),
      '--export', 'csv', join(cli.dir, 'events.csv'),
      '--export', 'jsonl', join(cli.dir, 'events.jsonl'),
      '--export', 'parquet', join(cli.dir, 'parquet'),
      '--json', join(cli.dir, 'analysis.json'),
    ]);
    expect(code, cli.err).toBe(0);
    // The engine correlated the case (for detection) and kept it: the CLI loads that instead of
    // correlating a second time.
    expect(cli.err).toMatch(/correlation loaded from the case in [\d.]+ s: \d+ sessions/);
    expect(cli.err).not.toContain('correlating…');
    expect(cli.err).toMatch(/export ecs → .*: \d+ events/);
    const html = readFileSync(join(cli.dir, 'report.html'), 'utf8');
    expect(html).toContain('A. Analyst');
    expect(html).toContain('0x5a3c1e'); // the attacker session is selected by default
    expect(html).toContain('✔ matches');
    // The built-in Sigma rules ran: the attack's findings are in the report with their technique.
    expect(cli.err).toMatch(/rules: \d+ loaded/);
    expect(cli.err).toMatch(/\d+ findings \(\d+ suppressed\)/);
    expect(html).toContain('PowerShell With an Encoded Command');
    expect(html).toContain('T1059.001');
    const events = readFileSync(join(cli.dir, 'events.jsonl'), 'utf8').trimEnd().split('\n').length;
    expect(events).toBeGreaterThanOrEqual(150);
    expect(readFileSync(join(cli.dir, 'ecs.ndjson'), 'utf8').trimEnd().split('\n')).toHaveLength(events * 2);
    expect(readFileSync(join(cli.dir, 'ts.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(events);
    expect(readFileSync(join(cli.dir, 'ts.csv'), 'utf8').startsWith('message,datetime,timestamp,timestamp_desc')).toBe(true);
    expect(readFileSync(join(cli.dir, 'events.csv'), 'utf8').startsWith('\uFEFFTimeCreated,')).toBe(true);
    expect(readdirSync(join(cli.dir, 'parquet')).sort()).toEqual(['events.parquet', 'processes.parquet', 'sessions.parquet']);
    expect(JSON.parse(readFileSync(join(cli.dir, 'analysis.json'), 'utf8')).sessions.length).toBeGreaterThan(0);

    // Again on the same case with no evidence: reopens it, and a changed report target works.
    cli.err = '';
    expect(await main(['analyze', '--case', caseDir, '--report', join(cli.dir, 'again.html')])).toBe(0);
    expect(readFileSync(join(cli.dir, 'again.html'), 'utf8')).toContain('0x5a3c1e');
  });

  it('exits 2 on bad usage', async () => {
    const c = join(cli.dir, 'c');
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--report', join(cli.dir, 'r.html')])).toBe(2);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', c, '--export', 'splunk', join(cli.dir, 'x')])).toBe(2);
    expect(cli.err).toContain('--export format must be one of timesketch, ecs, csv, jsonl, parquet');
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', c, '--export', 'ecs'])).toBe(2);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', c, '--report', join(cli.dir, 'r.txt')])).toBe(2);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', c, '--export', 'ecs', join(cli.dir, 'x'), '--export', 'csv', join(cli.dir, 'x')])).toBe(2);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR])).toBe(2);
    expect(existsSync(c)).toBe(false);
    cli.out = '';
    expect(await main(['analyze', '--help'])).toBe(0);
    expect(cli.out).toContain('--export <format> <path>');
    expect(cli.out).toContain('Exit codes: 0');
  });

  it('exits 1 with a clear message when PDF is asked and no Chromium is found', async () => {
    vi.stubEnv('CHAINLINE_CHROMIUM', join(cli.dir, 'no-such-chromium'));
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', join(cli.dir, 'c'), '--report', join(cli.dir, 'r.pdf')])).toBe(1);
    expect(cli.err).toContain('PDF needs a Chromium-based browser and none was found');
    expect(existsSync(join(cli.dir, 'r.pdf'))).toBe(false);
  });

  it.skipIf(!chromiumAvailable())('writes the report as PDF through headless Chromium', async () => {
    vi.stubEnv('CHAINLINE_CHROMIUM', CHROMIUM);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', join(cli.dir, 'c'), '--report', join(cli.dir, 'r.pdf')]), cli.err).toBe(0);
    const pdf = readFileSync(join(cli.dir, 'r.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
  });
});
