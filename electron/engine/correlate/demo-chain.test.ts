// The demo case's attack, step by step: the generator's DemoStory says what happened; the demo
// XML is read with the project's XML reader and correlated without looking at the story.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events.js';
import { DEMO_PAYLOAD_SCRIPT, writeDemoEvidence, type DemoStory, type StoryRecord } from '../../../scripts/make-demo.js';
import { xmlReader } from '../readers/xml/xml-reader.js';
import { sessionChain } from './chain.js';
import { correlate } from './correlate.js';
import { buildAnalysisDocument } from './document.js';
import { toCorrelationInput, type CorrelationInput } from './input.js';
import type { CorrelationResult, ProcessNode, Session } from './model.js';

describe('the demo evidence, correlated', () => {
  let dir: string;
  let story: DemoStory;
  let events: NormalizedEvent[];
  let result: CorrelationResult;

  const rowOf = (r: StoryRecord): number => {
    const row = events.findIndex(
      (e) => e.system.computer.toUpperCase().startsWith(r.host + '.') && e.system.recordId === r.recordId && e.system.eventId === r.eventId,
    );
    if (row < 0) throw new Error(`no event for ${r.host} #${r.recordId}`);
    return row;
  };
  const processOf = (r: StoryRecord): ProcessNode => {
    const row = rowOf(r);
    const p = result.processes.find((n) => n.securityRow === row || n.sysmonRow === row);
    if (!p) throw new Error(`no process for ${r.host} #${r.recordId}`);
    return p;
  };
  const sessionOf = (r: StoryRecord): Session => {
    const row = rowOf(r);
    const s = result.sessions.find((n) => n.logonRow === row);
    if (!s) throw new Error(`no session for ${r.host} #${r.recordId}`);
    return s;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chainline-demo-'));
    story = writeDemoEvidence(dir).story;
    events = [];
    const inputs: CorrelationInput[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml')).sort()) {
      for await (const batch of xmlReader.read(join(dir, file))) {
        for (const item of batch) {
          if (item.kind !== 'event') throw new Error(`read error in ${file}`);
          const input = toCorrelationInput(item.event, events.length);
          events.push(item.event);
          if (input) inputs.push(input);
        }
      }
    }
    result = correlate(inputs);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('1. the network logon from the attacker is an admin session', () => {
    const s = sessionOf(story.networkLogon);
    expect(s.logonId).toBe(story.networkLogon.logonId);
    expect(s.logonType).toBe(3);
    expect(s.sourceIp).toBe(story.attackerIp);
    expect(s.admin).toBe(true);
    expect(s.privilegeRows).toContain(rowOf(story.networkLogonPrivileges));
    expect(s.end).not.toBeNull();
    expect(s.logoffRows).toContain(rowOf(story.attackerLogoff));
    const wsm = processOf(story.wsmprovhost);
    expect(wsm.sessionId).toBe(s.id);
    expect(wsm.logonIdField).toBe('TargetLogonId');
  });

  it('2. the type 9 logon is linked to the session that created it', () => {
    const first = sessionOf(story.networkLogon);
    const netonly = sessionOf(story.newCredentialsLogon);
    expect(netonly.logonType).toBe(9);
    expect(netonly.logonId).toBe(story.newCredentialsLogon.logonId);
    expect(netonly.createdBySessionId).toBe(first.id);
    expect(`${netonly.outboundDomain}\\${netonly.outboundUser}`).toBe(story.newCredentialsLogon.outboundUser);
    const runas = processOf(story.runas);
    expect(runas.sessionId).toBe(first.id);
    const cmd = processOf(story.cmd);
    expect(cmd.sessionId).toBe(netonly.id);
    expect(cmd.parentId).toBe(runas.id);
  });

  it('3. powershell -enc is decoded and its parent found by PID and time despite the reused PID', () => {
    const ps = processOf(story.powershell);
    expect(ps.pid).toBe(story.powershell.pid);
    expect(ps.commandLine).toBe(story.powershell.commandLine);
    expect(ps.decodedCommand).toBe(DEMO_PAYLOAD_SCRIPT);
    expect(ps.parentId).toBe(processOf(story.cmd).id);
    expect(ps.parentBasis).toBe('pid+time');
    expect(ps.sessionId).toBe(sessionOf(story.newCredentialsLogon).id);
    const earlier = processOf(story.reusedPid.earlierStart);
    expect(earlier.id).not.toBe(ps.id);
    expect(earlier.end).not.toBeNull();
    expect(earlier.endRows).toContain(rowOf(story.reusedPid.earlierExit));
  });

  it('4. the script block belongs to the later powershell, the benign one to the earlier', () => {
    const block = result.scripts.find((b) => b.scriptBlockId === story.scriptBlock.scriptBlockId);
    expect(block?.text).toBe(story.scriptBlock.text);
    expect(block?.processId).toBe(processOf(story.powershell).id);
    const benign = result.scripts.find((b) => b.rows.includes(rowOf(story.reusedPid.earlierScriptBlock)));
    expect(benign?.processId).toBe(processOf(story.reusedPid.earlierStart).id);
  });

  it('5. the second stage from %TEMP% is the child of that powershell', () => {
    const upd = processOf(story.secondStage);
    expect(upd.image).toBe(story.secondStage.image);
    expect(upd.parentId).toBe(processOf(story.powershell).id);
    expect(upd.end).toBeNull();
  });

  it('6. 7045 and 4697 are one install, tied to the netonly session and to the process services.exe started', () => {
    expect(result.services).toHaveLength(1);
    const v = result.services[0]!;
    expect(v.name).toBe(story.serviceInstallSystem.serviceName);
    expect(v.imagePath).toBe(story.serviceInstallSystem.imagePath);
    expect(v.systemRow).toBe(rowOf(story.serviceInstallSystem));
    expect(v.securityRow).toBe(rowOf(story.serviceInstallSecurity));
    expect(v.sessionId).toBe(sessionOf(story.newCredentialsLogon).id);
    expect(v.processId).toBe(processOf(story.serviceStartCmd).id);
    expect(processOf(story.serviceSecondStage).parentId).toBe(v.processId);
    expect(v.binaryOrigins).toContainEqual({ processId: processOf(story.secondStage).id, relation: 'ran it', row: rowOf(story.secondStage) });
  });

  it('tells the six-record story in order in the followed chain of the first session', () => {
    const chain = sessionChain(result, sessionOf(story.networkLogon).id, { follow: true });
    const want: Array<[string, StoryRecord]> = [
      ['logon', story.networkLogon],
      ['logon', story.newCredentialsLogon],
      ['process', story.powershell],
      ['script', story.scriptBlock],
      ['process', story.secondStage],
      ['service', story.serviceInstallSystem],
    ];
    let at = -1;
    for (const [kind, record] of want) {
      const row = rowOf(record);
      const next = chain.findIndex((c, i) => i > at && c.kind === kind && c.rows.includes(row));
      expect(next, `${kind} ${record.recordId}`).toBeGreaterThan(at);
      at = next;
    }
    const script = chain.find((c) => c.kind === 'script' && c.rows.includes(rowOf(story.scriptBlock)))!;
    expect(script.reason).toBe(`4104 ExecutionProcessID ${story.powershell.pid} = powershell.exe PID ${story.powershell.pid} of this session at 10:24:52`);
    const created = chain.find((c) => c.kind === 'created-session')!;
    expect(created.reason).toContain(`created by this session (SubjectLogonId ${story.networkLogon.logonId})`);
    // The earlier powershell with the same PID is not part of it.
    expect(chain.some((c) => c.processId === processOf(story.reusedPid.earlierStart).id)).toBe(false);
  });

  it('links the share access on FS01 to the netonly session, not the SCCM or backup logons', () => {
    const fsSession = result.sessions.find((s) => s.hostKey === 'fs01' && s.logonId === story.shareAccess.logonId)!;
    const edges = result.lateral.filter((l) => l.targetSessionId === fsSession.id);
    expect(edges).toHaveLength(1);
    expect(edges[0]!.sourceSessionId).toBe(sessionOf(story.newCredentialsLogon).id);
    expect(result.lateral).toHaveLength(1);
  });

  it('keeps hostile evidence text verbatim in the analysis document', () => {
    const doc = buildAnalysisDocument(result);
    const hostile = doc.processes.find((p) => p.pid === story.hostileCommandLine.pid && p.commandLine?.includes('<script>'));
    expect(hostile?.commandLine).toBe(events[rowOf(story.hostileCommandLine)]!.data['CommandLine']);
    expect(hostile?.commandLine).toContain('\x1b');
    const json = JSON.stringify(doc);
    expect(json).not.toContain('\x1b');
    expect(JSON.parse(json)).toEqual(doc);
    expect(Object.keys(doc)).toEqual(['hosts', 'sessions', 'processes', 'scripts', 'services', 'lateral']);
    expect(Object.keys(doc.processes[0]!)).toEqual([
      'id', 'host', 'pid', 'guid', 'image', 'commandLine', 'decodedCommand', 'start', 'end', 'user', 'logonId', 'sessionId',
      'integrity', 'elevation', 'parentId', 'parentBasis', 'candidates',
    ]);
    for (const s of doc.sessions) expect(s.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
  });
});
