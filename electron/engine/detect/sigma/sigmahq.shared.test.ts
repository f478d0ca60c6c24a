// SigmaHQ's rules and regression cases (../shared/sigma): every rule loads or is rejected /
// skipped with a reason, and each regression case's rule matches at least `match_count` events
// of its evtx (at least one when absent), as SigmaHQ's own runner counts.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { NormalizedEvent } from '../../../../shared/events.js';
import { evtxReader } from '../../evtx/evtx-reader.js';
import { SHARED_DIR, SHARED_MISSING_REASON, sharedAvailable } from '../../testing/shared-data.js';
import type { Search } from './detection.js';
import { createMatcher, loadRulePack, RULE_STATUSES, type Rule } from './index.js';

const SIGMA = join(SHARED_DIR, 'sigma');
if (!sharedAvailable()) console.warn(SHARED_MISSING_REASON);

function listInfos(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listInfos(p));
    else if (e.name === 'info.yml') out.push(p);
  }
  return out.sort();
}

function listFiles(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

async function readEvtx(file: string): Promise<NormalizedEvent[]> {
  const events: NormalizedEvent[] = [];
  for await (const batch of evtxReader.read(file, {})) for (const item of batch) if (item.kind === 'event') events.push(item.event);
  return events;
}

describe.skipIf(!sharedAvailable())('SigmaHQ rules (../shared/sigma)', () => {
  it('loads every rule of sigma/rules or rejects/skips it with a reason', async () => {
    const pack = await loadRulePack({ dirs: [join(SIGMA, 'rules')], builtin: false, statuses: RULE_STATUSES });
    const rejected = pack.problems.filter((p) => p.kind === 'rejected');
    const skipped = pack.problems.filter((p) => p.kind === 'skipped');
    for (const p of pack.problems) expect(p.reason.length).toBeGreaterThan(10);
    const summary = [...rejected, ...skipped].map((p) => `${p.kind} ${relative(SIGMA, p.path)}: ${p.reason}`);
    console.log(`sigma/rules: ${pack.rules.length} loaded, ${rejected.length} rejected, ${skipped.length} skipped\n${summary.join('\n')}`);
    expect({ loaded: pack.rules.length, rejected: rejected.length, skipped: skipped.length }).toEqual(EXPECTED_COUNTS);
  }, 120_000);

  it('passes the SigmaHQ regression cases (≥ 98 %)', async () => {
    const pack = await loadRulePack({ dirs: [join(SIGMA, 'rules'), join(SIGMA, 'rules-emerging-threats')], builtin: false, statuses: RULE_STATUSES });
    const byId = new Map(pack.rules.map((r) => [r.id, r]));
    const problemById = new Map(pack.problems.filter((p) => p.id).map((p) => [p.id as string, p]));
    const failures: string[] = [];
    let cases = 0;
    for (const info of listInfos(join(SIGMA, 'regression_data'))) {
      const doc = parse(readFileSync(info, 'utf8')) as {
        rule_metadata?: { id: string; title?: string }[];
        regression_tests_info?: { name?: string; type?: string; path?: string; match_count?: number }[];
      };
      const ruleId = doc.rule_metadata?.[0]?.id ?? '';
      for (const t of doc.regression_tests_info ?? []) {
        if (t.type !== 'evtx' || !t.path) continue;
        cases++;
        const where = relative(SIGMA, info);
        const rule = byId.get(ruleId);
        if (!rule) {
          const p = problemById.get(ruleId);
          failures.push(`${where}: rule ${ruleId} ${p ? `${p.kind}: ${p.reason}` : 'not found in sigma/rules*'}`);
          continue;
        }
        const events = await readEvtx(join(SIGMA, t.path));
        const matcher = createMatcher({ rules: [rule] });
        const hits = events.filter((e) => matcher.match(e).length > 0).length;
        const need = t.match_count ?? 1;
        if (hits < need) failures.push(`${where}: ${rule.title} matched ${hits} of ${events.length} events, needs ${need}`);
      }
    }
    const passed = cases - failures.length;
    console.log(`regression: ${passed}/${cases} passed\n${failures.join('\n')}`);
    expect(cases).toBeGreaterThan(90);
    expect(passed / cases).toBeGreaterThanOrEqual(0.98);
  }, 300_000);

  it('process_creation rules that read only mapped fields match the same events rewritten as Security 4688', async () => {
    const pack = await loadRulePack({ dirs: [join(SIGMA, 'rules'), join(SIGMA, 'rules-emerging-threats')], builtin: false, statuses: RULE_STATUSES });
    const byId = new Map(pack.rules.map((r) => [r.id, r]));
    const MAPPED = new Set(['Image', 'ParentImage', 'CommandLine', 'LogonId', 'ProcessId', 'ParentProcessId', 'IntegrityLevel']);
    const fieldsOf = (rule: Rule): Set<string | null> => {
      const out = new Set<string | null>();
      const walk = (s: Search): void => {
        if (s.t === 'map') for (const i of s.items) out.add(i.field);
        else if (s.t === 'or') s.alts.forEach(walk);
        else out.add(null);
      };
      for (const s of rule.detection.searches.values()) walk(s);
      return out;
    };
    const hex = (v: string | undefined): string | undefined => (v === undefined ? undefined : `0x${Number(v).toString(16)}`);
    const LABEL: Record<string, string> = { low: 'S-1-16-4096', medium: 'S-1-16-8192', high: 'S-1-16-12288', system: 'S-1-16-16384' };
    let checked = 0;
    let matchedBoth = 0;
    const diffs: string[] = [];
    for (const info of listInfos(join(SIGMA, 'regression_data'))) {
      const doc = parse(readFileSync(info, 'utf8')) as { rule_metadata?: { id: string }[]; regression_tests_info?: { type?: string; path?: string }[] };
      const rule = byId.get(doc.rule_metadata?.[0]?.id ?? '');
      if (!rule || rule.logsource.category !== 'process_creation') continue;
      const fields = fieldsOf(rule);
      if ([...fields].some((f) => f === null || !MAPPED.has(f))) continue;
      for (const t of doc.regression_tests_info ?? []) {
        if (t.type !== 'evtx' || !t.path) continue;
        const matcher = createMatcher({ rules: [rule] });
        for (const e of await readEvtx(join(SIGMA, t.path))) {
          if (e.system.eventId !== 1 || !e.system.channel.toLowerCase().includes('sysmon')) continue;
          const d = e.data;
          const data: Record<string, string> = {};
          const put = (k: string, v: string | undefined): void => {
            if (v !== undefined) data[k] = v;
          };
          put('NewProcessName', d['Image']);
          put('ParentProcessName', d['ParentImage']);
          put('CommandLine', d['CommandLine']);
          put('SubjectLogonId', d['LogonId']);
          put('NewProcessId', hex(d['ProcessId']));
          put('ProcessId', hex(d['ParentProcessId']));
          put('MandatoryLabel', d['IntegrityLevel'] ? LABEL[d['IntegrityLevel'].toLowerCase()] : undefined);
          const as4688: NormalizedEvent = { ...e, system: { ...e.system, channel: 'Security', eventId: 4688, provider: 'Microsoft-Windows-Security-Auditing' }, data };
          checked++;
          const a = matcher.match(e).length;
          const b = matcher.match(as4688).length;
          if (a > 0 && b > 0) matchedBoth++;
          if (a !== b) diffs.push(`${relative(SIGMA, info)} #${e.system.recordId}: Sysmon ${a}, 4688 ${b}`);
        }
      }
    }
    console.log(`4688 mapping: ${checked} Sysmon 1 events rewritten as 4688, ${matchedBoth} matched in both forms`);
    // Most SigmaHQ rules also read OriginalFileName, Hashes, … which 4688 lacks; those are left out.
    expect(checked).toBeGreaterThan(5);
    expect(matchedBoth).toBeGreaterThan(5);
    expect(diffs).toEqual([]);
  }, 300_000);

  it('the literal prefilter never changes a result (all rules over every regression event and attack sample)', async () => {
    const pack = await loadRulePack({ dirs: [join(SIGMA, 'rules'), join(SIGMA, 'rules-emerging-threats')], builtin: true, statuses: RULE_STATUSES });
    const matcher = createMatcher(pack);
    const files = [...listFiles(join(SIGMA, 'regression_data'), '.evtx'), ...listFiles(join(SHARED_DIR, 'corpus', 'evtx', 'EVTX-ATTACK-SAMPLES'), '.evtx')];
    let events = 0;
    let hits = 0;
    const diffs: string[] = [];
    for (const file of files) {
      for (const e of await readEvtx(file)) {
        events++;
        const a = matcher.match(e).map((r) => r.id);
        const b = matcher.matchWithoutPrefilter(e).map((r) => r.id);
        hits += a.length;
        if (a.join() !== b.join() && diffs.length < 20) diffs.push(`${relative(SHARED_DIR, file)} #${e.system.recordId}: ${a.join()} vs ${b.join()}`);
      }
    }
    console.log(`prefilter check: ${files.length} files, ${events} events, ${hits} rule hits`);
    expect(diffs).toEqual([]);
    expect(hits).toBeGreaterThan(100);
  }, 600_000);
});

// 1,614 files: the Cisco AAA rule is skipped (not a Windows event log source); none is rejected.
const EXPECTED_COUNTS = { loaded: 1613, rejected: 0, skipped: 1 };
