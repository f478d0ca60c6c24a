// The API methods behind the investigator's views: the density histogram, notes that survive
// reopening the case, and the coverage of the evidence (channels, CommandLine, clears, gaps).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDemoCase } from './demo-case.js';
import { demoSource } from './detect/testing.js';
import { Engine } from './engine.js';
import { hostKeyOf } from '../../shared/host-key.js';
import { SCHEMA_VERSION } from './store/schema.js';
import { tempDirs } from './testing/temp-dirs.js';
import { chainPageSteps } from '../../shared/chain-page.js';

const temp = tempDirs();

const EVENT = (id: number, record: number, second: number, data: string, channel = 'Security') =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>${id}</EventID><Version>2</Version><Level>0</Level><Task>13312</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime="2024-03-12T08:00:${String(second).padStart(2, '0')}.0000000Z"/><EventRecordID>${record}</EventRecordID><Correlation/><Execution ProcessID="4" ThreadID="8"/><Channel>${channel}</Channel><Computer>COV01</Computer><Security/></System><EventData>${data}</EventData></Event>\n`;

describe('views API through the engine', () => {
  it('counts events per time bucket over the whole case and over a filter', async () => {
    const engine = new Engine();
    await openDemoCase(engine, join(temp('chainline-views-'), 'demo'));
    await engine.waitForIngest();
    const overview = await engine.getCaseOverview();
    const all = await engine.getEventHistogram({ filter: {}, buckets: 50 });
    expect(all.counts).toHaveLength(50);
    expect(all.total).toBe(overview.totalEvents);
    expect(all.counts.reduce((a, b) => a + b, 0)).toBe(overview.totalEvents);
    expect(all.from).toBe(overview.firstTime);
    expect(all.to).toBe(overview.lastTime);
    // The last event falls in the last bucket, the first in the first.
    expect(all.counts[0]).toBeGreaterThan(0);
    expect(all.counts[49]).toBeGreaterThan(0);

    const from = '2024-03-12T10:21:00.0000000Z';
    const to = '2024-03-12T10:26:00.0000000Z';
    const window = await engine.getEventHistogram({ filter: { from, to, hosts: ['WS01.corp.example'] }, buckets: 5 });
    const page = await engine.queryEvents({ filter: { from, to, hosts: ['WS01.corp.example'] }, sort: 'asc', offset: 0, limit: 1 });
    expect(window.from).toBe(from);
    expect(window.to).toBe(to);
    expect(window.total).toBe(page.total);
    expect(window.counts.reduce((a, b) => a + b, 0)).toBe(page.total);
    // Minute buckets: the attack (10:24–10:25) is dense, 10:21 has the logon.
    expect(window.counts[3]).toBeGreaterThan(window.counts[1] ?? 0);

    const none = await engine.getEventHistogram({ filter: { text: 'no such text anywhere' }, buckets: 10 });
    expect(none).toEqual({ from: null, to: null, counts: [], total: 0 });
    await engine.shutdown();
  });

  it("gives a host's every process, whatever its session, and the host's findings", async () => {
    const engine = new Engine({ ruleHitSource: demoSource });
    await openDemoCase(engine, join(temp('chainline-host-tree-'), 'demo'));
    await engine.waitForIngest();
    const { sessions } = await engine.listSessions();
    const busy = sessions.find((s) => s.processes > 0)!;
    const own = await engine.getSessionProcesses(busy.id);
    const key = hostKeyOf(busy.host);
    const hostRows = await engine.getHostProcesses(busy.host);
    // The session's processes are all there, and so are processes of other sessions (or of none).
    const ids = new Set(hostRows.map((p) => p.id));
    for (const p of own) expect(ids.has(p.id)).toBe(true);
    expect(new Set(hostRows.map((p) => p.sessionId)).size).toBeGreaterThan(1);
    expect(hostRows.every((p) => hostKeyOf(p.host) === key)).toBe(true);
    // Every session on the host contributes its processes.
    const onHost = sessions.filter((s) => hostKeyOf(s.host) === key);
    let fromSessions = 0;
    for (const s of onHost) fromSessions += (await engine.getSessionProcesses(s.id)).length;
    expect(hostRows.filter((p) => p.sessionId !== null).length).toBe(fromSessions);
    // However the host is spelled.
    expect((await engine.getHostProcesses(key.toUpperCase())).map((p) => p.id)).toEqual(hostRows.map((p) => p.id));
    await expect(engine.getHostProcesses('no-such-host')).rejects.toThrow(/no host no-such-host/);
    // In pages: the same rows in the same order, whatever the page size.
    for (const [scope, id, whole] of [['session', busy.id, own], ['host', busy.host, hostRows]] as const) {
      for (const limit of [1, 2, 5000]) {
        const rows = [];
        for (let offset = 0; ; offset += limit) {
          const page = await engine.getProcessPage({ scope, id, offset, limit });
          expect(page.total).toBe(whole.length);
          expect(page.offset).toBe(offset);
          rows.push(...page.rows);
          if (page.rows.length < limit) break;
        }
        expect(rows).toEqual(whole);
      }
    }
    await expect(engine.getProcessPage({ scope: 'session', id: 'no-such-session', offset: 0, limit: 5 })).rejects.toThrow(/no session/);
    // The chain in pages: the same steps in the same order, whatever the page size.
    const chain = await engine.getSessionChain(busy.id);
    expect(chain.length).toBeGreaterThan(2);
    for (const limit of [1, 2, 5000]) {
      const pages = [];
      for (let offset = 0; ; offset += limit) {
        const page = await engine.getSessionChainPage({ sessionId: busy.id, offset, limit });
        expect(page.total).toBe(chain.length);
        expect(page.offset).toBe(offset);
        pages.push(page);
        if (page.count < limit) break;
      }
      expect(chainPageSteps(pages)).toEqual(chain);
    }
    await expect(engine.getSessionChainPage({ sessionId: 'no-such-session', offset: 0, limit: 5 })).rejects.toThrow(/no session/);

    const all = await engine.listFindings({ offset: 0, limit: 1000 });
    const mine = await engine.listFindings({ host: key.toUpperCase(), offset: 0, limit: 1000 });
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.total).toBe(all.rows.filter((f) => hostKeyOf(f.host) === key).length);
    expect(mine.rows.every((f) => hostKeyOf(f.host) === key)).toBe(true);
    await engine.shutdown();
  });

  it("gives the processes of the sessions a session's chain leads to, in one paged list", async () => {
    const engine = new Engine();
    await openDemoCase(engine, join(temp('chainline-chain-processes-'), 'demo'));
    await engine.waitForIngest();
    const { sessions } = await engine.listSessions();
    let ledSomewhere = 0;
    for (const s of sessions) {
      // What the tree used to gather itself: every other session the chain's steps name, in
      // the order first met, their processes in each session's order, none twice or its own.
      const chain = await engine.getSessionChain(s.id);
      const own = new Set((await engine.getSessionProcesses(s.id)).map((p) => p.id));
      const expected = [];
      const seenSessions = new Set([s.id]);
      for (const step of chain) {
        if (seenSessions.has(step.sessionId)) continue;
        seenSessions.add(step.sessionId);
        for (const p of await engine.getSessionProcesses(step.sessionId)) {
          if (own.has(p.id)) continue;
          own.add(p.id);
          expected.push(p);
        }
      }
      for (const limit of [1, 5000]) {
        const rows = [];
        for (let offset = 0; ; offset += limit) {
          const page = await engine.getProcessPage({ scope: 'chain', id: s.id, offset, limit });
          expect(page.total).toBe(expected.length);
          rows.push(...page.rows);
          if (page.rows.length < limit) break;
        }
        expect(rows).toEqual(expected);
      }
      if (expected.length > 0) ledSomewhere++;
    }
    // The demo's attack crosses sessions: the list is not empty for every session.
    expect(ledSomewhere).toBeGreaterThan(0);
    await expect(engine.getProcessPage({ scope: 'chain', id: 'no-such-session', offset: 0, limit: 5 })).rejects.toThrow(/no session/);
    await engine.shutdown();
  });

  it('finds processes by name, PID, id and command line across the case, best first', async () => {
    const engine = new Engine();
    await openDemoCase(engine, join(temp('chainline-find-'), 'demo'));
    await engine.waitForIngest();
    const byName = await engine.findProcesses({ text: 'PowerShell', limit: 50 });
    expect(byName.total).toBeGreaterThan(0);
    expect(byName.rows[0]!.image.toLowerCase()).toMatch(/\\powershell\.exe$/);
    // Exact names before names that merely contain the text, and the total counts them all.
    const cmd = await engine.findProcesses({ text: 'cmd', limit: 200 });
    const firstOther = cmd.rows.findIndex((p) => !/\\cmd\.exe$/i.test(p.image));
    const lastCmd = cmd.rows.map((p) => /\\cmd\.exe$/i.test(p.image)).lastIndexOf(true);
    expect(lastCmd).toBeGreaterThanOrEqual(0);
    if (firstOther >= 0) expect(firstOther).toBeGreaterThan(lastCmd);
    expect((await engine.findProcesses({ text: 'cmd', limit: 1 })).total).toBe(cmd.total);
    // A PID in decimal or hex, and a process id, come first.
    for (const text of ['7996', '0x1f3c']) {
      const hit = await engine.findProcesses({ text, limit: 5 });
      expect(hit.rows[0]).toMatchObject({ pid: 7996 });
    }
    const ps = byName.rows[0]!;
    expect((await engine.findProcesses({ text: ps.id, limit: 5 })).rows[0]!.id).toBe(ps.id);
    // Command-line text finds the process that ran it.
    const net = await engine.findProcesses({ text: 'netonly', limit: 5 });
    expect(net.rows.some((p) => /runas\.exe$/i.test(p.image))).toBe(true);
    expect(await engine.findProcesses({ text: '   ', limit: 5 })).toEqual({ total: 0, rows: [] });
    expect((await engine.findProcesses({ text: 'no-such-process-anywhere', limit: 5 })).total).toBe(0);
    await engine.shutdown();
  });

  it('keeps notes, tags and bookmarks in the case across reopening', async () => {
    const dir = join(temp('chainline-notes-'), 'demo');
    const engine = new Engine();
    await openDemoCase(engine, dir);
    await engine.waitForIngest();
    const page = await engine.queryEvents({ filter: { eventIds: [7045] }, sort: 'asc', offset: 0, limit: 1 });
    const eventId = String(page.rows[0]?.id);
    const saved = await engine.saveNote({
      target: { kind: 'event', id: eventId },
      label: '7045 WinUpdHelper',
      bookmarked: true,
      tags: ['persistence', 'persistence', 'T1543.003'],
      text: 'service runs upd.exe from %TEMP%',
    });
    expect(saved.tags).toEqual(['persistence', 'T1543.003']);
    await engine.saveNote({ target: { kind: 'session', id: 's11' }, label: 'jdoe type 3', bookmarked: false, tags: [], text: 'entry' });
    // Saving the same target again replaces its note rather than adding one.
    const updated = await engine.saveNote({ ...saved, text: 'service runs upd.exe from %TEMP% (persistence)' });
    expect(updated.id).toBe(saved.id);
    expect(updated.createdAt).toBe(saved.createdAt);
    await engine.shutdown();

    const reopened = new Engine();
    await openDemoCase(reopened, dir);
    await reopened.waitForIngest();
    const notes = await reopened.listNotes();
    expect(notes).toHaveLength(2);
    const note = notes.find((n) => n.target.kind === 'event');
    expect(note).toMatchObject({ target: { kind: 'event', id: eventId }, bookmarked: true, text: 'service runs upd.exe from %TEMP% (persistence)' });
    await reopened.deleteNote(note!.id);
    expect((await reopened.listNotes()).map((n) => n.target)).toEqual([{ kind: 'session', id: 's11' }]);
    await reopened.shutdown();
  });

  it('reports coverage: channels per host, 4688 without CommandLine, clears and record-id gaps', async () => {
    const evidence = temp('chainline-cov-ev-');
    const file = join(evidence, 'cov.xml');
    writeFileSync(
      file,
      EVENT(4688, 10, 1, '<Data Name="NewProcessName">C:\\a.exe</Data><Data Name="NewProcessId">0x10</Data>') +
        EVENT(4688, 11, 2, '<Data Name="NewProcessName">C:\\b.exe</Data><Data Name="CommandLine">b.exe /x</Data>') +
        EVENT(1102, 12, 3, '') +
        // Records 13–19 are missing.
        EVENT(4624, 20, 4, '<Data Name="TargetLogonId">0x1</Data>'),
    );
    const engine = new Engine();
    await engine.openCase(join(temp('chainline-cov-'), 'case'));
    await engine.openEvidence({ paths: [file] });
    await engine.waitForIngest();
    const cov = await engine.getCoverage();
    expect(cov.hosts).toEqual([
      { host: 'COV01', channels: [{ channel: 'Security', events: 4, first: '2024-03-12T08:00:01.0000000Z', last: '2024-03-12T08:00:04.0000000Z' }] },
    ]);
    expect(cov.processCreation).toEqual({ events: 2, withCommandLine: 1 });
    expect(cov.sysmonEvents).toBe(0);
    expect(cov.scriptBlockEvents).toBe(0);
    expect(cov.clears).toHaveLength(1);
    expect(cov.clears[0]).toMatchObject({ host: 'COV01', eventId: 1102, time: '2024-03-12T08:00:03.0000000Z' });
    expect(cov.gaps).toEqual([
      { host: 'COV01', channel: 'Security', afterRecordId: 12, beforeRecordId: 20, missing: 7, time: '2024-03-12T08:00:03.0000000Z' },
    ]);
    await engine.shutdown();
  });

  it('opens a schema-2 case in place (notes table added), refuses older ones', async () => {
    const dir = join(temp('chainline-schema-'), 'case');
    const engine = new Engine();
    await engine.openCase(dir);
    await engine.closeCase();
    const manifestPath = join(dir, 'case.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { schemaVersion: number };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, schemaVersion: 2 }));
    await engine.openCase(dir);
    const note = await engine.saveNote({ target: { kind: 'session', id: 's1' }, label: 'x', bookmarked: true, tags: [], text: '' });
    expect(note.bookmarked).toBe(true);
    await engine.closeCase();
    expect((JSON.parse(readFileSync(manifestPath, 'utf8')) as { schemaVersion: number }).schemaVersion).toBe(SCHEMA_VERSION);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, schemaVersion: 1 }));
    await expect(engine.openCase(dir)).rejects.toThrow(/older development build/);
    await engine.shutdown();
  });
});
