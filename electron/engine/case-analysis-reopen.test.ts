// Reopening a case loads the correlation kept in it instead of correlating again, and what is
// built from the loaded result (sessions, chains, process rows, findings placed on sessions and
// processes, the report model) is the same as from a fresh correlation. A kept result that is
// stale, of another version or damaged is never used, and never stops the case from opening.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CorrelationInput } from './correlate/input.js';
import { generate, recordFieldsOf } from '../../scripts/bench-correlate.js';
import { CaseAnalysis, CORRELATION_ANALYSIS, CORRELATION_RESULT_FILE } from './case-analysis.js';
import { openDemoCase } from './demo-case.js';
import { runCaseDetection } from './detect/detection.js';
import { loadSigmaRules } from './detect/sigma-rules.js';
import { Engine } from './engine.js';
import { buildReportModel, defaultSessionSelection } from './report/build-report.js';
import { CaseStore } from './store/case-store.js';
import { tempDirs } from './testing/temp-dirs.js';

const temp = tempDirs();
afterEach(() => {
  vi.restoreAllMocks();
});

/** Generated multi-host evidence (the correlation benchmark's) as evtx_dump JSON lines. */
function writeGeneratedEvidence(path: string, n: number): void {
  const iso = (i: CorrelationInput): string => {
    const base = new Date(i.ms).toISOString();
    if (i.precision === 's') return base.replace(/\.\d+Z$/, 'Z');
    if (i.precision === 'ms') return base;
    return base.replace('Z', '') + String(i.sub).padStart(4, '0') + 'Z';
  };
  const lines: string[] = [];
  generate(n, 5).forEach((input, k) => {
    const record = recordFieldsOf(input);
    if (!record) return;
    lines.push(
      JSON.stringify({
        Event: {
          System: {
            Provider: { '#attributes': { Name: record.provider } },
            EventID: record.eventId,
            TimeCreated: { '#attributes': { SystemTime: iso(input) } },
            EventRecordID: k + 1,
            Execution: { '#attributes': { ProcessID: record.processId ?? 4, ThreadID: 8 } },
            Channel: record.channel,
            Computer: input.host,
          },
          EventData: record.data,
        },
      }),
    );
  });
  writeFileSync(path, lines.join('\n') + '\n');
}

/** Everything the views and the report read from the correlation, through the engine. */
async function viewsOf(engine: Engine): Promise<unknown> {
  const list = await engine.listSessions();
  const chains: Record<string, unknown> = {};
  const processes: Record<string, unknown> = {};
  for (const s of list.sessions) {
    chains[s.id] = await engine.getSessionChain(s.id);
    processes[s.id] = await engine.getSessionProcesses(s.id);
  }
  const findings = await engine.listFindings({ offset: 0, limit: 100_000 });
  return { list, chains, processes, findings, baselines: await engine.getBaselineCandidates() };
}

/** Imports, then reopens twice: the views, detection and the report agree, and nothing is correlated on reopening. */
async function checkReopen(caseDir: string, build: (engine: Engine) => Promise<void>): Promise<void> {
  const first = new Engine();
  await build(first);
  await first.setRuleFolders({ dirs: [], builtin: true });
  await first.waitForIngest();
  const before = await viewsOf(first);
  await first.shutdown();

  const compute = vi.spyOn(CaseAnalysis, 'compute');
  const reopened = new Engine();
  await reopened.openCase(caseDir);
  // The sessions come from the kept list before anything else is loaded.
  expect((await reopened.listSessions()).sessions).toEqual((before as { list: { sessions: unknown } }).list.sessions);
  expect(await viewsOf(reopened)).toEqual(before);
  expect(compute).not.toHaveBeenCalled();
  await reopened.shutdown();
  compute.mockRestore();

  // Detection run again over the loaded result places every finding the same way, and the
  // report model (fixed clock, no re-hashing) is the same as from a fresh correlation.
  const store = await CaseStore.open(caseDir);
  try {
    const loaded = await CaseAnalysis.load(store, { log: (line) => expect.fail(line) });
    expect(loaded).not.toBeNull();
    if (!loaded) return;
    const fresh = await CaseAnalysis.compute(store);
    expect(loaded.result).toEqual(fresh.result);
    expect(JSON.stringify(loaded.result)).toBe(JSON.stringify(fresh.result));
    expect(loaded.document).toEqual(fresh.document);
    expect(loaded.sessions).toEqual(fresh.sessions);
    const findingsBefore = await store.allFindings();
    const rules = (await loadSigmaRules({ dirs: [], builtin: true })).engine;
    await runCaseDetection(store, loaded.result, rules);
    const findingsLoaded = await store.allFindings();
    expect(findingsLoaded).toEqual(findingsBefore);
    await runCaseDetection(store, fresh.result, rules);
    expect(await store.allFindings()).toEqual(findingsLoaded);

    const sessionIds = defaultSessionSelection(fresh, findingsBefore);
    expect(defaultSessionSelection(loaded, findingsBefore)).toEqual(sessionIds);
    expect(sessionIds.length).toBeGreaterThan(0);
    const report = async (analysis: CaseAnalysis) =>
      buildReportModel({ store, analysis, sessionIds, findings: findingsBefore, verifyEvidence: false, now: new Date(0), analyst: 'tester' });
    expect(await report(loaded)).toEqual(await report(fresh));
  } finally {
    await store.close();
  }
}

describe('reopening a case loads its kept correlation', () => {
  it('on the demo case: same sessions, chains, processes, findings and report, nothing correlated', async () => {
    const dir = join(temp('chainline-reopen-'), 'demo');
    await checkReopen(dir, async (engine) => {
      await openDemoCase(engine, dir);
    });
  }, 120_000);

  it('on a generated multi-host case', async () => {
    const root = temp('chainline-reopen-gen-');
    const evidence = join(root, 'generated.jsonl');
    writeGeneratedEvidence(evidence, 6000);
    const dir = join(root, 'case');
    await checkReopen(dir, async (engine) => {
      await engine.openCase(dir);
      await engine.openEvidence({ paths: [evidence] });
      const status = await engine.waitForIngest();
      expect(status.phase).toBe('done');
      // Detection (after the import) is what correlates; wait for it like the views do.
      await engine.listFindings({ offset: 0, limit: 1 });
      const processes = (await engine.listSessions()).sessions.reduce((a, s) => a + s.processes, 0);
      expect(processes).toBeGreaterThan(500);
    });
  }, 180_000);

  it('correlates again when the kept result is stale, of another version or damaged, and says why', async () => {
    const root = temp('chainline-reopen-bad-');
    const dir = join(root, 'case');
    const evidence = join(root, 'a.jsonl');
    writeGeneratedEvidence(evidence, 1500);
    const engine = new Engine();
    await engine.openCase(dir);
    await engine.openEvidence({ paths: [evidence] });
    await engine.waitForIngest();
    const sessions = (await engine.listSessions()).sessions;
    expect(sessions.length).toBeGreaterThan(0);
    await engine.shutdown();

    const reopenWith = async (damage: (store: CaseStore) => Promise<void>): Promise<{ computed: number; said: string }> => {
      const store = await CaseStore.open(dir);
      await damage(store);
      await store.close();
      const compute = vi.spyOn(CaseAnalysis, 'compute');
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const again = new Engine();
      await again.openCase(dir);
      try {
        expect((await again.listSessions()).sessions).toEqual(sessions);
        const first = sessions[0];
        if (first) expect((await again.getSessionChain(first.id)).length).toBeGreaterThan(0);
      } finally {
        await again.shutdown();
      }
      const said = stderr.mock.calls.map((c) => String(c[0])).join('');
      const computed = compute.mock.calls.length;
      stderr.mockRestore();
      compute.mockRestore();
      return { computed, said };
    };

    const kept = async (store: CaseStore): Promise<{ header: { stamp: { version: number; events: number } }; body: { lists: Record<string, unknown> } }> => {
      const text = (await store.readCaseFile(CORRELATION_RESULT_FILE)) ?? '';
      const newline = text.indexOf('\n');
      return { header: JSON.parse(text.slice(0, newline)), body: JSON.parse(text.slice(newline + 1)) };
    };
    const keep = async (store: CaseStore, header: unknown, body: unknown): Promise<void> => {
      await store.writeCaseFile(CORRELATION_RESULT_FILE, `${JSON.stringify(header)}\n${JSON.stringify(body)}`);
    };

    // Not damaged: loaded.
    expect((await reopenWith(async () => undefined)).computed).toBe(0);
    // Not JSON at all.
    const raw = await reopenWith(async (store) => {
      await store.writeCaseFile(CORRELATION_RESULT_FILE, 'x');
      await store.saveAnalysis(CORRELATION_ANALYSIS, { stamp: 'x' }, 0);
    });
    expect(raw.computed).toBe(1);
    expect(raw.said).toMatch(/could not be read/);
    // Recomputing kept a good result again.
    expect((await reopenWith(async () => undefined)).computed).toBe(0);
    // Current stamp, damaged columns; and a damaged session list.
    const damaged = await reopenWith(async (store) => {
      const { header, body } = await kept(store);
      body.lists['processes'] = { t: 'a', len: [3], items: { t: 's', v: [1] } };
      await keep(store, header, body);
      const list = (await store.loadAnalysis(CORRELATION_ANALYSIS))?.value as Record<string, unknown>;
      await store.saveAnalysis(CORRELATION_ANALYSIS, { ...list, sessions: { format: 'x' } }, 0);
    });
    expect(damaged.computed).toBe(1);
    expect(damaged.said).toMatch(/could not be read/);
    // Another version.
    const other = await reopenWith(async (store) => {
      const { header, body } = await kept(store);
      header.stamp.version = -1;
      await keep(store, header, body);
    });
    expect(other.computed).toBe(1);
    expect(other.said).toMatch(/another version/);
    // The case's events changed (as if one more event were appended): stale, recomputed silently.
    const stale = await reopenWith(async (store) => {
      const { header, body } = await kept(store);
      header.stamp.events -= 1;
      await keep(store, header, body);
      const list = (await store.loadAnalysis(CORRELATION_ANALYSIS))?.value as Record<string, unknown>;
      await store.saveAnalysis(CORRELATION_ANALYSIS, { ...list, stamp: header.stamp }, 0);
    });
    expect(stale.computed).toBe(1);
    expect(stale.said).toBe('');
  }, 180_000);

  it('correlates the new evidence after an import into a reopened case', async () => {
    const root = temp('chainline-reopen-more-');
    const dir = join(root, 'case');
    const a = join(root, 'a.jsonl');
    writeGeneratedEvidence(a, 1500);
    const engine = new Engine();
    await engine.openCase(dir);
    await engine.openEvidence({ paths: [a] });
    await engine.waitForIngest();
    const before = (await engine.listSessions()).sessions.length;
    await engine.shutdown();

    const again = new Engine();
    await again.openCase(dir);
    expect((await again.listSessions()).sessions).toHaveLength(before);
    await again.openEvidence({ paths: [join(process.cwd(), 'assets', 'demo')] });
    await again.waitForIngest();
    const after = (await again.listSessions()).sessions;
    expect(after.length).toBeGreaterThan(before);
    await again.shutdown();

    // And the result kept after that import is the one a reopened case loads.
    const compute = vi.spyOn(CaseAnalysis, 'compute');
    const third = new Engine();
    await third.openCase(dir);
    expect((await third.listSessions()).sessions).toEqual(after);
    expect(await third.getSessionChain(after[0]?.id ?? '')).toBeDefined();
    expect(compute).not.toHaveBeenCalled();
    await third.shutdown();
  }, 180_000);
});
