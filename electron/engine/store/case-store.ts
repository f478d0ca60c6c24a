// The case store: one DuckDB database per case folder. Events go in through an appender in
// bulk; everything the renderer sees comes out as pages. The evidence itself never lives
// here — only its path, hash and the normalized events with a pointer back into it.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type {
  CaseCoverage,
  EventHistogram,
  HistogramRequest,
  Note,
  NoteInput,
  CaseInfo,
  CaseOverview,
  CountRow,
  EventFilter,
  EventPage,
  EventQuery,
  EventRow,
  EvidenceFileInfo,
  EvidenceStatus,
} from '../../../shared/api.js';
import type { EvidenceFormat, NormalizedEvent, ReadError, SourcePointer, TimeSource } from '../../../shared/events.js';
import { formatReadError } from '../../../shared/events.js';
import { severityRank, type Finding, type FindingPage, type FindingQuery, type Severity, type Suppression } from '../../../shared/findings.js';
import type { AllowListEntry } from '../../../shared/allowlist.js';
import { parseTimestamp, ticksToIso, type TimePrecision } from '../../../shared/time.js';
import { hostKeyOf } from '../../../shared/host-key.js';
import { OLDEST_OPENABLE_SCHEMA, SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { prepareRows, STRINGS_PER_EVENT, type EventMeta, type PreparedRows } from '../ingest/prepared-rows.js';
import { valueStart } from '../../../shared/value-ends.js';
import { EventChunkWriter } from '../ingest/event-chunks.js';

export const CASE_DB_FILE = 'case.duckdb';

/** See CaseStore.eventStamp. */
export interface EventStamp {
  readonly events: number;
  readonly maxRowId: number;
}
export const CASE_MANIFEST_FILE = 'case.json';

interface CaseManifest {
  readonly format: 'chainline-case';
  readonly schemaVersion: number;
  readonly name: string;
  readonly createdAt: string;
  readonly demo: boolean;
}

export interface NewEvidence {
  readonly path: string;
  readonly format: EvidenceFormat | 'unknown';
  readonly size: number;
  readonly mtime: string;
  readonly sha256: string;
}

const RECOVERED_SQL = `coalesce((meta ->> 'r') = 'true', false)`;

/** How many error messages per file the overview keeps (all are in read_errors). */
const ERROR_SAMPLES = 20;
/** The name the case database is attached under. */
const CASE_DB_ALIAS = 'case_db';
/**
 * Rows per row group of the case database (DuckDB's default is 122,880). DuckDB keeps the
 * rows committed since the last checkpoint in memory, uncompressed, and a checkpoint
 * recompresses the row group it ends inside; so the store checkpoints an import at each
 * row-group boundary (appendPrepared), and the row group bounds an import's memory: 122,880
 * collector events are ~160 MB of text, and checkpointing them peaked at 630-700 MB RSS on a
 * 400 MB file. 30,720 (15 vectors) measured 410-480 MB at 200-800 MB, with less CPU than one
 * checkpoint at the end (the WAL no longer holds the whole import).
 *
 * A commit of a whole row group does better still: DuckDB writes a transaction's full row
 * groups to the database file compressed as they fill ("optimistic writes") and the commit
 * only links them in, so those rows go neither through the WAL nor through a checkpoint. The
 * store therefore commits at each row-group boundary and checkpoints only after commits of
 * less than a row group (flushes for visibility), whose rows DuckDB holds uncompressed.
 */
export const CASE_ROW_GROUP_ROWS = 30_720;
/**
 * Text appended since the last checkpoint beyond which appendPrepared checkpoints anyway:
 * a row group of events with large values (script blocks) must not fill the memory either.
 */
const CHECKPOINT_BYTES = 64 * 1024 * 1024;
/**
 * Rows of small commits (not yet checkpointed) up to which a transaction that began inside a
 * row group may run on to a whole row group (runsOn): the engine's first-page flush is
 * 500 rows. Beyond it (a slow reader's timed flushes) the transaction ends at the table's
 * boundary as before, so a row group is not left short and memory stays near one row group.
 */
const RUN_ON_MAX_SMALL_ROWS = CASE_ROW_GROUP_ROWS / 8;
/** Rows an import must still expect for runsOn (three whole row groups, and a margin for the estimate). */
const RUN_ON_MIN_ROWS = CASE_ROW_GROUP_ROWS * 3.5;
const MEMORY_LIMIT = '256MB';
/** DuckDB's threads (two cores here; its own threads share them with the readers). */
const DUCKDB_THREADS = 2;
/**
 * DuckDB's threads from an import's first append to the checkpoint that follows it (the end of
 * the run, however many files it imports: see importSettings). A commit (row groups written as
 * they fill) or a checkpoint of one short row group is one task: with a second thread, that
 * thread ran it while the calling thread spun waiting for it (mutexes and task polling), half
 * a CPU second in a 200 MB JSON-lines import, taken from the readers. Alone, the calling
 * thread runs the task itself: store-only appends of that file measured 2.0-2.3 CPU s against
 * 2.4-2.9 (alternated, load 4-5).
 */
const IMPORT_THREADS = 1;
/**
 * DuckDB's memory limit over the same span as IMPORT_THREADS. The blocks a checkpoint writes
 * stay cached up to the limit, of no use to the import: at 256 MB an 800 MB file peaked
 * ~140 MB higher. Since commits wait for a whole row group (up to ~45 MB of uncommitted rows),
 * 128 MB let a 400 MB XML import peak at 576–630 MB; at 80 MB it peaked at 545–551 MB, and a
 * 200 MB JSON-lines import ran at the same speed (33.5–33.8 MB/s in alternating runs).
 */
const IMPORT_MEMORY_LIMIT = '80MB';

function num(value: unknown): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return 0;
  return Number(value);
}

function optNum(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

/** Escapes a user's search text for ILIKE … ESCAPE '!'. */
function likePattern(text: string): string {
  return '%' + text.replace(/[!%_]/g, (c) => '!' + c) + '%';
}

/**
 * Data is stored as JSON text; a search term is matched against it in its JSON-escaped form,
 * so `C:\Windows` finds `"C:\\Windows"` without a second, unescaped copy of every value.
 */
function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

export class CaseStore {
  private appender: DuckDBAppender | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  private nextEventId = 1;
  /** Rows in the events table (where the next appended row falls in its row group). */
  private tableRows = 0;
  /**
   * Text bytes in memory: appended since the last commit, or committed in transactions of
   * less than a row group since the last checkpoint.
   */
  private uncheckpointedBytes = 0;
  /** Rows appended since the last commit (the appender's open transaction). */
  private transactionRows = 0;
  /** Text bytes appended since the last commit. */
  private transactionBytes = 0;
  /** Rows committed in transactions of less than a row group since the last checkpoint. */
  private uncheckpointedRows = 0;
  private chunkWriter: EventChunkWriter | null = null;
  /** Where the import expects the table to end (expectRows), and its decision of runsOn. */
  private expectedEnd = 0;
  private runOnImport: boolean | null = null;
  /** Text bytes of the open transaction's whole row group that it kept open (tailRunsOn). */
  private tailGroupBytes = 0;
  /**
   * DuckDB runs on IMPORT_THREADS and IMPORT_MEMORY_LIMIT from an import's first append to the
   * checkpoint after it (the end of the run, for an import of many files): set and reset once
   * per run, not per file. Each SET memory_limit took 2–5 ms, about 1.5 s over a folder of 210
   * small logs when it was set and reset for every file.
   */
  private importSettings = false;
  /**
   * What the import's duplicate checks read of each evidence row, by id in ascending order:
   * loaded at open and kept in step with every write to `evidence` (this store is its only
   * writer). A folder of small logs asked the database three times per file (size, hash, next
   * id), 2–3 ms each.
   */
  private readonly evidenceKeys = new Map<number, { size: number; sha256: string; status: EvidenceStatus }>();
  private lastEvidenceId = 0;
  private caseFileWrites = 0;

  private constructor(
    readonly dir: string,
    readonly info: CaseInfo,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    // Appending runs on its own connection: node-api calls are asynchronous, and a query on
    // the appender's connection could run on another thread while rows are being appended.
    private readonly appendConn: DuckDBConnection,
  ) {}

  /** Opens the case in `dir`, creating it when the folder holds none. */
  static async open(dir: string, options: { name?: string; demo?: boolean } = {}): Promise<CaseStore> {
    const caseDir = resolve(dir);
    await mkdir(caseDir, { recursive: true });
    const manifestPath = join(caseDir, CASE_MANIFEST_FILE);
    let manifest: CaseManifest;
    if (existsSync(manifestPath)) {
      const parsed = JSON.parse(await readFile(manifestPath, 'utf8')) as Partial<CaseManifest>;
      if (parsed.format !== 'chainline-case') throw new Error(`${manifestPath} is not a Chainline case manifest`);
      manifest = {
        format: 'chainline-case',
        schemaVersion: num(parsed.schemaVersion),
        name: String(parsed.name ?? basename(caseDir)),
        createdAt: String(parsed.createdAt ?? ''),
        demo: parsed.demo === true,
      };
      if (manifest.schemaVersion > SCHEMA_VERSION) {
        throw new Error(`${caseDir} was written by a newer Chainline (case schema ${manifest.schemaVersion})`);
      }
      if (manifest.schemaVersion >= OLDEST_OPENABLE_SCHEMA && manifest.schemaVersion < SCHEMA_VERSION) {
        // Later schemas only add tables; SCHEMA_SQL below creates them.
        manifest = { ...manifest, schemaVersion: SCHEMA_VERSION };
        const onDisk = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
        await writeFile(manifestPath, JSON.stringify({ ...onDisk, schemaVersion: SCHEMA_VERSION }, null, 2) + '\n');
      }
      if (manifest.schemaVersion < SCHEMA_VERSION) {
        // Schemas before OLDEST_OPENABLE_SCHEMA predate any release.
        throw new Error(
          `${caseDir} was written by an older development build (case schema ${manifest.schemaVersion}, now ${SCHEMA_VERSION}); import its evidence into a new case`,
        );
      }
    } else {
      manifest = {
        format: 'chainline-case',
        schemaVersion: SCHEMA_VERSION,
        name: options.name ?? basename(caseDir),
        createdAt: new Date().toISOString(),
        demo: options.demo ?? false,
      };
      await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    }
    // The case database is attached (not opened as the instance's own) for ROW_GROUP_SIZE,
    // which only ATTACH takes: see CASE_ROW_GROUP_ROWS.
    const instance = await DuckDBInstance.create(':memory:', {
      // Two cores here; DuckDB's own threads share them with the readers.
      threads: String(DUCKDB_THREADS),
      // DuckDB would otherwise cache up to 80% of RAM; an import must stay within a few
      // hundred MB whatever the evidence size (it spills to the case folder if it must).
      // An import lowers it further (IMPORT_MEMORY_LIMIT).
      memory_limit: MEMORY_LIMIT,
      temp_directory: join(caseDir, 'tmp'),
      // The store checkpoints an import itself, at row-group boundaries (appendPrepared); this
      // is a backstop. The default (16 MB) checkpoints after almost every flush of an import
      // (20,000 rows are ~30 MB of JSON text), rewriting and recompressing the open row group
      // each time: about half of DuckDB's CPU in an import.
      wal_autocheckpoint: '256MB',
    });
    const conn = await instance.connect();
    const dbPath = join(caseDir, CASE_DB_FILE).replace(/'/g, "''");
    await conn.run(`ATTACH '${dbPath}' AS ${CASE_DB_ALIAS} (ROW_GROUP_SIZE ${CASE_ROW_GROUP_ROWS})`);
    await conn.run(`USE ${CASE_DB_ALIAS}`);
    await conn.run(SCHEMA_SQL);
    const appendConn = await instance.connect();
    await appendConn.run(`USE ${CASE_DB_ALIAS}`);
    const store = new CaseStore(
      caseDir,
      { dir: caseDir, name: manifest.name, createdAt: manifest.createdAt, demo: manifest.demo },
      instance,
      conn,
      appendConn,
    );
    await store.recoverInterrupted();
    await store.loadEvidenceKeys();
    const max = await store.scalar('SELECT coalesce(max(id), 0) AS v FROM events');
    store.nextEventId = num(max) + 1;
    store.tableRows = num(await store.scalar('SELECT count(*) AS v FROM events'));
    return store;
  }

  /**
   * A file whose import was cut short (window closed, process killed) is marked incomplete
   * and its counters are recomputed from what actually reached the database.
   */
  private async recoverInterrupted(): Promise<void> {
    await this.exec(`
      UPDATE evidence SET status = 'incomplete',
        events = (SELECT count(*) FROM events e WHERE e.evidence_id = evidence.id),
        recovered = (SELECT count(*) FROM events e WHERE e.evidence_id = evidence.id AND ${RECOVERED_SQL}),
        errors = (SELECT count(*) FROM read_errors r WHERE r.evidence_id = evidence.id)
      WHERE status IN ('importing', 'pending')`);
  }

  private async loadEvidenceKeys(): Promise<void> {
    for (const r of await this.rows('SELECT id, size, sha256, status FROM evidence ORDER BY id')) {
      const id = num(r['id']);
      this.evidenceKeys.set(id, { size: num(r['size']), sha256: String(r['sha256'] ?? ''), status: String(r['status']) as EvidenceStatus });
      this.lastEvidenceId = Math.max(this.lastEvidenceId, id);
    }
  }

  /** The lowest evidence id matching, among files imported or importing (what a duplicate may be of). */
  private firstCounted(matches: (key: { size: number; sha256: string }) => boolean): number | null {
    for (const [id, key] of this.evidenceKeys) if ((key.status === 'complete' || key.status === 'importing') && matches(key)) return id;
    return null;
  }

  /**
   * One statement at a time on the query connection. The engine serves API calls while an
   * import updates evidence rows, all asynchronously; two statements in flight on one DuckDB
   * connection were seen to return wrong results (a count of 0 mid-import).
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async exec(sql: string, values: DuckDBValue[] = []): Promise<void> {
    await this.exclusive(() => this.conn.run(sql, values));
  }

  private async rows(sql: string, values: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    return this.exclusive(async () => {
      const reader = await this.conn.runAndReadAll(sql, values);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    });
  }

  private async scalar(sql: string, values: DuckDBValue[] = []): Promise<unknown> {
    const rows = await this.rows(sql, values);
    const first = rows[0];
    return first ? first['v'] : null;
  }

  /** The first evidence imported or importing with this SHA-256 (what a new file would duplicate), else null. */
  async findEvidenceBySha256(sha256: string): Promise<EvidenceFileInfo | null> {
    const id = this.firstCounted((key) => key.sha256 === sha256);
    return id === null ? null : this.getEvidence(id);
  }

  /** True when evidence of this many bytes was imported or is importing (a file of another size cannot be a duplicate). */
  async hasEvidenceOfSize(size: number): Promise<boolean> {
    return this.firstCounted((key) => key.size === size) !== null;
  }

  /** Records the SHA-256 of evidence hashed while it was imported. */
  async setEvidenceSha256(id: number, sha256: string): Promise<void> {
    await this.exec('UPDATE evidence SET sha256 = ? WHERE id = ?', [sha256, id]);
    const key = this.evidenceKeys.get(id);
    if (key) key.sha256 = sha256;
  }

  async addEvidence(evidence: NewEvidence, status: EvidenceStatus): Promise<number> {
    // Taken before the first await, so two files added at once never get the same id (a
    // failed insert leaves a gap in the ids, nothing else).
    const id = ++this.lastEvidenceId;
    await this.exec(
      `INSERT INTO evidence (id, path, format, size, mtime, sha256, status, events, errors, recovered, error_samples, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, '[]', ?)`,
      [id, evidence.path, evidence.format, evidence.size, evidence.mtime, evidence.sha256, status, new Date().toISOString()],
    );
    this.evidenceKeys.set(id, { size: evidence.size, sha256: evidence.sha256, status });
    return id;
  }

  async setEvidenceStatus(
    id: number,
    status: EvidenceStatus,
    counts: { events: number; errors: number; recovered: number; errorSamples: readonly string[] },
  ): Promise<void> {
    await this.exec(
      `UPDATE evidence SET status = ?, events = ?, errors = ?, recovered = ?, error_samples = ? WHERE id = ?`,
      [status, counts.events, counts.errors, counts.recovered, JSON.stringify(counts.errorSamples.slice(0, ERROR_SAMPLES)), id],
    );
    const key = this.evidenceKeys.get(id);
    if (key) key.status = status;
  }

  /** Marks a file's import as failed (or records the file as failed if it never got a row). */
  async markFailed(path: string, message: string): Promise<void> {
    const rows = await this.rows(`SELECT id FROM evidence WHERE path = ? AND status = 'importing' ORDER BY id DESC LIMIT 1`, [path]);
    const id = rows[0]
      ? num(rows[0]['id'])
      : await this.addEvidence({ path, format: 'unknown', size: 0, mtime: '', sha256: '' }, 'failed');
    await this.addReadErrors(id, [{ file: path, message }]);
    await this.exec(
      `UPDATE evidence SET status = 'failed', errors = errors + 1,
         error_samples = ? WHERE id = ?`,
      [JSON.stringify([`${path}: ${message}`]), id],
    );
    const key = this.evidenceKeys.get(id);
    if (key) key.status = 'failed';
  }

  async addReadErrors(evidenceId: number, errors: readonly ReadError[]): Promise<void> {
    if (errors.length === 0) return;
    await this.exclusive(() => this.appendReadErrors(evidenceId, errors));
  }

  private async appendReadErrors(evidenceId: number, errors: readonly ReadError[]): Promise<void> {
    const appender = await this.appendConn.createAppender('read_errors');
    for (const error of errors) {
      appender.appendInteger(evidenceId);
      if (error.offset === undefined) appender.appendNull();
      else appender.appendBigInt(BigInt(error.offset));
      if (error.line === undefined) appender.appendNull();
      else appender.appendBigInt(BigInt(error.line));
      appender.appendVarchar(error.message);
      appender.endRow();
    }
    appender.closeSync();
  }

  /** Appends events; they become visible to queries at the next flush. */
  async appendEvents(evidenceId: number, events: readonly NormalizedEvent[]): Promise<void> {
    await this.appendPrepared(evidenceId, prepareRows(events));
  }

  /**
   * Appends rows prepared (possibly on another thread) by prepareRows; true when it committed
   * them (they are visible to queries).
   *
   * DuckDB keeps the rows committed since the last checkpoint in memory, uncompressed (the
   * WAL holds them on disk), unless a transaction committed a whole row group, which DuckDB
   * has then written to the database file already (CASE_ROW_GROUP_ROWS). So the store commits
   * whenever the table completes a row group (or, after the first page's small commit of a
   * large import, whenever the transaction holds one: runsOn), and checkpoints there only when part of that
   * row group came in smaller commits (flush); it also commits and checkpoints once the text
   * held in memory exceeds CHECKPOINT_BYTES (events with large values: a row group of them
   * would not fit in memory).
   */
  async appendPrepared(evidenceId: number, rows: PreparedRows): Promise<boolean> {
    if (!this.appender) {
      if (!this.importSettings) {
        await this.exec(`SET memory_limit = '${IMPORT_MEMORY_LIMIT}'`);
        await this.exec(`SET threads = ${IMPORT_THREADS}`);
        this.importSettings = true;
      }
      this.appender = await this.appendConn.createAppender('events');
    }
    this.chunkWriter ??= new EventChunkWriter();
    const ends = rows.ends;
    let committed = false;
    for (let from = 0; from < rows.count; ) {
      const runOn = this.runsOn();
      const room = runOn ? CASE_ROW_GROUP_ROWS - (this.transactionRows % CASE_ROW_GROUP_ROWS) : CASE_ROW_GROUP_ROWS - (this.tableRows % CASE_ROW_GROUP_ROWS);
      const to = Math.min(rows.count, from + room);
      this.nextEventId = this.chunkWriter.append(this.appender, evidenceId, rows, this.nextEventId, from, to);
      const bytes = valueStart(ends, to * STRINGS_PER_EVENT) - valueStart(ends, from * STRINGS_PER_EVENT);
      this.tableRows += to - from;
      this.transactionRows += to - from;
      this.transactionBytes += bytes;
      this.uncheckpointedBytes += bytes;
      let boundary = runOn ? this.transactionRows % CASE_ROW_GROUP_ROWS === 0 : this.tableRows % CASE_ROW_GROUP_ROWS === 0;
      if (boundary && this.tailRunsOn()) {
        // DuckDB has this row group on disk (or writes it with the next row): not in memory.
        this.tailGroupBytes = this.transactionBytes;
        this.uncheckpointedBytes -= this.transactionBytes;
        boundary = false;
      }
      if (boundary || this.uncheckpointedBytes >= CHECKPOINT_BYTES) {
        await this.flush();
        committed = true;
        // DuckDB refuses to checkpoint while another transaction is open; the next boundary
        // (or the end of the run) tries again, and the import goes on meanwhile.
        if (!boundary || this.uncheckpointedRows > 0) await this.checkpoint().catch(() => undefined);
      }
      from = to;
    }
    return committed;
  }

  /**
   * The import expects about `rows` more rows (an estimate, after its first page): see runsOn.
   */
  expectRows(rows: number): void {
    this.expectedEnd = this.tableRows + Math.max(0, rows);
  }

  /**
   * Whether the open transaction commits on reaching a whole row group of its own rather than
   * at the table's next row-group boundary. A transaction that began inside a row group (after
   * a small commit: the import's first-page flush) would end at that boundary with less than a
   * row group, which DuckDB writes through the WAL and then a checkpoint; a whole row group it
   * writes compressed as it fills and links in at the commit (CASE_ROW_GROUP_ROWS), leaving the
   * short row group in front of it. Decided once per import, when such a transaction starts
   * with few rows of small commits not yet checkpointed, and only when the import expects at
   * least RUN_ON_MIN_ROWS more rows: a checkpoint merges a short row group with the row groups
   * after it when they would fit in one fewer (rewriting all of them), which takes three whole
   * row groups between it and the last, short, one to rule out.
   */
  private runsOn(): boolean {
    const start = this.tableRows - this.transactionRows;
    if (start % CASE_ROW_GROUP_ROWS === 0 || this.uncheckpointedRows > RUN_ON_MAX_SMALL_ROWS) return false;
    this.runOnImport ??= this.expectedEnd - start >= RUN_ON_MIN_ROWS;
    return this.runOnImport;
  }

  /**
   * Whether the open transaction, holding one whole row group of its own, stays open to the end
   * of the import instead of committing here, because the import expects less than another
   * row group (expectRows). Committed alone, the rows after the last whole row group go
   * through the WAL, uncompressed, and a checkpoint then reads, compresses and writes them,
   * on one core at the very end of the import; a transaction holding a whole row group or
   * more has all its rows, the last short row group too, written compressed at its commit
   * (DuckDB's optimistic writes), with nothing for the WAL or the checkpoint. The row groups
   * are the same. Should the estimate be short, the transaction commits at its second row
   * group (appendPrepared's boundary) as it would have.
   */
  private tailRunsOn(): boolean {
    return this.transactionRows === CASE_ROW_GROUP_ROWS && this.expectedEnd > 0 && this.expectedEnd - this.tableRows < CASE_ROW_GROUP_ROWS;
  }

  /**
   * Makes appended events durable and visible. Commits take the same lock as queries:
   * a query planned while another connection commits was seen to read inconsistent table
   * statistics in DuckDB ("Perfect hash aggregate … statistics … corrupt", and a count of 0).
   */
  async flush(): Promise<void> {
    const appender = this.appender;
    if (appender && this.transactionRows > 0) {
      await this.exclusive(async () => appender.flushSync());
      this.committed();
    }
  }

  /** Book-keeping of a commit: rows of a whole row group are on disk, others wait for a checkpoint. */
  private committed(): void {
    if (this.transactionRows >= CASE_ROW_GROUP_ROWS) this.uncheckpointedBytes -= this.transactionBytes - this.tailGroupBytes;
    else this.uncheckpointedRows += this.transactionRows;
    this.transactionRows = 0;
    this.transactionBytes = 0;
    this.tailGroupBytes = 0;
  }

  async endAppend(): Promise<void> {
    const appender = this.appender;
    if (appender) {
      this.appender = null;
      await this.exclusive(async () => appender.closeSync());
      this.committed();
      this.expectedEnd = 0;
      this.runOnImport = null;
    }
  }

  async checkpoint(): Promise<void> {
    try {
      await this.exec('CHECKPOINT');
    } finally {
      // The checkpoint after an import (no appender open) ends its settings (importSettings).
      if (this.importSettings && !this.appender) {
        this.importSettings = false;
        await this.exec(`SET threads = ${DUCKDB_THREADS}`);
        await this.exec(`SET memory_limit = '${MEMORY_LIMIT}'`);
      }
    }
    // Rows still in the open transaction stay in memory (but a whole row group it kept open).
    this.uncheckpointedBytes = this.transactionBytes - this.tailGroupBytes;
    this.uncheckpointedRows = 0;
  }

  private evidenceRow(r: Record<string, unknown>): EvidenceFileInfo {
    let samples: string[] = [];
    try {
      samples = JSON.parse(String(r['error_samples'] ?? '[]')) as string[];
    } catch {
      samples = [];
    }
    return {
      id: num(r['id']),
      path: String(r['path']),
      format: String(r['format']) as EvidenceFileInfo['format'],
      size: num(r['size']),
      mtime: String(r['mtime']),
      sha256: String(r['sha256']),
      status: String(r['status']) as EvidenceStatus,
      events: num(r['events']),
      errors: num(r['errors']),
      recovered: num(r['recovered']),
      errorSamples: samples,
      importedAt: String(r['imported_at']),
    };
  }

  async listEvidence(): Promise<EvidenceFileInfo[]> {
    return (await this.rows('SELECT * FROM evidence ORDER BY id')).map((r) => this.evidenceRow(r));
  }

  async getEvidence(id: number): Promise<EvidenceFileInfo | null> {
    const rows = await this.rows('SELECT * FROM evidence WHERE id = ?', [id]);
    return rows[0] ? this.evidenceRow(rows[0]) : null;
  }

  async overview(): Promise<CaseOverview> {
    const counts = async (column: string): Promise<CountRow[]> =>
      (await this.rows(`SELECT CAST(${column} AS VARCHAR) AS k, count(*) AS c FROM events GROUP BY ${column} ORDER BY c DESC, k LIMIT 500`)).map(
        (r) => ({ key: String(r['k'] ?? ''), count: num(r['c']) }),
      );
    const range =
      (await this.rows('SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM events'))[0] ?? {};
    return {
      case: this.info,
      evidence: await this.listEvidence(),
      totalEvents: num(range['n']),
      hosts: await counts('host'),
      channels: await counts('channel'),
      eventIds: await counts('event_id'),
      firstTime: typeof range['lo'] === 'bigint' ? ticksToIso(range['lo']) : null,
      lastTime: typeof range['hi'] === 'bigint' ? ticksToIso(range['hi']) : null,
    };
  }

  private where(filter: EventFilter): { sql: string; values: DuckDBValue[] } {
    const clauses: string[] = [];
    const values: DuckDBValue[] = [];
    const inList = (column: string, items: readonly (string | number)[] | undefined): void => {
      if (!items || items.length === 0) return;
      clauses.push(`${column} IN (${items.map(() => '?').join(', ')})`);
      values.push(...items);
    };
    inList('event_id', filter.eventIds);
    inList('host', filter.hosts);
    inList('channel', filter.channels);
    if (filter.text && filter.text.trim() !== '') {
      const text = filter.text.trim();
      clauses.push(`(summary ILIKE ? ESCAPE '!' OR data ILIKE ? ESCAPE '!' OR host ILIKE ? ESCAPE '!')`);
      values.push(likePattern(text), likePattern(jsonEscaped(text)), likePattern(text));
    }
    const bound = (iso: string | undefined, op: string): void => {
      if (!iso) return;
      const parsed = parseTimestamp(iso);
      if (!parsed) return;
      clauses.push(`ts ${op} ?`);
      values.push(parsed.ticks);
    };
    bound(filter.from, '>=');
    bound(filter.to, '<=');
    return { sql: clauses.length ? 'WHERE ' + clauses.join(' AND ') : '', values };
  }

  async countEvents(filter: EventFilter): Promise<number> {
    const w = this.where(filter);
    return num(await this.scalar(`SELECT count(*) AS v FROM events ${w.sql}`, w.values));
  }

  async queryEvents(query: EventQuery, total?: number): Promise<EventPage> {
    const w = this.where(query.filter);
    const dir = query.sort === 'desc' ? 'DESC' : 'ASC';
    // The page's ids first (sorting only ts and id), then its columns: sorting the summaries and
    // metadata of a million rows to keep 500 made every page 3-8x slower. (ts, id) is a total
    // order, so the page and its order are the same.
    const rows = await this.rows(
      `SELECT id, ts, meta ->> 'p' AS precision, host, channel, provider, event_id, record_id, summary,
         ${RECOVERED_SQL} AS recovered
       FROM events WHERE id IN (SELECT id FROM events ${w.sql} ORDER BY ts ${dir}, id ${dir} LIMIT ? OFFSET ?)
       ORDER BY ts ${dir}, id ${dir}`,
      [...w.values, query.limit, query.offset],
    );
    return {
      total: total ?? (await this.countEvents(query.filter)),
      offset: query.offset,
      rows: rows.map((r) => this.eventRow(r)),
    };
  }

  private eventRow(r: Record<string, unknown>): EventRow {
    return {
      id: num(r['id']),
      time: ticksToIso(BigInt(r['ts'] as bigint)),
      timePrecision: String(r['precision']) as TimePrecision,
      host: String(r['host']),
      channel: String(r['channel']),
      provider: String(r['provider']),
      eventId: num(r['event_id']),
      recordId: optNum(r['record_id']),
      summary: String(r['summary']),
      recovered: r['recovered'] === true,
    };
  }

  /** One stored event, with what is needed to read its raw record again. */
  async getEvent(id: number): Promise<StoredEvent | null> {
    const rows = await this.rows(
      `SELECT e.*, e.meta ->> 'p' AS precision, ${RECOVERED_SQL} AS recovered,
         v.path AS evidence_path, v.sha256 AS evidence_sha256 FROM events e
       JOIN evidence v ON v.id = e.evidence_id WHERE e.id = ?`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    const meta = JSON.parse(String(r['meta'])) as EventMeta;
    const source: SourcePointer = {
      file: String(r['evidence_path']),
      format: meta.f,
      offset: meta.o,
      length: meta.l,
      ...(meta.n === undefined ? {} : { line: meta.n }),
      ...(meta.c === undefined ? {} : { chunk: meta.c }),
    };
    return {
      row: this.eventRow(r),
      timeSource: meta.t,
      system: JSON.parse(String(r['system'])) as Record<string, unknown>,
      data: JSON.parse(String(r['data'])) as Record<string, string>,
      source,
      evidenceSha256: String(r['evidence_sha256']),
      suspect: meta.s ?? null,
    };
  }

  /**
   * The events of the given ids, page by page (bounded memory: a page is a window of
   * `pageSize` row ids, so at most that many events; windows in ascending id order, any order
   * within a window), rebuilt as NormalizedEvents with what correlation reads: System, data,
   * time and its precision.
   */
  async *eventsForCorrelation(eventIds: readonly number[], pageSize = 50_000): AsyncGenerator<{ rowId: number; event: NormalizedEvent }[]> {
    // Read-back after an import is what the investigator waits for, and its cost was the
    // node-api's per-value conversion (≈0.6 µs a value) and a top-N sort per page, not
    // DuckDB's scan or JSON.parse: 4.5 s for 133k events against 1.2 s to correlate them.
    // So each row comes back as ONE string, a JSON array DuckDB builds from the stored JSON
    // text (`[id,"ticks","precision",system,data]`), parsed by V8's native JSON.parse; and
    // pages are windows of row ids (dense and ascending, so zone maps skip the rest of the
    // table) read without ORDER BY: correlation takes its inputs in any order. Each window
    // is one statement under the connection lock, so API queries interleave with the read.
    const idList = eventIds.map((id) => String(Math.trunc(id))).join(', ');
    yield* this.eventWindows(`event_id IN (${idList === '' ? 'NULL' : idList})`, pageSize, false);
  }

  /**
   * Events rebuilt for correlation and detection (no source pointer), a window of row ids at a
   * time; `where` is trusted SQL built here. `ordered`: each page in row-id order (pages are
   * always in ascending windows).
   */
  private async *eventWindows(where: string, pageSize: number, ordered: boolean): AsyncGenerator<{ rowId: number; event: NormalizedEvent }[]> {
    const maxId = num(await this.scalar('SELECT coalesce(max(id), 0) AS v FROM events'));
    const sql = `SELECT '[' || id || ',"' || ts || '",' || to_json(coalesce(meta ->> 'p', '100ns')) || ',' || system || ',' || data || ']' AS j
      FROM events WHERE id > ? AND id <= ?${where ? ` AND ${where}` : ''}`;
    for (let after = 0; after < maxId; after += pageSize) {
      const texts = await this.exclusive(async () => {
        const result = await this.conn.stream(sql, [after, after + pageSize]);
        const out: string[] = [];
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          const column = chunk.getColumnVector(0);
          for (let i = 0; i < chunk.rowCount; i++) out.push(column.getItem(i) as string);
        }
        return out;
      });
      if (texts.length === 0) continue;
      const page = texts.map((text) => {
        const [id, ts, precision, system, data] = JSON.parse(text) as [number, string, TimePrecision, NormalizedEvent['system'], Record<string, string>];
        const ticks = BigInt(ts);
        const event: NormalizedEvent = {
          time: ticksToIso(ticks),
          ticks,
          timePrecision: precision,
          timeSource: 'SystemTime',
          system,
          data,
          source: { file: '', format: 'xml', offset: 0, length: 0 },
          recovered: false,
        };
        return { rowId: id, event };
      });
      if (ordered) page.sort((a, b) => a.rowId - b.rowId);
      yield page;
    }
  }

  /** Keeps a named analysis result (JSON) in the case. */
  async saveAnalysis(name: string, value: unknown, events: number): Promise<void> {
    await this.exec(`DELETE FROM analysis WHERE name = ?`, [name]);
    await this.exec(`INSERT INTO analysis (name, value, computed_at, events) VALUES (?, ?, ?, ?)`, [
      name,
      JSON.stringify(value),
      new Date().toISOString(),
      events,
    ]);
  }

  /**
   * Event counts per equal time bucket (one GROUP BY). The range is the filter's from/to
   * where given, else the first and last matching event.
   */
  async histogram(request: HistogramRequest): Promise<EventHistogram> {
    const w = this.where(request.filter);
    const range = (await this.rows(`SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM events ${w.sql}`, w.values))[0] ?? {};
    const total = num(range['n']);
    const fromTicks = request.filter.from ? parseTimestamp(request.filter.from)?.ticks : undefined;
    const toTicks = request.filter.to ? parseTimestamp(request.filter.to)?.ticks : undefined;
    const lo = fromTicks ?? (typeof range['lo'] === 'bigint' ? range['lo'] : null);
    const hi = toTicks ?? (typeof range['hi'] === 'bigint' ? range['hi'] : null);
    if (total === 0 || lo === null || hi === null || hi < lo) {
      return { from: lo === null ? null : ticksToIso(lo), to: hi === null ? null : ticksToIso(hi), counts: [], total };
    }
    const buckets = request.buckets;
    // Integer arithmetic on HUGEINT so a five-day span in 100 ns ticks times 2000 buckets cannot overflow.
    const span = hi - lo + 1n;
    const rows = await this.rows(
      `SELECT CAST(((CAST(ts AS HUGEINT) - ?) * ?) // ? AS BIGINT) AS b, count(*) AS c FROM events ${w.sql} GROUP BY b`,
      [lo, buckets, span, ...w.values],
    );
    const counts = new Array<number>(buckets).fill(0);
    for (const r of rows) {
      const b = num(r['b']);
      if (b >= 0 && b < buckets) counts[b] = (counts[b] ?? 0) + num(r['c']);
    }
    return { from: ticksToIso(lo), to: ticksToIso(hi), counts, total };
  }

  private noteRow(r: Record<string, unknown>): Note {
    let tags: string[] = [];
    try {
      const parsed = JSON.parse(String(r['tags'] ?? '[]')) as unknown;
      if (Array.isArray(parsed)) tags = parsed.map(String);
    } catch {
      tags = [];
    }
    return {
      id: num(r['id']),
      target: { kind: String(r['target_kind']) as Note['target']['kind'], id: String(r['target_id']) },
      label: String(r['label']),
      bookmarked: r['bookmarked'] === true,
      tags,
      text: String(r['text']),
      createdAt: String(r['created_at']),
      updatedAt: String(r['updated_at']),
    };
  }

  async listNotes(): Promise<Note[]> {
    return (await this.rows('SELECT * FROM notes ORDER BY updated_at DESC, id DESC')).map((r) => this.noteRow(r));
  }

  /** One note per target: saving again replaces its flag, tags and text (created_at is kept). */
  async saveNote(input: NoteInput): Promise<Note> {
    const now = new Date().toISOString();
    const tags = JSON.stringify([...new Set(input.tags)]);
    const existing = await this.rows('SELECT id FROM notes WHERE target_kind = ? AND target_id = ?', [input.target.kind, input.target.id]);
    let id: number;
    if (existing[0]) {
      id = num(existing[0]['id']);
      await this.exec('UPDATE notes SET label = ?, bookmarked = ?, tags = ?, text = ?, updated_at = ? WHERE id = ?', [
        input.label, input.bookmarked, tags, input.text, now, id,
      ]);
    } else {
      id = num(await this.scalar('SELECT coalesce(max(id), 0) + 1 AS v FROM notes'));
      await this.exec(
        `INSERT INTO notes (id, target_kind, target_id, label, bookmarked, tags, text, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, input.target.kind, input.target.id, input.label, input.bookmarked, tags, input.text, now, now],
      );
    }
    const saved = await this.rows('SELECT * FROM notes WHERE id = ?', [id]);
    return this.noteRow(saved[0] as Record<string, unknown>);
  }

  async deleteNote(id: number): Promise<void> {
    await this.exec('DELETE FROM notes WHERE id = ?', [id]);
  }

  /** What the evidence covers, all in SQL over the events table. */
  async coverage(maxGaps = 200): Promise<CaseCoverage> {
    const channelRows = await this.rows(
      `SELECT host, channel, count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM events GROUP BY host, channel ORDER BY host, n DESC, channel`,
    );
    const hosts: { host: string; channels: CaseCoverage['hosts'][number]['channels'][number][] }[] = [];
    for (const r of channelRows) {
      const host = String(r['host']);
      let entry = hosts[hosts.length - 1];
      if (!entry || entry.host !== host) {
        entry = { host, channels: [] };
        hosts.push(entry);
      }
      entry.channels.push({
        channel: String(r['channel']),
        events: num(r['n']),
        first: ticksToIso(BigInt(r['lo'] as bigint)),
        last: ticksToIso(BigInt(r['hi'] as bigint)),
      });
    }
    const pc = (await this.rows(
      `SELECT count(*) AS n, count(*) FILTER (WHERE coalesce(data ->> 'CommandLine', '') <> '') AS cl
       FROM events WHERE event_id = 4688 AND provider = 'Microsoft-Windows-Security-Auditing'`,
    ))[0] ?? {};
    const sysmon = num(await this.scalar(`SELECT count(*) AS v FROM events WHERE provider = 'Microsoft-Windows-Sysmon' OR channel = 'Microsoft-Windows-Sysmon/Operational'`));
    const blocks = num(await this.scalar(`SELECT count(*) AS v FROM events WHERE event_id = 4104 AND channel = 'Microsoft-Windows-PowerShell/Operational'`));
    const clears = (await this.rows(
      `SELECT id, ts, host, channel, event_id FROM events
       WHERE (event_id = 1102 AND channel = 'Security') OR (event_id = 104 AND channel = 'System')
       ORDER BY ts LIMIT 500`,
    )).map((r) => ({
      eventRowId: num(r['id']),
      time: ticksToIso(BigInt(r['ts'] as bigint)),
      host: String(r['host']),
      channel: String(r['channel']),
      eventId: num(r['event_id']),
    }));
    // Record ids count up per host and log; a jump between neighbours means records are missing
    // (cleared, overwritten, or not collected). Carved (recovered) records are left out.
    const gapRows = await this.rows(
      `WITH r AS (
         SELECT DISTINCT host, channel, record_id, ts FROM events WHERE record_id IS NOT NULL AND NOT ${RECOVERED_SQL}
       ), l AS (
         SELECT host, channel, record_id, ts,
           lag(record_id) OVER (PARTITION BY host, channel ORDER BY record_id) AS prev,
           lag(ts) OVER (PARTITION BY host, channel ORDER BY record_id) AS prev_ts
         FROM r
       )
       SELECT host, channel, prev, record_id, prev_ts FROM l WHERE record_id - prev > 1
       ORDER BY host, channel, prev LIMIT ?`,
      [maxGaps + 1],
    );
    const gaps = gapRows.slice(0, maxGaps).map((r) => ({
      host: String(r['host']),
      channel: String(r['channel']),
      afterRecordId: num(r['prev']),
      beforeRecordId: num(r['record_id']),
      missing: num(r['record_id']) - num(r['prev']) - 1,
      time: ticksToIso(BigInt(r['prev_ts'] as bigint)),
    }));
    return {
      hosts,
      processCreation: { events: num(pc['n']), withCommandLine: num(pc['cl']) },
      sysmonEvents: sysmon,
      scriptBlockEvents: blocks,
      clears,
      gaps,
      gapsTruncated: gapRows.length > maxGaps,
    };
  }

  async readErrors(evidenceId: number, limit: number): Promise<string[]> {
    const ev = await this.getEvidence(evidenceId);
    const rows = await this.rows(
      'SELECT "offset", line, message FROM read_errors WHERE evidence_id = ? ORDER BY "offset" NULLS LAST LIMIT ?',
      [evidenceId, limit],
    );
    return rows.map((r) =>
      formatReadError({
        file: ev?.path ?? '?',
        ...(r['offset'] === null ? {} : { offset: num(r['offset']) }),
        ...(r['line'] === null ? {} : { line: num(r['line']) }),
        message: String(r['message']),
      }),
    );
  }

  /**
   * Writes a file of derived data into the case folder (the kept correlation result: read
   * back from a file it loads several times faster than from a DuckDB value of that size).
   * Written whole or not at all (a temporary file renamed over it). `text` is ASCII or
   * latin1: it is stored one byte a character.
   */
  async writeCaseFile(name: string, text: string): Promise<void> {
    const path = this.caseFilePath(name);
    // A name of its own per write: two saves may overlap (a correlation still finishing when
    // the next import's starts); each file is whole, and the last renamed wins.
    const temp = `${path}.${process.pid}.${++this.caseFileWrites}.tmp`;
    try {
      await writeFile(temp, text, 'latin1');
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  /** A file written by writeCaseFile, or null when there is none. */
  async readCaseFile(name: string): Promise<string | null> {
    try {
      return await readFile(this.caseFilePath(name), 'latin1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async deleteCaseFile(name: string): Promise<void> {
    await rm(this.caseFilePath(name), { force: true });
  }

  private caseFilePath(name: string): string {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(name) || name === CASE_DB_FILE || name === CASE_MANIFEST_FILE) throw new Error(`not a case file name: ${name}`);
    return join(this.dir, name);
  }

  /** Removes a named analysis result (nothing when there is none). */
  async deleteAnalysis(name: string): Promise<void> {
    await this.exec(`DELETE FROM analysis WHERE name = ?`, [name]);
  }

  /**
   * What says whether the case's events changed: their number and the highest row id. Events
   * are only appended, with ids counting up, and never deleted or rewritten, so equal stamps
   * mean the same events.
   */
  async eventStamp(): Promise<EventStamp> {
    const r = (await this.rows('SELECT count(*) AS n, coalesce(max(id), 0) AS m FROM events'))[0] ?? {};
    return { events: num(r['n']), maxRowId: num(r['m']) };
  }

  /** A named analysis result kept with the case, or null. */
  async loadAnalysis(name: string): Promise<{ value: unknown; computedAt: string; events: number } | null> {
    const rows = await this.rows('SELECT value, computed_at, events FROM analysis WHERE name = ?', [name]);
    const r = rows[0];
    if (!r) return null;
    return { value: JSON.parse(String(r['value'])) as unknown, computedAt: String(r['computed_at']), events: num(r['events']) };
  }

  /**
   * Every event of the case (or of the given event ids), in id order, page by page; the same
   * rebuilt NormalizedEvents as eventsForCorrelation. Detection reads the case through this.
   */
  async *eventsForDetection(eventIds: readonly number[] | null, pageSize = 20_000): AsyncGenerator<{ rowId: number; event: NormalizedEvent }[]> {
    // The same one-string-per-row read-back as correlation (see eventsForCorrelation), in row order.
    if (eventIds !== null) {
      const idList = eventIds.map((id) => String(Math.trunc(id))).join(', ');
      yield* this.eventWindows(`event_id IN (${idList === '' ? 'NULL' : idList})`, pageSize, true);
      return;
    }
    yield* this.eventWindows('', pageSize, true);
  }

  /** One event rebuilt as detection sees it (for a correlation rule's first member). */
  async eventForDetection(rowId: number): Promise<NormalizedEvent | null> {
    const stored = await this.getEvent(rowId);
    if (!stored) return null;
    const parsed = parseTimestamp(stored.row.time);
    return {
      time: stored.row.time,
      ticks: parsed ? parsed.ticks : 0n,
      timePrecision: stored.row.timePrecision,
      timeSource: stored.timeSource,
      system: stored.system as unknown as NormalizedEvent['system'],
      data: stored.data,
      source: stored.source,
      recovered: stored.row.recovered,
    };
  }

  /** Replaces the case's findings (detection recomputes them all). */
  /** Bumped by every write to the findings table: answers derived from it are kept until it moves. */
  findingsVersion = 0;

  async replaceFindings(findings: readonly StoredFindingRow[]): Promise<void> {
    this.findingsVersion++;
    await this.clearFindings();
    await this.appendFindings(findings);
  }

  async clearFindings(): Promise<void> {
    await this.exec('DELETE FROM findings');
  }

  async appendFindings(findings: readonly StoredFindingRow[]): Promise<void> {
    if (findings.length === 0) return;
    // On the query connection, under its lock: the events appender may be open on appendConn.
    await this.exclusive(async () => {
      const a = await this.conn.createAppender('findings');
      for (const f of findings) {
        a.appendVarchar(f.finding.id);
        a.appendVarchar(f.finding.ruleId);
        a.appendVarchar(f.finding.ruleTitle);
        a.appendVarchar(f.finding.level);
        a.appendInteger(severityRank(f.finding.level));
        a.appendVarchar(f.finding.origin);
        a.appendVarchar(JSON.stringify(f.finding.tags));
        a.appendVarchar(JSON.stringify(f.finding.eventIds));
        a.appendBigInt(f.ticks);
        a.appendVarchar(f.finding.time);
        a.appendVarchar(f.finding.host);
        if (f.finding.sessionId === null) a.appendNull();
        else a.appendVarchar(f.finding.sessionId);
        if (f.finding.processId === null) a.appendNull();
        else a.appendVarchar(f.finding.processId);
        a.appendVarchar(f.finding.summary);
        a.appendVarchar(JSON.stringify(f.context));
        if (f.finding.suppressed === null) a.appendNull();
        else a.appendVarchar(JSON.stringify(f.finding.suppressed));
        a.endRow();
      }
      a.closeSync();
    });
  }

  private findingWhere(query: Omit<FindingQuery, 'offset' | 'limit'>): { sql: string; values: DuckDBValue[] } {
    const clauses: string[] = [];
    const values: DuckDBValue[] = [];
    if (query.suppressed === true) clauses.push('suppressed IS NOT NULL');
    if (query.suppressed === false) clauses.push('suppressed IS NULL');
    if (query.minLevel !== undefined) {
      clauses.push('level_rank >= ?');
      values.push(severityRank(query.minLevel));
    }
    if (query.ruleId !== undefined) {
      clauses.push('rule_id = ?');
      values.push(query.ruleId);
    }
    if (query.sessionId !== undefined) {
      clauses.push('session_id = ?');
      values.push(query.sessionId);
    }
    if (query.processId !== undefined) {
      clauses.push('process_id = ?');
      values.push(query.processId);
    }
    if (query.host !== undefined) {
      // By short name, case-insensitive, as correlation and the host's process tree match hosts.
      const key = hostKeyOf(query.host);
      clauses.push("(lower(host) = ? OR starts_with(lower(host), ? || '.'))");
      values.push(key, key);
    }
    if (query.eventId !== undefined) {
      // event_ids is the JSON array text; most findings name one event, correlation rules several.
      clauses.push('list_contains(CAST(event_ids AS BIGINT[]), ?)');
      values.push(query.eventId);
    }
    return { sql: clauses.length ? 'WHERE ' + clauses.join(' AND ') : '', values };
  }

  private findingRow(r: Record<string, unknown>): Finding {
    return {
      id: String(r['id']),
      ruleId: String(r['rule_id']),
      ruleTitle: String(r['rule_title']),
      level: String(r['level']) as Severity,
      origin: String(r['origin']) as Finding['origin'],
      tags: JSON.parse(String(r['tags'])) as string[],
      eventIds: JSON.parse(String(r['event_ids'])) as number[],
      time: String(r['time']),
      host: String(r['host']),
      sessionId: r['session_id'] === null || r['session_id'] === undefined ? null : String(r['session_id']),
      processId: r['process_id'] === null || r['process_id'] === undefined ? null : String(r['process_id']),
      summary: String(r['summary']),
      suppressed: r['suppressed'] === null || r['suppressed'] === undefined ? null : (JSON.parse(String(r['suppressed'])) as Suppression),
    };
  }

  /** One page of findings: highest level first, then time. */
  async queryFindings(query: FindingQuery): Promise<FindingPage> {
    const w = this.findingWhere(query);
    const total = num(await this.scalar(`SELECT count(*) AS v FROM findings ${w.sql}`, w.values));
    const rows = await this.rows(
      `SELECT * EXCLUDE (context) FROM findings ${w.sql} ORDER BY level_rank DESC, ts, id LIMIT ? OFFSET ?`,
      [...w.values, query.limit, query.offset],
    );
    return { total, offset: query.offset, rows: rows.map((r) => this.findingRow(r)) };
  }

  /** One finding with the event context it was made on. */
  async getFinding(id: string): Promise<{ finding: Finding; context: unknown } | null> {
    const rows = await this.rows('SELECT * FROM findings WHERE id = ?', [id]);
    const r = rows[0];
    return r ? { finding: this.findingRow(r), context: JSON.parse(String(r['context'])) as unknown } : null;
  }

  /** Every finding (without its context), for summaries and the ATT&CK layer. */
  async allFindings(where: { suppressed?: boolean } = {}): Promise<Finding[]> {
    const w = this.findingWhere(where);
    return (await this.rows(`SELECT * EXCLUDE (context) FROM findings ${w.sql} ORDER BY level_rank DESC, ts, id`, w.values)).map((r) =>
      this.findingRow(r),
    );
  }

  /** What re-applying the allow-list reads: id, rule, host and context of every finding. */
  async findingsForSuppression(): Promise<{ id: string; ruleId: string; host: string; context: unknown; suppressed: string | null }[]> {
    return (await this.rows('SELECT id, rule_id, host, context, suppressed FROM findings')).map((r) => ({
      id: String(r['id']),
      ruleId: String(r['rule_id']),
      host: String(r['host']),
      context: JSON.parse(String(r['context'])) as unknown,
      suppressed: r['suppressed'] === null || r['suppressed'] === undefined ? null : String(r['suppressed']),
    }));
  }

  /** Sets the suppression of the given findings (null: active again). */
  async setSuppression(changes: ReadonlyMap<string, Suppression | null>): Promise<void> {
    this.findingsVersion++;
    // One statement per distinct suppression, over chunks of ids.
    const byValue = new Map<string | null, string[]>();
    for (const [id, s] of changes) {
      const key = s === null ? null : JSON.stringify(s);
      const list = byValue.get(key) ?? [];
      list.push(id);
      byValue.set(key, list);
    }
    for (const [value, ids] of byValue) {
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        await this.exec(`UPDATE findings SET suppressed = ? WHERE id IN (${chunk.map(() => '?').join(', ')})`, [value, ...chunk]);
      }
    }
  }

  async allowList(): Promise<AllowListEntry[]> {
    return (await this.rows('SELECT value FROM allow_list ORDER BY position')).map((r) => JSON.parse(String(r['value'])) as AllowListEntry);
  }

  /** Replaces the allow-list (it is small; the order is the matching order). */
  async saveAllowList(entries: readonly AllowListEntry[]): Promise<void> {
    await this.exec('DELETE FROM allow_list');
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as AllowListEntry;
      await this.exec('INSERT INTO allow_list (position, id, value) VALUES (?, ?, ?)', [i, e.id, JSON.stringify(e)]);
    }
  }

  async close(): Promise<void> {
    await this.lock;
    await this.endAppend();
    try {
      await this.checkpoint();
    } finally {
      this.appendConn.closeSync();
      this.conn.closeSync();
      this.instance.closeSync();
    }
  }

  // ---- Report and export reads (additive; issue 7) ----

  /** Channels per host with their counts and time ranges, and the audit-coverage counts per host. */
  async coverageByHost(): Promise<{ channels: StoreChannelCoverage[]; hosts: StoreHostCoverage[] }> {
    const channelRows = await this.rows(
      `SELECT host, channel, count(*) AS n, min(ts) AS lo, max(ts) AS hi FROM events GROUP BY host, channel ORDER BY host, channel`,
    );
    const hostRows = await this.rows(
      `SELECT host,
         count(*) FILTER (WHERE event_id = 4688 AND channel = 'Security') AS p4688,
         count(*) FILTER (WHERE event_id = 4688 AND channel = 'Security' AND coalesce(data ->> 'CommandLine', '') = '') AS p4688_nocmd,
         count(*) FILTER (WHERE channel = 'Microsoft-Windows-Sysmon/Operational') AS sysmon,
         count(*) FILTER (WHERE event_id = 4104) AS ps4104,
         count(*) FILTER (WHERE (event_id = 1102 AND channel = 'Security') OR (event_id = 104 AND channel = 'System')) AS clears
       FROM events GROUP BY host ORDER BY host`,
    );
    return {
      channels: channelRows.map((r) => ({
        host: String(r['host']),
        channel: String(r['channel']),
        count: num(r['n']),
        first: ticksToIso(BigInt(r['lo'] as bigint)),
        last: ticksToIso(BigInt(r['hi'] as bigint)),
      })),
      hosts: hostRows.map((r) => ({
        host: String(r['host']),
        processCreation4688: num(r['p4688']),
        processCreationWithoutCommandLine: num(r['p4688_nocmd']),
        sysmon: num(r['sysmon']),
        scriptBlocks4104: num(r['ps4104']),
        logClears: num(r['clears']),
      })),
    };
  }

  /** The table rows of the given event ids (any order in, id order out; unknown ids left out). */
  async eventRowsByIds(ids: readonly number[]): Promise<EventRow[]> {
    const out: EventRow[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000);
      if (slice.length === 0) break;
      const rows = await this.rows(
        `SELECT id, ts, meta ->> 'p' AS precision, host, channel, provider, event_id, record_id, summary, ${RECOVERED_SQL} AS recovered
         FROM events WHERE id IN (${slice.map(() => '?').join(', ')}) ORDER BY id`,
        [...slice],
      );
      for (const r of rows) out.push(this.eventRow(r));
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /**
   * Every stored event in time order (ts, then id), page by page: memory stays bounded
   * whatever the case size. One ORDER BY over the whole table sorts a million wide rows
   * (16 s before the first row on the 1M-event bench case), and ORDER BY … LIMIT per page
   * makes DuckDB materialize every wide column of the window. Instead one pass over ts cuts
   * the time axis into windows of about `pageSize` events; each window is read without an
   * ORDER BY (DuckDB's zone maps on ts narrow it to a few row groups) and sorted here. A
   * window denser than that (many events in one instant) is read by (ts, id) keyset pages.
   * The next window is read by DuckDB while the caller works on the current one.
   */
  async *iterateEvents(pageSize = 16_384): AsyncGenerator<ExportEvent[]> {
    const bounds = (await this.rows('SELECT min(ts) AS lo, max(ts) AS hi, count(*) AS n FROM events'))[0] ?? {};
    const total = num(bounds['n']);
    if (total === 0 || typeof bounds['lo'] !== 'bigint' || typeof bounds['hi'] !== 'bigint') return;
    const lo = bounds['lo'];
    const hi = bounds['hi'];
    const buckets = BigInt(Math.max(1, Math.ceil(total / pageSize) * 8));
    const bucket = (hi - lo) / buckets + 1n;
    const histogram = await this.rows(
      'SELECT (ts - ?) // ? AS b, count(*) AS n FROM events GROUP BY b ORDER BY b',
      [lo, bucket],
    );
    // Windows [from, to) of about pageSize events; a single bucket holding more than that is
    // marked dense and paged by keyset.
    const windows: { from: bigint; to: bigint; dense: boolean }[] = [];
    let open: { from: bigint; to: bigint; n: number } | null = null;
    for (const h of histogram) {
      const b = BigInt(h['b'] as bigint);
      const n = num(h['n']);
      const from = lo + b * bucket;
      const to = from + bucket;
      if (n > pageSize * 2) {
        if (open) windows.push({ from: open.from, to: open.to, dense: false });
        open = null;
        windows.push({ from, to, dense: true });
        continue;
      }
      if (open && open.n + n > pageSize * 2) {
        windows.push({ from: open.from, to: open.to, dense: false });
        open = null;
      }
      open = open ? { from: open.from, to, n: open.n + n } : { from, to, n };
      if (open.n >= pageSize) {
        windows.push({ from: open.from, to: open.to, dense: false });
        open = null;
      }
    }
    if (open) windows.push({ from: open.from, to: open.to, dense: false });

    const paths = new Map((await this.listEvidence()).map((e) => [e.id, e.path]));
    const columns = `id, ts, meta ->> 'p' AS precision, host, channel, provider, event_id, record_id, summary, system, data,
      ${RECOVERED_SQL} AS recovered, evidence_id`;
    const read = (sql: string, values: DuckDBValue[]): Promise<unknown[][]> => {
      const p = this.exclusive(async () => (await this.conn.runAndReadAll(sql, values)).getRowsJS() as unknown[][]);
      // A page read ahead must never become an unhandled rejection if the caller stops early.
      p.catch(() => undefined);
      return p;
    };
    const toPage = (rows: unknown[][]): ExportEvent[] =>
      rows.map((r) => ({
        row: {
          id: num(r[0]),
          time: ticksToIso(BigInt(r[1] as bigint)),
          timePrecision: String(r[2]) as TimePrecision,
          host: String(r[3]),
          channel: String(r[4]),
          provider: String(r[5]),
          eventId: num(r[6]),
          recordId: optNum(r[7]),
          summary: String(r[8]),
          recovered: r[11] === true,
        },
        systemJson: String(r[9]),
        dataJson: String(r[10]),
        evidencePath: paths.get(num(r[12])) ?? '',
      }));
    const byTime = (a: unknown[], b: unknown[]): number => {
      const ta = a[1] as bigint;
      const tb = b[1] as bigint;
      return ta < tb ? -1 : ta > tb ? 1 : num(a[0]) - num(b[0]);
    };
    const plain = (w: { from: bigint; to: bigint }): Promise<unknown[][]> =>
      read(`SELECT ${columns} FROM events WHERE ts >= ? AND ts < ?`, [w.from, w.to]);

    let pending: Promise<unknown[][]> | null = null;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i] as { from: bigint; to: bigint; dense: boolean };
      if (w.dense) {
        let after: { ts: bigint; id: number } | null = null;
        for (;;) {
          const keyset = after === null ? '' : 'AND (ts > ? OR (ts = ? AND id > ?))';
          const values: DuckDBValue[] = after === null ? [w.from, w.to, pageSize] : [w.from, w.to, after.ts, after.ts, after.id, pageSize];
          const rows = await read(`SELECT ${columns} FROM events WHERE ts >= ? AND ts < ? ${keyset} ORDER BY ts, id LIMIT ?`, values);
          if (rows.length > 0) yield toPage(rows);
          if (rows.length < pageSize) break;
          const last = rows[rows.length - 1] as unknown[];
          after = { ts: last[1] as bigint, id: num(last[0]) };
        }
        continue;
      }
      const rows = await (pending ?? plain(w));
      pending = null;
      const next = windows[i + 1];
      if (next && !next.dense) pending = plain(next);
      rows.sort(byTime);
      if (rows.length > 0) yield toPage(rows);
    }
  }

  /** Writes the result of a read-only SELECT to a Parquet file with DuckDB's COPY. */
  async copyToParquet(select: string, path: string): Promise<void> {
    const target = `'${resolve(path).replace(/'/g, "''")}'`;
    await this.exec(`COPY (${select}) TO ${target} (FORMAT parquet, COMPRESSION zstd)`);
  }

  /** The events table as Parquet, in time order (system, data and meta as JSON text). */
  async eventsToParquet(path: string): Promise<void> {
    await this.copyToParquet(
      `SELECT e.id, make_timestamp(e.ts // 10) AS time, e.ts AS ticks, e.host, e.channel, e.provider, e.event_id, e.record_id,
         e.summary, e.system, e.data, ${RECOVERED_SQL.replace('meta', 'e.meta')} AS recovered, v.path AS evidence_path, v.sha256 AS evidence_sha256
       FROM events e LEFT JOIN evidence v ON v.id = e.evidence_id ORDER BY e.ts, e.id`,
      path,
    );
  }

  /** A newline-delimited JSON file (written by the caller) converted to Parquet by DuckDB. */
  async jsonLinesToParquet(jsonlPath: string, path: string): Promise<void> {
    const source = `'${resolve(jsonlPath).replace(/'/g, "''")}'`;
    await this.copyToParquet(`SELECT * FROM read_json(${source}, format = 'newline_delimited', sample_size = -1)`, path);
  }

  /** Writes the rows of a read-only SELECT as newline-delimited JSON objects (DuckDB's COPY, in its own threads). */
  async copyToJsonLines(select: string, path: string): Promise<void> {
    const target = `'${resolve(path).replace(/'/g, "''")}'`;
    // Order is not kept: keeping it makes DuckDB buffer rows across threads, and a few rows of
    // megabytes each (a base64 blob) then exceed the case's memory limit.
    // Building JSON around a value of megabytes needs several copies of it at once: the
    // export may use up to 1 GB, the case's limit comes back afterwards.
    await this.exclusive(async () => {
      const limit = (await this.conn.runAndReadAll(`SELECT current_setting('memory_limit') AS v`)).getRowsJS()[0]?.[0];
      await this.conn.run('SET preserve_insertion_order = false');
      await this.conn.run(`SET memory_limit = '1GB'`);
      try {
        await this.conn.run(`COPY (${select}) TO ${target} (FORMAT json)`);
      } finally {
        await this.conn.run('RESET preserve_insertion_order');
        await this.conn.run(`SET memory_limit = '${String(limit ?? '256MB').replace(/'/g, '')}'`);
      }
    });
  }

  /** Counts rows of a Parquet file (export checks and tests). */
  async parquetRowCount(path: string): Promise<number> {
    const source = `'${resolve(path).replace(/'/g, "''")}'`;
    return num(await this.scalar(`SELECT count(*) AS v FROM read_parquet(${source})`));
  }
}

/** A stored event as exports read it: the table row plus System and data as their stored JSON. */
export interface ExportEvent {
  readonly row: EventRow;
  readonly systemJson: string;
  readonly dataJson: string;
  readonly evidencePath: string;
}

export interface StoreChannelCoverage {
  readonly host: string;
  readonly channel: string;
  readonly count: number;
  readonly first: string;
  readonly last: string;
}

export interface StoreHostCoverage {
  readonly host: string;
  readonly processCreation4688: number;
  readonly processCreationWithoutCommandLine: number;
  readonly sysmon: number;
  readonly scriptBlocks4104: number;
  readonly logClears: number;
}

export interface StoredEvent {
  readonly row: EventRow;
  readonly timeSource: TimeSource;
  readonly system: Record<string, unknown>;
  readonly data: Record<string, string>;
  readonly source: SourcePointer;
  readonly evidenceSha256: string;
  readonly suspect: string | null;
}

/** A finding as the store writes it: with the event context and its time in ticks. */
export interface StoredFindingRow {
  readonly finding: Finding;
  readonly context: unknown;
  readonly ticks: bigint;
}
