// Benchmark of reopening a correlated case (issues 4 and 6): the time from opening the case to
// the sessions list and the first table page, then to the first chain (which loads the whole
// kept correlation result), with CPU time, RSS and the load average.
//
//   node dist/node/scripts/bench-reopen.js --case <dir> [--compute]
//
// --compute correlates the case first and keeps the result in it (what an import does), and
// prints how long that took: the cost every reopen paid before the result was kept.
// Use a case built by bench-report (a copy: the kept result is written into it).

import { loadavg } from 'node:os';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CaseAnalysis, CORRELATION_ANALYSIS, CORRELATION_RESULT_FILE } from '../electron/engine/case-analysis.js';
import { Engine } from '../electron/engine/engine.js';
import { CaseStore } from '../electron/engine/store/case-store.js';

const args = process.argv.slice(2);
const caseIndex = args.indexOf('--case');
const CASE_DIR = caseIndex >= 0 ? args[caseIndex + 1] : undefined;
if (!CASE_DIR) {
  console.error('usage: bench-reopen --case <dir> [--compute]');
  process.exit(2);
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const rss = (): string => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;
function clock(): () => string {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return `${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU`;
  };
}

async function main(): Promise<void> {
  const dir = CASE_DIR as string;
  console.log(`load average at start: ${load()}`);
  if (args.includes('--compute')) {
    const store = await CaseStore.open(dir);
    try {
      const done = clock();
      const analysis = await CaseAnalysis.compute(store, { onPhase: (p, ms) => console.log(`  ${p}: ${(ms / 1000).toFixed(2)} s`) });
      console.log(`correlated and kept: ${done()}, ${analysis.sessions.length} sessions, ${analysis.result.processes.length} processes; RSS ${rss()}; load ${load()}`);
      const list = await store.loadAnalysis(CORRELATION_ANALYSIS);
      console.log(`  kept session list (analysis row ${CORRELATION_ANALYSIS}): ${list ? (JSON.stringify(list.value).length / 2 ** 20).toFixed(1) : 0} MiB of JSON`);
      console.log(`  kept result (${CORRELATION_RESULT_FILE}): ${(statSync(join(dir, CORRELATION_RESULT_FILE)).size / 2 ** 20).toFixed(1)} MiB`);
    } finally {
      await store.close();
    }
    return;
  }

  const engine = new Engine();
  const open = clock();
  await engine.openCase(dir);
  const [sessions, page] = await Promise.all([
    engine.listSessions(),
    engine.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 100 }),
  ]);
  console.log(`open → sessions list (${sessions.sessions.length}) and first table page (${page.rows.length} of ${page.total}): ${open()}; RSS ${rss()}; load ${load()}`);
  const first = [...sessions.sessions].sort((a, b) => b.processes - a.processes)[0];
  if (first) {
    const chain = clock();
    const steps = await engine.getSessionChain(first.id);
    const processes = await engine.getSessionProcesses(first.id);
    console.log(`first chain (${first.id}: ${steps.length} steps, ${processes.length} processes; loads the kept result): ${chain()}; RSS ${rss()}; load ${load()}`);
  }
  console.log(`open → chain total: ${open()}`);
  await engine.shutdown();

  // The load alone, on the store.
  const store = await CaseStore.open(dir);
  try {
    const t = clock();
    const loaded = await CaseAnalysis.load(store, { log: (line) => console.log(`  ${line}`) });
    console.log(`CaseAnalysis.load alone: ${t()} (${loaded ? `${loaded.result.processes.length} processes` : 'nothing kept'}); RSS ${rss()}; load ${load()}`);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
