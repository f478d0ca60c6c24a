import type { NormalizedEvent } from './events.js';
import {
  decodeIntegrity,
  decodeTokenElevation,
  imageName,
  logonTypeName,
  normalizeLogonId,
  parseIntField,
  parsePid,
  type IntegrityLevel,
  type TokenElevation,
} from './normalize.js';

// Typed views of the events Chainline reasons about. A view is derived from a NormalizedEvent
// on demand (never stored), so adding a view never needs a re-import.

export const SYSMON_PROVIDER = 'Microsoft-Windows-Sysmon';
const SECURITY_PROVIDER = 'Microsoft-Windows-Security-Auditing';

export interface LogonView {
  readonly kind: 'logon';
  readonly logonId: string | null;
  readonly logonType: number | null;
  readonly logonTypeName: string;
  readonly targetUserSid: string;
  readonly targetUserName: string;
  readonly targetDomainName: string;
  readonly ipAddress: string;
  readonly ipPort: string;
  readonly workstationName: string;
  readonly logonProcessName: string;
  readonly authenticationPackageName: string;
  readonly elevatedToken: boolean | null;
  readonly targetLinkedLogonId: string | null;
  readonly logonGuid: string;
  readonly subjectLogonId: string | null;
  readonly targetOutboundUserName: string;
  readonly targetOutboundDomainName: string;
}
export interface LogonFailedView {
  readonly kind: 'logon-failed';
  readonly logonType: number | null;
  readonly targetUserName: string;
  readonly targetDomainName: string;
  readonly ipAddress: string;
  readonly workstationName: string;
  readonly status: string;
  readonly subStatus: string;
}
export interface LogoffView {
  readonly kind: 'logoff';
  /** 4634 (logoff) or 4647 (user-initiated logoff). */
  readonly initiatedByUser: boolean;
  readonly logonId: string | null;
  readonly targetUserName: string;
  readonly logonType: number | null;
}
export interface ExplicitCredentialsView {
  readonly kind: 'explicit-credentials';
  readonly subjectLogonId: string | null;
  readonly subjectUserName: string;
  readonly targetUserName: string;
  readonly targetDomainName: string;
  readonly targetServerName: string;
  readonly processId: number | null;
  readonly processName: string;
  readonly ipAddress: string;
}
export interface SpecialPrivilegesView {
  readonly kind: 'special-privileges';
  readonly logonId: string | null;
  readonly userName: string;
  readonly privileges: string;
}
export interface ProcessCreateView {
  readonly kind: 'process-create';
  /** 'security' for 4688, 'sysmon' for Sysmon 1. */
  readonly origin: 'security' | 'sysmon';
  readonly pid: number | null;
  readonly parentPid: number | null;
  readonly image: string;
  readonly imageName: string;
  readonly parentImage: string;
  readonly commandLine: string | null;
  readonly parentCommandLine: string | null;
  readonly user: string;
  /** The session the process belongs to (4688: TargetLogonId unless 0x0, else SubjectLogonId). */
  readonly logonId: string | null;
  readonly subjectLogonId: string | null;
  readonly targetLogonId: string | null;
  readonly elevation: TokenElevation | null;
  readonly integrity: IntegrityLevel | null;
  readonly processGuid: string | null;
  readonly parentProcessGuid: string | null;
  readonly hashes: string;
  readonly originalFileName: string;
}
export interface ProcessExitView {
  readonly kind: 'process-exit';
  readonly origin: 'security' | 'sysmon';
  readonly pid: number | null;
  readonly image: string;
  readonly processGuid: string | null;
  readonly logonId: string | null;
}
export interface ServiceInstallView {
  readonly kind: 'service-install';
  /** 'system' for 7045, 'security' for 4697. */
  readonly origin: 'system' | 'security';
  readonly serviceName: string;
  readonly imagePath: string;
  readonly serviceType: string;
  readonly startType: string;
  readonly accountName: string;
  readonly subjectLogonId: string | null;
}
export interface ScriptBlockView {
  readonly kind: 'script-block';
  readonly scriptBlockId: string;
  readonly messageNumber: number | null;
  readonly messageTotal: number | null;
  readonly text: string;
  readonly path: string;
}
export interface LogClearedView {
  readonly kind: 'log-cleared';
  /** 1102 clears Security, 104 another log (named in the event). */
  readonly log: string;
  readonly userName: string;
}
export interface NetworkConnectionView {
  readonly kind: 'network-connection';
  readonly pid: number | null;
  readonly processGuid: string | null;
  readonly image: string;
  readonly protocol: string;
  readonly sourceIp: string;
  readonly sourcePort: string;
  readonly destinationIp: string;
  readonly destinationPort: string;
  readonly destinationHostname: string;
  readonly initiated: boolean | null;
}
export interface ImageLoadView {
  readonly kind: 'image-load';
  readonly pid: number | null;
  readonly processGuid: string | null;
  readonly image: string;
  readonly imageLoaded: string;
  readonly signed: string;
}
export interface DnsQueryView {
  readonly kind: 'dns-query';
  readonly pid: number | null;
  readonly processGuid: string | null;
  readonly image: string;
  readonly queryName: string;
  readonly queryResults: string;
}
export interface OtherView {
  readonly kind: 'other';
}

export type EventView =
  | LogonView
  | LogonFailedView
  | LogoffView
  | ExplicitCredentialsView
  | SpecialPrivilegesView
  | ProcessCreateView
  | ProcessExitView
  | ServiceInstallView
  | ScriptBlockView
  | LogClearedView
  | NetworkConnectionView
  | ImageLoadView
  | DnsQueryView
  | OtherView;

type Data = Readonly<Record<string, string>>;
const s = (data: Data, key: string): string => data[key] ?? '';
const opt = (data: Data, key: string): string | null => (key in data ? (data[key] as string) : null);
const guid = (data: Data, key: string): string | null => {
  const v = data[key];
  return v ? v.replace(/[{}]/g, '').toUpperCase() : null;
};

function isSysmon(event: NormalizedEvent): boolean {
  return (
    event.system.provider === SYSMON_PROVIDER ||
    event.system.channel.toLowerCase() === 'microsoft-windows-sysmon/operational'
  );
}

function isSecurity(event: NormalizedEvent): boolean {
  return event.system.provider === SECURITY_PROVIDER || event.system.channel.toLowerCase() === 'security';
}

function isPowerShell(event: NormalizedEvent): boolean {
  const provider = event.system.provider.toLowerCase();
  const channel = event.system.channel.toLowerCase();
  return (
    provider === 'microsoft-windows-powershell' ||
    provider === 'powershellcore' ||
    channel === 'microsoft-windows-powershell/operational' ||
    channel === 'powershellcore/operational'
  );
}

function boolField(value: string | undefined): boolean | null {
  if (value === undefined) return null;
  const t = value.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === '%%1842' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === '%%1843' || t === 'no') return false;
  return null;
}

/** The effective session of a 4688: TargetLogonId when present and not 0x0, else SubjectLogonId. */
export function effectiveLogonId(subject: string | null, target: string | null): string | null {
  if (target !== null && target !== '0x0') return target;
  return subject;
}

function processCreate4688(d: Data): ProcessCreateView {
  const subjectLogonId = normalizeLogonId(d['SubjectLogonId']);
  const targetLogonId = normalizeLogonId(d['TargetLogonId']);
  const image = s(d, 'NewProcessName');
  const targetUser = s(d, 'TargetUserName');
  const user =
    targetUser && targetUser !== '-'
      ? `${s(d, 'TargetDomainName')}\\${targetUser}`
      : `${s(d, 'SubjectDomainName')}\\${s(d, 'SubjectUserName')}`;
  return {
    kind: 'process-create',
    origin: 'security',
    pid: parsePid(d['NewProcessId']),
    parentPid: parsePid(d['ProcessId']),
    image,
    imageName: imageName(image),
    parentImage: s(d, 'ParentProcessName'),
    commandLine: opt(d, 'CommandLine'),
    parentCommandLine: null,
    user,
    logonId: effectiveLogonId(subjectLogonId, targetLogonId),
    subjectLogonId,
    targetLogonId,
    elevation: decodeTokenElevation(d['TokenElevationType']),
    integrity: decodeIntegrity(d['MandatoryLabel']),
    processGuid: null,
    parentProcessGuid: null,
    hashes: '',
    originalFileName: '',
  };
}

function processCreateSysmon(d: Data): ProcessCreateView {
  const image = s(d, 'Image');
  const logonId = normalizeLogonId(d['LogonId']);
  return {
    kind: 'process-create',
    origin: 'sysmon',
    pid: parsePid(d['ProcessId']),
    parentPid: parsePid(d['ParentProcessId']),
    image,
    imageName: imageName(image),
    parentImage: s(d, 'ParentImage'),
    commandLine: opt(d, 'CommandLine'),
    parentCommandLine: opt(d, 'ParentCommandLine'),
    user: s(d, 'User'),
    logonId,
    subjectLogonId: null,
    targetLogonId: null,
    elevation: null,
    integrity: decodeIntegrity(d['IntegrityLevel']),
    processGuid: guid(d, 'ProcessGuid'),
    parentProcessGuid: guid(d, 'ParentProcessGuid'),
    hashes: s(d, 'Hashes'),
    originalFileName: s(d, 'OriginalFileName'),
  };
}

/** Derives the typed view of an event from its provider/channel and event id. */
export function viewOf(event: NormalizedEvent): EventView {
  const d = event.data;
  const id = event.system.eventId;
  if (isSysmon(event)) {
    switch (id) {
      case 1:
        return processCreateSysmon(d);
      case 3:
        return {
          kind: 'network-connection',
          pid: parsePid(d['ProcessId']),
          processGuid: guid(d, 'ProcessGuid'),
          image: s(d, 'Image'),
          protocol: s(d, 'Protocol'),
          sourceIp: s(d, 'SourceIp'),
          sourcePort: s(d, 'SourcePort'),
          destinationIp: s(d, 'DestinationIp'),
          destinationPort: s(d, 'DestinationPort'),
          destinationHostname: s(d, 'DestinationHostname'),
          initiated: boolField(d['Initiated']),
        };
      case 5:
        return {
          kind: 'process-exit',
          origin: 'sysmon',
          pid: parsePid(d['ProcessId']),
          image: s(d, 'Image'),
          processGuid: guid(d, 'ProcessGuid'),
          logonId: null,
        };
      case 7:
        return {
          kind: 'image-load',
          pid: parsePid(d['ProcessId']),
          processGuid: guid(d, 'ProcessGuid'),
          image: s(d, 'Image'),
          imageLoaded: s(d, 'ImageLoaded'),
          signed: s(d, 'Signed'),
        };
      case 22:
        return {
          kind: 'dns-query',
          pid: parsePid(d['ProcessId']),
          processGuid: guid(d, 'ProcessGuid'),
          image: s(d, 'Image'),
          queryName: s(d, 'QueryName'),
          queryResults: s(d, 'QueryResults'),
        };
      default:
        return { kind: 'other' };
    }
  }
  if (isPowerShell(event) && id === 4104) {
    return {
      kind: 'script-block',
      scriptBlockId: (d['ScriptBlockId'] ?? '').replace(/[{}]/g, '').toLowerCase(),
      messageNumber: parseIntField(d['MessageNumber']),
      messageTotal: parseIntField(d['MessageTotal']),
      text: s(d, 'ScriptBlockText'),
      path: s(d, 'Path'),
    };
  }
  if (id === 7045 && !isSecurity(event)) {
    return {
      kind: 'service-install',
      origin: 'system',
      serviceName: s(d, 'ServiceName'),
      imagePath: s(d, 'ImagePath'),
      serviceType: s(d, 'ServiceType'),
      startType: s(d, 'StartType'),
      accountName: s(d, 'AccountName'),
      subjectLogonId: null,
    };
  }
  if (id === 104 && !isSecurity(event)) {
    return { kind: 'log-cleared', log: s(d, 'Channel') || s(d, 'BackupPath') || 'System', userName: s(d, 'SubjectUserName') };
  }
  if (!isSecurity(event)) return { kind: 'other' };
  switch (id) {
    case 4624:
      return {
        kind: 'logon',
        logonId: normalizeLogonId(d['TargetLogonId']),
        logonType: parseIntField(d['LogonType']),
        logonTypeName: logonTypeName(parseIntField(d['LogonType'])),
        targetUserSid: s(d, 'TargetUserSid'),
        targetUserName: s(d, 'TargetUserName'),
        targetDomainName: s(d, 'TargetDomainName'),
        ipAddress: s(d, 'IpAddress'),
        ipPort: s(d, 'IpPort'),
        workstationName: s(d, 'WorkstationName'),
        logonProcessName: s(d, 'LogonProcessName').trim(),
        authenticationPackageName: s(d, 'AuthenticationPackageName'),
        elevatedToken: boolField(d['ElevatedToken']),
        targetLinkedLogonId: normalizeLogonId(d['TargetLinkedLogonId']),
        logonGuid: s(d, 'LogonGuid'),
        subjectLogonId: normalizeLogonId(d['SubjectLogonId']),
        targetOutboundUserName: s(d, 'TargetOutboundUserName'),
        targetOutboundDomainName: s(d, 'TargetOutboundDomainName'),
      };
    case 4625:
      return {
        kind: 'logon-failed',
        logonType: parseIntField(d['LogonType']),
        targetUserName: s(d, 'TargetUserName'),
        targetDomainName: s(d, 'TargetDomainName'),
        ipAddress: s(d, 'IpAddress'),
        workstationName: s(d, 'WorkstationName'),
        status: s(d, 'Status'),
        subStatus: s(d, 'SubStatus'),
      };
    case 4634:
    case 4647:
      return {
        kind: 'logoff',
        initiatedByUser: id === 4647,
        logonId: normalizeLogonId(d['TargetLogonId']),
        targetUserName: s(d, 'TargetUserName'),
        logonType: parseIntField(d['LogonType']),
      };
    case 4648:
      return {
        kind: 'explicit-credentials',
        subjectLogonId: normalizeLogonId(d['SubjectLogonId']),
        subjectUserName: s(d, 'SubjectUserName'),
        targetUserName: s(d, 'TargetUserName'),
        targetDomainName: s(d, 'TargetDomainName'),
        targetServerName: s(d, 'TargetServerName'),
        processId: parsePid(d['ProcessId']),
        processName: s(d, 'ProcessName'),
        ipAddress: s(d, 'IpAddress'),
      };
    case 4672:
      return {
        kind: 'special-privileges',
        logonId: normalizeLogonId(d['SubjectLogonId']),
        userName: s(d, 'SubjectUserName'),
        privileges: s(d, 'PrivilegeList'),
      };
    case 4688:
      return processCreate4688(d);
    case 4689:
      return {
        kind: 'process-exit',
        origin: 'security',
        pid: parsePid(d['ProcessId']),
        image: s(d, 'ProcessName'),
        processGuid: null,
        logonId: normalizeLogonId(d['SubjectLogonId']),
      };
    case 4697:
      return {
        kind: 'service-install',
        origin: 'security',
        serviceName: s(d, 'ServiceName'),
        imagePath: s(d, 'ServiceFileName'),
        serviceType: s(d, 'ServiceType'),
        startType: s(d, 'ServiceStartType'),
        accountName: s(d, 'ServiceAccount'),
        subjectLogonId: normalizeLogonId(d['SubjectLogonId']),
      };
    case 1102:
      return { kind: 'log-cleared', log: 'Security', userName: s(d, 'SubjectUserName') };
    default:
      return { kind: 'other' };
  }
}

const clip = (text: string, max: number): string => (text.length > max ? text.slice(0, max - 1) + '…' : text);

// The summaries of the commonest views, from the few fields each shows (shared by both paths of summarize).

function logonSummary(
  logonType: number | null,
  targetDomainName: string,
  targetUserName: string,
  ipAddress: string,
  targetOutboundDomainName: string,
  targetOutboundUserName: string,
  logonId: string | null,
): string {
  const from = ipAddress && ipAddress !== '-' ? ` from ${ipAddress}` : '';
  const outbound = targetOutboundUserName && targetOutboundUserName !== '-' ? ` (network as ${targetOutboundDomainName}\\${targetOutboundUserName})` : '';
  return clip(`Logon type ${logonType ?? '?'} (${logonTypeName(logonType)}) ${targetDomainName}\\${targetUserName}${from}${outbound} LogonId ${logonId ?? '?'}`, 400);
}

/** `image` is the new process's path (its view's imageName is imageName(image)). */
function processCreateSummary(image: string, pid: number | null, parentImage: string, commandLine: string | null): string {
  return clip(`Process ${imageName(image) || image} (PID ${pid ?? '?'}) by ${imageName(parentImage) || '?'}: ${commandLine ?? '[no command line]'}`, 400);
}

function networkSummary(image: string, sourceIp: string, sourcePort: string, destination: string, destinationPort: string): string {
  return `Network ${imageName(image)} ${sourceIp}:${sourcePort} → ${destination}:${destinationPort}`;
}

/**
 * The summary of a Security 4624 or 4688 or a Sysmon 1 or 3 (most of a busy log), read
 * straight from the fields it shows; null for any other event. The same text as from the
 * event's view (viewSummary), without building the view's other fields (GUIDs, integrity,
 * elevation, every LogonId normalized), which cost more than the summary itself.
 */
function commonSummary(event: NormalizedEvent): string | null {
  const d = event.data;
  const id = event.system.eventId;
  // viewOf's dispatch for these ids: Sysmon first, then Security.
  if (isSysmon(event)) {
    if (id === 1) return processCreateSummary(s(d, 'Image'), parsePid(d['ProcessId']), s(d, 'ParentImage'), opt(d, 'CommandLine'));
    if (id === 3) {
      return networkSummary(s(d, 'Image'), s(d, 'SourceIp'), s(d, 'SourcePort'), s(d, 'DestinationHostname') || s(d, 'DestinationIp'), s(d, 'DestinationPort'));
    }
    return null;
  }
  if ((id !== 4688 && id !== 4624) || !isSecurity(event)) return null;
  if (id === 4688) return processCreateSummary(s(d, 'NewProcessName'), parsePid(d['NewProcessId']), s(d, 'ParentProcessName'), opt(d, 'CommandLine'));
  return logonSummary(
    parseIntField(d['LogonType']),
    s(d, 'TargetDomainName'),
    s(d, 'TargetUserName'),
    s(d, 'IpAddress'),
    s(d, 'TargetOutboundDomainName'),
    s(d, 'TargetOutboundUserName'),
    normalizeLogonId(d['TargetLogonId']),
  );
}

/**
 * A one-line summary for the event table and free-text search. Evidence text is clipped
 * here (full values stay in `data`) so a gigabyte of base64 never reaches a table cell.
 */
export function summarize(event: NormalizedEvent): string {
  // Once per imported event: the commonest kinds skip building their view.
  return commonSummary(event) ?? viewSummary(event);
}

/** summarize by way of the event's view, for every kind (tests hold the shortcut to it). */
export function viewSummary(event: NormalizedEvent): string {
  const view = viewOf(event);
  switch (view.kind) {
    case 'logon':
      return logonSummary(
        view.logonType,
        view.targetDomainName,
        view.targetUserName,
        view.ipAddress,
        view.targetOutboundDomainName,
        view.targetOutboundUserName,
        view.logonId,
      );
    case 'logon-failed':
      return clip(`Failed logon type ${view.logonType ?? '?'} ${view.targetDomainName}\\${view.targetUserName} from ${view.ipAddress || '-'} status ${view.status}`, 400);
    case 'logoff':
      return `${view.initiatedByUser ? 'User-initiated logoff' : 'Logoff'} ${view.targetUserName} LogonId ${view.logonId ?? '?'}`;
    case 'explicit-credentials':
      return clip(`Explicit credentials: ${view.subjectUserName} as ${view.targetDomainName}\\${view.targetUserName} to ${view.targetServerName} by ${view.processName}`, 400);
    case 'special-privileges':
      return `Special privileges for ${view.userName} LogonId ${view.logonId ?? '?'}`;
    case 'process-create':
      return processCreateSummary(view.image, view.pid, view.parentImage, view.commandLine);
    case 'process-exit':
      return `Process exit ${imageName(view.image)} (PID ${view.pid ?? '?'})`;
    case 'service-install':
      return clip(`Service installed: ${view.serviceName} → ${view.imagePath}`, 400);
    case 'script-block':
      return clip(`Script block ${view.messageNumber ?? '?'}/${view.messageTotal ?? '?'}: ${view.text.replace(/\s+/g, ' ')}`, 400);
    case 'log-cleared':
      return `Audit log cleared: ${view.log} by ${view.userName || '?'}`;
    case 'network-connection':
      return networkSummary(view.image, view.sourceIp, view.sourcePort, view.destinationHostname || view.destinationIp, view.destinationPort);
    case 'image-load':
      return clip(`Image load ${imageName(view.image)} ← ${view.imageLoaded}`, 400);
    case 'dns-query':
      return clip(`DNS ${imageName(view.image)} ${view.queryName}`, 400);
    case 'other':
      return genericSummary(event);
    default: {
      const unreachable: never = view;
      return unreachable;
    }
  }
}

function genericSummary(event: NormalizedEvent): string {
  // The first six values, in Object.entries order (for…in over own keys gives the same
  // order), without building the entries of every value: this runs for most events of an
  // import, whose data often holds dozens of values.
  const data = event.data;
  let text = '';
  let n = 0;
  for (const key in data) {
    if (!Object.prototype.hasOwnProperty.call(data, key)) continue;
    const value = data[key] as string;
    const part = `${key}=${value.length > 80 ? value.slice(0, 79) + '…' : value}`;
    text = n === 0 ? part : `${text} ${part}`;
    if (++n >= 6) break;
  }
  return clip(text, 400);
}
