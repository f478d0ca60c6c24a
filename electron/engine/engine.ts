// The engine: one open case, the ingest runs into it, and the queries the renderer makes.
// It never imports `electron`: the same class runs in Electron's worker thread, in
// `chainline serve`'s worker thread, and inline in the CLI and the tests.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type {
  CaseCoverage,
  EventHistogram,
  HistogramRequest,
  Note,
  NoteInput,
  ChainlineApi,
  ChainStep,
  ProcessRow,
  ProcessSearch,
  ProcessSearchResult,
  SessionList,
  CaseInfo,
  CaseOverview,
  EventDetail,
  EventPage,
  EventQuery,
  IngestStatus,
  OpenEvidenceRequest,
  OpenEvidenceResult,
  ExportRequest,
  ExportResult,
  ReportFile,
  ReportRequest,
  RuleFoldersRequest,
  ProcessPage,
  ProcessPageRequest,
  ChainPage,
  ChainPageRequest,
} from '../../shared/api.js';
import { chainPageOf } from '../../shared/chain-page.js';
import { EVENT_PAGE_ROWS } from '../../shared/api.js';
import { formatReadError, type ReadError } from '../../shared/events.js';
import { collectEvidence, fileFacts, sha256FileOffThread } from './ingest/collect.js';
import { CaseAnalysis } from './case-analysis.js';
import { KeptAnswers } from './kept-answers.js';
import { readBatches } from './ingest/read-batches.js';
import { CaseStore } from './store/case-store.js';
import type { AttackLayer, FindingPage, FindingQuery, FindingsSummary, HuntingQueries, RulePackInfo } from '../../shared/findings.js';
import type { AllowListEntry, AllowListImportResult, BaselineCandidate, NewAllowListEntry } from '../../shared/allowlist.js';
import { AllowListError, validateNewEntry } from '../../shared/allowlist.js';
import { allowListToYaml, makeEntry, mergeImported, parseAllowListYaml, proposeBaselines } from './detect/allowlist.js';
import { attackLayer } from './detect/attack.js';
import { DETECTION_ANALYSIS, reapplyAllowList, runCaseDetection, summarizeFindings, type DetectionState } from './detect/detection.js';
import { ruleEngineOf, type FindingContext, type RuleEngine, type RuleHitSource } from './detect/findings.js';
import { huntingQueries } from './detect/hunting.js';
import { loadSigmaRules } from './detect/sigma-rules.js';
import { buildReportModel, defaultSessionSelection, eventDetailFromStore } from './report/build-report.js';
import { reportNotesOf } from './report/from-notes.js';
import { chromiumPrinter, type PdfPrinter } from './report/pdf.js';
import { renderReportHtml } from './report/render-html.js';
import { exportCaseBundle, exportFindingsCsv, exportParquet, writeNavigatorLayer } from './export/export-case.js';
import { exportEvents } from './export/export-events.js';

/**
 * What both the in-thread Engine and the worker-backed EngineClient offer: the API contract
 * minus what only a shell can do (app info, native dialogs), plus case lifecycle.
 */
export interface EngineApi extends Omit<ChainlineApi, 'getAppInfo' | 'pickEvidence'> {
  /**
   * `firstScreen`: start computing what a window's first screen asks for (the kept sessions list,
   * the unfiltered table's first page) at once, while the window loads its code (a shell's option).
   */
  openCase(dir: string, options?: { name?: string; demo?: boolean; firstScreen?: boolean }): Promise<CaseInfo>;
  closeCase(): Promise<void>;
  /** Resolves when no ingest is running (at once when idle). */
  waitForIngest(): Promise<IngestStatus>;
  shutdown(): Promise<void>;
}

const RAW_MAX_CHARS = 200_000;
const ERROR_SAMPLES = 20;
/** The first rows of an import become visible quickly; later flushes are spaced out. */
const FIRST_FLUSH_ROWS = 500;
/**
 * Later rows become visible when the store commits a whole row group (appendPrepared), or
 * after this long without a commit (slow readers). Not shorter: a commit of less than a row
 * group costs DuckDB a WAL write and a checkpoint of those rows, which a whole row group's
 * commit does without (CASE_ROW_GROUP_ROWS); JSON lines fill a row group in about a second.
 */
const FLUSH_INTERVAL_MS = 2500;

type MutableStatus = { -readonly [K in keyof IngestStatus]: IngestStatus[K] };

function idleStatus(runId: number): MutableStatus {
  return {
    phase: 'idle',
    runId,
    currentFile: null,
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    events: 0,
    errors: 0,
    message: null,
  };
}

/** The `analysis` row holding the case's rule selection (RuleFoldersRequest). */
const RULE_SELECTION_ANALYSIS = 'rule-selection';

export class Engine implements EngineApi {
  private store: CaseStore | null = null;
  private status: MutableStatus = idleStatus(0);
  private queue: string[] = [];
  private running: Promise<void> | null = null;
  /** The run is past its last file (closing the appender, checkpointing). */
  private finishing = false;
  /** Files opened while a run was finishing: the next run's. */
  private pending: string[] = [];
  private abort: AbortController | null = null;
  private dataVersion = 0;
  // Answers that scan the whole case, kept until what they were computed from changes.
  private readonly summaryKept = new KeptAnswers<FindingsSummary>(1);
  private readonly histogramKept = new KeptAnswers<EventHistogram>(50);
  private readonly overviewKept = new KeptAnswers<CaseOverview>(1);
  private readonly countKept = new KeptAnswers<number>(100);
  private readonly storedSessionsKept = new KeptAnswers<SessionList>(1);
  /**
   * Pages of the event table: every window opens on the same first page, and scrolling back
   * asks for pages again (a page of a million events is a top-N sort of the whole case).
   */
  private readonly pageKept = new KeptAnswers<EventPage>(16);
  /** The first screen's answers being computed after opening (see openCase). */
  private warming: Promise<unknown> = Promise.resolve();
  /** Correlation over the case; recomputed after each import, computed lazily after opening. */
  private analysis: Promise<CaseAnalysis> | null = null;
  /** `analysis` once it has settled (null while loading or computing). */
  private analysisReady: CaseAnalysis | null = null;
  /** Detection over the case; runs after correlation at the end of an import, kept in the case. */
  private detection: Promise<DetectionState | null> | null = null;
  /** The last detection run, finished or not (runs never overlap). */
  private detectionRuns: Promise<unknown> = Promise.resolve();
  /** The rule engine detection runs (null: only Chainline's case-level checks). */
  private rules: RuleEngine | null;
  /** How PDF reports are printed (default: headless Chromium found on this machine). */
  private readonly printer: (() => Promise<PdfPrinter>) | null;
  /** What the Sigma rules loaded (null: none loaded, only case-level checks run). */
  private ruleInfo: RulePackInfo | null = null;
  /** Allow-list edits one at a time: each reads, changes and writes the whole list. */
  private allowLock: Promise<unknown> = Promise.resolve();

  /**
   * `rules`: the rule engine detection runs (the Sigma matcher, once connected); a bare
   * per-event `ruleHitSource` is taken as one with the key `custom`.
   */
  constructor(options: { rules?: RuleEngine | null; ruleHitSource?: RuleHitSource | null; printer?: () => Promise<PdfPrinter> } = {}) {
    this.printer = options.printer ?? null;
    this.rules = options.rules ?? (options.ruleHitSource ? ruleEngineOf(options.ruleHitSource, 'custom') : null);
  }

  /**
   * Connects (or disconnects) a rule engine. A case whose findings were made with other rules
   * (another key) is detected again the next time its findings are asked for.
   */
  setRules(rules: RuleEngine | null, info: RulePackInfo | null = null): void {
    this.rules = rules;
    this.ruleInfo = info;
    this.detection = null;
  }

  async createReport(request: ReportRequest): Promise<ReportFile> {
    const store = this.requireStore();
    const analysis = await this.getAnalysis();
    await this.getDetection();
    const findings = await store.allFindings();
    const sessionIds = request.sessionIds.length > 0 ? request.sessionIds : defaultSessionSelection(analysis, findings);
    const model = await buildReportModel({
      store,
      analysis,
      sessionIds,
      findings,
      ...(request.analyst.trim() === '' ? {} : { analyst: request.analyst }),
      ...reportNotesOf(await store.listNotes(), request.analyst.trim() || 'analyst'),
    });
    const problems = [...model.problems];
    for (const e of model.evidence) {
      if (e.verification.kind === 'mismatch') problems.push(`evidence changed since import (SHA-256 mismatch): ${e.file.path}`);
      else if (e.verification.kind === 'missing') problems.push(`evidence missing: ${e.file.path}`);
    }
    const html = renderReportHtml(model);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const base = `chainline-report-${store.info.name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60)}-${stamp}`;
    if (request.format === 'html') return { fileName: `${base}.html`, mimeType: 'text/html', encoding: 'utf8', content: html, problems };
    const printer: PdfPrinter = await (this.printer ?? (() => chromiumPrinter()))();
    const pdf = await printer(html);
    return { fileName: `${base}.pdf`, mimeType: 'application/pdf', encoding: 'base64', content: Buffer.from(pdf).toString('base64'), problems };
  }

  async exportCase(request: ExportRequest): Promise<ExportResult> {
    const store = this.requireStore();
    if (this.running) throw new Error('an import is running: export when it has finished');
    const path = resolve(request.path);
    // Never overwrite: an export lands where nothing is (evidence stays untouched whatever the path).
    if (existsSync(path)) throw new Error(`${path} already exists: choose a new file or folder`);
    switch (request.kind) {
      case 'bundle': {
        const manifest = await exportCaseBundle(store, path);
        return { path, records: manifest.counts.events, message: `case bundle with ${manifest.counts.events} events and ${manifest.evidence.length} evidence hashes (no evidence)` };
      }
      case 'parquet': {
        const result = await exportParquet(store, await this.getAnalysis(), path);
        return { path, records: result.counts.events, message: `Parquet: ${result.counts.events} events, ${result.counts.sessions} sessions, ${result.counts.processes} processes` };
      }
      case 'findings-csv': {
        await this.getDetection();
        const n = await exportFindingsCsv(await store.allFindings(), path);
        return { path, records: n, message: `${n} findings as CSV` };
      }
      case 'attack-layer': {
        const layer = await this.getAttackLayer();
        await writeNavigatorLayer(layer, path);
        return { path, records: layer.techniques.length, message: `ATT&CK Navigator layer with ${layer.techniques.length} techniques` };
      }
      case 'ecs':
      case 'timesketch':
      case 'timesketch-csv':
      case 'csv':
      case 'jsonl': {
        const result = await exportEvents(store, request.kind, path);
        return { path, records: result.records, message: `${result.records} events (${request.kind})` };
      }
      default: {
        const never: never = request.kind;
        throw new Error(`unknown export ${String(never)}`);
      }
    }
  }

  async getRuleStatus(): Promise<RulePackInfo | null> {
    return this.ruleInfo;
  }

  /** Loads the Sigma rules (built-in pack and folders); the next findings request re-detects. */
  /** Loads the rules and, with a case open, keeps the selection in it (reopening restores it). */
  async setRuleFolders(request: RuleFoldersRequest): Promise<RulePackInfo> {
    const info = await this.loadRules(request);
    if (this.store) await this.store.saveAnalysis(RULE_SELECTION_ANALYSIS, { dirs: request.dirs, builtin: request.builtin } satisfies RuleFoldersRequest, 0);
    return info;
  }

  private async loadRules(request: RuleFoldersRequest): Promise<RulePackInfo> {
    const loaded = await loadSigmaRules({ dirs: request.dirs, builtin: request.builtin });
    // A detection run still using the old rules finishes first; its key no longer matches.
    await this.detectionRuns;
    this.setRules(loaded.engine, loaded.info);
    return loaded.info;
  }

  /**
   * The rule selection the open case was last used with, loaded again (its folders may have
   * moved: they come back as rejected, with the reason). Null when the case has none.
   */
  private async restoreRules(store: CaseStore): Promise<void> {
    const saved = await store.loadAnalysis(RULE_SELECTION_ANALYSIS);
    const value = saved?.value as Partial<RuleFoldersRequest> | undefined;
    if (!value || !Array.isArray(value.dirs) || typeof value.builtin !== 'boolean') return;
    const dirs = value.dirs.filter((d): d is string => typeof d === 'string');
    const current = this.ruleInfo;
    if (current && current.builtin === value.builtin && current.dirs.length === dirs.length && current.dirs.every((d, i) => d === dirs[i])) return;
    await this.loadRules({ dirs, builtin: value.builtin });
  }

  private requireStore(): CaseStore {
    if (!this.store) throw new Error('no case is open');
    return this.store;
  }

  async openCase(dir: string, options: { name?: string; demo?: boolean; firstScreen?: boolean } = {}): Promise<CaseInfo> {
    await this.closeCase();
    this.store = await CaseStore.open(dir, options);
    this.dataVersion++;
    await this.restoreRules(this.store);
    if (options.firstScreen) {
      // Kept answers, so the window's own requests share these computations (no second run);
      // the sessions only when the case keeps their list (a full correlation waits to be asked).
      // One query at a time on the case: these go first, before the window's whole-case scans.
      const store = this.store;
      this.warming = Promise.allSettled([
        this.storedSessions(store),
        this.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: EVENT_PAGE_ROWS }),
      ]);
    }
    return this.store.info;
  }

  async closeCase(): Promise<void> {
    this.pending = [];
    await this.warming;
    if (this.running) {
      this.abort?.abort();
      await this.running;
    }
    await this.analysis?.catch(() => undefined);
    await this.detectionRuns;
    if (this.store) {
      await this.store.close();
      this.store = null;
    }
    this.countKept.clear();
    this.pageKept.clear();
    this.analysis = null;
    this.analysisReady = null;
    this.detection = null;
  }

  async openEvidence(request: OpenEvidenceRequest): Promise<OpenEvidenceResult> {
    this.requireStore();
    const collected = await collectEvidence(request.paths);
    let runId = this.status.runId;
    if (collected.files.length > 0) {
      if (!this.running) {
        this.startRun(collected.files);
        runId = this.status.runId;
      } else if (this.finishing) {
        // The run is closing its appender and checkpointing: these files start the next run
        // as soon as it is done (joining it now would lose them when it clears its queue).
        this.pending.push(...collected.files);
        runId = this.status.runId + 1;
      } else {
        // A second drop during an import joins the run in progress.
        this.queue.push(...collected.files);
        this.status.filesTotal += collected.files.length;
      }
    }
    return { runId, accepted: collected.files, rejected: collected.rejected };
  }

  private startRun(files: readonly string[]): void {
    this.status = idleStatus(this.status.runId + 1);
    this.status.phase = 'hashing';
    this.queue = [...files];
    this.status.filesTotal = files.length;
    this.abort = new AbortController();
    this.finishing = false;
    this.running = this.runIngest(this.abort.signal).finally(() => {
      this.running = null;
      this.finishing = false;
      const next = this.pending;
      this.pending = [];
      if (next.length > 0 && this.store) this.startRun(next);
      // Detection follows correlation (it places findings on sessions and processes).
      else if (this.store && this.status.phase === 'done') void this.getDetection().catch(() => undefined);
    });
  }

  async getIngestStatus(): Promise<IngestStatus> {
    return { ...this.status };
  }

  async cancelIngest(): Promise<IngestStatus> {
    this.pending = [];
    if (this.running) {
      this.abort?.abort();
      await this.running;
    }
    return { ...this.status };
  }

  async waitForIngest(): Promise<IngestStatus> {
    while (this.running) await this.running;
    return { ...this.status };
  }

  private async runIngest(signal: AbortSignal): Promise<void> {
    const store = this.requireStore();
    // The run's outcome is published only once everything is in the case (appender closed,
    // checkpointed): until then the phase is `finishing`, so nobody reads a half-closed case
    // as the finished one (detection asked for then would answer from the previous state).
    let outcome: 'done' | 'cancelled' | 'failed' = 'done';
    try {
      while (this.queue.length > 0) {
        if (signal.aborted) break;
        const path = this.queue.shift() as string;
        try {
          await this.ingestFile(store, path, signal);
        } catch (error) {
          // One file's failure (unreadable mid-way, vanished) never stops the others.
          const reason = error instanceof Error ? error.message : String(error);
          this.status.errors++;
          this.status.message = `${path}: ${reason}`;
          await store.endAppend().catch(() => undefined);
          await store.markFailed(path, reason).catch(() => undefined);
        }
        this.status.filesDone++;
      }
      outcome = signal.aborted ? 'cancelled' : 'done';
      if (signal.aborted) this.status.message = 'Import cancelled; files not finished are marked incomplete.';
    } catch (error) {
      outcome = 'failed';
      this.status.message = error instanceof Error ? error.message : String(error);
    } finally {
      this.finishing = true;
      this.status.phase = 'finishing';
      this.queue = [];
      this.status.currentFile = null;
      try {
        await store.endAppend();
      } catch (error) {
        outcome = 'failed';
        this.status.message = `closing the import: ${error instanceof Error ? error.message : String(error)}`;
      }
      await store.checkpoint().catch(() => undefined);
      this.dataVersion++;
      // Correlation is over the whole case: new evidence can change any session or tree. It
      // runs after the import, beside the queries, so the events are browsable at once; and
      // detection follows it once the run is over (startRun).
      this.analysis = null;
      this.analysisReady = null;
      this.detection = null;
      this.status.phase = outcome;
    }
  }

  private async ingestFile(store: CaseStore, path: string, signal: AbortSignal): Promise<void> {
    this.status.currentFile = path;
    let facts;
    try {
      facts = await fileFacts(path);
    } catch (error) {
      this.status.errors++;
      this.status.message = `${path}: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    this.status.bytesTotal += facts.size;
    const bytesBefore = this.status.bytesDone;
    // Only a file of the same size as evidence already in the case can be a duplicate: any
    // other is hashed while it is read (the hash is recorded when the read ends), so the first
    // page of events need not wait for a whole pass over the file.
    const hash = sha256FileOffThread(path, facts.size, signal).catch((error: unknown) => {
      if (signal.aborted) return null;
      throw error;
    });
    // Awaited below; until then a failure must not count as unhandled.
    hash.catch(() => undefined);
    let hashing: Promise<string | null> | null = null;
    let sha256 = '';
    if (await store.hasEvidenceOfSize(facts.size)) {
      this.status.phase = 'hashing';
      const hashed = await hash;
      if (hashed === null) return;
      sha256 = hashed;
    } else {
      hashing = hash;
    }
    const format = facts.detected.kind === 'format' ? facts.detected.format : 'unknown';
    const evidence = { path, format, size: facts.size, mtime: facts.mtime, sha256 } as const;

    const duplicate = sha256 === '' ? null : await store.findEvidenceBySha256(sha256);
    if (duplicate) {
      const id = await store.addEvidence(evidence, 'duplicate');
      await store.setEvidenceStatus(id, 'duplicate', {
        events: 0,
        errors: 0,
        recovered: 0,
        errorSamples: [`same SHA-256 as ${duplicate.path} (already imported); skipped`],
      });
      this.status.bytesDone = bytesBefore + facts.size;
      return;
    }
    if (facts.detected.kind !== 'format') {
      const message = facts.detected.kind === 'empty' ? 'empty file' : facts.detected.reason;
      const id = await store.addEvidence(evidence, 'failed');
      const hashed = hashing ? await hashing : null;
      if (hashed) await store.setEvidenceSha256(id, hashed);
      const error: ReadError = { file: path, offset: 0, message };
      await store.addReadErrors(id, [error]);
      await store.setEvidenceStatus(id, 'failed', { events: 0, errors: 1, recovered: 0, errorSamples: [formatReadError(error)] });
      this.status.errors++;
      this.status.bytesDone = bytesBefore + facts.size;
      return;
    }

    const id = await store.addEvidence(evidence, 'importing');
    this.status.phase = 'reading';
    let events = 0;
    let errors = 0;
    let recovered = 0;
    const samples: string[] = [];
    let lastFlush = Date.now();
    let flushedOnce = false;
    const pendingErrors: ReadError[] = [];
    try {
      for await (const batch of readBatches(path, facts.detected.format, { signal, size: facts.size })) {
        for (const error of batch.errors) {
          pendingErrors.push(error);
          if (samples.length < ERROR_SAMPLES) samples.push(formatReadError(error));
        }
        errors += batch.errors.length;
        this.status.errors += batch.errors.length;
        const committed = batch.rows.count > 0 && (await store.appendPrepared(id, batch.rows));
        events += batch.rows.count;
        recovered += batch.rows.recovered;
        this.status.events += batch.rows.count;
        this.status.bytesDone = bytesBefore + batch.bytesRead;
        const now = Date.now();
        if (committed || (!flushedOnce && events >= FIRST_FLUSH_ROWS) || now - lastFlush >= FLUSH_INTERVAL_MS) {
          // How many rows the rest of the file holds, by the bytes per row so far (runsOn).
          if (!flushedOnce && batch.bytesRead > 0) store.expectRows(Math.round((events * Math.max(0, facts.size - batch.bytesRead)) / batch.bytesRead));
          // After a row group's commit the rest of the batch waits for the next one.
          if (!committed) await store.flush();
          if (pendingErrors.length) await store.addReadErrors(id, pendingErrors.splice(0));
          await store.setEvidenceStatus(id, 'importing', { events, errors, recovered, errorSamples: samples });
          this.dataVersion++;
          lastFlush = now;
          flushedOnce = true;
        }
        if (signal.aborted) break;
      }
    } catch (error) {
      // A reader that throws (it should yield errors instead) costs only the rest of this file.
      errors++;
      const readError: ReadError = { file: path, message: `reading stopped: ${error instanceof Error ? error.message : String(error)}` };
      pendingErrors.push(readError);
      samples.push(formatReadError(readError));
      this.status.errors++;
    }
    if (hashing) {
      // Recorded before the file is marked complete, so the next file's duplicate check sees it.
      const hashed = await hashing.catch((error: unknown) => {
        errors++;
        const hashError: ReadError = { file: path, message: `SHA-256 not taken: ${error instanceof Error ? error.message : String(error)}` };
        pendingErrors.push(hashError);
        samples.push(formatReadError(hashError));
        this.status.errors++;
        return null;
      });
      if (hashed !== null) await store.setEvidenceSha256(id, hashed);
    }
    await store.flush();
    await store.endAppend();
    await store.addReadErrors(id, pendingErrors);
    const finalStatus = signal.aborted ? 'incomplete' : 'complete';
    await store.setEvidenceStatus(id, finalStatus, { events, errors, recovered, errorSamples: samples });
    this.status.bytesDone = bytesBefore + facts.size;
    this.dataVersion++;
  }

  async getCaseOverview(): Promise<CaseOverview> {
    if (!this.store) {
      return { case: null, evidence: [], totalEvents: 0, hosts: [], channels: [], eventIds: [], firstTime: null, lastTime: null };
    }
    // The counts scan every event (seconds on a million): kept until the events change. The
    // evidence list (statuses, hashes) and the case's name are read fresh each time.
    const store = this.store;
    const overview = await this.overviewKept.answer('', [store, this.dataVersion], () => store.overview());
    return { ...overview, case: store.info, evidence: await store.listEvidence() };
  }

  async queryEvents(query: EventQuery): Promise<EventPage> {
    const store = this.requireStore();
    const stamp = [store, this.dataVersion];
    const key = JSON.stringify([query.filter, query.sort, query.offset, query.limit]);
    return this.pageKept.answer(key, stamp, async () => {
      const total = await this.countKept.answer(JSON.stringify(query.filter), stamp, () => store.countEvents(query.filter));
      return store.queryEvents(query, total);
    });
  }

  async getEventDetail(eventId: number): Promise<EventDetail> {
    const detail = await eventDetailFromStore(this.requireStore(), eventId, RAW_MAX_CHARS);
    if (!detail) throw new Error(`no event ${eventId} in this case`);
    return detail;
  }

  /** The case's correlation: kept in the case when current (a reopened case), else computed. */
  private getAnalysis(): Promise<CaseAnalysis> {
    const store = this.requireStore();
    if (!this.analysis) {
      const computing = CaseAnalysis.loadOrCompute(store);
      this.analysis = computing;
      computing.then(
        (analysis) => {
          if (this.analysis === computing) this.analysisReady = analysis;
        },
        () => {
          if (this.analysis === computing) this.analysis = null;
        },
      );
    }
    return this.analysis;
  }

  async listSessions(): Promise<SessionList> {
    if (!this.store) return { computedAt: null, sessions: [] };
    if (!this.analysisReady) {
      // A reopened case lists its sessions from the kept list, without loading the whole
      // result (seconds on a 1M-event case) before the first view can show.
      // Kept until the events change: every window opened on the case asks for it first.
      const stored = await this.storedSessions(this.store).catch(() => null);
      if (stored) return stored;
    }
    const analysis = await this.getAnalysis();
    return { computedAt: analysis.computedAt, sessions: analysis.sessions };
  }

  /** The case's kept session list (rejects when the case keeps none). */
  private storedSessions(store: CaseStore): Promise<SessionList> {
    return this.storedSessionsKept.answer('', [store, this.dataVersion], async () => {
      const list = await CaseAnalysis.storedSessions(store);
      if (list === null) throw new Error('no kept session list'); // not kept: asked again next time
      return list;
    });
  }

  async getSessionChain(sessionId: string): Promise<readonly ChainStep[]> {
    return (await this.getAnalysis()).chain(sessionId);
  }

  async getSessionChainPage(request: ChainPageRequest): Promise<ChainPage> {
    // The same kept steps as getSessionChain: a page is a slice of them.
    const all = (await this.getAnalysis()).chain(request.sessionId);
    return chainPageOf(all, request.offset, request.limit);
  }

  async getSessionProcesses(sessionId: string): Promise<readonly ProcessRow[]> {
    return (await this.getAnalysis()).processes(sessionId);
  }

  async getHostProcesses(host: string): Promise<readonly ProcessRow[]> {
    if (!this.store) return [];
    return (await this.getAnalysis()).hostProcesses(host);
  }

  async getProcessPage(request: ProcessPageRequest): Promise<ProcessPage> {
    // The same cached rows as getSessionProcesses / getHostProcesses: a page is a slice of them.
    const all = await this.processList(request.scope, request.id);
    return { total: all.length, offset: request.offset, rows: all.slice(request.offset, request.offset + request.limit) };
  }

  private async processList(scope: ProcessPageRequest['scope'], id: string): Promise<readonly ProcessRow[]> {
    switch (scope) {
      case 'session':
        return this.getSessionProcesses(id);
      case 'host':
        return this.getHostProcesses(id);
      case 'chain':
        return (await this.getAnalysis()).chainProcesses(id);
      default: {
        const unknownScope: never = scope;
        throw new Error(`no process scope ${String(unknownScope)}`);
      }
    }
  }

  async findProcesses(query: ProcessSearch): Promise<ProcessSearchResult> {
    if (!this.store) return { total: 0, rows: [] };
    return (await this.getAnalysis()).findProcesses(query.text, query.limit);
  }

  /**
   * The case's detection state: the stored one when it covers every event of the case, else
   * a new run (after correlation). Null while an import is running and nothing is stored yet.
   */
  private getDetection(): Promise<DetectionState | null> {
    const store = this.requireStore();
    if (!this.detection) {
      // One run at a time: a run started after an import must not interleave its writes with
      // one still finishing from before.
      const previous = this.detectionRuns;
      const computing = (async (): Promise<DetectionState | null> => {
        await previous;
        const stored = await store.loadAnalysis(DETECTION_ANALYSIS);
        const state = stored ? (stored.value as DetectionState) : null;
        if (this.running) return state;
        const version = this.dataVersion;
        const events = await store.countEvents({});
        if (state && state.caseEvents === events && (state.rulesKey ?? null) === (this.rules?.key ?? null)) return state;
        const analysis = await this.getAnalysis();
        // An import that started or ended while the correlation was computed: these findings
        // are placed on the older sessions and processes. They are kept (better than none) but
        // stored as covering no count, so the next ask detects again over the whole case.
        const current = this.dataVersion === version && !this.running;
        return runCaseDetection(store, analysis.result, this.rules, undefined, current ? events : -1);
      })();
      this.detection = computing;
      this.detectionRuns = computing.catch(() => undefined);
      computing.then(
        (state) => {
          // Mid-import answers are provisional: ask again next time.
          if ((state === null || this.running) && this.detection === computing) this.detection = null;
        },
        () => {
          if (this.detection === computing) this.detection = null;
        },
      );
    }
    return this.detection;
  }

  async listFindings(query: FindingQuery): Promise<FindingPage> {
    if (!this.store) return { total: 0, offset: query.offset, rows: [] };
    await this.getDetection();
    return this.requireStore().queryFindings(query);
  }

  async getFindingsSummary(): Promise<FindingsSummary> {
    if (!this.store) return summarizeFindings([], null);
    const store = this.store;
    const state = await this.getDetection();
    // Reading every finding back costs seconds on a large case: the summary is kept until the
    // findings table or the detection state changes (never while an import runs).
    return this.summaryKept.answer(
      '',
      [store, state, store.findingsVersion],
      async () => summarizeFindings(await store.allFindings(), state),
      state !== null && !this.running,
    );
  }

  async getAllowList(): Promise<readonly AllowListEntry[]> {
    if (!this.store) return [];
    return this.requireStore().allowList();
  }

  private editAllowList<T>(fn: (store: CaseStore, entries: AllowListEntry[]) => Promise<{ entries: AllowListEntry[] | null; result: T }>): Promise<T> {
    const store = this.requireStore();
    const run = this.allowLock.then(async () => {
      // Findings first: a detection run in progress reads the list when it ends.
      await this.getDetection();
      const { entries, result } = await fn(store, await store.allowList());
      if (entries) {
        await store.saveAllowList(entries);
        await reapplyAllowList(store);
      }
      return result;
    });
    this.allowLock = run.catch(() => undefined);
    return run;
  }

  async addAllowListEntry(entry: NewAllowListEntry): Promise<AllowListEntry> {
    // The shells validate already; the CLI and tests call the engine directly.
    let checked: NewAllowListEntry;
    try {
      checked = validateNewEntry(entry);
    } catch (error) {
      throw new Error(error instanceof AllowListError ? error.message : String(error));
    }
    return this.editAllowList(async (_store, entries) => {
      const made = makeEntry(checked);
      return { entries: [...entries, made], result: made };
    });
  }

  async removeAllowListEntry(id: string): Promise<boolean> {
    return this.editAllowList(async (_store, entries) => {
      const rest = entries.filter((e) => e.id !== id);
      return rest.length === entries.length ? { entries: null, result: false } : { entries: rest, result: true };
    });
  }

  async exportAllowList(): Promise<string> {
    return allowListToYaml(await this.getAllowList());
  }

  async importAllowList(yamlText: string): Promise<AllowListImportResult> {
    let parsed;
    try {
      parsed = parseAllowListYaml(yamlText);
    } catch (error) {
      throw new Error(`the allow-list was not imported: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.editAllowList(async (_store, entries) => {
      const merged = mergeImported(entries, parsed);
      return { entries: merged.entries, result: { added: merged.added, duplicates: merged.duplicates, entries: merged.entries } };
    });
  }

  async getAttackLayer(): Promise<AttackLayer> {
    const name = this.store ? `Chainline: ${this.store.info.name}` : 'Chainline';
    if (!this.store) return attackLayer([], { name });
    await this.getDetection();
    return attackLayer(await this.requireStore().allFindings({ suppressed: false }), { name });
  }

  async getHuntingQueries(findingId: string): Promise<HuntingQueries> {
    const store = this.requireStore();
    await this.getDetection();
    const found = await store.getFinding(findingId);
    if (!found) throw new Error(`no finding ${findingId} in this case`);
    return huntingQueries(found.finding, found.context as FindingContext);
  }

  async getBaselineCandidates(): Promise<readonly BaselineCandidate[]> {
    if (!this.store) return [];
    return proposeBaselines((await this.getAnalysis()).result);
  }

  async getEventHistogram(request: HistogramRequest): Promise<EventHistogram> {
    if (!this.store) return { from: null, to: null, counts: [], total: 0 };
    // A scan of every event: kept per request until the events change, like the overview.
    const store = this.store;
    return this.histogramKept.answer(JSON.stringify(request), [store, this.dataVersion], () => store.histogram(request));
  }

  async listNotes(): Promise<readonly Note[]> {
    if (!this.store) return [];
    return this.store.listNotes();
  }

  async saveNote(input: NoteInput): Promise<Note> {
    return this.requireStore().saveNote(input);
  }

  async deleteNote(noteId: number): Promise<void> {
    await this.requireStore().deleteNote(noteId);
  }

  async getCoverage(): Promise<CaseCoverage> {
    if (!this.store) {
      return { hosts: [], processCreation: { events: 0, withCommandLine: 0 }, sysmonEvents: 0, scriptBlockEvents: 0, clears: [], gaps: [], gapsTruncated: false };
    }
    return this.store.coverage();
  }

  async shutdown(): Promise<void> {
    await this.closeCase();
  }
}
