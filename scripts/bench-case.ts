// The case a benchmark measures, imported once from its generated evidence through the engine
// (in a worker thread, as the app does) and reused by later runs.

import { rmSync } from 'node:fs';
import { startEngine } from '../electron/engine/worker/engine-client.js';

const seconds = (t0: number): number => (performance.now() - t0) / 1000;

/**
 * Imports `evidence` into a new case at `caseDir` (any case there is removed first).
 * `builtinRules`: detection with the built-in pack; `analyze`: correlate once too, so the case
 * keeps its analysis for the runs that reopen it.
 */
export async function importBenchCase(
  caseDir: string,
  evidence: string,
  options: { readonly name: string; readonly builtinRules?: boolean; readonly analyze?: boolean },
): Promise<void> {
  const t0 = performance.now();
  rmSync(caseDir, { recursive: true, force: true });
  const engine = startEngine();
  try {
    await engine.openCase(caseDir, { name: options.name });
    if (options.builtinRules) await engine.setRuleFolders({ dirs: [], builtin: true });
    await engine.openEvidence({ paths: [evidence] });
    const status = await engine.waitForIngest();
    if (status.phase !== 'done') throw new Error(`import ${status.phase}: ${status.message}`);
    console.log(`case: ${status.events} events imported in ${seconds(t0).toFixed(1)} s (${status.errors} errors)`);
    if (options.analyze) {
      const t1 = performance.now();
      const sessions = await engine.listSessions();
      console.log(`analysis: ${sessions.sessions.length} sessions in ${seconds(t1).toFixed(1)} s`);
    }
  } finally {
    await engine.shutdown();
  }
}
