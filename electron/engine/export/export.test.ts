// Exports from a real case (the hostile fixture plus the demo evidence), checked against what
// the receiving tools need: Timeline Explorer / spreadsheets, Timesketch, Elasticsearch bulk,
// Parquet readers; and the case bundle reopened as a case.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/findings.js';
import { DEMO_EVIDENCE_DIR } from '../app-paths.js';
import { CORRELATION_RESULT_FILE } from '../case-analysis.js';
import { CaseStore } from '../store/case-store.js';
import { importCase, openAnalyzedCase, type OpenedCase } from '../report/testing/case-fixture.js';
import { FORMULA_PAYLOADS, HOSTILE_LOGON_ID, writeHostileEvidence } from '../report/testing/hostile-fixture.js';
import { csvCell, neutralizeFormula } from './csv.js';
import { BUNDLE_MANIFEST_FILE, exportCaseBundle, exportFindingsCsv, exportParquet, writeNavigatorLayer, type BundleManifest } from './export-case.js';
import { EVENT_CSV_COLUMNS, exportEvents, TIMESKETCH_CSV_COLUMNS } from './export-events.js';
import { tempDirs } from '../testing/temp-dirs.js';

/** An RFC 4180 reader (quoted fields, doubled quotes, CRLF rows) for checking our writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        continue;
      }
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else if (c === '\n' || c === '\r' || c === '"') {
      throw new Error(`bare ${JSON.stringify(c)} outside quotes at ${i}`);
    } else {
      cell += c;
      i++;
    }
  }
  if (cell !== '' || row.length > 0) throw new Error('the last row has no CRLF');
  return rows;
}

const temp = tempDirs('all');

let dir: string;
let opened: OpenedCase;
let total: number;

beforeAll(async () => {
  dir = temp('chainline-export-');
  const hostile = join(dir, 'hostile.jsonl');
  writeHostileEvidence(hostile);
  await importCase(join(dir, 'case'), [hostile, DEMO_EVIDENCE_DIR]);
  opened = await openAnalyzedCase(join(dir, 'case'));
  total = (await opened.store.overview()).totalEvents;
});
afterAll(async () => {
  // Closed before tempDirs removes the folder: Vitest runs after-hooks last registered first.
  await opened?.store.close();
});

describe('CSV cells', () => {
  it('neutralises formulas and quotes by RFC 4180', () => {
    for (const v of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeFormula(v)).toBe(`'${v}`);
    for (const v of ['a=1', ' =1', 'C:\\x', '']) expect(neutralizeFormula(v)).toBe(v);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell('x'.repeat(40_000))).toMatch(/^"x{32000}…\[clipped: 40,000 characters in full\]"$/);
  });
});

describe('event exports', () => {
  it('CSV: BOM, one row per event, parseable, formulas neutralised', async () => {
    const out = join(dir, 'events.csv');
    const result = await exportEvents(opened.store, 'csv', out);
    expect(result.records).toBe(total);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual([...EVENT_CSV_COLUMNS]);
    expect(rows.length).toBe(total + 1);
    for (const r of rows) expect(r.length).toBe(EVENT_CSV_COLUMNS.length);
    const col = (name: (typeof EVENT_CSV_COLUMNS)[number]): number => EVENT_CSV_COLUMNS.indexOf(name);
    const formulaRow = rows.find((r) => r[col('CommandLine')] === `'${FORMULA_PAYLOADS.equals}`);
    if (!formulaRow) throw new Error('the formula command line is not neutralised in the CSV');
    expect(formulaRow[col('ExecutableInfo')]).toBe(`'${FORMULA_PAYLOADS.minus}`);
    expect(formulaRow[col('ParentExecutable')]).toBe(`'${FORMULA_PAYLOADS.plus}`);
    expect(formulaRow[col('UserName')]).toBe(`NT AUTHORITY\\${FORMULA_PAYLOADS.at}`);
    // No cell of the file starts a formula.
    for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // Times sort as text and are UTC in Timeline Explorer's form.
    const times = rows.slice(1).map((r) => r[col('TimeCreated')] as string);
    for (const t of times) expect(t).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{7}$/);
    expect([...times].sort()).toEqual(times);
  });

  it('JSON lines of normalized events, in time order, with data verbatim', async () => {
    const out = join(dir, 'events.jsonl');
    expect((await exportEvents(opened.store, 'jsonl', out)).records).toBe(total);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(total);
    const blob = lines.find((l) => String((l['data'] as Record<string, string>)['CommandLine'] ?? '').length > 5_000_000);
    expect(blob, 'the 5 MB command line is exported in full').toBeDefined();
    for (const l of lines) expect(Object.keys(l)).toEqual(['id', 'time', 'timePrecision', 'host', 'channel', 'provider', 'eventId', 'recordId', 'summary', 'recovered', 'evidence', 'system', 'data']);
  });

  it('Timesketch JSONL and CSV carry message, datetime, timestamp_desc and the fields', async () => {
    const out = join(dir, 'timesketch.jsonl');
    expect((await exportEvents(opened.store, 'timesketch', out)).records).toBe(total);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(total);
    for (const l of lines) {
      expect(typeof l['message']).toBe('string');
      expect((l['message'] as string).length).toBeGreaterThan(0);
      expect(l['datetime']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
      expect(Number.isNaN(Date.parse(l['datetime'] as string))).toBe(false);
      expect(typeof l['timestamp_desc']).toBe('string');
      expect(Number.isSafeInteger(l['timestamp'])).toBe(true);
      expect(Math.floor((l['timestamp'] as number) / 1000)).toBe(Date.parse(l['datetime'] as string));
    }
    const logon = lines.find((l) => l['event_identifier'] === 4624 && l['TargetLogonId'] === HOSTILE_LOGON_ID);
    expect(logon?.['computer_name']).toBe('HOSTILE01.corp.example');

    const csvOut = join(dir, 'timesketch.csv');
    expect((await exportEvents(opened.store, 'timesketch-csv', csvOut)).records).toBe(total);
    const rows = parseCsv(readFileSync(csvOut, 'utf8'));
    expect(rows[0]).toEqual([...TIMESKETCH_CSV_COLUMNS]);
    expect(rows.slice(0, 1)[0]!.slice(0, 4)).toEqual(['message', 'datetime', 'timestamp', 'timestamp_desc']);
    expect(rows.length).toBe(total + 1);
    // Timesketch keeps values as they are (no spreadsheet quote added).
    expect(rows.some((r) => r[TIMESKETCH_CSV_COLUMNS.indexOf('command_line')] === FORMULA_PAYLOADS.equals)).toBe(true);
  });

  it('ECS NDJSON: bulk action lines and the fields Elasticsearch and ECS need', async () => {
    const out = join(dir, 'ecs.ndjson');
    expect((await exportEvents(opened.store, 'ecs', out)).records).toBe(total);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(total * 2);
    const docs: Record<string, any>[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      expect(JSON.parse(lines[i] as string)).toEqual({ index: {} });
      docs.push(JSON.parse(lines[i + 1] as string) as Record<string, any>);
    }
    const keyProblems: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      for (const [k, v] of Object.entries(value)) {
        if (k === '' || k.includes('.') && k !== '@timestamp') keyProblems.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
    };
    for (const d of docs) {
      expect(Number.isNaN(Date.parse(d['@timestamp']))).toBe(false);
      expect(typeof d.event.code).toBe('string');
      expect(d.event.code).toMatch(/^\d+$/);
      expect(typeof d.event.provider).toBe('string');
      expect(typeof d.host.name).toBe('string');
      expect(typeof d.winlog.channel).toBe('string');
      expect(typeof d.winlog.event_data).toBe('object');
      if (d.process?.pid != null) expect(Number.isSafeInteger(d.process.pid)).toBe(true);
      walk(d, '');
    }
    expect(keyProblems).toEqual([]);

    const logon = docs.find((d) => d.event.code === '4624' && d.winlog.event_data.TargetLogonId === HOSTILE_LOGON_ID);
    if (!logon) throw new Error('no hostile 4624 in the ECS export');
    expect(logon.winlog.logon.id).toBe(HOSTILE_LOGON_ID);
    expect(logon.winlog.event_data.SubjectLogonId).toBe('0x3e7'); // kept apart from TargetLogonId
    expect(logon.user.name).toMatch(/^mallory/);
    expect(logon.source.ip).toBe('198.51.100.66');

    const proc = docs.find((d) => d.event.code === '4688' && d.process?.pid === 0x1000);
    if (!proc) throw new Error('no hostile 4688 in the ECS export');
    expect(proc.process.executable).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(proc.process.name).toBe('cmd.exe');
    expect(proc.process.command_line).toContain('<script>');
    expect(proc.process.parent.pid).toBe(0x2a0);
    expect(proc.process.parent.executable).toBe('C:\\Windows\\System32\\wsmprovhost.exe');
    expect(proc.user).toEqual({ name: 'mallory', domain: 'CORP', id: 'S-1-5-21-1-2-3-1105' });
    expect(proc.winlog.logon.id).toBe(HOSTILE_LOGON_ID);
    expect(proc.winlog.record_id).toBe('3');
    expect(proc['@timestamp']).toBe('2024-05-01T10:00:02.1234567Z');
    // Sysmon's DOMAIN\user and decimal PIDs.
    const sysmon = docs.find((d) => d.event.code === '1' && d.event.provider === 'Microsoft-Windows-Sysmon');
    if (sysmon) {
      expect(Number.isSafeInteger(sysmon.process.pid)).toBe(true);
      expect(sysmon.user.name).not.toContain('\\');
    }
    // Every document's time is the event's, to the 100 ns.
    const jsonl = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { id: number; time: string });
    const timeById = new Map(jsonl.map((e) => [e.id, e.time]));
    for (const d of docs) expect(d['@timestamp']).toBe(timeById.get(d.chainline.event_id));

    const bare = join(dir, 'ecs-docs.ndjson');
    await exportEvents(opened.store, 'ecs', bare, { bulkAction: false });
    expect(readFileSync(bare, 'utf8').trimEnd().split('\n')).toHaveLength(total);
  });
});

describe('case exports', () => {
  it('Parquet of events, sessions and processes reads back with the same row counts', async () => {
    const out = join(dir, 'parquet');
    const result = await exportParquet(opened.store, opened.analysis, out);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const count = async (file: string): Promise<number> =>
        Number((await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${file}')`)).getRowObjectsJS()[0]!['n']);
      expect(await count(result.events)).toBe(total);
      expect(await count(result.sessions)).toBe(opened.analysis.sessions.length);
      expect(await count(result.processes)).toBe(opened.analysis.document.processes.length);
      expect(opened.analysis.sessions.length).toBeGreaterThan(3);
      const first = (await conn.runAndReadAll(`SELECT host, event_id, time FROM read_parquet('${result.events}') ORDER BY ticks LIMIT 1`)).getRowObjectsJS()[0]!;
      expect(typeof first['host']).toBe('string');
      const cand = (await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${result.processes}') WHERE len(candidates) >= 0`)).getRowObjectsJS()[0]!;
      expect(Number(cand['n'])).toBe(opened.analysis.document.processes.length);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
    expect(readdirSync(out).sort()).toEqual(['events.parquet', 'processes.parquet', 'sessions.parquet']);
  });

  it('findings CSV and the Navigator layer', async () => {
    const findings: Finding[] = [
      {
        id: 'x:1',
        ruleId: 'x',
        ruleTitle: '=Formula title',
        level: 'high',
        origin: 'builtin',
        tags: ['attack.execution', 'attack.t1059.001'],
        eventIds: [1, 2],
        time: '2024-05-01T10:00:00.0000000Z',
        host: 'H',
        sessionId: 's',
        processId: null,
        summary: '-enc AAAA, "quoted"',
        suppressed: { entryId: 'a', kind: 'allow', reason: '@reason', by: 'ana', at: '2024-05-02' },
      },
    ];
    const out = join(dir, 'findings.csv');
    expect(await exportFindingsCsv(findings, out)).toBe(1);
    const rows = parseCsv(readFileSync(out, 'utf8').slice(1));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual([
      '2024-05-01 10:00:00.0000000', 'high', "'=Formula title", 'x', 'builtin', 'Execution', 'T1059.001', 'H', 's', '', '1 2',
      `'-enc AAAA, "quoted"`, 'true', 'allow', "'@reason", 'ana', '2024-05-02', 'x:1',
    ]);
    const layerPath = join(dir, 'layer.json');
    await writeNavigatorLayer({ name: 'case', domain: 'enterprise-attack', techniques: [{ techniqueID: 'T1059.001', score: 1 }] }, layerPath);
    expect(JSON.parse(readFileSync(layerPath, 'utf8')).techniques[0].techniqueID).toBe('T1059.001');
    await expect(writeNavigatorLayer(null, layerPath)).rejects.toThrow(/JSON object/);
  });

  it('the case bundle holds the database and a manifest, and opens as a case elsewhere', async () => {
    const out = join(temp('chainline-bundle-'), 'bundle');
    const manifest = await exportCaseBundle(opened.store, out);
    const overview = await opened.store.overview();
    expect(manifest.counts.events).toBe(total);
    expect(manifest.evidence.map((e) => e.sha256)).toEqual(overview.evidence.map((e) => e.sha256));
    // With the correlation kept in the case (the copy opens without correlating again).
    expect(readdirSync(out).sort()).toEqual([BUNDLE_MANIFEST_FILE, 'case.duckdb', 'case.json', CORRELATION_RESULT_FILE].sort());
    const onDisk = JSON.parse(readFileSync(join(out, BUNDLE_MANIFEST_FILE), 'utf8')) as BundleManifest;
    expect(onDisk.format).toBe('chainline-case-bundle');
    const copy = await CaseStore.open(out);
    try {
      const o = await copy.overview();
      expect(o.totalEvents).toBe(total);
      expect(o.evidence.map((e) => e.sha256)).toEqual(overview.evidence.map((e) => e.sha256));
      const page = await copy.queryEvents({ filter: { text: HOSTILE_LOGON_ID }, sort: 'asc', offset: 0, limit: 10 });
      expect(page.total).toBeGreaterThan(0);
    } finally {
      await copy.close();
    }
    await expect(exportCaseBundle(opened.store, out)).rejects.toThrow(/not empty/);
  });
});
