// The engine end to end, in this thread: evidence in, overview and pages out, bad input
// reported with file and position while the rest is imported.

import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ROOT, DEMO_EVIDENCE_DIR } from './app-paths.js';
import { openDemoCase } from './demo-case.js';
import { Engine } from './engine.js';
import { writeWevtutilXml } from './readers/xml/xml-fixture.js';
import { CaseStore } from './store/case-store.js';
import { tempDirs } from './testing/temp-dirs.js';

const temp = tempDirs();

const EVENT = (id: number, record: number, data: string) =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-A5BA-3E3B0328C30D}"/><EventID>${id}</EventID><Version>2</Version><Level>0</Level><Task>13312</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime="2024-03-12T08:00:${String(record % 60).padStart(2, '0')}.1234567Z"/><EventRecordID>${record}</EventRecordID><Correlation/><Execution ProcessID="4" ThreadID="8"/><Channel>Security</Channel><Computer>BAD01</Computer><Security/></System><EventData>${data}</EventData></Event>\n`;

describe('Engine', () => {
  it('imports the demo evidence and answers overview, pages and detail', async () => {
    const engine = new Engine();
    await openDemoCase(engine, join(temp('chainline-engine-'), 'demo'));
    const status = await engine.waitForIngest();
    expect(status.phase).toBe('done');
    const overview = await engine.getCaseOverview();
    expect(overview.case?.demo).toBe(true);
    expect(overview.evidence.length).toBeGreaterThanOrEqual(3);
    for (const ev of overview.evidence) {
      expect(ev.status).toBe('complete');
      expect(ev.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(ev.errors).toBe(0);
    }
    expect(overview.totalEvents).toBe(overview.evidence.reduce((n, e) => n + e.events, 0));
    expect(overview.totalEvents).toBeGreaterThanOrEqual(150);
    expect(overview.eventIds.map((r) => r.key)).toEqual(expect.arrayContaining(['4624', '4688', '4104', '7045']));

    const page = await engine.queryEvents({ filter: { eventIds: [4688], text: '-enc' }, sort: 'asc', offset: 0, limit: 50 });
    expect(page.total).toBeGreaterThan(0);
    const details = await Promise.all(page.rows.map((r) => engine.getEventDetail(r.id)));
    const detail = details.find((d) => d.data['NewProcessName']?.toLowerCase().endsWith('\\powershell.exe'));
    if (!detail) throw new Error('the demo has no 4688 of powershell.exe -enc');
    expect(detail.raw).toContain('<Event');
    expect(detail.raw).toContain('-enc');
    expect(detail.rawError).toBeNull();
    expect(detail.evidenceSha256).toMatch(/^[0-9a-f]{64}$/);

    // Importing the same evidence again is detected by hash and skipped.
    await engine.openEvidence({ paths: [DEMO_EVIDENCE_DIR] });
    await engine.waitForIngest();
    const again = await engine.getCaseOverview();
    expect(again.totalEvents).toBe(overview.totalEvents);
    expect(again.evidence.filter((e) => e.status === 'duplicate').length).toBe(overview.evidence.length);
    await engine.shutdown();
  });

  it('hashes evidence while reading it, and tells a same-size file from a duplicate by its hash', async () => {
    const dir = temp('chainline-hash-');
    const a = EVENT(4688, 1, '<Data Name="NewProcessName">C:\\a.exe</Data>');
    const b = EVENT(4688, 2, '<Data Name="NewProcessName">C:\\b.exe</Data>');
    expect(b.length).toBe(a.length);
    writeFileSync(join(dir, '1-a.xml'), a);
    writeFileSync(join(dir, '2-b.xml'), b); // same size as 1-a.xml, other content: imported
    writeFileSync(join(dir, '3-a-again.xml'), a); // same content: a duplicate
    const engine = new Engine();
    await engine.openCase(join(temp('chainline-case-'), 'c'));
    await engine.openEvidence({ paths: [dir] });
    expect((await engine.waitForIngest()).phase).toBe('done');
    const byName = new Map((await engine.getCaseOverview()).evidence.map((e) => [e.path.slice(dir.length + 1), e]));
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(byName.get('1-a.xml')).toMatchObject({ status: 'complete', events: 1, sha256: sha(a) });
    expect(byName.get('2-b.xml')).toMatchObject({ status: 'complete', events: 1, sha256: sha(b) });
    expect(byName.get('3-a-again.xml')).toMatchObject({ status: 'duplicate', events: 0, sha256: sha(a) });
    expect(byName.get('3-a-again.xml')?.errorSamples[0]).toMatch(/same SHA-256 as .*1-a\.xml/);
    await engine.shutdown();
  });

  it('reports bad input with file and position and imports the rest', async () => {
    const dir = temp('chainline-bad-');
    const good = EVENT(4688, 1, '<Data Name="NewProcessName">C:\\good.exe</Data>') + EVENT(4688, 2, '<Data Name="NewProcessName">C:\\good2.exe</Data>');
    writeFileSync(join(dir, 'good.xml'), good);
    writeFileSync(join(dir, 'not-evidence.xml'), 'MZ\u0090\u0000 this is a binary, not XML');
    writeFileSync(join(dir, 'empty.json'), '');
    writeFileSync(join(dir, 'truncated.xml'), EVENT(4624, 3, '<Data Name="LogonType">3</Data>') + EVENT(4624, 4, '<Data Name="LogonType">3</Data>').slice(0, 200));
    writeFileSync(
      join(dir, 'lines.jsonl'),
      [
        JSON.stringify({ EventID: 4688, Channel: 'Security', Hostname: 'J01', EventTime: '2024-03-12 08:00:00', UtcTime: '2024-03-12 08:00:00.000', NewProcessName: 'a.exe' }),
        '{"hello": "not an event"}',
        '{broken json',
        JSON.stringify({ EventID: 4688, Channel: 'Security', Hostname: 'J01', UtcTime: '2024-03-12 08:00:01.000', NewProcessName: 'b.exe' }),
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'laughs.xml'),
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n' +
        EVENT(4688, 5, '<Data Name="CommandLine">&lol2;</Data>'),
    );
    symlinkSync(join(dir, 'does-not-exist.evtx'), join(dir, 'dangling.evtx'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'more.xml'), EVENT(4634, 6, '<Data Name="TargetLogonId">0x00000000000003E7</Data>'));
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);

    const engine = new Engine();
    await engine.openCase(join(temp('chainline-case-'), 'c'));
    const result = await engine.openEvidence({ paths: [dir] });
    expect(result.rejected.map((r) => r.path).sort()).toEqual([join(dir, 'dangling.evtx'), join(dir, 'pipe.json')]);
    expect(result.rejected.find((r) => r.path.endsWith('dangling.evtx'))?.reason).toMatch(/no such file/);
    const status = await engine.waitForIngest();
    expect(status.phase).toBe('done');

    const overview = await engine.getCaseOverview();
    const byName = new Map(overview.evidence.map((e) => [e.path.slice(dir.length + 1), e]));
    expect(byName.get('good.xml')).toMatchObject({ status: 'complete', events: 2, errors: 0 });
    expect(byName.get('sub/more.xml')).toMatchObject({ status: 'complete', events: 1 });
    expect(byName.get('not-evidence.xml')?.status).toBe('failed');
    expect(byName.get('not-evidence.xml')?.errorSamples[0]).toMatch(/not-evidence\.xml offset 0x0: not EVTX, XML or JSON/);
    expect(byName.get('empty.json')?.status).toBe('failed');
    expect(byName.get('empty.json')?.errorSamples[0]).toMatch(/empty\.json.*empty file/);
    const truncated = byName.get('truncated.xml');
    expect(truncated).toMatchObject({ events: 1, errors: 1 });
    expect(truncated?.errorSamples[0]).toMatch(/truncated\.xml offset 0x[0-9a-f]+/);
    const lines = byName.get('lines.jsonl');
    expect(lines).toMatchObject({ events: 2, errors: 2 });
    expect(lines?.errorSamples.join('\n')).toMatch(/lines\.jsonl offset 0x[0-9a-f]+ line 2/);
    expect(lines?.errorSamples.join('\n')).toMatch(/line 3/);
    const laughs = byName.get('laughs.xml');
    expect(laughs?.errors).toBeGreaterThanOrEqual(1);
    expect(laughs?.errorSamples.join('\n')).toMatch(/laughs\.xml offset 0x[0-9a-f]+: .*DOCTYPE/i);
    // Whatever was imported from it never holds an expanded entity.
    const lol = await engine.queryEvents({ filter: { text: 'lollol' }, sort: 'asc', offset: 0, limit: 10 });
    expect(lol.total).toBe(0);

    const normalized = await engine.queryEvents({ filter: { eventIds: [4634] }, sort: 'asc', offset: 0, limit: 1 });
    const detail = await engine.getEventDetail(normalized.rows[0]!.id);
    expect(detail.data['TargetLogonId']).toBe('0x3e7');
    await engine.shutdown();
  });

  it('cancels an import promptly and marks the file incomplete', async () => {
    const dir = temp('chainline-cancel-');
    const file = join(dir, 'big.xml');
    await writeWevtutilXml(file, 40 * 1024 * 1024);
    const engine = new Engine();
    await engine.openCase(join(dir, 'case'));
    await engine.openEvidence({ paths: [file] });
    // Up to 30 s for the first events: a loaded CI machine can take a while to start reading.
    for (let i = 0; i < 1200; i++) {
      const s = await engine.getIngestStatus();
      if (s.events > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const cancelled = await engine.cancelIngest();
    expect(cancelled.phase).toBe('cancelled');
    const overview = await engine.getCaseOverview();
    expect(overview.evidence[0]?.status).toBe('incomplete');
    expect(overview.totalEvents).toBeGreaterThan(0);
    await engine.shutdown();
  });
});

const BUILT_CLI = join(APP_ROOT, 'dist', 'node', 'electron', 'cli', 'main.js');

describe.skipIf(!existsSync(BUILT_CLI))('a case whose import was killed', () => {
  if (!existsSync(BUILT_CLI)) console.log('skipped: the killed-import test needs the build (npm run build)');

  it('reopens consistent, with the interrupted file marked incomplete', async () => {
    const dir = temp('chainline-kill-');
    const file = join(dir, 'big.xml');
    await writeWevtutilXml(file, 60 * 1024 * 1024);
    const caseDir = join(dir, 'case');
    const child = spawn(process.execPath, [join(APP_ROOT, 'bin', 'chainline.js'), 'ingest', file, '--case', caseDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Kill it once some events have been counted, in the middle of the file.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress in 60 s: ${stderr}`)), 60_000);
      child.stderr.on('data', () => {
        if (/reading .* [1-9]\d{3,} events/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;

    const store = await CaseStore.open(caseDir);
    const overview = await store.overview();
    expect(overview.evidence).toHaveLength(1);
    expect(overview.evidence[0]?.status).toBe('incomplete');
    expect(overview.evidence[0]?.events).toBe(overview.totalEvents);
    const page = await store.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 5 });
    expect(page.total).toBe(overview.totalEvents);
    await store.close();
  });
});

describe('case overview', () => {
  it('and the histogram are kept while the events stay the same and follow a new import', async () => {
    const engine = new Engine();
    const dir = temp('chainline-overview-');
    await engine.openCase(join(dir, 'c'));
    writeFileSync(join(dir, 'a.xml'), EVENT(4688, 1, '') + EVENT(4688, 2, ''));
    writeFileSync(join(dir, 'b.xml'), EVENT(4624, 3, '<Data Name="LogonType">3</Data>'));
    await engine.openEvidence({ paths: [join(dir, 'a.xml')] });
    await engine.waitForIngest();
    const first = await engine.getCaseOverview();
    expect(first.totalEvents).toBe(2);
    expect(await engine.getCaseOverview()).toEqual(first);
    expect((await engine.getEventHistogram({ filter: {}, buckets: 10 })).total).toBe(2);
    await engine.openEvidence({ paths: [join(dir, 'b.xml')] });
    await engine.waitForIngest();
    const second = await engine.getCaseOverview();
    expect(second.totalEvents).toBe(3);
    expect(second.eventIds.map((e) => e.key).sort()).toEqual(['4624', '4688']);
    expect(second.evidence.map((e) => e.status)).toEqual(['complete', 'complete']);
    expect((await engine.getEventHistogram({ filter: {}, buckets: 10 })).total).toBe(3);
    await engine.shutdown();
  });
});

describe('queries during an import', () => {
  it('never see events vanish while the import runs beside them', async () => {
    const engine = new Engine();
    await engine.openCase(join(temp('chainline-concurrent-'), 'c'));
    await engine.openEvidence({ paths: [DEMO_EVIDENCE_DIR] });
    const totals: number[] = [];
    const problems: string[] = [];
    for (let round = 0; round < 200; round++) {
      const [overview, page, status] = await Promise.all([
        engine.getCaseOverview(),
        engine.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 50 }),
        engine.getIngestStatus(),
        engine.queryEvents({ filter: { eventIds: [4688] }, sort: 'desc', offset: 0, limit: 10 }),
      ]);
      totals.push(overview.totalEvents);
      if (page.total < (totals.at(-2) ?? 0)) problems.push(`round ${round}: page total ${page.total} after ${totals.at(-2)}`);
      if (status.phase === 'done' && totals.length > 5) break;
    }
    await engine.waitForIngest();
    const final = await engine.getCaseOverview();
    for (let i = 1; i < totals.length; i++) {
      if ((totals[i] as number) < (totals[i - 1] as number)) problems.push(`overview total fell from ${totals[i - 1]} to ${totals[i]}`);
    }
    expect(problems).toEqual([]);
    expect(final.totalEvents).toBe(186);
    expect((await engine.getCaseOverview()).totalEvents).toBe(186);
    await engine.shutdown();
  });
});

describe('correlation through the engine', () => {
  it('lists the demo sessions and tells the six-step chain of the attacker session', async () => {
    const engine = new Engine();
    await openDemoCase(engine, join(temp('chainline-chain-'), 'demo'));
    await engine.waitForIngest();
    const { sessions, computedAt } = await engine.listSessions();
    expect(computedAt).not.toBeNull();
    const attacker = sessions.find((s) => s.logonId === '0x5a3c1e' && s.host === 'WS01.corp.example');
    if (!attacker) throw new Error('no session 0x5a3c1e');
    expect(attacker).toMatchObject({ logonType: 3, logonTypeName: 'Network', user: 'jdoe', sourceIp: '203.0.113.47', admin: true });
    const runas = sessions.find((s) => s.logonId === '0x5a4f02');
    expect(runas?.logonType).toBe(9);
    expect(runas?.createdBySessionId).toBe(attacker.id);

    const chain = await engine.getSessionChain(attacker.id);
    const processes = new Map([...(await engine.getSessionProcesses(attacker.id)), ...(await engine.getSessionProcesses(runas!.id))].map((p) => [p.id, p]));
    const steps: string[] = [];
    for (const step of chain) {
      const p = step.processId ? processes.get(step.processId) : undefined;
      if (step.kind === 'logon' && step.sessionId === attacker.id) steps.push('logon type 3');
      else if (step.kind === 'created-session' || (step.kind === 'logon' && step.sessionId === runas!.id)) steps.push('type 9');
      else if (step.kind === 'process' && p?.image.toLowerCase().endsWith('\\powershell.exe') && p.decodedCommand) steps.push('powershell -enc');
      else if (step.kind === 'script') {
        // The decoded payload's block, not the attacker's earlier reconnaissance blocks.
        const text = (await engine.getEventDetail(step.eventIds[0]!)).data['ScriptBlockText'] ?? '';
        if (text.includes('DownloadFile')) steps.push('4104');
      }
      else if (step.kind === 'process' && /\\temp\\upd\.exe$/i.test(p?.image ?? '')) steps.push('second stage');
      else if (step.kind === 'service') steps.push('7045');
      for (const id of step.eventIds) expect(id).toBeGreaterThan(0);
      expect(step.reason.length).toBeGreaterThan(0);
    }
    const story = ['logon type 3', 'type 9', 'powershell -enc', '4104', 'second stage', '7045'];
    const firsts = story.map((s) => steps.indexOf(s));
    expect(firsts.every((i) => i >= 0), `chain steps: ${steps.join(' → ')}`).toBe(true);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
    await expect(engine.getSessionChain('nope')).rejects.toThrow(/no session/);
    await engine.shutdown();
  });

  it('a file opened while an import is finishing starts the next run instead of being lost', async () => {
    const dir = temp('chainline-finishing-');
    const engine = new Engine();
    await engine.openCase(join(dir, 'case'));
    // Stretch the run's closing checkpoint so the second file lands inside that window.
    const store = (engine as unknown as { store: CaseStore }).store;
    const checkpoint = store.checkpoint.bind(store);
    store.checkpoint = async () => {
      await new Promise((r) => setTimeout(r, 400));
      return checkpoint();
    };
    const first = await engine.openEvidence({ paths: [join(DEMO_EVIDENCE_DIR, 'FS01-System.xml')] });
    for (let i = 0; i < 2000 && !(engine as unknown as { finishing: boolean }).finishing; i++) await new Promise((r) => setTimeout(r, 5));
    expect((engine as unknown as { finishing: boolean }).finishing).toBe(true);
    const second = await engine.openEvidence({ paths: [join(DEMO_EVIDENCE_DIR, 'FS01-Security.xml')] });
    expect(second.runId).toBe(first.runId + 1);
    const status = await engine.waitForIngest();
    expect(status.runId).toBe(second.runId);
    expect(status.phase).toBe('done');
    const overview = await engine.getCaseOverview();
    expect(overview.evidence.map((e) => e.status)).toEqual(['complete', 'complete']);
    await engine.shutdown();
  });
});
