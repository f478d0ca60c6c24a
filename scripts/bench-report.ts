// Benchmark of the case report and the ECS export on a case of 1 million events.
//
//   npm run bench:report            (builds, then runs)
//   node dist/node/scripts/bench-report.js [--events N] [--dir /tmp/chainline-bench-report] [--rebuild] [--ecs-only]
//
// The case is built once (evidence generated as evtx_dump JSON lines from the correlation
// benchmark's multi-host generator, imported the real way) and reused by later runs: the
// evidence file and the case folder stay under --dir. Targets (issue 7): the report for 3
// selected sessions in ≤ 5 s; the ECS export at ≥ 100,000 events/s.

import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { CorrelationInput } from '../electron/engine/correlate/input.js';
import { CaseAnalysis } from '../electron/engine/case-analysis.js';
import { exportEvents } from '../electron/engine/export/export-events.js';
import { buildReportModel } from '../electron/engine/report/build-report.js';
import { renderReportHtml } from '../electron/engine/report/render-html.js';
import { CaseStore } from '../electron/engine/store/case-store.js';
import { importBenchCase } from './bench-case.js';
import { generate, recordFieldsOf } from './bench-correlate.js';
import { writeLinesAtomically } from './write-lines.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const EVENTS = Number(opt('events', '1000000'));
const DIR = opt('dir', '/tmp/chainline-bench-report');
const EVIDENCE = join(DIR, `evidence-${EVENTS}.jsonl`);
const CASE_DIR = join(DIR, `case-${EVENTS}`);

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const seconds = (t0: number): number => (performance.now() - t0) / 1000;

function iso(i: CorrelationInput): string {
  const base = new Date(i.ms).toISOString();
  if (i.precision === 's') return base.replace(/\.\d+Z$/, 'Z');
  if (i.precision === 'ms') return base;
  return base.replace('Z', '') + String(i.sub).padStart(4, '0') + 'Z';
}


/** One generated input as an evtx_dump JSON record (the mapping of bench-correlate's viaEvents). */
function recordOf(i: CorrelationInput, recordId: number): string | null {
  const record = recordFieldsOf(i);
  if (!record) return null;
  const { eventId, channel, provider, data } = record;
  const processId = record.processId ?? 4;
  return JSON.stringify({
    Event: {
      System: {
        Provider: { '#attributes': { Name: provider } },
        EventID: eventId,
        TimeCreated: { '#attributes': { SystemTime: iso(i) } },
        EventRecordID: recordId,
        Execution: { '#attributes': { ProcessID: processId, ThreadID: 8 } },
        Channel: channel,
        Computer: i.host,
      },
      EventData: data,
    },
  });
}

async function writeEvidence(): Promise<void> {
  const t0 = performance.now();
  const inputs = generate(EVENTS);
  const written = await writeLinesAtomically(
    EVIDENCE,
    (function* () {
      for (let k = 0; k < inputs.length; k++) {
        const line = recordOf(inputs[k] as CorrelationInput, k + 1);
        if (line !== null) yield line;
      }
    })(),
  );
  console.log(`evidence: ${written} events, ${(statSync(EVIDENCE).size / 2 ** 20).toFixed(0)} MiB in ${seconds(t0).toFixed(1)} s`);
}

async function main(): Promise<void> {
  console.log(`load average at start: ${load()}`);
  mkdirSync(DIR, { recursive: true });
  if (args.includes('--rebuild')) rmSync(CASE_DIR, { recursive: true, force: true });
  if (!existsSync(EVIDENCE)) await writeEvidence();
  if (!existsSync(join(CASE_DIR, 'case.json'))) await importBenchCase(CASE_DIR, EVIDENCE, { name: `bench ${EVENTS}` });

  const store = await CaseStore.open(CASE_DIR);
  try {
    const total = (await store.overview()).totalEvents;
    let t0 = performance.now();
    if (!args.includes('--ecs-only')) {
    const analysis = await CaseAnalysis.compute(store);
    const correlation = seconds(t0);
    console.log(
      `correlation (once per case; the engine keeps it for every report): ${correlation.toFixed(2)} s — ${analysis.sessions.length} sessions, ${analysis.document.processes.length} processes`,
    );
    // The three busiest interactive/network sessions: the heaviest chains and trees of the case.
    const picked = [...analysis.sessions]
      .filter((s) => s.logonId !== '0x3e7')
      .sort((a, b) => b.processes - a.processes || a.id.localeCompare(b.id))
      .slice(0, 3);
    console.log(`selected sessions: ${picked.map((s) => `${s.id} (${s.processes} processes)`).join(', ')}`);

    for (const run of [1, 2]) {
      console.log(`load average before report run ${run}: ${load()}`);
      t0 = performance.now();
      const model = await buildReportModel({ store, analysis, sessionIds: picked.map((s) => s.id), analyst: 'bench' });
      const built = seconds(t0);
      const t1 = performance.now();
      const html = renderReportHtml(model);
      const rendered = seconds(t1);
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(DIR, 'report.html'), html);
      const total_s = seconds(t0);
      const verified = model.evidence.map((e) => e.verification.kind).join(',');
      console.log(
        `report run ${run}: ${total_s.toFixed(2)} s total (gather incl. re-hashing ${(statSync(EVIDENCE).size / 2 ** 20).toFixed(0)} MiB of evidence: ${built.toFixed(2)} s, render ${rendered.toFixed(2)} s), ` +
          `${(html.length / 2 ** 20).toFixed(1)} MiB HTML, chain steps ${model.sessions.map((s) => s.chain.length + s.chainOmitted).join('/')}, evidence ${verified} — target ≤ 5 s: ${total_s <= 5 ? 'met' : 'NOT met'}`,
      );
    }

    }
    console.log(`load average before ECS export: ${load()}`);
    t0 = performance.now();
    const result = await exportEvents(store, 'ecs', join(DIR, 'ecs.ndjson'));
    const ecs = seconds(t0);
    const rate = result.records / ecs;
    console.log(
      `ECS export: ${result.records} of ${total} events in ${ecs.toFixed(2)} s = ${Math.round(rate).toLocaleString('en-US')} events/s, ${(statSync(join(DIR, 'ecs.ndjson')).size / 2 ** 20).toFixed(0)} MiB — target ≥ 100,000 events/s: ${rate >= 100_000 ? 'met' : 'NOT met'}`,
    );
    rmSync(join(DIR, 'ecs.ndjson'), { force: true });
    console.log(`load average at end: ${load()}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    await store.close();
  }
}

await main();
