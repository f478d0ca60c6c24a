import { describe, expect, it } from 'vitest';
import { sessionChain } from './chain.js';
import { correlate } from './correlate.js';
import type { CorrelationResult, ProcessNode } from './model.js';
import { EvidenceBuilder } from './testing.js';

const H = 'WS9.corp.example';
const CMD = 'C:\\Windows\\System32\\cmd.exe';
const PS = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';
const EXPLORER = 'C:\\Windows\\explorer.exe';

const byRow = (r: CorrelationResult, row: number): ProcessNode => {
  const p = r.processes.find((n) => n.securityRow === row || n.sysmonRow === row);
  if (!p) throw new Error(`no process for row ${row}`);
  return p;
};

describe('process trees by PID and time', () => {
  it('PID reused three times in an hour: each child finds the holder of the PID at its creation', () => {
    const b = new EvidenceBuilder();
    const parents = [
      b.proc4688(H, '2024-01-01T10:00:00.1000000Z', 0x100, 0x50, CMD, EXPLORER),
      b.proc4688(H, '2024-01-01T10:20:00.1000000Z', 0x100, 0x50, CMD, EXPLORER),
      b.proc4688(H, '2024-01-01T10:40:00.1000000Z', 0x100, 0x50, CMD, EXPLORER),
    ];
    b.exit4689(H, '2024-01-01T10:10:00.0000000Z', 0x100, CMD);
    b.exit4689(H, '2024-01-01T10:30:00.0000000Z', 0x100, CMD);
    const children = [
      b.proc4688(H, '2024-01-01T10:05:00.0000000Z', 0x200, 0x100, NOTEPAD, CMD),
      b.proc4688(H, '2024-01-01T10:25:00.0000000Z', 0x204, 0x100, NOTEPAD, CMD),
      b.proc4688(H, '2024-01-01T10:45:00.0000000Z', 0x208, 0x100, NOTEPAD, CMD),
    ];
    const r = correlate(b.inputs());
    children.forEach((row, i) => {
      const child = byRow(r, row);
      expect(child.parentId).toBe(byRow(r, parents[i]!).id);
      expect(child.parentBasis).toBe('pid+time');
      expect(child.candidates).toEqual([]);
    });
    expect(byRow(r, parents[0]!).end).not.toBeNull();
    expect(byRow(r, parents[2]!).end).toBeNull();
  });

  it('missing exits: an older holder of the PID cannot be alive once a newer one started', () => {
    const b = new EvidenceBuilder();
    b.proc4688(H, '2024-01-01T10:00:00Z', 0x100, 0x50, CMD, EXPLORER);
    const second = b.proc4688(H, '2024-01-01T10:20:00Z', 0x100, 0x50, CMD, EXPLORER);
    const child = b.proc4688(H, '2024-01-01T10:25:00Z', 0x200, 0x100, NOTEPAD, CMD);
    const r = correlate(b.inputs());
    expect(byRow(r, child).parentId).toBe(byRow(r, second).id);
    expect(byRow(r, child).parentBasis).toBe('pid+time');
  });

  it('two holders created in the same second (1-second log): ambiguous, candidates kept, nothing guessed', () => {
    const b = new EvidenceBuilder();
    const a = b.proc4688(H, '2024-01-01T10:00:00Z', 0x100, 0x50, CMD, EXPLORER);
    const c = b.proc4688(H, '2024-01-01T10:00:00Z', 0x100, 0x54, CMD, EXPLORER);
    const child = b.proc4688(H, '2024-01-01T10:00:09Z', 0x200, 0x100, NOTEPAD, CMD);
    const r = correlate(b.inputs());
    const node = byRow(r, child);
    expect(node.parentId).toBeNull();
    expect(node.parentBasis).toBe('pid+time (ambiguous: 2 candidates)');
    expect([...node.candidates].sort()).toEqual([byRow(r, a).id, byRow(r, c).id].sort());
  });

  it('a new holder created in the child\'s own second may be younger than the child: ambiguous', () => {
    const b = new EvidenceBuilder();
    const old = b.proc4688(H, '2024-01-01T09:00:00Z', 0x100, 0x50, CMD, EXPLORER);
    const young = b.proc4688(H, '2024-01-01T10:00:00Z', 0x100, 0x50, CMD, EXPLORER);
    const child = b.proc4688(H, '2024-01-01T10:00:00Z', 0x200, 0x100, NOTEPAD, CMD);
    const r = correlate(b.inputs());
    const node = byRow(r, child);
    expect(node.parentBasis).toBe('pid+time (ambiguous: 2 candidates)');
    expect([...node.candidates].sort()).toEqual([byRow(r, old).id, byRow(r, young).id].sort());
  });

  it('ParentProcessName rules out a holder with another image', () => {
    const b = new EvidenceBuilder();
    b.proc4688(H, '2024-01-01T10:00:00Z', 0x100, 0x50, NOTEPAD, EXPLORER);
    const child = b.proc4688(H, '2024-01-01T10:00:05Z', 0x200, 0x100, NOTEPAD, CMD);
    const r = correlate(b.inputs());
    expect(byRow(r, child).parentBasis).toBe('placeholder');
    const parent = r.processes.find((p) => p.id === byRow(r, child).parentId)!;
    expect(parent.placeholder).toBe(true);
    expect(parent.image).toBe(CMD);
  });

  it('child created in the same second as its parent\'s exit keeps its parent', () => {
    const b = new EvidenceBuilder();
    const parent = b.proc4688(H, '2024-01-01T10:00:00Z', 0x100, 0x50, CMD, EXPLORER);
    b.exit4689(H, '2024-01-01T10:00:05Z', 0x100, CMD);
    const child = b.proc4688(H, '2024-01-01T10:00:05Z', 0x200, 0x100, NOTEPAD, CMD);
    const r = correlate(b.inputs());
    expect(byRow(r, child).parentId).toBe(byRow(r, parent).id);
    expect(byRow(r, child).parentBasis).toBe('pid+time');
  });

  it('at 100 ns, a child created after its parent\'s exit gets a placeholder, not the dead process', () => {
    const b = new EvidenceBuilder();
    const parent = b.proc4688(H, '2024-01-01T10:00:00.0000000Z', 0x100, 0x50, CMD, EXPLORER);
    b.exit4689(H, '2024-01-01T10:00:05.3000000Z', 0x100, CMD);
    const child = b.proc4688(H, '2024-01-01T10:00:05.3000001Z', 0x200, 0x100, NOTEPAD, CMD);
    const r = correlate(b.inputs());
    expect(byRow(r, child).parentId).not.toBe(byRow(r, parent).id);
    expect(byRow(r, child).parentBasis).toBe('placeholder');
  });

  it('siblings share one placeholder until the PID changes hands', () => {
    const b = new EvidenceBuilder();
    const c1 = b.proc4688(H, '2024-01-01T10:00:00Z', 0x200, 0x300, NOTEPAD, CMD);
    const c2 = b.proc4688(H, '2024-01-01T10:05:00Z', 0x204, 0x300, NOTEPAD, CMD);
    b.exit4689(H, '2024-01-01T10:06:00Z', 0x300, CMD);
    const c3 = b.proc4688(H, '2024-01-01T10:07:00Z', 0x208, 0x300, NOTEPAD, CMD);
    const r = correlate(b.inputs());
    expect(byRow(r, c1).parentId).toBe(byRow(r, c2).parentId);
    expect(byRow(r, c3).parentId).not.toBe(byRow(r, c1).parentId);
    expect(r.processes.filter((p) => p.placeholder)).toHaveLength(2);
  });

  it('4688 and Sysmon 1 of one process are one node with both records', () => {
    const b = new EvidenceBuilder();
    const sec = b.proc4688(H, '2024-01-01T10:00:00Z', 0x1f3c, 0x50, PS, EXPLORER, '0x5a4f02', { CommandLine: `${PS} -nop` });
    const sys = b.add(H, 'sysmon', 1, '2024-01-01T10:00:00.456Z', {
      ProcessId: String(0x1f3c),
      ParentProcessId: String(0x50),
      Image: PS,
      ParentImage: EXPLORER,
      CommandLine: `${PS} -nop`,
      ProcessGuid: '{aaaaaaaa-0000-0000-0000-000000000001}',
      ParentProcessGuid: '{aaaaaaaa-0000-0000-0000-000000000000}',
      LogonId: '0x5a4f02',
      User: 'CORP\\jdoe',
      IntegrityLevel: 'High',
    });
    // Same PID, another image, same second: a different process.
    const other = b.add(H, 'sysmon', 1, '2024-01-01T10:00:00.900Z', {
      ProcessId: String(0x1f3c), ParentProcessId: '4', Image: NOTEPAD, ProcessGuid: '{aaaaaaaa-0000-0000-0000-000000000002}', LogonId: '0x3e7',
    });
    const r = correlate(b.inputs());
    const node = byRow(r, sec);
    expect(byRow(r, sys).id).toBe(node.id);
    expect(node.sysmonRow).toBe(sys);
    expect(node.guid).toBe('AAAAAAAA-0000-0000-0000-000000000001');
    expect(node.start?.precision).toBe('ms');
    expect(node.integrity).toBe('high');
    expect(byRow(r, other).id).not.toBe(node.id);
    expect(r.processes.filter((p) => !p.placeholder)).toHaveLength(2);
  });

  it('exits attach by GUID or by PID and time, and Sysmon 3 by GUID', () => {
    const b = new EvidenceBuilder();
    const start = b.add(H, 'sysmon', 1, '2024-01-01T10:00:00.000Z', { ProcessId: '500', ParentProcessId: '4', Image: PS, ProcessGuid: '{b-1}', LogonId: '0x3e7' });
    const exit = b.add(H, 'sysmon', 5, '2024-01-01T10:01:00.000Z', { ProcessId: '500', Image: PS, ProcessGuid: '{b-1}' });
    const net = b.add(H, 'sysmon', 3, '2024-01-01T10:00:30.000Z', {
      ProcessId: '500', Image: PS, ProcessGuid: '{b-1}', SourceIp: '10.0.0.5', DestinationIp: '10.0.0.9', DestinationPort: '445', Initiated: 'true',
    });
    const r = correlate(b.inputs());
    const node = byRow(r, start);
    expect(node.endRows).toEqual([exit]);
    expect(node.activity.map((a) => a.row)).toEqual([net]);
  });
});

describe('sessions', () => {
  it('a LogonId reused after a reboot is two sessions, and processes go to the right one', () => {
    const b = new EvidenceBuilder();
    const logon = (time: string): number =>
      b.add(H, 'security', 4624, time, { TargetLogonId: '0x1234', LogonType: '2', TargetUserName: 'asmith', TargetDomainName: 'CORP', SubjectLogonId: '0x3e7' });
    const l1 = logon('2024-01-01T08:00:00Z');
    const p1 = b.proc4688(H, '2024-01-01T08:01:00Z', 0x100, 0x50, CMD, EXPLORER, '0x1234');
    b.add(H, 'system', 6006, '2024-01-01T18:00:00Z', {}, { provider: 'EventLog' });
    b.add(H, 'system', 6005, '2024-01-02T07:59:00Z', {}, { provider: 'EventLog' });
    const l2 = logon('2024-01-02T08:00:00Z');
    const p2 = b.proc4688(H, '2024-01-02T08:01:00Z', 0x100, 0x50, CMD, EXPLORER, '0x1234');
    const r = correlate(b.inputs());
    const s1 = r.sessions.find((s) => s.logonRow === l1)!;
    const s2 = r.sessions.find((s) => s.logonRow === l2)!;
    expect(s1.id).not.toBe(s2.id);
    expect(s2.epoch).toBeGreaterThan(s1.epoch);
    expect(byRow(r, p1).sessionId).toBe(s1.id);
    expect(byRow(r, p2).sessionId).toBe(s2.id);
    // The PID reused across the boot does not make p1 the parent of anything after it.
    expect(r.sessions.filter((s) => s.logonId === '0x1234')).toHaveLength(2);
  });

  it('SYSTEM is one session per boot, whether its processes come before or after a type 5 logon', () => {
    const b = new EvidenceBuilder();
    const early = b.proc4688(H, '2024-01-01T07:00:00Z', 0x100, 0x50, CMD, EXPLORER, '0x3e7');
    b.add(H, 'security', 4624, '2024-01-01T08:00:00Z', { TargetLogonId: '0x3e7', LogonType: '5', TargetUserName: 'SYSTEM' });
    b.add(H, 'security', 4624, '2024-01-01T09:00:00Z', { TargetLogonId: '0x3e7', LogonType: '5', TargetUserName: 'SYSTEM' });
    const late = b.proc4688(H, '2024-01-01T10:00:00Z', 0x104, 0x50, CMD, EXPLORER, '0x3e7');
    const r = correlate(b.inputs());
    expect(r.sessions).toHaveLength(1);
    expect(byRow(r, early).sessionId).toBe(r.sessions[0]!.id);
    expect(byRow(r, late).sessionId).toBe(r.sessions[0]!.id);
  });

  it('a second 4624 with the same LogonId and no boot marker still starts a new session', () => {
    const b = new EvidenceBuilder();
    const l1 = b.add(H, 'security', 4624, '2024-01-01T08:00:00Z', { TargetLogonId: '0x99', LogonType: '3', TargetUserName: 'a' });
    const l2 = b.add(H, 'security', 4624, '2024-01-05T08:00:00Z', { TargetLogonId: '0x99', LogonType: '3', TargetUserName: 'b' });
    const r = correlate(b.inputs());
    expect(r.sessions.find((s) => s.logonRow === l1)!.id).not.toBe(r.sessions.find((s) => s.logonRow === l2)!.id);
  });

  it('SYSTEM seen only through processes is a session without a logon event; split tokens are paired; type 9 is linked', () => {
    const b = new EvidenceBuilder();
    const p = b.proc4688(H, '2024-01-01T08:00:00Z', 0x100, 0x50, CMD, EXPLORER, '0x3e7');
    const limited = b.add(H, 'security', 4624, '2024-01-01T09:00:00.1000000Z', {
      TargetLogonId: '0x2001', TargetLinkedLogonId: '0x2002', LogonType: '2', TargetUserName: 'admin', ElevatedToken: '%%1843',
    });
    const full = b.add(H, 'security', 4624, '2024-01-01T09:00:00.1000001Z', {
      TargetLogonId: '0x2002', TargetLinkedLogonId: '0x2001', LogonType: '2', TargetUserName: 'admin', ElevatedToken: '%%1842',
    });
    b.add(H, 'security', 4672, '2024-01-01T09:00:00.1000002Z', { SubjectLogonId: '0x2002' });
    const netonly = b.add(H, 'security', 4624, '2024-01-01T09:05:00Z', {
      TargetLogonId: '0x3003', SubjectLogonId: '0x2002', LogonType: '9', TargetUserName: 'admin', TargetOutboundUserName: 'svc', TargetOutboundDomainName: 'CORP',
    });
    const logoff = b.add(H, 'security', 4634, '2024-01-01T17:00:00Z', { TargetLogonId: '0x2001' });
    const r = correlate(b.inputs());
    const system = r.sessions.find((s) => s.logonId === '0x3e7')!;
    expect(system.logonRow).toBeNull();
    expect(byRow(r, p).sessionId).toBe(system.id);
    const sl = r.sessions.find((s) => s.logonRow === limited)!;
    const sf = r.sessions.find((s) => s.logonRow === full)!;
    expect(sl.linkedSessionId).toBe(sf.id);
    expect(sf.linkedSessionId).toBe(sl.id);
    expect(sf.admin).toBe(true);
    expect(sl.admin).toBe(false);
    expect(sl.logoffRows).toEqual([logoff]);
    const s9 = r.sessions.find((s) => s.logonRow === netonly)!;
    expect(s9.createdBySessionId).toBe(sf.id);
    expect(s9.outboundUser).toBe('svc');
  });
});

describe('script blocks and services', () => {
  it('a script block with a missing middle part is reassembled with the gap shown', () => {
    const b = new EvidenceBuilder();
    const ps = b.proc4688(H, '2024-01-01T10:00:00Z', 7996, 0x50, PS, EXPLORER, '0x5a4f02');
    const part = (n: number, text: string): number =>
      b.add(H, 'powershell', 4104, `2024-01-01T10:00:0${n}Z`, { MessageNumber: String(n), MessageTotal: '3', ScriptBlockText: text, ScriptBlockId: '{6294FE7B-71F9-43A7-BA7A-A1E80990BE39}', Path: '' }, { processId: 7996 });
    const r1 = part(1, 'first;');
    const r3 = part(3, 'third;');
    const r = correlate(b.inputs());
    expect(r.scripts).toHaveLength(1);
    const s = r.scripts[0]!;
    expect(s.scriptBlockId).toBe('6294fe7b-71f9-43a7-ba7a-a1e80990be39');
    expect(s.partsPresent).toEqual([1, 3]);
    expect(s.missingParts).toEqual([2]);
    expect(s.total).toBe(3);
    expect(s.text).toBe('first;\n[part 2 of 3 missing]\nthird;');
    expect(s.rows).toEqual([r1, r3]);
    expect(s.processId).toBe(byRow(r, ps).id);
  });

  it('a 7045 without 4697 is a service with no session, linked to what services.exe started', () => {
    const b = new EvidenceBuilder();
    const SERVICES = 'C:\\Windows\\System32\\services.exe';
    const payload = 'C:\\ProgramData\\evil.exe';
    const dropper = b.proc4688(H, '2024-01-01T09:59:00Z', 0x700, 0x50, payload, EXPLORER, '0x5a4f02');
    const install = b.add(H, 'system', 7045, '2024-01-01T10:00:00Z', { ServiceName: 'Evil', ImagePath: `"${payload}" -svc`, ServiceType: 'user mode service', StartType: 'demand start', AccountName: 'LocalSystem' });
    b.proc4688(H, '2024-01-01T10:00:01Z', 0x710, 0x2ac, 'C:\\Windows\\System32\\svchost.exe', SERVICES, '0x3e7', { CommandLine: 'svchost.exe -k netsvcs' });
    const started = b.proc4688(H, '2024-01-01T10:00:02Z', 0x720, 0x2ac, payload, SERVICES, '0x3e7', { CommandLine: `"${payload}" -svc` });
    const r = correlate(b.inputs());
    expect(r.services).toHaveLength(1);
    const v = r.services[0]!;
    expect(v.systemRow).toBe(install);
    expect(v.securityRow).toBeNull();
    expect(v.sessionId).toBeNull();
    expect(v.processId).toBe(byRow(r, started).id);
    expect(v.binaryOrigins).toEqual([{ processId: byRow(r, dropper).id, relation: 'ran it', row: dropper }]);
  });
});

describe('hostile and broken evidence', () => {
  it('a forged MessageTotal and runs of missing parts stay bounded', () => {
    const b = new EvidenceBuilder();
    b.add(H, 'powershell', 4104, '2024-01-01T10:00:00Z', { MessageNumber: '1', MessageTotal: '4000000', ScriptBlockText: 'a', ScriptBlockId: '{1}' }, { processId: 1 });
    b.add(H, 'powershell', 4104, '2024-01-01T10:00:00Z', { MessageNumber: '5', MessageTotal: '4000000', ScriptBlockText: 'e', ScriptBlockId: '{1}' }, { processId: 1 });
    const r = correlate(b.inputs());
    const s = r.scripts[0]!;
    expect(s.total).toBe(10_000);
    expect(s.partsPresent).toEqual([1, 5]);
    expect(s.text.startsWith('a\n[parts 2–4 of 10000 missing]\ne\n[parts 6–10000 of 10000 missing]\n')).toBe(true);
    expect(s.text.length).toBeLessThan(200);
  });

  it('garbage fields, missing ids and a huge encoded command line neither crash nor hang', () => {
    const b = new EvidenceBuilder();
    const huge = 'QQBBAEEA'.repeat(600_000);
    b.proc4688(H, '2024-01-01T10:00:00Z', 0x100, 0x100, PS, PS, '0x3e7', { CommandLine: `powershell -enc ${huge}` });
    b.add(H, 'security', 4688, '2024-01-01T10:00:01Z', { NewProcessId: 'zz', ProcessId: '-', SubjectLogonId: 'nonsense', TargetLogonId: '' });
    b.add(H, 'security', 4624, '2024-01-01T10:00:02Z', { TargetLogonId: '-', LogonType: 'x' });
    b.add(H, 'security', 4689, '2024-01-01T10:00:03Z', { ProcessId: '' });
    b.add('', 'system', 7045, '2024-01-01T10:00:04Z', { ServiceName: '', ImagePath: '"' });
    b.add(H, 'sysmon', 1, '2024-01-01T10:00:05.000Z', { ProcessGuid: '{x}', ParentProcessGuid: '{x}', Image: '' });
    b.add(H, 'powershell', 4104, '2024-01-01T10:00:06Z', { ScriptBlockText: `[Convert]::FromBase64String('${'A'.repeat(100)}')` });
    const r = correlate(b.inputs());
    const ps = r.processes.find((p) => p.commandLine?.startsWith('powershell -enc'))!;
    // A process whose parent PID is its own PID is not its own parent.
    expect(ps.parentId).not.toBe(ps.id);
    expect(ps.decodedCommand!.length).toBeLessThan(1_100_000);
    expect(ps.decodedCommand).toContain('[decoding truncated]');
    const selfParent = r.processes.find((p) => p.guid === 'X')!;
    expect(selfParent.parentId).not.toBe(selfParent.id);
    expect(r.services).toHaveLength(1);
  });
});

describe('parent loops from forged records', () => {
  const loop = (n: number): { r: CorrelationResult; rows: number[] } => {
    const b = new EvidenceBuilder();
    const pid = (i: number): number => 0x1000 + 4 * (i % n);
    // All in one second of a 1-second log: each names the next as its parent, the last the first.
    const rows = Array.from({ length: n }, (_, i) => b.proc4688(H, '2024-01-01T10:00:05Z', pid(i), pid(i + 1), CMD, CMD));
    return { r: correlate(b.inputs()), rows };
  };
  const ancestorsEnd = (r: CorrelationResult): boolean => {
    const byId = new Map(r.processes.map((p) => [p.id, p]));
    return r.processes.every((p) => {
      const seen = new Set<string>();
      for (let q: ProcessNode | undefined = p; q; q = q.parentId ? byId.get(q.parentId) : undefined) {
        if (seen.has(q.id)) return false;
        seen.add(q.id);
      }
      return true;
    });
  };

  it('two processes naming each other: the edge that closes the loop goes, the other stays', () => {
    const { r, rows } = loop(2);
    expect(ancestorsEnd(r)).toBe(true);
    expect(byRow(r, rows[0]!).parentId).toBe(byRow(r, rows[1]!).id);
    expect(byRow(r, rows[1]!).parentId).toBeNull();
    expect(byRow(r, rows[1]!).parentBasis).toBe('none');
  });

  it('a loop of 40 (deeper than a process tree usually is): one edge goes, the last walked', () => {
    const { r, rows } = loop(40);
    expect(ancestorsEnd(r)).toBe(true);
    const cut = rows.filter((row) => byRow(r, row).parentBasis === 'none');
    expect(cut).toEqual([rows[39]]);
    for (let i = 0; i < 39; i++) expect(byRow(r, rows[i]!).parentId).toBe(byRow(r, rows[i + 1]!).id);
  });
});

describe('session chain: Sysmon 3 connections', () => {
  const build = () => {
    const b = new EvidenceBuilder();
    b.add(H, 'security', 4624, '2024-01-01T09:59:00.000Z', { TargetLogonId: '0x77', LogonType: '3', TargetUserName: 'svc', TargetDomainName: 'CORP', SubjectLogonId: '0x0' });
    b.add(H, 'sysmon', 1, '2024-01-01T10:00:00.000Z', { ProcessId: '500', ParentProcessId: '4', Image: PS, ProcessGuid: '{n-1}', LogonId: '0x77' });
    b.add(H, 'sysmon', 1, '2024-01-01T10:00:01.000Z', { ProcessId: '600', ParentProcessId: '4', Image: CMD, ProcessGuid: '{n-2}', LogonId: '0x77' });
    const rows: number[] = [];
    for (let i = 0; i < 5; i++) {
      rows.push(
        b.add(H, 'sysmon', 3, `2024-01-01T10:00:${String(10 + i).padStart(2, '0')}.000Z`, {
          ProcessId: '500', Image: PS, ProcessGuid: '{n-1}', SourceIp: '10.0.0.5', DestinationIp: i < 4 ? '10.0.0.9' : '10.0.0.10', DestinationPort: '443', Initiated: 'true',
        }),
      );
    }
    const single = b.add(H, 'sysmon', 3, '2024-01-01T10:00:20.000Z', {
      ProcessId: '600', Image: CMD, ProcessGuid: '{n-2}', SourceIp: '10.0.0.5', DestinationIp: '10.0.0.11', DestinationPort: '80', Initiated: 'true',
    });
    const r = correlate(b.inputs());
    const session = r.sessions.find((s) => s.logonId === '0x77')!;
    return { r, session, rows, single };
  };

  it('lists every connection while the session has few', () => {
    const { r, session, rows, single } = build();
    const net = sessionChain(r, session.id).filter((e) => e.kind === 'network');
    expect(net.map((e) => e.rows[0])).toEqual([...rows, single]);
    // Each connection says where it went, repeated connections as the first (their reason is
    // made once per process, source and target: see addSession).
    expect(net.map((e) => e.reason.replace(/.*: /, ''))).toEqual([
      ...Array(4).fill('10.0.0.5 → 10.0.0.9:443'),
      '10.0.0.5 → 10.0.0.10:443',
      '10.0.0.5 → 10.0.0.11:80',
    ]);
    expect(net[0]!.reason).toContain('Sysmon 3 by powershell.exe PID 500');
    expect(net[1]!.reason).toBe(net[0]!.reason);
    expect(new Set(net.map((e) => e.reason)).size).toBe(3);
  });

  it('summarizes them per process past the budget, linked to the first, with counts and destinations', () => {
    const { r, session, rows, single } = build();
    const net = sessionChain(r, session.id, { networkBudget: 3 }).filter((e) => e.kind === 'network');
    expect(net.map((e) => e.rows)).toEqual([[rows[0]], [single]]);
    expect(net[0]!.reason).toContain('5 connections to 2 destination(s) (10.0.0.9:443 ×4, 10.0.0.10:443 ×1)');
    expect(net[1]!.reason).toContain('→ 10.0.0.11:80');
    expect(sessionChain(r, session.id, { networkBudget: 3, network: false }).some((e) => e.kind === 'network')).toBe(false);
  });
});
