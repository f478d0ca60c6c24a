// `chainline analyze <files or folders…> --json <out.json>`: reads the evidence, correlates it
// (sessions, process trees, script blocks, services, lateral movement) and writes the analysis
// document. Reading happens here, in one pass, keeping only the compact correlation inputs.

import { writeFile } from 'node:fs/promises';
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
