// Case-level exports: findings as CSV, Parquet of events, sessions and processes (DuckDB's
// COPY), the ATT&CK Navigator layer, and the case bundle (the database plus a manifest of
// evidence hashes, without the evidence).

import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding } from '../../../shared/findings.js';
import { APP_VERSION } from '../app-paths.js';
import type { CaseAnalysis } from '../case-analysis.js';
import { CASE_DB_FILE, CASE_MANIFEST_FILE, type CaseStore } from '../store/case-store.js';
import { SCHEMA_VERSION } from '../store/schema.js';
import { tacticsOf, techniquesOf } from '../report/attack.js';
import { csvRow, UTF8_BOM } from './csv.js';
import { TextSink } from './text-sink.js';

export const FINDING_CSV_COLUMNS = [
  'Time',
  'Level',
  'Rule',
  'RuleId',
  'Origin',
  'Tactics',
  'Techniques',
  'Host',
  'SessionId',
  'ProcessId',
  'EventIds',
  'Summary',
  'Suppressed',
  'SuppressionKind',
  'SuppressionReason',
  'SuppressedBy',
  'SuppressedAt',
  'FindingId',
] as const;

export async function exportFindingsCsv(findings: readonly Finding[], path: string): Promise<number> {
  const sink = new TextSink(path);
  await sink.write(UTF8_BOM + csvRow([...FINDING_CSV_COLUMNS]));
  for (const f of findings) {
    await sink.write(
      csvRow([
        f.time.replace('T', ' ').replace(/Z$/, ''),
        f.level,
        f.ruleTitle,
        f.ruleId,
        f.origin,
        tacticsOf(f.tags).join('; '),
        techniquesOf(f.tags).join('; '),
        f.host,
        f.sessionId,
        f.processId,
        f.eventIds.join(' '),
        f.summary,
        f.suppressed !== null,
        f.suppressed?.kind,
        f.suppressed?.reason,
        f.suppressed?.by,
        f.suppressed?.at,
        f.id,
      ]),
    );
  }
  await sink.close();
  return findings.length;
}

/** Writes the ATT&CK Navigator layer JSON (built by detection) as it is. */
export async function writeNavigatorLayer(layer: unknown, path: string): Promise<void> {
  if (typeof layer !== 'object' || layer === null) throw new Error('the ATT&CK Navigator layer must be a JSON object');
  await writeFile(path, JSON.stringify(layer, null, 2) + '\n');
}

const SESSION_COLUMNS = `{id: 'VARCHAR', host: 'VARCHAR', logonId: 'VARCHAR', logonType: 'INTEGER', logonTypeName: 'VARCHAR', user: 'VARCHAR',
  domain: 'VARCHAR', sourceIp: 'VARCHAR', workstation: 'VARCHAR', start: 'VARCHAR', "end": 'VARCHAR', admin: 'BOOLEAN',
  createdBySessionId: 'VARCHAR', linkedSessionId: 'VARCHAR', processes: 'BIGINT', scripts: 'BIGINT', services: 'BIGINT'}`;
const PROCESS_COLUMNS = `{id: 'VARCHAR', host: 'VARCHAR', pid: 'BIGINT', guid: 'VARCHAR', image: 'VARCHAR', commandLine: 'VARCHAR',
  decodedCommand: 'VARCHAR', start: 'VARCHAR', "end": 'VARCHAR', user: 'VARCHAR', logonId: 'VARCHAR', sessionId: 'VARCHAR',
  integrity: 'VARCHAR', elevation: 'VARCHAR', parentId: 'VARCHAR', parentBasis: 'VARCHAR', candidates: 'VARCHAR[]'}`;

async function jsonLinesToParquet(store: CaseStore, rows: Iterable<unknown>, columns: string, tmpPath: string, out: string): Promise<number> {
  const sink = new TextSink(tmpPath);
  let n = 0;
  try {
    for (const row of rows) {
      await sink.write(JSON.stringify(row) + '\n');
      n++;
    }
    await sink.close();
    const source = `'${resolve(tmpPath).replace(/'/g, "''")}'`;
    await store.copyToParquet(`SELECT * FROM read_json(${source}, format = 'newline_delimited', columns = ${columns})`, out);
  } finally {
    await rm(tmpPath, { force: true });
  }
  return n;
}

export interface ParquetExport {
  readonly events: string;
  readonly sessions: string;
  readonly processes: string;
  readonly counts: { readonly events: number; readonly sessions: number; readonly processes: number };
}

/** events.parquet, sessions.parquet and processes.parquet in `dir` (created when missing). */
export async function exportParquet(store: CaseStore, analysis: CaseAnalysis, dir: string): Promise<ParquetExport> {
  await mkdir(dir, { recursive: true });
  const events = join(dir, 'events.parquet');
  const sessions = join(dir, 'sessions.parquet');
  const processes = join(dir, 'processes.parquet');
  await store.eventsToParquet(events);
  const sessionCount = await jsonLinesToParquet(store, analysis.sessions, SESSION_COLUMNS, join(dir, '.sessions.jsonl.tmp'), sessions);
  const processCount = await jsonLinesToParquet(store, analysis.document.processes, PROCESS_COLUMNS, join(dir, '.processes.jsonl.tmp'), processes);
  return {
    events,
    sessions,
    processes,
    counts: { events: await store.parquetRowCount(events), sessions: sessionCount, processes: processCount },
  };
}

export const BUNDLE_MANIFEST_FILE = 'bundle.json';

export interface BundleManifest {
  readonly format: 'chainline-case-bundle';
  readonly chainlineVersion: string;
  readonly schemaVersion: number;
  readonly caseName: string;
  readonly exportedAt: string;
  readonly counts: { readonly events: number; readonly evidence: number; readonly hosts: number };
  /** The evidence is not in the bundle: its paths and hashes say what to ask for. */
  readonly evidence: readonly { readonly path: string; readonly size: number; readonly mtime: string; readonly sha256: string; readonly status: string; readonly events: number }[];
  readonly files: readonly { readonly name: string; readonly size: number }[];
}

/**
 * Copies the case (its database, case manifest and any other case files, but no evidence and
 * no temporary files) into `outDir`, with a bundle manifest. The store is checkpointed first
 * so that the database file holds everything; another Chainline opens the copy as a case.
 */
export async function exportCaseBundle(store: CaseStore, outDir: string): Promise<BundleManifest> {
  const target = resolve(outDir);
  if (target === resolve(store.dir)) throw new Error('the bundle must go to another folder than the case');
  if (existsSync(target) && (await readdir(target)).length > 0) throw new Error(`${target} is not empty`);
  await mkdir(target, { recursive: true });
  const overview = await store.overview();
  await store.checkpoint();
  const files: { name: string; size: number }[] = [];
  for (const name of await readdir(store.dir)) {
    // The write-ahead log is empty after the checkpoint; tmp/ is DuckDB's spill folder.
    if (name === 'tmp' || name.endsWith('.wal') || name.endsWith('.tmp')) continue;
    const from = join(store.dir, name);
    const info = await stat(from);
    if (!info.isFile()) continue;
    await copyFile(from, join(target, name));
    files.push({ name, size: info.size });
  }
  if (!files.some((f) => f.name === CASE_DB_FILE) || !files.some((f) => f.name === CASE_MANIFEST_FILE)) {
    throw new Error(`${store.dir} has no ${CASE_DB_FILE} or ${CASE_MANIFEST_FILE}`);
  }
  const manifest: BundleManifest = {
    format: 'chainline-case-bundle',
    chainlineVersion: APP_VERSION,
    schemaVersion: SCHEMA_VERSION,
    caseName: store.info.name,
    exportedAt: new Date().toISOString(),
    counts: { events: overview.totalEvents, evidence: overview.evidence.length, hosts: overview.hosts.length },
    evidence: overview.evidence.map((e) => ({ path: e.path, size: e.size, mtime: e.mtime, sha256: e.sha256, status: e.status, events: e.events })),
    files,
  };
  await writeFile(join(target, BUNDLE_MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
