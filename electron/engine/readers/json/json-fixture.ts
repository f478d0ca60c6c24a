// Generates flattened NXLog-style JSON lines (as Logstash stores them) for benchmarks and
// tests: Security 4688 / 4624 and Sysmon 1 / 3 with varied values, ~1 KB per line, the
// collector metadata and the 64-bit Keywords integers real exports carry. Deterministic.

import { open } from 'node:fs/promises';
import { seededRandom } from '../../testing/seeded-random.js';

const prng = seededRandom;

const HOSTS = ['WORKSTATION5.theshire.local', 'WORKSTATION6.theshire.local', 'MORDORDC.theshire.local', 'FILESRV01.theshire.local'];
const USERS = ['pgustavo', 'cbrown', 'mmidge', 'sbeavers', 'Administrator', 'svc_backup'];
const IMAGES = [
  'C:\\Windows\\System32\\svchost.exe',
  'C:\\Windows\\System32\\wsmprovhost.exe',
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'C:\\Windows\\System32\\conhost.exe',
  'C:\\Windows\\System32\\whoami.exe',
  'C:\\Windows\\System32\\cmd.exe',
  'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
  'C:\\Windows\\System32\\rundll32.exe',
];
const ARGS = ['-k DcomLaunch -p', '-Embedding', '-noP -sta -w 1 -enc SQBmACgAJABQAFMAVgBlAHIAcwBJAG8AbgBUAGEAQgBsAEUA', '/c whoami /all', '0xffffffff -ForceV1', '-contentproc --channel=1234'];

function hex(n: number): string {
  return '0x' + n.toString(16);
}

function hex8(r: () => number): string {
  return Math.floor(r() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
}

function guid(r: () => number): string {
  const a = hex8(r);
  const b = hex8(r);
  const c = hex8(r);
  const d = hex8(r);
  return `{${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}}`;
}

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function localText(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function utcText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

const KW_AUDIT_SUCCESS = '@@KW_AUDIT_SUCCESS@@';
const KW_CLASSIC = '@@KW_CLASSIC@@';

/** The collector's zone in the generated EventTime: UTC−4, as in the OTRF datasets. */
export const FIXTURE_LOCAL_OFFSET_MINUTES = -240;

/** One generated line (without the newline). `i` makes the values vary. */
export function fixtureLine(i: number, r: () => number, baseMs: number): string {
  const ms = baseMs + i * 37 + Math.floor(r() * 30);
  const host = pick(r, HOSTS);
  const user = pick(r, USERS);
  const image = pick(r, IMAGES);
  const parent = pick(r, IMAGES);
  const pid = 1000 + Math.floor(r() * 60000);
  const ppid = 400 + Math.floor(r() * 20000);
  const logonId = hex(0x100000 + Math.floor(r() * 0x7ffffff));
  const local = localText(ms + FIXTURE_LOCAL_OFFSET_MINUTES * 60_000);
  const received = localText(ms + FIXTURE_LOCAL_OFFSET_MINUTES * 60_000 + 1500);
  const common = {
    SeverityValue: 2,
    EventReceivedTime: received,
    host: 'wec.internal.cloudapp.net',
    Hostname: host,
    '@timestamp': new Date(ms + 1800).toISOString(),
    '@version': '1',
    port: 64545,
    SourceModuleName: 'eventlog',
    SourceModuleType: 'im_msvistalog',
    Severity: 'INFO',
    EventTime: local,
    RecordNumber: 100000 + i,
    tags: ['mordorDataset'],
    Opcode: 'Info',
    OpcodeValue: 0,
    ThreadID: 1000 + Math.floor(r() * 9000),
  };
  const kind = Math.floor(r() * 4);
  let event: Record<string, unknown>;
  if (kind === 0) {
    event = {
      ...common,
      EventID: 4688,
      Channel: r() < 0.5 ? 'security' : 'Security',
      SourceName: 'Microsoft-Windows-Security-Auditing',
      ProviderGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      Keywords: KW_AUDIT_SUCCESS,
      ExecutionProcessID: 4,
      Version: 2,
      Task: 13312,
      EventType: 'AUDIT_SUCCESS',
      Category: 'Process Creation',
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: host.split('.')[0] + '$',
      SubjectDomainName: 'THESHIRE',
      SubjectLogonId: '0x3e7',
      NewProcessId: hex(pid),
      NewProcessName: image,
      TokenElevationType: '%%1936',
      ProcessId: hex(ppid),
      CommandLine: `"${image}" ${pick(r, ARGS)}`,
      TargetUserSid: 'S-1-0-0',
      TargetUserName: user,
      TargetDomainName: 'THESHIRE',
      TargetLogonId: logonId,
      ParentProcessName: parent,
      MandatoryLabel: 'S-1-16-12288',
      Message: 'A new process has been created.',
    };
  } else if (kind === 1) {
    event = {
      ...common,
      EventID: 4624,
      Channel: 'Security',
      SourceName: 'Microsoft-Windows-Security-Auditing',
      ProviderGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      Keywords: KW_AUDIT_SUCCESS,
      ExecutionProcessID: 696,
      Version: 2,
      Task: 12544,
      EventType: 'AUDIT_SUCCESS',
      Category: 'Logon',
      SubjectUserSid: 'S-1-0-0',
      SubjectUserName: '-',
      SubjectDomainName: '-',
      SubjectLogonId: '0x0',
      TargetUserSid: `S-1-5-21-4228717743-1032521047-1810997296-${1100 + Math.floor(r() * 50)}`,
      TargetUserName: user,
      TargetDomainName: 'THESHIRE.LOCAL',
      TargetLogonId: logonId,
      LogonType: String(pick(r, [2, 3, 3, 3, 5, 10])),
      LogonProcessName: 'Kerberos',
      AuthenticationPackageName: 'Kerberos',
      WorkstationName: '-',
      LogonGuid: guid(r),
      TransmittedServices: '-',
      LmPackageName: '-',
      KeyLength: '0',
      ProcessId: '0x0',
      ProcessName: '-',
      IpAddress: `172.18.39.${Math.floor(r() * 250) + 2}`,
      IpPort: String(49152 + Math.floor(r() * 16000)),
      ImpersonationLevel: '%%1833',
      ElevatedToken: '%%1842',
      TargetLinkedLogonId: '0x0',
      VirtualAccount: '%%1843',
      RestrictedAdminMode: '-',
    };
  } else {
    const sysmon = {
      ...common,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      SourceName: 'Microsoft-Windows-Sysmon',
      ProviderGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
      Keywords: KW_CLASSIC,
      ExecutionProcessID: 3392,
      EventType: 'INFO',
      AccountType: 'User',
      AccountName: 'SYSTEM',
      Domain: 'NT AUTHORITY',
      UserID: 'S-1-5-18',
      RuleName: '-',
      UtcTime: utcText(ms),
      ProcessGuid: guid(r),
      ProcessId: String(pid),
      Image: image,
    };
    event =
      kind === 2
        ? {
            ...sysmon,
            EventID: 1,
            Version: 5,
            Task: 1,
            Category: 'Process Create (rule: ProcessCreate)',
            FileVersion: '10.0.18362.997 (WinBuild.160101.0800)',
            Description: 'Windows host process',
            Product: 'Microsoft® Windows® Operating System',
            Company: 'Microsoft Corporation',
            OriginalFileName: image.slice(image.lastIndexOf('\\') + 1),
            CommandLine: `"${image}" ${pick(r, ARGS)}`,
            CurrentDirectory: 'C:\\windows\\system32\\',
            User: `THESHIRE\\${user}`,
            LogonGuid: guid(r),
            LogonId: logonId,
            TerminalSessionId: '0',
            IntegrityLevel: pick(r, ['High', 'Medium', 'System']),
            Hashes: `SHA1=${Math.floor(r() * 1e15).toString(16).toUpperCase()}7B578EE81B73DC494FD0,MD5=EB5DDA3BFC1B56D34D4C57B7AC9A8C60`,
            ParentProcessGuid: guid(r),
            ParentProcessId: String(ppid),
            ParentImage: parent,
            ParentCommandLine: `${parent} -k netsvcs -p`,
          }
        : {
            ...sysmon,
            EventID: 3,
            Version: 5,
            Task: 3,
            Category: 'Network connection detected (rule: NetworkConnect)',
            User: `THESHIRE\\${user}`,
            Protocol: 'tcp',
            Initiated: 'true',
            SourceIsIpv6: 'false',
            SourceIp: `172.18.39.${Math.floor(r() * 250) + 2}`,
            SourceHostname: host,
            SourcePort: String(49152 + Math.floor(r() * 16000)),
            SourcePortName: '-',
            DestinationIsIpv6: 'false',
            DestinationIp: `10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
            DestinationHostname: '-',
            DestinationPort: String(pick(r, [80, 443, 445, 5985, 389, 88])),
            DestinationPortName: '-',
          };
  }
  // 64-bit integers cannot pass through a JS number: spliced in as literal text.
  return JSON.stringify(event).replace(/"@@KW_[A-Z_]+@@"/, (m) => (m === `"${KW_AUDIT_SUCCESS}"` ? '-9214364837600034816' : '-9223372036854775808'));
}

/**
 * Writes JSON lines of generated events until the file holds at least `targetBytes`.
 * Returns the bytes and lines written.
 */
export async function writeJsonLines(path: string, targetBytes: number, seed = 20200920): Promise<{ bytes: number; lines: number }> {
  const r = prng(seed);
  const baseMs = Date.UTC(2020, 8, 20, 21, 8, 27);
  const fh = await open(path, 'w');
  let bytes = 0;
  let lines = 0;
  try {
    while (bytes < targetBytes) {
      const parts: string[] = [];
      let size = 0;
      while (size < 512 * 1024 && bytes + size < targetBytes) {
        const line = fixtureLine(lines, r, baseMs) + '\n';
        parts.push(line);
        size += Buffer.byteLength(line);
        lines++;
      }
      const buf = Buffer.from(parts.join(''), 'utf8');
      await fh.write(buf, 0, buf.length);
      bytes += buf.length;
    }
  } finally {
    await fh.close();
  }
  return { bytes, lines };
}
