// `npm run bench`: end-to-end import of a ≥ 200 MB wevtutil-style XML export and a ≥ 200 MB
// JSON-lines file into fresh DuckDB cases, printing MB/s, events/s, peak RSS and the time until
// the first page of events can be shown — side by side with two references measured in the
// same run: reading the file raw, and DuckDB importing the same JSON lines with its own
// native reader (read_json), which does no Windows normalization at all.
//
// Each import runs in a child process so that its peak RSS is its own.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { startEngine } from '../electron/engine/worker/engine-client.js';
import { writeJsonLines } from '../electron/engine/readers/json/json-fixture.js';
import { writeWevtutilXml } from '../electron/engine/readers/xml/xml-fixture.js';

const MB = 1024 * 1024;
const TARGET_BYTES = Number(process.env['BENCH_MB'] ?? 200) * MB;
const BENCH_DIR = process.env['BENCH_DIR'] ?? join(tmpdir(), 'chainline-bench');

interface ImportResult {
  readonly seconds: number;
  /** Correlation over the case, which the engine runs once the import is done. */
  readonly correlateSeconds: number;
  readonly peakRssWithCorrelationMb: number;
  readonly firstPageSeconds: number | null;
  readonly events: number;
  readonly errors: number;
  readonly peakRssMb: number;
  /** CPU seconds of the import (all threads of the process, DuckDB's too): steadier than wall time on a shared machine. */
  readonly cpuSeconds: number;
}

async function importOnce(file: string): Promise<ImportResult> {
  const caseDir = mkdtempSync(join(tmpdir(), 'chainline-bench-case-'));
  const engine = startEngine();
  try {
    await engine.openCase(caseDir);
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    await engine.openEvidence({ paths: [file] });
    let firstPage: number | null = null;
    for (;;) {
      const status = await engine.getIngestStatus();
      if (firstPage === null) {
        const page = await engine.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 100 });
        if (page.rows.length > 0) firstPage = (performance.now() - started) / 1000;
      }
      if (status.phase === 'done' || status.phase === 'failed' || status.phase === 'cancelled') {
        // The run ends with a checkpoint after the phase turns to done: it is part of the import.
        await engine.waitForIngest();
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        const peakRssMb = process.resourceUsage().maxRSS / 1024;
        const overview = await engine.getCaseOverview();
        const correlateStarted = performance.now();
        // BENCH_SKIP_CORRELATION=1 leaves it out (back-to-back import comparisons).
        if (process.env['BENCH_SKIP_CORRELATION'] !== '1') await engine.listSessions();
        return {
          seconds,
          correlateSeconds: (performance.now() - correlateStarted) / 1000,
          peakRssWithCorrelationMb: process.resourceUsage().maxRSS / 1024,
          firstPageSeconds: firstPage,
          events: overview.totalEvents,
          errors: status.errors,
          peakRssMb,
          cpuSeconds,
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await engine.shutdown();
    rmSync(caseDir, { recursive: true, force: true });
  }
}

async function rawReadSeconds(file: string): Promise<number> {
  const handle = await open(file, 'r');
  const buffer = Buffer.allocUnsafe(4 * MB);
  const started = performance.now();
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
    }
  } finally {
    await handle.close();
  }
  return (performance.now() - started) / 1000;
}

async function duckdbNativeJson(file: string): Promise<{ seconds: number; rows: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'chainline-bench-duck-'));
  try {
    const instance = await DuckDBInstance.create(join(dir, 'ref.duckdb'), { threads: '2' });
    const conn = await instance.connect();
    const started = performance.now();
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', union_by_name = true, maximum_object_size = 67108864)`);
    const seconds = (performance.now() - started) / 1000;
    const reader = await conn.runAndReadAll('SELECT count(*) AS n FROM t');
    const rows = Number((reader.getRowObjectsJS()[0] as { n: bigint }).n);
    conn.closeSync();
    instance.closeSync();
    return { seconds, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function child(kind: string, file: string): ImportResult {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', kind, file], {
    encoding: 'utf8',
    maxBuffer: 16 * MB,
  });
  if (result.status !== 0) throw new Error(`${kind} import failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as ImportResult;
}

async function ensureFixture(kind: 'xml' | 'jsonl'): Promise<string> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = join(BENCH_DIR, kind === 'xml' ? `wevtutil-${TARGET_BYTES / MB}mb.xml` : `collector-${TARGET_BYTES / MB}mb.jsonl`);
  if (!existsSync(file) || statSync(file).size < TARGET_BYTES) {
    process.stderr.write(`generating ${file}…\n`);
    if (kind === 'xml') await writeWevtutilXml(file, TARGET_BYTES);
    else await writeJsonLines(file, TARGET_BYTES);
  }
  return file;
}

function row(cells: readonly string[]): string {
  const widths = [34, 8, 8, 10, 12, 12, 14];
  return cells.map((c, i) => c.padEnd(widths[i] ?? 12)).join(' ');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const result = await importOnce(process.argv[4] as string);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const xml = await ensureFixture('xml');
  const jsonl = await ensureFixture('jsonl');
  console.log(
    `Chainline ingest benchmark — ${new Date().toISOString()} — ${process.platform} ${process.arch}, node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(row(['run', 'MB', 'MB/s', 'CPU s', 'events/s', 'peak RSS MB', 'first page s']));
  // `--only xml` or `--only json` runs one of the two.
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  for (const [label, file, target] of [
    ['XML (wevtutil) → case', xml, '≥ 10 MB/s'],
    ['JSON lines → case', jsonl, '≥ 40 MB/s'],
  ] as const) {
    if (only !== undefined && !label.toLowerCase().startsWith(only)) continue;
    const size = statSync(file).size / MB;
    const raw = await rawReadSeconds(file);
    const r = child(label, file);
    console.log(
      row([
        label,
        size.toFixed(0),
        (size / r.seconds).toFixed(1),
        r.cpuSeconds.toFixed(1),
        Math.round(r.events / r.seconds).toString(),
        r.peakRssMb.toFixed(0),
        r.firstPageSeconds === null ? 'n/a' : r.firstPageSeconds.toFixed(2),
      ]) + `  (target ${target}, RSS ≤ 600 MB; ${r.events} events, ${r.errors} errors; load ${(loadavg()[0] ?? 0).toFixed(2)})`,
    );
    console.log(
      row(['  then correlation over the case', '', '', '', Math.round(r.events / r.correlateSeconds).toString(), r.peakRssWithCorrelationMb.toFixed(0), '']) +
        `  (${r.correlateSeconds.toFixed(1)} s; runs after the import, beside the queries)`,
    );
    console.log(row(['  reference: raw read of the file', size.toFixed(0), (size / raw).toFixed(1), '', '', '', '']));
    if (file === jsonl) {
      const ref = await duckdbNativeJson(file);
      console.log(
        row(['  reference: DuckDB read_json', size.toFixed(0), (size / ref.seconds).toFixed(1), '', Math.round(ref.rows / ref.seconds).toString(), '', '']) +
          '  (no normalization, same file)',
      );
    }
  }
}

await main();
