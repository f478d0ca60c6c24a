// A case built from evidence files with the real import path (Engine, inline), then reopened
// directly so that tests can hand the store and the correlation to the report and exports.

import { CaseAnalysis } from '../../case-analysis.js';
import { Engine } from '../../engine.js';
import { CaseStore } from '../../store/case-store.js';

export interface OpenedCase {
  readonly store: CaseStore;
  readonly analysis: CaseAnalysis;
}

export async function importCase(dir: string, paths: readonly string[], options: { name?: string; demo?: boolean } = {}): Promise<void> {
  const engine = new Engine();
  try {
    await engine.openCase(dir, options);
    await engine.openEvidence({ paths });
    const status = await engine.waitForIngest();
    if (status.phase !== 'done') throw new Error(`import ended ${status.phase}: ${status.message ?? ''}`);
  } finally {
    await engine.shutdown();
  }
}

export async function openAnalyzedCase(dir: string): Promise<OpenedCase> {
  const store = await CaseStore.open(dir);
  try {
    return { store, analysis: await CaseAnalysis.compute(store) };
  } catch (error) {
    await store.close();
    throw error;
  }
}
