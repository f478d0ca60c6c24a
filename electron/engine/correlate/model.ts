// What correlation produces. Ids are strings stable for one input (`s12`, `p340`, `b3`, `v1`,
// `l2`), numbered in time order per kind.

import type { IntegrityLevel, TokenElevation } from '../../../shared/normalize.js';
import type { CorrelationTime, ProcessActivityInput } from './input.js';

export interface CorrelatedHost {
  /** Lower-case short name (or the IP when the computer name is an address). */
  readonly key: string;
  /** The longest spelling seen (usually the FQDN). */
  readonly name: string;
  readonly names: readonly string[];
  /** Addresses learned from the evidence (Sysmon 3 local side, 4624 from a named workstation). */
  readonly ips: readonly string[];
}

export interface Session {
  readonly id: string;
  readonly hostKey: string;
  readonly host: string;
  readonly logonId: string;
  /** Boot epoch on its host (0 before the first boot marker). */
  readonly epoch: number;
  /** The 4624 row; null for a session seen only through its processes or other events. */
  readonly logonRow: number | null;
  readonly logonType: number | null;
  readonly user: string;
  readonly domain: string;
  readonly userSid: string;
  readonly sourceIp: string;
  readonly sourcePort: string;
  readonly workstationName: string;
  readonly logonProcessName: string;
  readonly authenticationPackageName: string;
  readonly elevatedToken: boolean | null;
  readonly logonGuid: string;
  readonly linkedLogonId: string | null;
  /** The other half of a split admin token (TargetLinkedLogonId). */
  readonly linkedSessionId: string | null;
  /** Type 9 (runas /netonly): the session whose SubjectLogonId created it. */
  readonly createdBySessionId: string | null;
  readonly outboundUser: string;
  readonly outboundDomain: string;
  /** The logon time, or the first event seen for a session without a 4624. */
  readonly start: CorrelationTime;
  readonly end: CorrelationTime | null;
  readonly admin: boolean;
  readonly privilegeRows: readonly number[];
  readonly logoffRows: readonly number[];
  readonly explicitCredentialRows: readonly number[];
}

export type ParentBasis = 'guid' | 'pid+time' | `pid+time (ambiguous: ${number} candidates)` | 'placeholder' | 'none';

export interface ProcessNode {
  readonly id: string;
  readonly hostKey: string;
  readonly host: string;
  readonly pid: number | null;
  readonly guid: string | null;
  readonly image: string;
  readonly commandLine: string | null;
  /** Decoded -EncodedCommand / FromBase64String payloads of the command line, if any. */
  readonly decodedCommand: string | null;
  readonly parentPid: number | null;
  readonly parentImage: string;
  readonly parentGuid: string | null;
  readonly user: string;
  readonly logonId: string | null;
  readonly logonIdField: 'TargetLogonId' | 'SubjectLogonId' | 'LogonId' | null;
  readonly sessionId: string | null;
  readonly integrity: IntegrityLevel | null;
  readonly elevation: TokenElevation | null;
  readonly epoch: number;
  /** Null for a placeholder. */
  readonly start: CorrelationTime | null;
  readonly end: CorrelationTime | null;
  /** 4688 row, Sysmon 1 row: both when the two records describe this one process. */
  readonly securityRow: number | null;
  readonly sysmonRow: number | null;
  readonly endRows: readonly number[];
  /** A parent known only from its children's records (ParentProcessName / ParentImage). */
  readonly placeholder: boolean;
  readonly parentId: string | null;
  readonly parentBasis: ParentBasis;
  /** Ambiguous edges: every process that could be the parent (parentId stays null). */
  readonly candidates: readonly string[];
  /**
   * The parent by PID and time alone, kept even when the GUID decided, so that the two
   * methods can be compared.
   */
  readonly pidTimeParentId: string | null;
  /** Sysmon 3/7/11/22 of this process. */
  readonly activity: readonly ProcessActivityInput[];
}

export interface ScriptBlock {
  readonly id: string;
  readonly hostKey: string;
  readonly host: string;
  readonly scriptBlockId: string;
  /** Execution/@ProcessID of the 4104s. */
  readonly pid: number | null;
  readonly processId: string | null;
  /** Other processes it could belong to when the PID and time did not decide. */
  readonly processCandidates: readonly string[];
  readonly rows: readonly number[];
  readonly partsPresent: readonly number[];
  readonly total: number;
  readonly missingParts: readonly number[];
  /** Parts joined in order, each missing part replaced by a `[part n of m missing]` line. */
  readonly text: string;
  readonly path: string;
  readonly decoded: string | null;
  readonly start: CorrelationTime;
}

export interface BinaryOrigin {
  readonly processId: string;
  readonly relation: 'ran it' | 'names it' | 'created it (Sysmon 11)';
  readonly row: number;
}

export interface ServiceInstall {
  readonly id: string;
  readonly hostKey: string;
  readonly host: string;
  readonly name: string;
  readonly imagePath: string;
  readonly accountName: string;
  readonly time: CorrelationTime;
  readonly systemRow: number | null;
  readonly securityRow: number | null;
  readonly subjectLogonId: string | null;
  readonly sessionId: string | null;
  readonly decodedImagePath: string | null;
  /** The process services.exe started for it. */
  readonly processId: string | null;
  /** Earlier processes that ran, named or wrote the service's binary. */
  readonly binaryOrigins: readonly BinaryOrigin[];
}

export interface LateralEdge {
  readonly id: string;
  readonly sourceHostKey: string;
  readonly targetHostKey: string;
  readonly time: CorrelationTime;
  /** The 4624 on the target. */
  readonly targetRow: number;
  readonly targetSessionId: string | null;
  readonly sourceSessionId: string | null;
  readonly sourceProcessId: string | null;
  /** How the source host was recognised and how the source side was found. */
  readonly basis: string;
  readonly sourceRow: number | null;
}

export interface CorrelationResult {
  readonly hosts: readonly CorrelatedHost[];
  readonly sessions: readonly Session[];
  readonly processes: readonly ProcessNode[];
  readonly scripts: readonly ScriptBlock[];
  readonly services: readonly ServiceInstall[];
  readonly lateral: readonly LateralEdge[];
}
