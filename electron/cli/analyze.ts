// `chainline analyze <files or folders…> --json <out.json>`: reads the evidence, correlates it
// (sessions, process trees, script blocks, services, lateral movement) and writes the analysis
// document. Reading happens here, in one pass, keeping only the compact correlation inputs.

import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Note } from '../../shared/api.js';
import type { Finding } from '../../shared/findings.js';
import { CaseAnalysis } from '../engine/case-analysis.js';
import type { EngineApi } from '../engine/engine.js';
import { exportParquet, writeNavigatorLayer } from '../engine/export/export-case.js';
import { exportEvents, type EventExportFormat } from '../engine/export/export-events.js';
import { buildReportModel, defaultSessionSelection } from '../engine/report/build-report.js';
import { chromiumPrinter, type PdfPrinter } from '../engine/report/pdf.js';
import { reportNotesOf } from '../engine/report/from-notes.js';
import { renderReportHtml } from '../engine/report/render-html.js';
import { CaseStore } from '../engine/store/case-store.js';
import { buildAnalysisDocument, correlate, toCorrelationInput, type AnalysisDocument, type CorrelationInput } from '../engine/correlate/index.js';
import { readEvidence, type EvidenceErrorLine } from './read-evidence.js';

export interface AnalyzeOutcome {
  readonly document: AnalysisDocument;
  readonly events: number;
  readonly failed: boolean;
}

export async function analyzeFiles(
  paths: readonly string[],
  options: { readonly localTimeOffsetMinutes?: number; readonly onError?: (line: string) => void } = {},
): Promise<AnalyzeOutcome> {
  const report = options.onError ?? ((line: string) => process.stderr.write(line + '\n'));
  let failed = false;
  const onError = (error: EvidenceErrorLine): void => {
    failed = true;
    report(JSON.stringify(error));
  };
  const inputs: CorrelationInput[] = [];
  let rowId = 0;
  const readOptions = options.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: options.localTimeOffsetMinutes };
  for await (const events of readEvidence(paths, readOptions, onError)) {
    for (const event of events) {
      rowId++;
      const input = toCorrelationInput(event, rowId);
      if (input) inputs.push(input);
    }
  }
  const document = buildAnalysisDocument(correlate(inputs));
  return { document, events: rowId, failed };
}

export async function writeAnalysis(document: AnalysisDocument, out: string): Promise<void> {
  const text = JSON.stringify(document, null, 2) + '\n';
  if (out === '-') process.stdout.write(text);
  else await writeFile(out, text);
}

// ---- `analyze --case <dir> --report <out> --export <format> <path>`: the whole job headless ----

/** What `--export <format> <path>` accepts. */
export const ANALYZE_EXPORT_FORMATS = ['timesketch', 'ecs', 'csv', 'jsonl', 'parquet'] as const;
export type AnalyzeExportFormat = (typeof ANALYZE_EXPORT_FORMATS)[number];

export interface AnalyzeExport {
  readonly format: AnalyzeExportFormat;
  readonly path: string;
}

/** Findings are read from the engine a page at a time. */
const FINDINGS_PAGE = 5000;

export interface CaseAnalyzeOptions {
  readonly paths: readonly string[];
  readonly caseDir: string;
  readonly report?: string;
  readonly exports: readonly AnalyzeExport[];
  readonly json?: string;
  /** Sigma rule folders added to the built-in pack. */
  readonly ruleDirs: readonly string[];
  /** Include the built-in rules (default true). */
  readonly builtinRules?: boolean;
  readonly sessionIds?: readonly string[];
  readonly analyst?: string;
  /** Waits for the engine's import, reporting progress; resolves whether every file was read. */
  readonly followIngest: (engine: EngineApi) => Promise<boolean>;
  readonly startEngine: () => EngineApi;
  readonly printer?: () => Promise<PdfPrinter>;
  readonly log?: (line: string) => void;
}

export interface CaseAnalyzeOutcome {
  /** Every file read, every output written, every evidence hash verified. */
  readonly ok: boolean;
  readonly problems: readonly string[];
}

function exportTarget(format: AnalyzeExportFormat, path: string): EventExportFormat | 'parquet' {
  switch (format) {
    case 'timesketch':
      return /\.csv$/i.test(path) ? 'timesketch-csv' : 'timesketch';
    case 'ecs':
      return 'ecs';
    case 'csv':
      return 'csv';
    case 'jsonl':
      return 'jsonl';
    case 'parquet':
      return 'parquet';
    default: {
      const never: never = format;
      return never;
    }
  }
}

/** Imports into the case, correlates, writes the report and the exports. Outputs failing do not stop the others. */
export async function analyzeIntoCase(options: CaseAnalyzeOptions): Promise<CaseAnalyzeOutcome> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const problems: string[] = [];
  const problem = (text: string): void => {
    problems.push(text);
    log(text);
  };
  let printer: PdfPrinter | null = null;
  if (options.report && /\.pdf$/i.test(options.report)) {
    // Find the printer before the long import, so a missing Chromium is said at once.
    try {
      printer = await (options.printer ?? (() => chromiumPrinter()))();
    } catch (error) {
      problem(`report: ${error instanceof Error ? error.message : String(error)}`);
      return { ok: false, problems };
    }
  }

  const engine = options.startEngine();
  let readOk = true;
  let findings: Finding[] = [];
  let layer: unknown;
  let notes: readonly Note[] = [];
  try {
    const info = await engine.openCase(resolve(options.caseDir));
    log(`case ${info.dir}`);
    // Rules before the import, so the detection that follows it runs them: the ones asked for,
    // else the selection the case was last used with, else the built-in pack.
    const explicit = options.ruleDirs.length > 0 || options.builtinRules === false;
    let rules = await engine.getRuleStatus();
    if (explicit || !rules) rules = await engine.setRuleFolders({ dirs: options.ruleDirs.map((d) => resolve(d)), builtin: options.builtinRules ?? true });
    log(`rules: ${rules.rules} loaded (${rules.builtinRules} built-in, ${rules.userRules} from folders); ${rules.rejected} rejected, ${rules.skipped} skipped`);
    for (const p of rules.problems.filter((x) => x.kind === 'rejected')) log(`  rule rejected: ${p.path}: ${p.reason}`);
    if (options.paths.length > 0) {
      const result = await engine.openEvidence({ paths: options.paths });
      for (const r of result.rejected) problem(`rejected ${r.path}: ${r.reason}`);
      readOk = (await options.followIngest(engine)) && result.rejected.length === 0;
    }
    log('detecting…');
    for (let offset = 0; ; offset += FINDINGS_PAGE) {
      const page = await engine.listFindings({ offset, limit: FINDINGS_PAGE });
      findings.push(...page.rows);
      if (page.rows.length < FINDINGS_PAGE) break;
    }
    log(`${findings.length} findings (${findings.filter((f) => f.suppressed).length} suppressed)`);
    layer = await engine.getAttackLayer();
    notes = await engine.listNotes();
  } finally {
    await engine.shutdown();
  }

  const store = await CaseStore.open(resolve(options.caseDir));
  try {
    // The engine correlated the case (for detection) and kept the result in it: load that
    // instead of correlating a second time (computed here only when the case holds none).
    const started = Date.now();
    let analysis = await CaseAnalysis.load(store, { log });
    const computed = analysis === null;
    if (!analysis) {
      log('correlating…');
      analysis = await CaseAnalysis.compute(store, { log });
    }
    const counts = analysis.result;
    log(
      `${computed ? 'correlated' : 'correlation loaded from the case'} in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `${analysis.sessions.length} sessions, ${counts.processes.length} processes, ` +
        `${counts.scripts.length} script blocks, ${counts.services.length} services`,
    );
    if (options.json) await writeAnalysis(analysis.document, options.json);

    if (options.report) {
      try {
        log(`report → ${options.report}`);
        const sessionIds = options.sessionIds?.length ? options.sessionIds : defaultSessionSelection(analysis, findings);
        const model = await buildReportModel({
          store,
          analysis,
          sessionIds,
          findings,
          ...reportNotesOf(notes, options.analyst ?? 'analyst'),
          ...(options.analyst === undefined ? {} : { analyst: options.analyst }),
          onProgress: (m) => log(`  ${m}`),
        });
        for (const p of model.problems) problem(`report: ${p}`);
        for (const e of model.evidence) {
          if (e.verification.kind === 'mismatch') problem(`evidence changed since import (SHA-256 mismatch): ${e.file.path}`);
          else if (e.verification.kind === 'missing') problem(`evidence missing: ${e.file.path}`);
        }
        const html = renderReportHtml(model);
        if (printer) await writeFile(options.report, await printer(html));
        else await writeFile(options.report, html);
        log(`report written (${model.sessions.length} sessions)`);
      } catch (error) {
        problem(`report: ${error instanceof Error ? error.message : String(error)}`);
      }
    }

    for (const x of options.exports) {
      const target = exportTarget(x.format, x.path);
      try {
        const t0 = Date.now();
        if (target === 'parquet') {
          const result = await exportParquet(store, analysis, x.path);
          log(`export parquet → ${x.path}: ${result.counts.events} events, ${result.counts.sessions} sessions, ${result.counts.processes} processes`);
        } else {
          let last = 0;
          const result = await exportEvents(store, target, x.path, {
            onProgress: (n) => {
              if (n - last >= 100_000) {
                last = n;
                log(`  export ${x.format}: ${n} events`);
              }
            },
          });
          log(`export ${x.format} → ${x.path}: ${result.records} events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        }
      } catch (error) {
        problem(`export ${x.format} → ${x.path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (layer !== undefined) {
      const layerPath = join(store.dir, 'attack-navigator-layer.json');
      await writeNavigatorLayer(layer, layerPath);
      log(`ATT&CK Navigator layer → ${layerPath}`);
    }
  } finally {
    await store.close();
  }
  return { ok: readOk && problems.length === 0, problems };
}
