// The case a benchmark measures, imported once from its generated evidence through the engine
// (in a worker thread, as the app does) and reused by later runs.

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadSigmaRules } from '../electron/engine/detect/sigma-rules.js';
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
  rmSync(rulesKeyFile(caseDir), { force: true });
  const engine = startEngine();
  try {
    await engine.openCase(caseDir, { name: options.name });
    const rules = options.builtinRules ? await engine.setRuleFolders({ dirs: [], builtin: true }) : null;
    await engine.openEvidence({ paths: [evidence] });
    const status = await engine.waitForIngest();
    if (status.phase !== 'done') throw new Error(`import ${status.phase}: ${status.message}`);
    console.log(`case: ${status.events} events imported in ${seconds(t0).toFixed(1)} s (${status.errors} errors)`);
    if (options.analyze) {
      const t1 = performance.now();
      const sessions = await engine.listSessions();
      console.log(`analysis: ${sessions.sessions.length} sessions in ${seconds(t1).toFixed(1)} s`);
    }
    if (rules) writeFileSync(rulesKeyFile(caseDir), rules.key + '\n');
  } finally {
    await engine.shutdown();
  }
}

/** Beside the case (not in it: serve opens the case folder): the rules key its findings were detected with. */
function rulesKeyFile(caseDir: string): string {
  return `${caseDir}.rules-key`;
}

/**
 * Why a cached case imported with the built-in rules must be built again, or null when it
 * need not: findings kept under another rules key (rules edited, or a change to how the key
 * is made) are detected again by every cold run, seconds of engine CPU in the measured phases.
 */
export async function staleRules(caseDir: string): Promise<string | null> {
  const file = rulesKeyFile(caseDir);
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
  const current = (await loadSigmaRules({ dirs: [], builtin: true })).info.key;
  if (kept === current) return null;
  return kept === null
    ? `no record of the rules its findings were detected with (${file})`
    : `its findings were detected with rules ${kept}, the built-in rules are now ${current}`;
}
