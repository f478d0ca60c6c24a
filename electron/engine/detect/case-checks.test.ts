import { describe, expect, it } from 'vitest';
import { correlate } from '../correlate/index.js';
import { EvidenceBuilder } from '../correlate/testing.js';
import { CommandLineAuditCheck, integrityJumps, tokenFullWithoutAdmin, INTEGRITY_JUMP, TOKEN_FULL_WITHOUT_ADMIN } from './case-checks.js';

const HOST = 'WS9.corp.example';
const T = (s: string): string => `2024-05-01T10:${s}.0000000Z`;

function logon(b: EvidenceBuilder, time: string, logonId: string, user: string, extra: Record<string, string> = {}): number {
  return b.add(HOST, 'security', 4624, time, {
    SubjectLogonId: '0x3e7', TargetUserSid: 'S-1-5-21-1-2-3-1001', TargetUserName: user, TargetDomainName: 'CORP',
    TargetLogonId: logonId, LogonType: '2', LogonProcessName: 'User32', AuthenticationPackageName: 'Negotiate', ...extra,
  });
}

describe('TokenElevationType %%1937 in a session without admin rights', () => {
  it('fires for a full token in a logged-on session without 4672, not with 4672, not for a session without its logon', () => {
    const b = new EvidenceBuilder();
    logon(b, T('00:00'), '0x1000', 'alice');
    const full = b.proc4688(HOST, T('00:05'), 0x100, 0x4, 'C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\explorer.exe', '0x1000', { TokenElevationType: '%%1937' });
    b.proc4688(HOST, T('00:06'), 0x104, 0x4, 'C:\\Windows\\System32\\notepad.exe', 'C:\\Windows\\explorer.exe', '0x1000', { TokenElevationType: '%%1936' });
    logon(b, T('01:00'), '0x2000', 'admin');
    b.add(HOST, 'security', 4672, T('01:00'), { SubjectLogonId: '0x2000', SubjectUserName: 'admin', PrivilegeList: 'SeDebugPrivilege' });
    b.proc4688(HOST, T('01:05'), 0x200, 0x4, 'C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\explorer.exe', '0x2000', { TokenElevationType: '%%1937' });
    // A session known only from its processes (logon rolled out of the log): cannot tell.
    b.proc4688(HOST, T('02:05'), 0x300, 0x4, 'C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\explorer.exe', '0x3000', { TokenElevationType: '%%1937' });
    const hits = tokenFullWithoutAdmin(correlate(b.inputs()));
    expect([...hits.keys()]).toEqual([full]);
    const hit = hits.get(full)![0]!;
    expect(hit).toMatchObject({ ruleId: TOKEN_FULL_WITHOUT_ADMIN.id, origin: 'case', level: 'high' });
    expect(hit.tags).toContain('attack.privilege-escalation');
    expect(hit.detail).toContain('CORP\\alice logon 0x1000');
  });
});

describe('integrity level jumps along a process chain', () => {
  const chain = (withConsent: boolean, childLogon = '0x1000') => {
    const b = new EvidenceBuilder();
    logon(b, T('00:00'), '0x1000', 'alice');
    logon(b, T('00:00'), '0x5000', 'bob');
    b.proc4688(HOST, T('00:05'), 0x100, 0x4, 'C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\explorer.exe', '0x1000', { MandatoryLabel: 'S-1-16-8192' });
    if (withConsent) b.proc4688(HOST, T('00:09'), 0x150, 0x4, 'C:\\Windows\\System32\\consent.exe', 'C:\\Windows\\System32\\svchost.exe', '0x3e7', { MandatoryLabel: 'S-1-16-16384' });
    const child = b.proc4688(HOST, T('00:10'), 0x180, 0x100, 'C:\\Windows\\System32\\fodhelper.exe', 'C:\\Windows\\System32\\cmd.exe', childLogon, { MandatoryLabel: 'S-1-16-12288' });
    // Lower or equal than the parent: never.
    b.proc4688(HOST, T('00:11'), 0x190, 0x100, 'C:\\Windows\\System32\\whoami.exe', 'C:\\Windows\\System32\\cmd.exe', '0x1000', { MandatoryLabel: 'S-1-16-8192' });
    return { hits: integrityJumps(correlate(b.inputs())), child };
  };

  it('fires when a child runs higher than its parent in the same logon without consent.exe', () => {
    const { hits, child } = chain(false);
    expect([...hits.keys()]).toEqual([child]);
    expect(hits.get(child)![0]).toMatchObject({ ruleId: INTEGRITY_JUMP.id, level: 'high' });
    expect(hits.get(child)![0]!.detail).toContain('fodhelper.exe');
    expect(hits.get(child)![0]!.detail).toContain('high integrity under cmd.exe');
    expect(INTEGRITY_JUMP.tags).toContain('attack.t1548.002');
  });

  it('stays quiet when consent.exe ran just before (a UAC prompt)', () => {
    expect(chain(true).hits.size).toBe(0);
  });

  it('stays quiet when the child got another logon’s token (runas, a service)', () => {
    expect(chain(false, '0x5000').hits.size).toBe(0);
  });
});

describe('integrity jumps under a parent that started before the logs (Sysmon only)', () => {
  const sysmon1 = (b: EvidenceBuilder, time: string, pid: number, ppid: number, image: string, parent: string, level: string, logonId: string): number =>
    b.add(HOST, 'sysmon', 1, time, {
      ProcessId: String(pid), ParentProcessId: String(ppid), Image: image, ParentImage: parent, CommandLine: image,
      IntegrityLevel: level, LogonId: logonId, User: 'CORP\\alice',
      ProcessGuid: `{11111111-0000-0000-0000-${String(pid).padStart(12, '0')}}`, ParentProcessGuid: `{11111111-0000-0000-0000-${String(ppid).padStart(12, '0')}}`,
    });

  it('infers the parent’s level from its medium child and flags the high one (eventvwr bypass)', () => {
    const b = new EvidenceBuilder();
    const ps = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
    sysmon1(b, T('00:01'), 3752, 2704, 'C:\\Windows\\System32\\eventvwr.exe', ps, 'Medium', '0x13982');
    const high = sysmon1(b, T('00:02'), 3884, 2704, 'C:\\Windows\\System32\\eventvwr.exe', ps, 'High', '0x1394a');
    const hits = integrityJumps(correlate(b.inputs()));
    expect([...hits.keys()]).toEqual([high]);
    expect(hits.get(high)![0]!.detail).toContain('inferred from its other children');
  });

  it('infers nothing for service hosts, which start processes in other sessions on purpose', () => {
    const b = new EvidenceBuilder();
    const svchost = 'C:\\Windows\\System32\\svchost.exe';
    sysmon1(b, T('00:01'), 500, 944, 'C:\\Windows\\System32\\notepad.exe', svchost, 'Medium', '0x13982');
    sysmon1(b, T('00:02'), 501, 944, 'C:\\Windows\\System32\\cmd.exe', svchost, 'High', '0x1394a');
    expect(integrityJumps(correlate(b.inputs())).size).toBe(0);
  });
});

describe('command-line auditing', () => {
  it('warns per host where 4688 lacks CommandLine, and says how to turn it on', () => {
    const b = new EvidenceBuilder();
    const rows: number[] = [];
    for (let i = 0; i < 3; i++) {
      rows.push(b.add('OLD01', 'security', 4688, T(`0${i}:00`), { NewProcessId: '0x10', NewProcessName: 'C:\\x.exe', ProcessId: '0x4', SubjectLogonId: '0x3e7' }));
    }
    b.add('NEW01', 'security', 4688, T('05:00'), { NewProcessId: '0x10', NewProcessName: 'C:\\x.exe', CommandLine: 'x.exe /y', ProcessId: '0x4', SubjectLogonId: '0x3e7' });
    b.add('NEW01', 'sysmon', 1, T('05:00'), { Image: 'C:\\x.exe', ProcessId: '16' });
    const check = new CommandLineAuditCheck();
    b.events.forEach((e, i) => check.add(e, i));
    const w = check.result();
    expect(w).not.toBeNull();
    expect(w!.hosts).toEqual([{ host: 'OLD01', without: 3, total: 3 }]);
    expect(w!.title).toBe('4688 events without CommandLine: command-line auditing is off');
    expect(w!.detail).toContain('OLD01: 3 of 3');
    expect(w!.remedy).toContain('Administrative Templates › System › Audit Process Creation › Include command line in process creation events');
    expect(w!.remedy).toContain('HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\Audit');
    expect(w!.remedy).toContain('ProcessCreationIncludeCmdLine_Enabled = 1 (DWORD)');
    expect(w!.sampleEventIds).toEqual(rows);
  });

  it('says nothing when every 4688 has its command line', () => {
    const b = new EvidenceBuilder();
    b.proc4688(HOST, T('00:01'), 0x10, 0x4, 'C:\\a.exe', 'C:\\b.exe');
    const check = new CommandLineAuditCheck();
    b.events.forEach((e, i) => check.add(e, i));
    expect(check.result()).toBeNull();
  });
});
