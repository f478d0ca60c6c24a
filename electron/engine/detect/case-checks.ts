// Chainline's own checks that no single-event rule can make: they need the correlation result
// (a session's admin rights, a process's parent) or the whole case (is command-line auditing
// on at all?). Pure functions; the detection run turns their hits into findings.

import type { NormalizedEvent } from '../../../shared/events.js';
import type { CaseWarning, Severity } from '../../../shared/findings.js';
import { imageName, type IntegrityLevel } from '../../../shared/normalize.js';
import type { CorrelationResult, ProcessNode, Session } from '../correlate/index.js';
import type { RuleHit } from './findings.js';

export interface CaseRule {
  readonly id: string;
  readonly title: string;
  readonly level: Severity;
  readonly tags: readonly string[];
  readonly description: string;
  readonly falsepositives: readonly string[];
}

export const TOKEN_FULL_WITHOUT_ADMIN: CaseRule = {
  id: 'chainline.case.token-full-without-admin',
  title: 'Full elevated token in a session without admin rights',
  level: 'high',
  tags: ['attack.privilege-escalation', 'attack.t1134', 'attack.t1548.002'],
  description:
    'A process started with TokenElevationType %%1937 (TokenElevationTypeFull: an elevated token) in a logon session ' +
    'whose logon is in the evidence but that never received special privileges (no 4672). An elevated token should ' +
    'come from an administrator logon; one in an ordinary session points at token theft or a UAC bypass.',
  falsepositives: ['Security logs that lost the 4672 of the session (log rolled over between the 4624 and the 4672)'],
};

export const INTEGRITY_JUMP: CaseRule = {
  id: 'chainline.case.integrity-jump',
  title: 'Integrity level rises from parent to child without a UAC prompt',
  level: 'high',
  tags: ['attack.privilege-escalation', 'attack.t1548.002', 'attack.t1134'],
  description:
    "A child process runs at a higher mandatory integrity level than its parent (MandatoryLabel / IntegrityLevel) " +
    'within the same logon (or its linked elevated half), and no consent.exe ran for it: the usual shape of a UAC ' +
    'bypass (fodhelper, eventvwr, sdclt, computerdefaults…).',
  falsepositives: [
    'Auto-elevating Windows binaries (taskmgr.exe, mmc.exe) when UAC is set not to prompt administrators',
    'Elevation prompts whose consent.exe start was not logged',
  ],
};

export const CASE_RULES: readonly CaseRule[] = [TOKEN_FULL_WITHOUT_ADMIN, INTEGRITY_JUMP];

function hitOf(rule: CaseRule, detail: string): RuleHit {
  return { ruleId: rule.id, ruleTitle: rule.title, level: rule.level, tags: rule.tags, origin: 'case', detail };
}

function describe(p: ProcessNode): string {
  return `${imageName(p.image) || p.image || '?'} (PID ${p.pid ?? '?'})${p.commandLine ? ': ' + p.commandLine : ''}`;
}

/** The event row a process finding points at: its 4688, else its Sysmon 1. */
function rowOf(p: ProcessNode): number | null {
  return p.securityRow ?? p.sysmonRow;
}

/** Processes started with a full (elevated) token in a session without admin rights. */
export function tokenFullWithoutAdmin(result: CorrelationResult): Map<number, RuleHit[]> {
  const sessions = new Map<string, Session>(result.sessions.map((s) => [s.id, s]));
  const out = new Map<number, RuleHit[]>();
  for (const p of result.processes) {
    if (p.elevation !== 'full' || !p.sessionId || p.securityRow === null) continue;
    const s = sessions.get(p.sessionId);
    // Only a session whose logon is in the evidence can be said to lack its 4672.
    if (!s || s.logonRow === null || s.admin) continue;
    add(out, p.securityRow, hitOf(
      TOKEN_FULL_WITHOUT_ADMIN,
      `${describe(p)} has TokenElevationType %%1937 in ${s.domain ? s.domain + '\\' : ''}${s.user} logon ${s.logonId} (type ${s.logonType ?? '?'}), which has no 4672`,
    ));
  }
  return out;
}

const INTEGRITY_RANK: Readonly<Record<IntegrityLevel, number>> = {
  untrusted: 0,
  low: 1,
  medium: 2,
  'medium-plus': 3,
  high: 4,
  system: 5,
  protected: 6,
};

/** How long before an elevated start a consent.exe counts as its UAC prompt. */
const CONSENT_WINDOW_MS = 120_000;

/**
 * Whether a child's token can be a rise from its parent's within one user's logon: the same
 * session, the elevated half of the parent's split token, or sessions whose logons are not in
 * the evidence (Sysmon-only logs: the link between the halves cannot be seen). Two sessions
 * whose logons are both known and not linked are another logon's token (runas, a service).
 */
function sameUserLogon(child: ProcessNode, parentSessionId: string | null, sessions: ReadonlyMap<string, Session>): boolean {
  if (child.sessionId === parentSessionId) return true;
  const cs = child.sessionId ? sessions.get(child.sessionId) : undefined;
  const ps = parentSessionId ? sessions.get(parentSessionId) : undefined;
  if (!cs || !ps) return true;
  if (cs.linkedSessionId === ps.id || ps.linkedSessionId === cs.id) return true;
  return cs.logonRow === null || ps.logonRow === null;
}

const MULTI_SESSION_CREATORS: ReadonlySet<string> = new Set([
  'svchost.exe', 'services.exe', 'wininit.exe', 'winlogon.exe', 'csrss.exe', 'smss.exe', 'lsass.exe', 'wmiprvse.exe',
  'taskeng.exe', 'taskhost.exe', 'taskhostw.exe', 'dllhost.exe', 'consent.exe', 'runas.exe', 'wsmprovhost.exe',
]);

/**
 * The parent's integrity level: its own when its start is in the evidence; otherwise (a
 * placeholder: it started before the logs) the lowest level among its children at medium or
 * above, since a child inherits its parent's token unless something elevates it. Children
 * below medium are left out: sandboxes start low-integrity children on purpose.
 */
function parentIntegrity(parent: ProcessNode, children: readonly ProcessNode[]): { level: IntegrityLevel; inferred: boolean } | null {
  if (parent.integrity) return { level: parent.integrity, inferred: false };
  // Service hosts and session managers start processes in other users' sessions on purpose:
  // their children say nothing about their own token. Nor does a parent with no name at all.
  const name = imageName(parent.image);
  if (name === '' || MULTI_SESSION_CREATORS.has(name)) return null;
  let lowest: IntegrityLevel | null = null;
  for (const c of children) {
    if (!c.integrity || INTEGRITY_RANK[c.integrity] < INTEGRITY_RANK.medium) continue;
    if (lowest === null || INTEGRITY_RANK[c.integrity] < INTEGRITY_RANK[lowest]) lowest = c.integrity;
  }
  return lowest ? { level: lowest, inferred: true } : null;
}

/** Children whose integrity level is above their parent's without a UAC prompt. */
export function integrityJumps(result: CorrelationResult): Map<number, RuleHit[]> {
  const byId = new Map(result.processes.map((p) => [p.id, p]));
  const sessions = new Map<string, Session>(result.sessions.map((s) => [s.id, s]));
  const children = new Map<string, ProcessNode[]>();
  const consents = new Map<string, number[]>();
  for (const p of result.processes) {
    if (p.parentId) {
      const list = children.get(p.parentId) ?? [];
      list.push(p);
      children.set(p.parentId, list);
    }
    if (p.start && imageName(p.image) === 'consent.exe') {
      const list = consents.get(p.hostKey) ?? [];
      list.push(p.start.ms);
      consents.set(p.hostKey, list);
    }
  }
  const out = new Map<number, RuleHit[]>();
  for (const child of result.processes) {
    if (!child.parentId || !child.integrity || !child.start) continue;
    const parent = byId.get(child.parentId);
    if (!parent) continue;
    const siblings = children.get(parent.id) ?? [];
    const known = parentIntegrity(parent, siblings);
    if (!known || INTEGRITY_RANK[child.integrity] <= INTEGRITY_RANK[known.level]) continue;
    // From an inferred level only the rise UAC gives (to high) is claimed: a SYSTEM child of a
    // parent whose own token is unseen is more often a service than an escalation.
    if (known.inferred && child.integrity !== 'high') continue;
    if (imageName(parent.image) === 'consent.exe') continue;
    // The parent's session: its own, or (inferred) that of a sibling at the parent's level.
    const parentSession = known.inferred
      ? siblings.find((c) => c.integrity === known.level)?.sessionId ?? null
      : parent.sessionId;
    if (!sameUserLogon(child, parentSession, sessions)) continue;
    const startMs = child.start.ms;
    const prompted = (consents.get(child.hostKey) ?? []).some((ms) => ms <= startMs && startMs - ms <= CONSENT_WINDOW_MS);
    if (prompted) continue;
    const row = rowOf(child);
    if (row === null) continue;
    const how = known.inferred ? `${known.level} (inferred from its other children; its start is not in the logs)` : known.level;
    add(out, row, hitOf(
      INTEGRITY_JUMP,
      `${describe(child)} runs at ${child.integrity} integrity under ${imageName(parent.image) || parent.image} (PID ${parent.pid ?? '?'}) at ${how}, no consent.exe before it`,
    ));
  }
  return out;
}

/** Every case-level hit, by event row. */
export function caseChecks(result: CorrelationResult): Map<number, RuleHit[]> {
  const out = new Map<number, RuleHit[]>();
  for (const part of [tokenFullWithoutAdmin(result), integrityJumps(result)]) {
    for (const [row, hits] of part) for (const h of hits) add(out, row, h);
  }
  return out;
}

function add(map: Map<number, RuleHit[]>, row: number, hit: RuleHit): void {
  const list = map.get(row);
  if (list) list.push(hit);
  else map.set(row, [hit]);
}

export const COMMAND_LINE_AUDIT_REMEDY =
  'Turn on "Include command line in process creation events": Group Policy › Computer Configuration › Administrative ' +
  'Templates › System › Audit Process Creation › Include command line in process creation events = Enabled; or the ' +
  'registry value HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\Audit ' +
  'ProcessCreationIncludeCmdLine_Enabled = 1 (DWORD). "Audit Process Creation" (Advanced Audit Policy › Detailed ' +
  'Tracking) must be on for 4688 to be written at all.';

/**
 * Counts Security 4688 events with and without a CommandLine, per host. A host where most
 * lack it has command-line auditing off: every rule on command lines is blind there.
 */
export class CommandLineAuditCheck {
  private readonly hosts = new Map<string, { total: number; without: number }>();
  private readonly samples: number[] = [];

  /** Share of 4688s without a command line from which a host is reported. */
  constructor(private readonly threshold = 0.2) {}

  add(event: NormalizedEvent, rowId: number): void {
    if (event.system.eventId !== 4688) return;
    const provider = event.system.provider;
    if (provider !== 'Microsoft-Windows-Security-Auditing' && event.system.channel.toLowerCase() !== 'security') return;
    const host = event.system.computer;
    const h = this.hosts.get(host) ?? { total: 0, without: 0 };
    h.total++;
    const cmd = event.data['CommandLine'];
    if (cmd === undefined || cmd.trim() === '') {
      h.without++;
      if (this.samples.length < 10) this.samples.push(rowId);
    }
    this.hosts.set(host, h);
  }

  result(): CaseWarning | null {
    const hosts = [...this.hosts]
      .filter(([, h]) => h.without > 0 && h.without / h.total >= this.threshold)
      .map(([host, h]) => ({ host, without: h.without, total: h.total }))
      .sort((a, b) => a.host.localeCompare(b.host));
    if (hosts.length === 0) return null;
    const parts = hosts.map((h) => `${h.host}: ${h.without} of ${h.total}`);
    return {
      id: 'chainline.case.command-line-auditing-off',
      title: '4688 events without CommandLine: command-line auditing is off',
      detail:
        `Process creation events (Security 4688) without a command line — ${parts.join('; ')}. ` +
        'Rules and hunting queries on command lines cannot see these processes; Sysmon 1 or PowerShell 4104, where present, may.',
      remedy: COMMAND_LINE_AUDIT_REMEDY,
      hosts,
      sampleEventIds: [...this.samples],
    };
  }
}
