// `chainline analyze <files or folders…> --json <out.json>`: reads the evidence, correlates it
// (sessions, process trees, script blocks, services, lateral movement) and writes the analysis
// document. Reading happens here, in one pass, keeping only the compact correlation inputs.

import { writeFile } from 'node:fs/promises';
import { buildAnalysisDocument, correlate, toCorrelationInput, type AnalysisDocument, type CorrelationInput } from '../engine/correlate/index.js';
import { collectEvidence, fileFacts } from '../engine/ingest/collect.js';
import { readerFor } from '../engine/readers/registry.js';

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
  const { files, rejected } = await collectEvidence(paths);
  let failed = rejected.length > 0;
  for (const r of rejected) report(JSON.stringify({ file: r.path, offset: null, error: r.reason }));
  const inputs: CorrelationInput[] = [];
  let rowId = 0;
  for (const file of files) {
    let facts;
    try {
      facts = await fileFacts(file);
    } catch (error) {
      failed = true;
      report(JSON.stringify({ file, offset: null, error: error instanceof Error ? error.message : String(error) }));
      continue;
    }
    if (facts.detected.kind !== 'format') {
      failed = true;
      report(JSON.stringify({ file, offset: 0, error: facts.detected.kind === 'empty' ? 'empty file' : facts.detected.reason }));
      continue;
    }
    const readOptions = options.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: options.localTimeOffsetMinutes };
    for await (const batch of readerFor(facts.detected.format).read(file, readOptions)) {
      for (const item of batch) {
        if (item.kind === 'event') {
          rowId++;
          const input = toCorrelationInput(item.event, rowId);
          if (input) inputs.push(input);
        } else {
          failed = true;
          const e = item.error;
          report(JSON.stringify({ file: e.file, offset: e.offset ?? null, ...(e.line !== undefined ? { line: e.line } : {}), error: e.message }));
        }
      }
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
