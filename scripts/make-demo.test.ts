// Checks the demo evidence the way an investigator (and the correlation code) will read it:
// parse the XML files independently of the generator, then follow the story by its values.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PAYLOAD_SCRIPT, findRepoRoot, writeDemoEvidence, type DemoResult, type StoryRecord } from './make-demo.js';

interface ParsedEvent {
  readonly file: string;
  readonly eventId: number;
  readonly qualifiers?: string;
  readonly provider: string;
  readonly providerGuid?: string;
  readonly eventSourceName?: string;
  readonly channel: string;
  readonly computer: string;
  readonly recordId: number;
  readonly time: string;
  readonly pid: number;
  readonly tid: number;
  readonly userSid?: string;
  /** EventData in document order. */
  readonly fields: ReadonlyArray<readonly [string, string]>;
  readonly data: Readonly<Record<string, string>>;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => name === 'Event' || name === 'Data',
});

type Node = Record<string, unknown>;
const node = (v: unknown): Node => (v && typeof v === 'object' ? (v as Node) : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : typeof node(v)['#text'] === 'string' ? (node(v)['#text'] as string) : '');

function parseFile(dir: string, file: string): ParsedEvent[] {
  const xml = readFileSync(join(dir, file), 'utf8');
  const doc = parser.parse(xml) as Node;
  const events = doc['Event'];
  if (!Array.isArray(events)) throw new Error(`${file}: no <Event> elements`);
  return events.map((raw) => {
    const sys = node(node(raw)['System']);
    const prov = node(sys['Provider']);
    const eid = sys['EventID'];
    const exec = node(sys['Execution']);
    const sec = node(sys['Security']);
    const dataNodes = (node(node(raw)['EventData'])['Data'] ?? []) as unknown[];
    const fields = dataNodes.map((d) => [String(node(d)['@Name']), text(d)] as const);
    const qualifiers = node(eid)['@Qualifiers'];
    return {
      file,
      eventId: Number(text(eid)),
      ...(typeof qualifiers === 'string' ? { qualifiers } : {}),
      provider: String(prov['@Name']),
      ...(typeof prov['@Guid'] === 'string' ? { providerGuid: prov['@Guid'] } : {}),
      ...(typeof prov['@EventSourceName'] === 'string' ? { eventSourceName: prov['@EventSourceName'] } : {}),
      channel: text(sys['Channel']),
      computer: text(sys['Computer']),
      recordId: Number(text(sys['EventRecordID'])),
      time: String(node(sys['TimeCreated'])['@SystemTime']),
      pid: Number(exec['@ProcessID']),
      tid: Number(exec['@ThreadID']),
      ...(typeof sec['@UserID'] === 'string' ? { userSid: sec['@UserID'] } : {}),
      fields,
      data: Object.fromEntries(fields),
    };
  });
}

const FIELDS_4688 = [
  'SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'SubjectLogonId', 'NewProcessId', 'NewProcessName',
  'TokenElevationType', 'ProcessId', 'CommandLine', 'TargetUserSid', 'TargetUserName', 'TargetDomainName',
  'TargetLogonId', 'ParentProcessName', 'MandatoryLabel',
];
const FIELDS_4624 = [
  'SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'SubjectLogonId', 'TargetUserSid', 'TargetUserName',
  'TargetDomainName', 'TargetLogonId', 'LogonType', 'LogonProcessName', 'AuthenticationPackageName', 'WorkstationName',
  'LogonGuid', 'TransmittedServices', 'LmPackageName', 'KeyLength', 'ProcessId', 'ProcessName', 'IpAddress', 'IpPort',
  'ImpersonationLevel', 'RestrictedAdminMode', 'TargetOutboundUserName', 'TargetOutboundDomainName', 'VirtualAccount',
  'TargetLinkedLogonId', 'ElevatedToken',
];
const FIELDS_7045 = ['ServiceName', 'ImagePath', 'ServiceType', 'StartType', 'AccountName'];
const FIELDS_4697 = ['SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'SubjectLogonId', 'ServiceName', 'ServiceFileName', 'ServiceType', 'ServiceStartType', 'ServiceAccount'];
const FIELDS_4104 = ['MessageNumber', 'MessageTotal', 'ScriptBlockText', 'ScriptBlockId', 'Path'];

const hexPid = (v: string | undefined): number => {
  expect(v).toMatch(/^0x[0-9a-f]+$/);
  return parseInt(String(v).slice(2), 16);
};

describe('make-demo', () => {
  let dir = '';
  let result: DemoResult;
  const byFile = new Map<string, ParsedEvent[]>();
  const all = (): ParsedEvent[] => [...byFile.values()].flat();
  const fileOf = (r: StoryRecord): string => `${r.host}-${r.log}.xml`;
  const find = (r: StoryRecord): ParsedEvent => {
    const list = byFile.get(fileOf(r));
    const found = list?.filter((e) => e.recordId === r.recordId) ?? [];
    expect(found, `${fileOf(r)} #${r.recordId}`).toHaveLength(1);
    const e = found[0] as ParsedEvent;
    expect(e.eventId).toBe(r.eventId);
    expect(e.time).toBe(r.time);
    return e;
  };
  const ws01Sec = (): ParsedEvent[] => byFile.get('WS01-Security.xml') ?? [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chainline-demo-'));
    result = writeDemoEvidence(dir);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml'))) byFile.set(file, parseFile(dir, file));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes one wevtutil-style file per log per host, with at least 150 events', () => {
    expect([...byFile.keys()].sort()).toEqual([
      'FS01-Security.xml', 'FS01-System.xml', 'WS01-PowerShell-Operational.xml', 'WS01-Security.xml', 'WS01-System.xml',
    ]);
    expect(all().length).toBe(result.eventCount);
    expect(all().length).toBeGreaterThanOrEqual(150);
    for (const file of byFile.keys()) {
      const raw = readFileSync(join(dir, file), 'utf8');
      expect(raw.startsWith("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>")).toBe(true);
      // One event per CRLF-ended line; values may hold line breaks of their own (4672
      // PrivilegeList, a script file's CRLFs in 4104), as wevtutil prints them.
      expect(raw.endsWith('</Event>\r\n')).toBe(true);
      const records = raw.split(/(?<=<\/Event>)\r\n/).filter((l) => l !== '');
      expect(records.length).toBe(byFile.get(file)?.length);
      expect(records.every((l) => l.startsWith('<Event ') && l.endsWith('</Event>'))).toBe(true);
    }
  });

  it('is deterministic', () => {
    const again = mkdtempSync(join(tmpdir(), 'chainline-demo-'));
    try {
      writeDemoEvidence(again);
      for (const file of [...byFile.keys(), 'STORY.md']) {
        expect(readFileSync(join(again, file)).equals(readFileSync(join(dir, file))), file).toBe(true);
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('numbers records upward in time order per log, with correct System sections', () => {
    for (const [file, events] of byFile) {
      for (let i = 1; i < events.length; i++) {
        const a = events[i - 1] as ParsedEvent;
        const b = events[i] as ParsedEvent;
        expect(b.recordId, file).toBe(a.recordId + 1);
        expect(b.time >= a.time, `${file} #${b.recordId}`).toBe(true);
      }
      for (const e of events) {
        expect(e.time).toMatch(/^2024-03-12T\d\d:\d\d:\d\d\.\d{7}Z$/);
        expect(e.computer).toBe(file.startsWith('WS01') ? 'WS01.corp.example' : 'FS01.corp.example');
        expect(e.pid).toBeGreaterThan(0);
        expect(e.tid).toBeGreaterThan(0);
        if (file.endsWith('-Security.xml')) {
          expect(e.provider).toBe('Microsoft-Windows-Security-Auditing');
          expect(e.providerGuid).toBe('{54849625-5478-4994-A5BA-3E3B0328C30D}');
          expect(e.channel).toBe('Security');
        } else if (file.endsWith('-System.xml')) {
          expect(e.provider).toBe('Service Control Manager');
          expect(e.eventSourceName).toBe('Service Control Manager');
          expect(e.channel).toBe('System');
        } else {
          expect(e.provider).toBe('Microsoft-Windows-PowerShell');
          expect(e.channel).toBe('Microsoft-Windows-PowerShell/Operational');
        }
      }
    }
  });

  it('gives every 4688, 4624, 4697, 7045 and 4104 its exact Windows field set', () => {
    const expected: Record<number, string[]> = { 4688: FIELDS_4688, 4624: FIELDS_4624, 4697: FIELDS_4697, 7045: FIELDS_7045, 4104: FIELDS_4104 };
    let checked = 0;
    for (const e of all()) {
      const names = expected[e.eventId];
      if (!names) continue;
      expect(e.fields.map(([n]) => n), `${e.file} #${e.recordId}`).toEqual(names);
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('links the attack chain by LogonId, PID and time', () => {
    const s = result.story;
    // 1. The network logon from outside, and its special privileges.
    const logon = find(s.networkLogon);
    expect(logon.data['LogonType']).toBe('3');
    expect(logon.data['IpAddress']).toBe('203.0.113.47');
    expect(logon.data['AuthenticationPackageName']).toBe('NTLM');
    expect(logon.data['TargetUserName']).toBe('jdoe');
    expect(logon.data['TargetDomainName']).toBe('CORP');
    const attackLogon = logon.data['TargetLogonId'] as string;
    expect(attackLogon).toBe(s.networkLogon.logonId);
    const privs = find(s.networkLogonPrivileges);
    expect(privs.data['SubjectLogonId']).toBe(attackLogon);
    expect(privs.data['PrivilegeList']).toContain('SeDebugPrivilege');

    // wsmprovhost runs in that session (TargetLogonId), runas.exe is its child.
    const wsm = find(s.wsmprovhost);
    expect(wsm.data['TargetLogonId']).toBe(attackLogon);
    const runas = find(s.runas);
    expect(hexPid(runas.data['ProcessId'])).toBe(hexPid(wsm.data['NewProcessId']));
    expect(runas.data['SubjectLogonId']).toBe(attackLogon);

    // 2. runas /netonly: type 9 whose subject is the type-3 session.
    const netonly = find(s.newCredentialsLogon);
    expect(netonly.data['LogonType']).toBe('9');
    expect(netonly.data['LogonProcessName']).toBe('seclogo');
    expect(netonly.data['SubjectLogonId']).toBe(attackLogon);
    expect(netonly.data['TargetOutboundUserName']).toBe('svc_backup');
    expect(netonly.data['TargetOutboundDomainName']).toBe('CORP');
    const netonlyLogon = netonly.data['TargetLogonId'] as string;
    expect(netonlyLogon).not.toBe(attackLogon);

    const cmd = find(s.cmd);
    expect(hexPid(cmd.data['ProcessId'])).toBe(hexPid(runas.data['NewProcessId']));
    expect(cmd.data['TargetLogonId']).toBe(netonlyLogon);

    // 3. The encoded PowerShell, child of that cmd.exe, in the netonly session.
    const ps = find(s.powershell);
    expect(ps.data['NewProcessName']).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(hexPid(ps.data['ProcessId'])).toBe(hexPid(cmd.data['NewProcessId']));
    expect(ps.data['ParentProcessName']).toBe(cmd.data['NewProcessName']);
    expect(ps.data['SubjectLogonId']).toBe(netonlyLogon);
    expect(ps.data['MandatoryLabel']).toBe('S-1-16-12288');
    const m = /^C:\\Windows\\System32\\WindowsPowerShell\\v1\.0\\powershell\.exe -nop -w hidden -enc ([A-Za-z0-9+/=]+)$/.exec(ps.data['CommandLine'] ?? '');
    expect(m).not.toBeNull();
    const decoded = Buffer.from(m?.[1] ?? '', 'base64').toString('utf16le');

    // 4. The script block: the decoded payload, in the powershell's PID, after it started.
    const block = find(s.scriptBlock);
    expect(block.data['ScriptBlockText']).toBe(decoded);
    expect(decoded).toBe(DEMO_PAYLOAD_SCRIPT);
    expect(decoded).toContain('DownloadFile');
    expect(block.data['MessageNumber']).toBe('1');
    expect(block.data['MessageTotal']).toBe('1');
    expect(block.data['Path']).toBe('');
    expect(block.data['ScriptBlockId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(block.pid).toBe(hexPid(ps.data['NewProcessId']));
    expect(block.userSid).toBe(ps.data['SubjectUserSid']);

    // 5. The second stage from %TEMP%, child of the powershell.
    const upd = find(s.secondStage);
    expect(upd.data['NewProcessName']).toBe('C:\\Users\\jdoe\\AppData\\Local\\Temp\\upd.exe');
    expect(hexPid(upd.data['ProcessId'])).toBe(hexPid(ps.data['NewProcessId']));
    expect(upd.data['ParentProcessName']).toBe(ps.data['NewProcessName']);
    expect(upd.data['SubjectLogonId']).toBe(netonlyLogon);

    // 6. The service, in Security (by the attacker's session) and System.
    const s4697 = find(s.serviceInstallSecurity);
    expect(s4697.data['SubjectLogonId']).toBe(netonlyLogon);
    const s7045 = find(s.serviceInstallSystem);
    expect(s7045.qualifiers).toBe('16384');
    expect(s7045.data['ServiceName']).toBe(s4697.data['ServiceName']);
    expect(s7045.data['ImagePath']).toBe(s4697.data['ServiceFileName']);
    expect(s7045.data['ImagePath']).toContain('C:\\Users\\jdoe\\AppData\\Local\\Temp\\upd.exe');
    expect(s7045.data['ServiceType']).toBe('user mode service');
    expect(s7045.data['StartType']).toBe('auto start');
    expect(s7045.data['AccountName']).toBe('LocalSystem');
    expect(s7045.userSid).toBe(upd.data['SubjectUserSid']);

    // Times run in story order.
    const times = [logon, privs, wsm, runas, netonly, cmd, ps, block, upd, s4697, s7045].map((e) => e.time);
    expect([...times].sort()).toEqual(times);
    expect(new Set(times).size).toBe(times.length);

    // The attack session ends after all of it.
    const off = find(s.attackerLogoff);
    expect(off.data['TargetLogonId']).toBe(attackLogon);
    expect(off.time > s7045.time).toBe(true);
  });

  it('reuses exactly one PID: an exited benign powershell.exe, then the attacker\'s', () => {
    const starts = ws01Sec().filter((e) => e.eventId === 4688);
    const byPid = new Map<number, ParsedEvent[]>();
    for (const e of starts) {
      const pid = hexPid(e.data['NewProcessId']);
      byPid.set(pid, [...(byPid.get(pid) ?? []), e]);
    }
    const reused = [...byPid].filter(([, list]) => list.length > 1);
    expect(reused.map(([pid]) => pid)).toEqual([result.story.reusedPid.pid]);
    const [pid, list] = reused[0] as [number, ParsedEvent[]];
    expect(list).toHaveLength(2);
    const [first, second] = list as [ParsedEvent, ParsedEvent];
    expect(second.recordId).toBe(result.story.powershell.recordId);
    expect(first.data['CommandLine']).not.toBe(second.data['CommandLine']);
    expect(first.data['SubjectLogonId']).not.toBe(second.data['SubjectLogonId']);
    // The first holder exits before the second starts.
    const exits = ws01Sec().filter((e) => e.eventId === 4689 && hexPid(e.data['ProcessId']) === pid);
    expect(exits.length).toBeGreaterThanOrEqual(1);
    const firstExit = exits[0] as ParsedEvent;
    expect(firstExit.time > first.time && firstExit.time < second.time).toBe(true);
    // Both holders wrote script blocks under the same Execution ProcessID.
    const blocks = (byFile.get('WS01-PowerShell-Operational.xml') ?? []).filter((e) => e.eventId === 4104 && e.pid === pid);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(blocks.some((b) => b.time < firstExit.time)).toBe(true);
    expect(blocks.some((b) => b.time > second.time)).toBe(true);
  });

  it('carries one hostile command line with markup and raw control characters', () => {
    const e = find(result.story.hostileCommandLine);
    expect(e.data['CommandLine']).toContain('<script>alert(1)</script>');
    expect(e.data['CommandLine']).toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('has benign noise: SYSTEM services, the updater, logon scripts, logoffs, exits, a benign 4104', () => {
    const sec = ws01Sec();
    const cmdLines = sec.filter((e) => e.eventId === 4688).map((e) => e.data['CommandLine'] ?? '');
    expect(cmdLines.filter((c) => c.includes('GoogleUpdate.exe" /ua /installsource scheduler')).length).toBeGreaterThanOrEqual(3);
    expect(cmdLines.filter((c) => /svchost\.exe -k /.test(c)).length).toBeGreaterThanOrEqual(3);
    expect(cmdLines.filter((c) => c.includes('\\\\corp.example\\NETLOGON\\logon.bat')).length).toBe(2);
    const types = sec.filter((e) => e.eventId === 4624).map((e) => e.data['LogonType']);
    for (const t of ['2', '3', '5', '9', '11']) expect(types).toContain(t);
    expect(sec.filter((e) => e.eventId === 4634).length).toBeGreaterThanOrEqual(5);
    expect(sec.filter((e) => e.eventId === 4689).length).toBeGreaterThanOrEqual(20);
    const earlierBlock = find(result.story.reusedPid.earlierScriptBlock);
    expect(earlierBlock.data['Path']).toContain('inventory.ps1');
    expect(earlierBlock.data['ScriptBlockText']).not.toContain('WebClient');
  });

  it('matches the committed assets/demo and its STORY.md', () => {
    const committed = join(findRepoRoot(), 'assets', 'demo');
    for (const file of [...byFile.keys(), 'STORY.md']) {
      expect(readFileSync(join(committed, file)).equals(readFileSync(join(dir, file))), `${file} is stale: rerun make-demo`).toBe(true);
    }
    const story = readFileSync(join(committed, 'STORY.md'), 'utf8');
    const s = result.story;
    for (const r of [s.networkLogon, s.newCredentialsLogon, s.powershell, s.scriptBlock, s.secondStage, s.serviceInstallSecurity, s.serviceInstallSystem]) {
      expect(story).toContain(`#${r.recordId} (${r.eventId}, ${r.time})`);
    }
    expect(story).toContain(s.networkLogon.logonId);
    expect(story).toContain(s.newCredentialsLogon.logonId);
  });
});
