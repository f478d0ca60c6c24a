// `chainline analyze --case … --report … --export …`: the whole job headless, its outputs and
// its exit codes.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_EVIDENCE_DIR } from '../engine/app-paths.js';
import { chromiumAvailable, CHROMIUM } from '../engine/report/testing/dom-check.js';
import { main } from './main.js';

let out = '';
let err = '';
let dir = '';
beforeEach(() => {
  out = '';
  err = '';
  dir = mkdtempSync(join(tmpdir(), 'chainline-analyze-'));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('chainline analyze --case', () => {
  it('imports, correlates, reports and exports, with progress on stderr', async () => {
    const caseDir = join(dir, 'case');
    const code = await main([
      'analyze', DEMO_EVIDENCE_DIR, '--case', caseDir, '--report', join(dir, 'report.html'), '--analyst', 'A. Analyst',
      '--export', 'ecs', join(dir, 'ecs.ndjson'),
      '--export', 'timesketch', join(dir, 'ts.jsonl'),
      '--export', 'timesketch', join(dir, 'ts.csv'),
      '--export', 'csv', join(dir, 'events.csv'),
      '--export', 'jsonl', join(dir, 'events.jsonl'),
      '--export', 'parquet', join(dir, 'parquet'),
      '--json', join(dir, 'analysis.json'),
    ]);
    expect(code, err).toBe(0);
    expect(err).toContain('correlated in');
    expect(err).toMatch(/export ecs → .*: \d+ events/);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('A. Analyst');
    expect(html).toContain('0x5a3c1e'); // the attacker session is selected by default
    expect(html).toContain('✔ matches');
    // The built-in Sigma rules ran: the attack's findings are in the report with their technique.
    expect(err).toMatch(/rules: \d+ loaded/);
    expect(err).toMatch(/\d+ findings \(\d+ suppressed\)/);
    expect(html).toContain('PowerShell With an Encoded Command');
    expect(html).toContain('T1059.001');
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n').length;
    expect(events).toBeGreaterThanOrEqual(150);
    expect(readFileSync(join(dir, 'ecs.ndjson'), 'utf8').trimEnd().split('\n')).toHaveLength(events * 2);
    expect(readFileSync(join(dir, 'ts.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(events);
    expect(readFileSync(join(dir, 'ts.csv'), 'utf8').startsWith('message,datetime,timestamp,timestamp_desc')).toBe(true);
    expect(readFileSync(join(dir, 'events.csv'), 'utf8').startsWith('\uFEFFTimeCreated,')).toBe(true);
    expect(readdirSync(join(dir, 'parquet')).sort()).toEqual(['events.parquet', 'processes.parquet', 'sessions.parquet']);
    expect(JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8')).sessions.length).toBeGreaterThan(0);

    // Again on the same case with no evidence: reopens it, and a changed report target works.
    err = '';
    expect(await main(['analyze', '--case', caseDir, '--report', join(dir, 'again.html')])).toBe(0);
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toContain('0x5a3c1e');
  });

  it('exits 2 on bad usage', async () => {
    const c = join(dir, 'c');
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--report', join(dir, 'r.html')])).toBe(2);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', c, '--export', 'splunk', join(dir, 'x')])).toBe(2);
    expect(err).toContain('--export format must be one of timesketch, ecs, csv, jsonl, parquet');
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', c, '--export', 'ecs'])).toBe(2);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', c, '--report', join(dir, 'r.txt')])).toBe(2);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', c, '--export', 'ecs', join(dir, 'x'), '--export', 'csv', join(dir, 'x')])).toBe(2);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR])).toBe(2);
    expect(existsSync(c)).toBe(false);
    out = '';
    expect(await main(['analyze', '--help'])).toBe(0);
    expect(out).toContain('--export <format> <path>');
    expect(out).toContain('Exit codes: 0');
  });

  it('exits 1 with a clear message when PDF is asked and no Chromium is found', async () => {
    vi.stubEnv('CHAINLINE_CHROMIUM', join(dir, 'no-such-chromium'));
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', join(dir, 'c'), '--report', join(dir, 'r.pdf')])).toBe(1);
    expect(err).toContain('PDF needs a Chromium-based browser and none was found');
    expect(existsSync(join(dir, 'r.pdf'))).toBe(false);
  });

  it.skipIf(!chromiumAvailable())('writes the report as PDF through headless Chromium', async () => {
    vi.stubEnv('CHAINLINE_CHROMIUM', CHROMIUM);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--case', join(dir, 'c'), '--report', join(dir, 'r.pdf')]), err).toBe(0);
    const pdf = readFileSync(join(dir, 'r.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
  });
});
