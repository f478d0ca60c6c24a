// Log sources and field mapping (taxonomy appendix, Windows folder): which channels and event
// ids a rule's `logsource` applies to, and how a generic field name reads an event of a given
// channel and id. `process_creation` applies to Sysmon 1 and to Security 4688 with the field
// mapping of Sigma's test configuration and pySigma's Windows audit pipeline.

import type { NormalizedEvent } from '../../../../shared/events.js';
import type { RuleLogsource } from './types.js';

const SYSMON = 'microsoft-windows-sysmon/operational';
const PS = 'microsoft-windows-powershell/operational';
const PS_CORE = 'powershellcore/operational';
const PS_CLASSIC = 'windows powershell';
const SECURITY = 'security';

/** One place a rule applies: a channel (lower-case) and its event ids (null: every id). */
export interface LogTarget {
  readonly channel: string;
  readonly eventIds: readonly number[] | null;
}

const sysmon = (...ids: number[]): LogTarget[] => [{ channel: SYSMON, eventIds: ids }];

const CATEGORIES: Readonly<Record<string, readonly LogTarget[]>> = {
  process_creation: [...sysmon(1), { channel: SECURITY, eventIds: [4688] }],
  file_change: sysmon(2),
  network_connection: sysmon(3),
  sysmon_status: sysmon(4, 16),
  process_termination: sysmon(5),
  driver_load: sysmon(6),
  image_load: sysmon(7),
  create_remote_thread: sysmon(8),
  raw_access_thread: sysmon(9),
  process_access: sysmon(10),
  file_event: sysmon(11),
  registry_event: sysmon(12, 13, 14),
  registry_add: sysmon(12),
  registry_delete: sysmon(12),
  registry_set: sysmon(13),
  registry_rename: sysmon(14),
  create_stream_hash: sysmon(15),
  pipe_created: sysmon(17, 18),
  wmi_event: sysmon(19, 20, 21),
  dns_query: sysmon(22),
  file_delete: sysmon(23, 26),
  clipboard_capture: sysmon(24),
  process_tampering: sysmon(25),
  file_delete_detected: sysmon(26),
  file_block_executable: sysmon(27),
  file_block_shredding: sysmon(28),
  file_executable_detected: sysmon(29),
  sysmon_error: sysmon(255),
  ps_classic_start: [{ channel: PS_CLASSIC, eventIds: [400] }],
  ps_classic_provider_start: [{ channel: PS_CLASSIC, eventIds: [600] }],
  ps_classic_script: [{ channel: PS_CLASSIC, eventIds: [800] }],
  ps_module: [
    { channel: PS, eventIds: [4103] },
    { channel: PS_CORE, eventIds: [4103] },
  ],
  ps_script: [
    { channel: PS, eventIds: [4104] },
    { channel: PS_CORE, eventIds: [4104] },
  ],
};

const SERVICES: Readonly<Record<string, readonly string[]>> = {
  application: ['Application'],
  'application-experience': ['Microsoft-Windows-Application-Experience/Program-Telemetry', 'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
  'kernel-event-tracing': ['Microsoft-Windows-Kernel-EventTracing'],
  'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational', 'Microsoft-Windows-Kernel-ShimEngine/Diagnostic'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'msexchange-management': ['MSExchange Management'],
  ntfs: ['Microsoft-Windows-Ntfs/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  openssh: ['OpenSSH/Operational'],
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  security: ['Security'],
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  sense: ['Microsoft-Windows-SENSE/Operational'],
  'servicebus-client': ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  sysmon: ['Microsoft-Windows-Sysmon/Operational'],
  system: ['System'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
};

/** Where a rule applies, or why Chainline cannot say (the rule is then skipped with that reason). */
export function resolveLogsource(ls: RuleLogsource): { targets: readonly LogTarget[] } | { skip: string } {
  const desc = JSON.stringify(ls);
  if (ls.product !== undefined && ls.product !== 'windows') return { skip: `log source ${desc}: product "${ls.product}" is not Windows event logs` };
  let targets: readonly LogTarget[] | null = null;
  if (ls.category !== undefined) {
    const t = CATEGORIES[ls.category];
    if (!t) return { skip: `log source ${desc}: category "${ls.category}" has no Windows event log mapping in Chainline` };
    targets = t;
  }
  if (ls.service !== undefined) {
    const channels = SERVICES[ls.service];
    if (!channels) return { skip: `log source ${desc}: service "${ls.service}" has no channel mapping in Chainline` };
    const lower = channels.map((c) => c.toLowerCase());
    // category + service: the category's targets restricted to the service's channels.
    targets = targets === null ? lower.map((channel) => ({ channel, eventIds: null })) : targets.filter((t) => lower.includes(t.channel));
    if (targets.length === 0) return { skip: `log source ${desc}: the category and the service name no common channel` };
  }
  if (targets === null) return { skip: `log source ${desc}: needs a category or a service Chainline can map to channels` };
  return { targets };
}

/** Reads one field of an event (undefined when the event does not have it). */
export type FieldGetter = (event: NormalizedEvent) => string | undefined;

const num = (n: number | undefined): string | undefined => (n === undefined ? undefined : String(n));

/** `<System>` attributes and elements by the names Sigma uses (`Provider_Name`, `Execution_ProcessID`, …). */
const SYSTEM_FIELDS: Readonly<Record<string, FieldGetter>> = {
  EventID: (e) => String(e.system.eventId),
  Channel: (e) => e.system.channel,
  Provider_Name: (e) => e.system.provider,
  Provider: (e) => e.system.provider,
  Provider_Guid: (e) => e.system.providerGuid,
  Provider_EventSourceName: (e) => e.system.eventSourceName,
  EventSourceName: (e) => e.system.eventSourceName,
  Computer: (e) => e.system.computer,
  ComputerName: (e) => e.system.computer,
  EventRecordID: (e) => num(e.system.recordId),
  Level: (e) => num(e.system.level),
  Task: (e) => num(e.system.task),
  Opcode: (e) => num(e.system.opcode),
  Keywords: (e) => e.system.keywords,
  Version: (e) => num(e.system.version),
  Qualifiers: (e) => num(e.system.qualifiers),
  Execution_ProcessID: (e) => num(e.system.processId),
  Execution_ThreadID: (e) => num(e.system.threadId),
  Security_UserID: (e) => e.system.userSid,
  Correlation_ActivityID: (e) => e.system.activityId,
  Correlation_RelatedActivityID: (e) => e.system.relatedActivityId,
  TimeCreated_SystemTime: (e) => e.time,
};

/** A hex PID as Security writes it (`0x1f3c`) in the decimal form Sysmon and rules use. */
export function hexToDecimal(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return String(parseInt(t.slice(2), 16));
  return t;
}

const INTEGRITY: Readonly<Record<string, string>> = {
  'S-1-16-0': 'Untrusted',
  'S-1-16-4096': 'Low',
  'S-1-16-8192': 'Medium',
  'S-1-16-8448': 'MediumPlus',
  'S-1-16-12288': 'High',
  'S-1-16-16384': 'System',
  'S-1-16-20480': 'Protected',
};

function dataField(name: string): FieldGetter {
  return (e) => e.data[name];
}

/** Sysmon 1 name → how a Security 4688 event answers it. */
const PROCESS_CREATION_4688: Readonly<Record<string, FieldAccessor>> = {
  Image: { key: 'NewProcessName', get: dataField('NewProcessName'), data: 'NewProcessName' },
  ParentImage: { key: 'ParentProcessName', get: dataField('ParentProcessName'), data: 'ParentProcessName' },
  LogonId: { key: 'SubjectLogonId', get: dataField('SubjectLogonId'), data: 'SubjectLogonId' },
  ProcessId: { key: 'hex:NewProcessId', get: (e) => hexToDecimal(e.data['NewProcessId']) },
  ParentProcessId: { key: 'hex:ProcessId', get: (e) => hexToDecimal(e.data['ProcessId']) },
  User: { key: 'user:Subject', get: (e) => joinUser(e.data['SubjectDomainName'], e.data['SubjectUserName']) },
  IntegrityLevel: { key: 'il:MandatoryLabel', get: (e) => integrity(e.data['MandatoryLabel']) },
};

function joinUser(domain: string | undefined, user: string | undefined): string | undefined {
  if (user === undefined) return undefined;
  return domain ? `${domain}\\${user}` : user;
}

function integrity(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  return INTEGRITY[label.toUpperCase()] ?? label;
}

/**
 * How field `name` of a rule with log source `ls` reads an event in `channel`/`eventId`.
 * `key` identifies the accessor, so rules reading the same thing share one cached value.
 */
export interface FieldAccessor {
  readonly key: string;
  readonly get: FieldGetter;
  /** Set when `get` is exactly `event.data[data]` (the matcher may then read the value while
   *  walking the event's data instead of through `get`). */
  readonly data?: string;
}

export function fieldAccessor(name: string, ls: RuleLogsource, channel: string, eventId: number): FieldAccessor {
  if (ls.category === 'process_creation' && channel === SECURITY && eventId === 4688) {
    const mapped = PROCESS_CREATION_4688[name];
    if (mapped) return mapped;
  }
  // The event id is the System one: the matcher indexes rules by it, so it must not be shadowed.
  if (name === 'EventID') return { key: 'sys:EventID', get: SYSTEM_FIELDS['EventID'] as FieldGetter };
  const system = SYSTEM_FIELDS[name];
  if (system) {
    // EventData wins when it has the name (e.g. a `Level` data field); the System value otherwise.
    return { key: `sys:${name}`, get: (e) => e.data[name] ?? system(e) };
  }
  return { key: name, get: dataField(name), data: name };
}
