// Generates wevtutil-style XML (`wevtutil qe … /f:xml`: one `<Event>` per line, no root, single
// quoted attributes) for benchmarks and tests: Security 4688 / 4624 and Sysmon 1 / 3 events
// with varied values. Deterministic (seeded), written in bounded chunks.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { seededRandom } from '../../testing/seeded-random.js';

const rng = seededRandom;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
}

const HOSTS = ['WKS01.corp.local', 'WKS02.corp.local', 'SRV-DC01.corp.local', 'SRV-FILE02.corp.local'];
const USERS = ['alice', 'bob', 'svc_backup', 'administrator', 'carol.smith'];
const IMAGES = [
  'C:\\Windows\\System32\\cmd.exe',
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'C:\\Windows\\System32\\svchost.exe',
  'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
  'C:\\Windows\\System32\\whoami.exe',
  'C:\\Windows\\System32\\conhost.exe',
  'C:\\Windows\\System32\\wsmprovhost.exe',
];
const ARGS = [
  '/c whoami /all',
  '-NoProfile -ExecutionPolicy Bypass -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA',
  '-k netsvcs -p -s Schedule',
  '"C:\\Users\\alice\\Documents\\report <final> & draft.docx"',
  '',
  '0xffffffff -ForceV1',
];

export interface FixtureStats {
  readonly events: number;
  readonly bytes: number;
}

function guid(r: () => number): string {
  const h = (n: number): string => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  return `{${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}}`.toUpperCase();
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

/** One wevtutil-style event (exported for tests). */
export function makeWevtutilEvent(index: number, seed = 1): string {
  const r = rng(seed * 1_000_003 + index);
  const host = pick(r, HOSTS);
  const user = pick(r, USERS);
  const ms = Date.UTC(2020, 8, 20, 17, 0, 0) + index * 37 + Math.floor(r() * 30);
  const time = new Date(ms).toISOString().replace('Z', '') + String(Math.floor(r() * 10000)).padStart(4, '0') + 'Z';
  const recordId = 100000 + index;
  const pid = 400 + Math.floor(r() * 60000);
  const logonId = hex(0x10000 + Math.floor(r() * 0xfffffff));
  const kind = index % 4;
  const system = (provider: string, guidText: string, id: number, version: number, task: number, keywords: string, channel: string, execPid: number): string =>
    `<System><Provider Name='${provider}' Guid='${guidText}'/><EventID>${id}</EventID><Version>${version}</Version><Level>${id === 1 || id === 3 ? 4 : 0}</Level><Task>${task}</Task><Opcode>0</Opcode><Keywords>${keywords}</Keywords><TimeCreated SystemTime='${time}'/><EventRecordID>${recordId}</EventRecordID><Correlation/><Execution ProcessID='${execPid}' ThreadID='${Math.floor(r() * 9000) + 100}'/><Channel>${channel}</Channel><Computer>${host}</Computer><Security${channel === 'Security' ? '' : " UserID='S-1-5-18'"}/></System>`;
  const d = (name: string, value: string): string => (value === '' ? `<Data Name='${name}'/>` : `<Data Name='${name}'>${esc(value)}</Data>`);
  const ns = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>";
  const secGuid = '{54849625-5478-4994-a5ba-3e3b0328c30d}';
  const sysGuid = '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}';
  const image = pick(r, IMAGES);
  const cmd = `"${image}" ${pick(r, ARGS)}`.trim();
  switch (kind) {
    case 0:
      return (
        ns +
        system('Microsoft-Windows-Security-Auditing', secGuid, 4688, 2, 13312, '0x8020000000000000', 'Security', 4) +
        '<EventData>' +
        d('SubjectUserSid', 'S-1-5-18') +
        d('SubjectUserName', host.split('.')[0] + '$') +
        d('SubjectDomainName', 'CORP') +
        d('SubjectLogonId', '0x3e7') +
        d('NewProcessId', hex(pid)) +
        d('NewProcessName', image) +
        d('TokenElevationType', pick(r, ['%%1936', '%%1937', '%%1938'])) +
        d('ProcessId', hex(400 + Math.floor(r() * 60000))) +
        d('CommandLine', cmd) +
        d('TargetUserSid', 'S-1-0-0') +
        d('TargetUserName', user) +
        d('TargetDomainName', 'CORP') +
        d('TargetLogonId', logonId) +
        d('ParentProcessName', pick(r, IMAGES)) +
        d('MandatoryLabel', pick(r, ['S-1-16-8192', 'S-1-16-12288', 'S-1-16-16384'])) +
        '</EventData></Event>'
      );
    case 1:
      return (
        ns +
        system('Microsoft-Windows-Security-Auditing', secGuid, 4624, 2, 12544, '0x8020000000000000', 'Security', 636) +
        '<EventData>' +
        d('SubjectUserSid', 'S-1-5-18') +
        d('SubjectUserName', host.split('.')[0] + '$') +
        d('SubjectDomainName', 'CORP') +
        d('SubjectLogonId', '0x3e7') +
        d('TargetUserSid', `S-1-5-21-1587066498-1489273250-1035260531-${1100 + Math.floor(r() * 50)}`) +
        d('TargetUserName', user) +
        d('TargetDomainName', 'CORP') +
        d('TargetLogonId', logonId) +
        d('LogonType', String(pick(r, [2, 3, 3, 5, 10]))) +
        d('LogonProcessName', 'Kerberos') +
        d('AuthenticationPackageName', 'Kerberos') +
        d('WorkstationName', '-') +
        d('LogonGuid', guid(r)) +
        d('TransmittedServices', '-') +
        d('LmPackageName', '-') +
        d('KeyLength', '0') +
        d('ProcessId', '0x0') +
        d('ProcessName', '-') +
        d('IpAddress', `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`) +
        d('IpPort', String(49152 + Math.floor(r() * 16000))) +
        d('ImpersonationLevel', '%%1833') +
        d('RestrictedAdminMode', '-') +
        d('TargetOutboundUserName', '-') +
        d('TargetOutboundDomainName', '-') +
        d('VirtualAccount', '%%1843') +
        d('TargetLinkedLogonId', '0x0') +
        d('ElevatedToken', '%%1842') +
        '</EventData></Event>'
      );
    case 2:
      return (
        ns +
        system('Microsoft-Windows-Sysmon', sysGuid, 1, 5, 1, '0x8000000000000000', 'Microsoft-Windows-Sysmon/Operational', 2212) +
        '<EventData>' +
        d('RuleName', '-') +
        d('UtcTime', new Date(ms).toISOString().replace('T', ' ').replace('Z', '')) +
        d('ProcessGuid', guid(r)) +
        d('ProcessId', String(pid)) +
        d('Image', image) +
        d('FileVersion', '10.0.17763.1 (WinBuild.160101.0800)') +
        d('Description', 'Windows Command Processor') +
        d('Product', 'Microsoft® Windows® Operating System') +
        d('Company', 'Microsoft Corporation') +
        d('OriginalFileName', image.split('\\').pop() ?? '') +
        d('CommandLine', cmd) +
        d('CurrentDirectory', `C:\\Users\\${user}\\`) +
        d('User', `CORP\\${user}`) +
        d('LogonGuid', guid(r)) +
        d('LogonId', logonId) +
        d('TerminalSessionId', String(Math.floor(r() * 3))) +
        d('IntegrityLevel', pick(r, ['Medium', 'High', 'System'])) +
        d('Hashes', `SHA1=${Array.from({ length: 40 }, () => Math.floor(r() * 16).toString(16)).join('').toUpperCase()}`) +
        d('ParentProcessGuid', guid(r)) +
        d('ParentProcessId', String(400 + Math.floor(r() * 60000))) +
        d('ParentImage', pick(r, IMAGES)) +
        d('ParentCommandLine', pick(r, IMAGES)) +
        '</EventData></Event>'
      );
    default:
      return (
        ns +
        system('Microsoft-Windows-Sysmon', sysGuid, 3, 5, 3, '0x8000000000000000', 'Microsoft-Windows-Sysmon/Operational', 2212) +
        '<EventData>' +
        d('RuleName', '-') +
        d('UtcTime', new Date(ms).toISOString().replace('T', ' ').replace('Z', '')) +
        d('ProcessGuid', guid(r)) +
        d('ProcessId', String(pid)) +
        d('Image', image) +
        d('User', `CORP\\${user}`) +
        d('Protocol', 'tcp') +
        d('Initiated', 'true') +
        d('SourceIsIpv6', 'false') +
        d('SourceIp', `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`) +
        d('SourceHostname', host) +
        d('SourcePort', String(49152 + Math.floor(r() * 16000))) +
        d('SourcePortName', '') +
        d('DestinationIsIpv6', 'false') +
        d('DestinationIp', `192.168.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`) +
        d('DestinationHostname', '') +
        d('DestinationPort', String(pick(r, [80, 443, 445, 5985, 3389]))) +
        d('DestinationPortName', pick(r, ['http', 'https', 'microsoft-ds', ''])) +
        '</EventData></Event>'
      );
  }
}

/**
 * Writes a wevtutil-style XML file of about `targetBytes` (at least one event).
 * `encoding` 'utf16le' writes a BOM then UTF-16LE, as PowerShell redirection does.
 */
export async function writeWevtutilXml(
  path: string,
  targetBytes: number,
  options: { readonly seed?: number; readonly encoding?: 'utf8' | 'utf16le' } = {},
): Promise<FixtureStats> {
  const seed = options.seed ?? 1;
  const encoding = options.encoding ?? 'utf8';
  const out = createWriteStream(path);
  let bytes = 0;
  let events = 0;
  const write = async (text: string): Promise<void> => {
    const buf = Buffer.from(text, encoding);
    bytes += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  };
  if (encoding === 'utf16le') {
    out.write(Buffer.from([0xff, 0xfe]));
    bytes += 2;
  }
  let pending = '';
  let pendingBytes = 0;
  while (bytes + pendingBytes < targetBytes || events === 0) {
    const line = makeWevtutilEvent(events, seed) + '\r\n';
    pending += line;
    pendingBytes += Buffer.byteLength(line, encoding);
    events++;
    if (pending.length >= 256 * 1024) {
      await write(pending);
      pending = '';
      pendingBytes = 0;
    }
  }
  if (pending) await write(pending);
  out.end();
  await once(out, 'finish');
  return { events, bytes };
}
