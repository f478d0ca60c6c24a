// The common fields exports derive from a stored event: who, which process, which logon.
// Security 4688 names processes with hex PIDs (NewProcessId/ProcessId), Sysmon with decimal
// ones (ProcessId/ParentProcessId); both are read with parsePid.

import { parsePid } from '../../../shared/normalize.js';
import type { ExportEvent } from '../store/case-store.js';

export interface EventFields {
  readonly system: Record<string, unknown>;
  readonly data: Record<string, string>;
  readonly userName: string | null;
  readonly userDomain: string | null;
  readonly userSid: string | null;
  readonly processPid: number | null;
  readonly processExecutable: string | null;
  readonly processCommandLine: string | null;
  readonly processGuid: string | null;
  readonly parentPid: number | null;
  readonly parentExecutable: string | null;
  readonly parentCommandLine: string | null;
  readonly parentGuid: string | null;
  readonly subjectLogonId: string | null;
  readonly targetLogonId: string | null;
  /** The logon the event is about: TargetLogonId (when not 0x0), else SubjectLogonId, else LogonId. */
  readonly logonId: string | null;
  readonly sourceIp: string | null;
}

function present(value: string | undefined): string | null {
  if (value === undefined) return null;
  const t = value.trim();
  return t === '' || t === '-' ? null : value;
}

function parseJsonObject<T>(text: string): T {
  try {
    const value = JSON.parse(text) as unknown;
    return (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as T;
  } catch {
    return {} as T;
  }
}

export function eventFields(event: ExportEvent): EventFields {
  const system = parseJsonObject<Record<string, unknown>>(event.systemJson);
  const data = parseJsonObject<Record<string, string>>(event.dataJson);
  const id = event.row.eventId;
  const sysmon = event.row.provider === 'Microsoft-Windows-Sysmon';
  const is4688 = id === 4688 && !sysmon;

  let userName = present(data['TargetUserName']) ?? present(data['SubjectUserName']);
  let userDomain = present(data['TargetDomainName']) ?? present(data['SubjectDomainName']);
  const userSid = present(data['TargetUserSid']) ?? present(data['SubjectUserSid']) ?? (typeof system['userSid'] === 'string' ? (system['userSid'] as string) : null);
  if (!userName) {
    // Sysmon writes `DOMAIN\user` in User.
    const user = present(data['User']);
    if (user) {
      const slash = user.indexOf('\\');
      userName = slash >= 0 ? user.slice(slash + 1) : user;
      userDomain = userDomain ?? (slash >= 0 ? user.slice(0, slash) : null);
    }
  }

  const subjectLogonId = present(data['SubjectLogonId']);
  const targetLogonId = present(data['TargetLogonId']);
  const logonId = (targetLogonId && !/^0x0+$/i.test(targetLogonId) ? targetLogonId : null) ?? subjectLogonId ?? present(data['LogonId']);

  return {
    system,
    data,
    userName,
    userDomain,
    userSid,
    processPid: is4688 ? parsePid(data['NewProcessId']) : parsePid(data['ProcessId'] ?? data['ProcessID']),
    processExecutable: is4688 ? present(data['NewProcessName']) : present(data['Image']) ?? present(data['ProcessName']),
    processCommandLine: present(data['CommandLine']),
    processGuid: present(data['ProcessGuid']),
    parentPid: is4688 ? parsePid(data['ProcessId']) : parsePid(data['ParentProcessId']),
    parentExecutable: is4688 ? present(data['ParentProcessName']) : present(data['ParentImage']),
    parentCommandLine: present(data['ParentCommandLine']),
    parentGuid: present(data['ParentProcessGuid']),
    subjectLogonId,
    targetLogonId,
    logonId,
    sourceIp: present(data['IpAddress']) ?? present(data['SourceIp']),
  };
}

/** The executable's file name (`C:\x\cmd.exe` → `cmd.exe`). */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i >= 0 ? path.slice(i + 1) : path;
}
