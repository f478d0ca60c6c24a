// The compact record correlation runs on. A million NormalizedEvents do not fit the memory
// target, so each event that correlation uses is reduced to the few fields it reads; the rest
// stays in the case store and is reached again by `row`.

import type { NormalizedEvent } from '../../../shared/events.js';
import { viewOf, SYSMON_PROVIDER } from '../../../shared/event-views.js';
import { parsePid, type IntegrityLevel, type TokenElevation } from '../../../shared/normalize.js';
import { TICKS_PER_MS, type TimePrecision } from '../../../shared/time.js';

/**
 * Time as whole milliseconds since the epoch plus the 100 ns ticks within that millisecond:
 * two numbers compare exactly at 100 ns (ticks themselves pass 2^53), and arithmetic on `ms`
 * stays in fast doubles.
 */
export interface CorrelationTime {
  readonly ms: number;
  /** 0…9999: 100 ns ticks past `ms`. */
  readonly sub: number;
  readonly precision: TimePrecision;
}

interface Base extends CorrelationTime {
  /** The event's row id in the case store (what the lead passes in). */
  readonly row: number;
  /** `System/Computer` as written. */
  readonly host: string;
}

export interface LogonInput extends Base {
  readonly kind: 'logon';
  readonly logonId: string | null;
  readonly logonType: number | null;
  readonly userSid: string;
  readonly user: string;
  readonly domain: string;
  readonly ipAddress: string;
  readonly ipPort: string;
  readonly workstationName: string;
  readonly logonProcessName: string;
  readonly authenticationPackageName: string;
  readonly elevatedToken: boolean | null;
  readonly linkedLogonId: string | null;
  readonly logonGuid: string;
  readonly subjectLogonId: string | null;
  readonly outboundUser: string;
  readonly outboundDomain: string;
  readonly processId: number | null;
  readonly processName: string;
}
export interface LogoffInput extends Base {
  readonly kind: 'logoff';
  readonly logonId: string | null;
  readonly initiatedByUser: boolean;
}
export interface PrivilegesInput extends Base {
  readonly kind: 'privileges';
  readonly logonId: string | null;
}
export interface ExplicitCredentialsInput extends Base {
  readonly kind: 'explicit-credentials';
  readonly subjectLogonId: string | null;
  readonly targetUser: string;
  readonly targetDomain: string;
  readonly targetServer: string;
  readonly processId: number | null;
  readonly processName: string;
  readonly ipAddress: string;
}
export interface ProcessStartInput extends Base {
  readonly kind: 'process-start';
  readonly origin: 'security' | 'sysmon';
  readonly pid: number | null;
  readonly parentPid: number | null;
  readonly image: string;
  readonly parentImage: string;
  readonly commandLine: string | null;
  readonly parentCommandLine: string | null;
  readonly user: string;
  readonly logonId: string | null;
  /** Which field gave `logonId`: 4688 TargetLogonId (when not 0x0) or SubjectLogonId, Sysmon LogonId. */
  readonly logonIdField: 'TargetLogonId' | 'SubjectLogonId' | 'LogonId';
  readonly elevation: TokenElevation | null;
  readonly integrity: IntegrityLevel | null;
  /** Upper case, no braces. */
  readonly guid: string | null;
  readonly parentGuid: string | null;
}
export interface ProcessEndInput extends Base {
  readonly kind: 'process-end';
  readonly origin: 'security' | 'sysmon';
  readonly pid: number | null;
  readonly image: string;
  readonly guid: string | null;
}
export interface ScriptBlockInput extends Base {
  readonly kind: 'script-block';
  /** The PowerShell host process: `System/Execution/@ProcessID`. */
  readonly pid: number | null;
  readonly scriptBlockId: string;
  readonly messageNumber: number | null;
  readonly messageTotal: number | null;
  readonly text: string;
  readonly path: string;
}
export interface ServiceInstallInput extends Base {
  readonly kind: 'service-install';
  readonly origin: 'system' | 'security';
  readonly serviceName: string;
  readonly imagePath: string;
  readonly accountName: string;
  readonly subjectLogonId: string | null;
}
export interface ProcessActivityInput extends Base {
  readonly kind: 'network' | 'image-load' | 'dns' | 'file-create';
  readonly pid: number | null;
  readonly guid: string | null;
  readonly image: string;
  /** network: destination `ip:port` (or hostname); image-load: the DLL; dns: the query; file-create: the file. */
  readonly target: string;
  /** network only. */
  readonly sourceIp?: string;
  readonly destinationIp?: string;
  readonly destinationHostname?: string;
  readonly destinationPort?: string;
  readonly initiated?: boolean | null;
}
export interface BootInput extends Base {
  readonly kind: 'boot';
  /** 6005 event log started, 6006 stopped, 6008 unexpected shutdown, 4608 startup, 4609 shutdown. */
  readonly eventId: 4608 | 4609 | 6005 | 6006 | 6008;
}

export type CorrelationInput =
  | LogonInput
  | LogoffInput
  | PrivilegesInput
  | ExplicitCredentialsInput
  | ProcessStartInput
  | ProcessEndInput
  | ScriptBlockInput
  | ServiceInstallInput
  | ProcessActivityInput
  | BootInput;

/** Splits Chainline ticks (bigint, 100 ns since the epoch) into the two-number form. */
export function splitTicks(ticks: bigint, precision: TimePrecision): CorrelationTime {
  let ms = ticks / TICKS_PER_MS;
  let sub = ticks % TICKS_PER_MS;
  if (sub < 0n) {
    sub += TICKS_PER_MS;
    ms -= 1n;
  }
  return { ms: Number(ms), sub: Number(sub), precision };
}

// Hosts and images repeat across a million events; one string instance each saves memory.
// The cache only shares equal strings, so results never depend on it.
const INTERN_MAX = 50_000;
const interned = new Map<string, string>();
function intern(text: string): string {
  if (text.length > 260) return text;
  const hit = interned.get(text);
  if (hit !== undefined) return hit;
  if (interned.size >= INTERN_MAX) interned.clear();
  interned.set(text, text);
  return text;
}

const SYSTEM_BOOT_IDS = new Set([6005, 6006, 6008]);

/**
 * Reduces one event to what correlation reads; null for events correlation ignores.
 * `eventRowId` is the event's id in the case store, returned in every result.
 */
export function toCorrelationInput(event: NormalizedEvent, eventRowId: number): CorrelationInput | null {
  const sys = event.system;
  const id = sys.eventId;
  const t = splitTicks(event.ticks, event.timePrecision);
  // Each record is written out field by field (no spread): V8 then keeps all fields in the
  // object itself, which matters at a million records.
  const row = eventRowId;
  const host = intern(sys.computer);
  const { ms, sub, precision } = t;
  const provider = sys.provider;
  const channel = sys.channel.toLowerCase();
  if (SYSTEM_BOOT_IDS.has(id) && (provider === 'EventLog' || channel === 'system')) {
    return { row, host, ms, sub, precision, kind: 'boot', eventId: id as 6005 | 6006 | 6008 };
  }
  if ((id === 4608 || id === 4609) && (provider === 'Microsoft-Windows-Security-Auditing' || channel === 'security')) {
    return { row, host, ms, sub, precision, kind: 'boot', eventId: id };
  }
  const isSysmon = provider === SYSMON_PROVIDER || channel === 'microsoft-windows-sysmon/operational';
  if (isSysmon && id === 11) {
    const d = event.data;
    const guid = d['ProcessGuid'];
    return {
      row, host, ms, sub, precision,
      kind: 'file-create',
      pid: parsePid(d['ProcessId']),
      guid: guid ? guid.replace(/[{}]/g, '').toUpperCase() : null,
      image: intern(d['Image'] ?? ''),
      target: d['TargetFilename'] ?? '',
    };
  }
  const view = viewOf(event);
  switch (view.kind) {
    case 'logon':
      return {
        row, host, ms, sub, precision,
        kind: 'logon',
        logonId: view.logonId,
        logonType: view.logonType,
        userSid: view.targetUserSid,
        user: view.targetUserName,
        domain: view.targetDomainName,
        ipAddress: view.ipAddress,
        ipPort: view.ipPort,
        workstationName: view.workstationName,
        logonProcessName: view.logonProcessName,
        authenticationPackageName: view.authenticationPackageName,
        elevatedToken: view.elevatedToken,
        linkedLogonId: view.targetLinkedLogonId,
        logonGuid: view.logonGuid,
        subjectLogonId: view.subjectLogonId,
        outboundUser: view.targetOutboundUserName,
        outboundDomain: view.targetOutboundDomainName,
        processId: parsePid(event.data['ProcessId']),
        processName: event.data['ProcessName'] ?? '',
      };
    case 'logoff':
      return { row, host, ms, sub, precision, kind: 'logoff', logonId: view.logonId, initiatedByUser: view.initiatedByUser };
    case 'special-privileges':
      return { row, host, ms, sub, precision, kind: 'privileges', logonId: view.logonId };
    case 'explicit-credentials':
      return {
        row, host, ms, sub, precision,
        kind: 'explicit-credentials',
        subjectLogonId: view.subjectLogonId,
        targetUser: view.targetUserName,
        targetDomain: view.targetDomainName,
        targetServer: view.targetServerName,
        processId: view.processId,
        processName: view.processName,
        ipAddress: view.ipAddress,
      };
    case 'process-create':
      return {
        row, host, ms, sub, precision,
        kind: 'process-start',
        origin: view.origin,
        pid: view.pid,
        parentPid: view.parentPid,
        image: intern(view.image),
        parentImage: intern(view.parentImage),
        commandLine: view.commandLine,
        parentCommandLine: view.parentCommandLine,
        user: intern(view.user),
        logonId: view.logonId,
        logonIdField:
          view.origin === 'sysmon' ? 'LogonId' : view.logonId !== null && view.logonId === view.targetLogonId ? 'TargetLogonId' : 'SubjectLogonId',
        elevation: view.elevation,
        integrity: view.integrity,
        guid: view.processGuid,
        parentGuid: view.parentProcessGuid,
      };
    case 'process-exit':
      return { row, host, ms, sub, precision, kind: 'process-end', origin: view.origin, pid: view.pid, image: intern(view.image), guid: view.processGuid };
    case 'script-block':
      return {
        row, host, ms, sub, precision,
        kind: 'script-block',
        pid: sys.processId ?? null,
        scriptBlockId: view.scriptBlockId,
        messageNumber: view.messageNumber,
        messageTotal: view.messageTotal,
        text: view.text,
        path: view.path,
      };
    case 'service-install':
      return {
        row, host, ms, sub, precision,
        kind: 'service-install',
        origin: view.origin,
        serviceName: view.serviceName,
        imagePath: view.imagePath,
        accountName: view.accountName,
        subjectLogonId: view.subjectLogonId,
      };
    case 'network-connection':
      return {
        row, host, ms, sub, precision,
        kind: 'network',
        pid: view.pid,
        guid: view.processGuid,
        image: intern(view.image),
        target: `${view.destinationHostname && view.destinationHostname !== '-' ? view.destinationHostname : view.destinationIp}:${view.destinationPort}`,
        sourceIp: view.sourceIp,
        destinationIp: view.destinationIp,
        destinationHostname: view.destinationHostname,
        destinationPort: view.destinationPort,
        initiated: view.initiated,
      };
    case 'image-load':
      return { row, host, ms, sub, precision, kind: 'image-load', pid: view.pid, guid: view.processGuid, image: intern(view.image), target: intern(view.imageLoaded) };
    case 'dns-query':
      return { row, host, ms, sub, precision, kind: 'dns', pid: view.pid, guid: view.processGuid, image: intern(view.image), target: view.queryName };
    case 'logon-failed':
    case 'log-cleared':
    case 'other':
      return null;
    default: {
      const unreachable: never = view;
      return unreachable;
    }
  }
}
