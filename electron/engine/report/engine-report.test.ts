import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoCase } from '../demo-case.js';
import { Engine } from '../engine.js';
import { findChromium } from './pdf.js';

describe('the report from the app (Engine.createReport)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainline-engine-report-'));
  const engine = new Engine();
  beforeAll(async () => {
    await engine.setRuleFolders({ dirs: [], builtin: true });
    await openDemoCase(engine, join(dir, 'case'));
    await engine.waitForIngest();
  }, 120_000);
  afterAll(async () => {
    await engine.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the findings, the note and bookmark, the evidence hashes and the attacker session', async () => {
    const overview = await engine.getCaseOverview();
    const events = await engine.queryEvents({ filter: { eventIds: [7045] }, sort: 'asc', offset: 0, limit: 5 });
    const service = events.rows.find((r) => r.summary.includes('WinUpdHelper'))!;
    await engine.saveNote({ target: { kind: 'event', id: String(service.id) }, label: '7045 WinUpdHelper', bookmarked: true, tags: ['persistence'], text: 'Service points at upd.exe in Temp' });
    const file = await engine.createReport({ sessionIds: [], analyst: 'R. Eviewer', format: 'html' });
    expect(file.fileName).toMatch(/^chainline-report-.*\.html$/);
    expect(file.encoding).toBe('utf8');
    expect(file.problems).toEqual([]);
    expect(file.content).toContain('R. Eviewer');
    expect(file.content).toContain('PowerShell With an Encoded Command');
    expect(file.content).toContain('0x5a3c1e');
    expect(file.content).toContain('Service points at upd.exe in Temp');
    for (const e of overview.evidence) expect(file.content).toContain(e.sha256);
    expect(file.content).not.toMatch(/<script/i);
  });

  it('exports from the app: a case bundle another Chainline opens with its notes, ECS, findings; never overwriting', async () => {
    const before = await engine.getCaseOverview();
    const bundle = await engine.exportCase({ kind: 'bundle', path: join(dir, 'bundle') });
    expect(bundle.records).toBe(before.totalEvents);
    await expect(engine.exportCase({ kind: 'bundle', path: join(dir, 'bundle') })).rejects.toThrow('already exists');
    const ecs = await engine.exportCase({ kind: 'ecs', path: join(dir, 'case.ndjson') });
    expect(ecs.records).toBe(before.totalEvents);
    const lines = readFileSync(join(dir, 'case.ndjson'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(2 * before.totalEvents);
    expect(JSON.parse(lines[1]!)).toHaveProperty('@timestamp');
    const findings = await engine.exportCase({ kind: 'findings-csv', path: join(dir, 'findings.csv') });
    expect(findings.records).toBeGreaterThan(0);
    const layer = await engine.exportCase({ kind: 'attack-layer', path: join(dir, 'layer.json') });
    expect(JSON.parse(readFileSync(join(dir, 'layer.json'), 'utf8')).domain).toBe('enterprise-attack');
    expect(layer.records).toBeGreaterThan(0);

    const other = new Engine();
    try {
      await other.openCase(join(dir, 'bundle'));
      expect((await other.getCaseOverview()).totalEvents).toBe(before.totalEvents);
      expect((await other.listNotes()).map((n) => n.text)).toContain('Service points at upd.exe in Temp');
      expect((await other.getAllowList()).length).toBe((await engine.getAllowList()).length);
    } finally {
      await other.shutdown();
    }
  });

  it('prints a PDF with headless Chromium where there is one', async () => {
    if (!(await findChromium())) {
      console.warn('no Chromium on this machine: the PDF report test did not run');
      await expect(engine.createReport({ sessionIds: [], analyst: '', format: 'pdf' })).rejects.toThrow(/chromium/i);
      return;
    }
    const file = await engine.createReport({ sessionIds: [], analyst: '', format: 'pdf' });
    expect(file.mimeType).toBe('application/pdf');
    expect(Buffer.from(file.content, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(existsSync(dir)).toBe(true);
  }, 120_000);
});
