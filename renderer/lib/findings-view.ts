// Pure logic behind the findings view: grouping by ATT&CK tactic or by rule, the flat row list
// the virtualized view draws, per-session counts for the sessions list, and the allow-list entry
// an investigator starts from when quieting a finding.

import type { AllowCondition, NewAllowListEntry } from '../../shared/allowlist.js';
import { validateNewEntry } from '../../shared/allowlist.js';
import type { Finding, FindingsSummary, Severity } from '../../shared/findings.js';
import { SEVERITIES, severityRank } from '../../shared/findings.js';
import type { FindingCounts } from './session-rank.js';

/** Enterprise tactics in kill-chain order (the tag form Sigma uses, its name and TA id). */
export const TACTICS: readonly { readonly tactic: string; readonly name: string; readonly id: string }[] = [
  { tactic: 'reconnaissance', name: 'Reconnaissance', id: 'TA0043' },
  { tactic: 'resource-development', name: 'Resource Development', id: 'TA0042' },
  { tactic: 'initial-access', name: 'Initial Access', id: 'TA0001' },
  { tactic: 'execution', name: 'Execution', id: 'TA0002' },
  { tactic: 'persistence', name: 'Persistence', id: 'TA0003' },
  { tactic: 'privilege-escalation', name: 'Privilege Escalation', id: 'TA0004' },
  { tactic: 'defense-evasion', name: 'Defense Evasion', id: 'TA0005' },
  { tactic: 'credential-access', name: 'Credential Access', id: 'TA0006' },
  { tactic: 'discovery', name: 'Discovery', id: 'TA0007' },
  { tactic: 'lateral-movement', name: 'Lateral Movement', id: 'TA0008' },
  { tactic: 'collection', name: 'Collection', id: 'TA0009' },
  { tactic: 'command-and-control', name: 'Command and Control', id: 'TA0011' },
  { tactic: 'exfiltration', name: 'Exfiltration', id: 'TA0010' },
  { tactic: 'impact', name: 'Impact', id: 'TA0040' },
];

const TACTIC_INDEX = new Map(TACTICS.map((t, i) => [t.tactic, i]));

/** The tactics a finding's tags name (`attack.privilege_escalation` too); `unknown` when none. */
export function tacticsOf(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const m = /^attack\.([a-z_-]+)$/i.exec(tag.trim());
    if (!m) continue;
    const key = (m[1] as string).toLowerCase().replace(/_/g, '-');
    if (TACTIC_INDEX.has(key) && !out.includes(key)) out.push(key);
  }
  return out.length > 0 ? out : ['unknown'];
}

/** Technique ids from tags (`attack.t1059.001` → `T1059.001`). */
export function techniquesOf(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag.trim());
    if (m) {
      const id = (m[1] as string).toUpperCase();
      if (!out.includes(id)) out.push(id);
    }
  }
  return out;
}

export type GroupBy = 'tactic' | 'rule';

export interface FindingGroup {
  readonly key: string;
  readonly label: string;
  /** TA00xx for a tactic group, the rule id for a rule group; null for `unknown`. */
  readonly id: string | null;
  readonly worst: Severity;
  readonly findings: readonly Finding[];
}

function worstOf(findings: readonly Finding[]): Severity {
  let worst = 0;
  for (const f of findings) worst = Math.max(worst, severityRank(f.level));
  return SEVERITIES[worst] as Severity;
}

/** Highest level first, then time, then id: the order within a group. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.level) - severityRank(a.level) || (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) || a.id.localeCompare(b.id);
}

/**
 * Groups findings. By tactic: a finding with two tactics is listed under both (as the summary
 * counts it), in kill-chain order, `unknown` last. By rule: worst level first, then most findings.
 */
export function groupFindings(findings: readonly Finding[], by: GroupBy): FindingGroup[] {
  const buckets = new Map<string, Finding[]>();
  const titles = new Map<string, string>();
  for (const f of findings) {
    const keys = by === 'tactic' ? tacticsOf(f.tags) : [f.ruleId];
    if (by === 'rule') titles.set(f.ruleId, f.ruleTitle);
    for (const k of keys) {
      const list = buckets.get(k);
      if (list) list.push(f);
      else buckets.set(k, [f]);
    }
  }
  const groups: FindingGroup[] = [];
  for (const [key, list] of buckets) {
    list.sort(compareFindings);
    if (by === 'tactic') {
      const t = TACTICS[TACTIC_INDEX.get(key) ?? -1];
      groups.push({ key, label: t ? t.name : 'No ATT&CK tactic', id: t ? t.id : null, worst: worstOf(list), findings: list });
    } else {
      groups.push({ key, label: titles.get(key) ?? key, id: key, worst: worstOf(list), findings: list });
    }
  }
  if (by === 'tactic') {
    const order = (k: string) => TACTIC_INDEX.get(k) ?? TACTICS.length;
    return groups.sort((a, b) => order(a.key) - order(b.key));
  }
  return groups.sort(
    (a, b) => severityRank(b.worst) - severityRank(a.worst) || b.findings.length - a.findings.length || a.label.localeCompare(b.label),
  );
}

export type FindingListRow =
  | { readonly kind: 'group'; readonly group: FindingGroup; readonly collapsed: boolean }
  | { readonly kind: 'finding'; readonly finding: Finding; readonly groupKey: string };

/** The rows a virtualized list draws: each group's header, then its findings unless collapsed. */
export function flattenGroups(groups: readonly FindingGroup[], collapsed: ReadonlySet<string>): FindingListRow[] {
  const rows: FindingListRow[] = [];
  for (const group of groups) {
    const isCollapsed = collapsed.has(group.key);
    rows.push({ kind: 'group', group, collapsed: isCollapsed });
    if (!isCollapsed) for (const finding of group.findings) rows.push({ kind: 'finding', finding, groupKey: group.key });
  }
  return rows;
}

/** The summary's per-session counts in the form rankSessions takes. */
export function sessionCounts(summary: FindingsSummary | null): Map<string, FindingCounts> {
  const out = new Map<string, FindingCounts>();
  if (!summary) return out;
  for (const s of summary.bySession) out.set(s.sessionId, s.bySeverity);
  return out;
}

/** Worst level with a non-zero count, or null. */
export function worstLevel(counts: FindingCounts | undefined): Severity | null {
  if (!counts) return null;
  for (let i = SEVERITIES.length - 1; i >= 0; i--) {
    const level = SEVERITIES[i] as Severity;
    if ((counts[level] ?? 0) > 0) return level;
  }
  return null;
}

export function severityClass(level: Severity): string {
  switch (level) {
    case 'critical':
    case 'high':
      return 'badge-bad';
    case 'medium':
      return 'badge-warn';
    case 'low':
      return 'badge-info';
    case 'informational':
      return 'badge';
    default: {
      const unreachable: never = level;
      return unreachable;
    }
  }
}

/** The distinct findings (by id) of several lists whose events include `eventId`. */
export function findingsOfEvent(lists: readonly (readonly Finding[] | null)[], eventId: number): Finding[] {
  const seen = new Map<string, Finding>();
  for (const list of lists) for (const f of list ?? []) if (f.eventIds.includes(eventId) && !seen.has(f.id)) seen.set(f.id, f);
  return [...seen.values()].sort(compareFindings);
}

/** Findings per process id (tree badges). */
export function findingsByProcess(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.processId === null) continue;
    const list = out.get(f.processId);
    if (list) list.push(f);
    else out.set(f.processId, [f]);
  }
  for (const list of out.values()) list.sort(compareFindings);
  return out;
}

// ---- Allow-list entry from a finding ---------------------------------------------------------

export interface DraftCondition {
  readonly condition: AllowCondition;
  /** What the checkbox says. */
  readonly label: string;
  readonly on: boolean;
}

export interface AllowDraft {
  readonly ruleId: string;
  readonly conditions: readonly DraftCondition[];
  readonly reason: string;
  readonly by: string;
}

function fieldOf(data: Readonly<Record<string, string>>, names: readonly string[]): { name: string; value: string } | null {
  for (const n of names) {
    const lower = n.toLowerCase();
    for (const [k, v] of Object.entries(data)) if (k.toLowerCase() === lower && v.trim() !== '' && v !== '-') return { name: k, value: v };
  }
  return null;
}

/**
 * A parent image path made stable across machines and users: the profile folder after
 * `\Users\` and version-like or GUID-like folders become `*`, and wildcard characters in the
 * path itself are not taken as wildcards (replaced by `?`, which matches them).
 */
export function stableImagePattern(path: string): string {
  const parts = path.replace(/[*?]/g, '?').split('\\');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    const prev = (parts[i - 1] ?? '').toLowerCase();
    if (prev === 'users' && i > 0 && i < parts.length - 1) parts[i] = '*';
    else if (i < parts.length - 1 && (/^\d+(\.\d+){1,3}$/.test(p) || /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i.test(p))) parts[i] = '*';
  }
  return parts.join('\\');
}

/**
 * The entry an investigator starts from: the finding's rule plus every condition its event
 * offers (SubjectUserSid, a stable ParentProcessName pattern, the exact command line, the
 * host). The SID and parent pattern are on by default; with neither, the exact command line;
 * the host (a scanner, say) is offered but off: it quiets everything the rule sees there.
 */
export function draftFromFinding(finding: Finding, data: Readonly<Record<string, string>> | null, by: string): AllowDraft {
  const d = data ?? {};
  const conditions: DraftCondition[] = [];
  const sid = fieldOf(d, ['SubjectUserSid', 'UserSid', 'TargetUserSid']);
  if (sid) conditions.push({ condition: { kind: 'field', field: sid.name, match: 'equals', value: sid.value }, label: `${sid.name} is ${sid.value}`, on: true });
  const parent = fieldOf(d, ['ParentProcessName', 'ParentImage']);
  if (parent) {
    const pattern = stableImagePattern(parent.value);
    conditions.push({ condition: { kind: 'field', field: parent.name, match: 'wildcard', value: pattern }, label: `${parent.name} like ${pattern}`, on: true });
  }
  const cmd = fieldOf(d, ['CommandLine', 'ProcessCommandLine']);
  if (cmd) conditions.push({ condition: { kind: 'command-line', value: cmd.value }, label: 'Command line is exactly the one seen', on: !sid && !parent });
  if (finding.host.trim() !== '') {
    const onlyHost = conditions.length === 0;
    conditions.push({ condition: { kind: 'host', host: finding.host, tag: 'scanner' }, label: `Host is ${finding.host}`, on: onlyHost });
  }
  return { ruleId: finding.ruleId, conditions, reason: '', by };
}

/** The entry to send, checked as the engine will check it (throws AllowListError with the reason). */
export function entryFromDraft(draft: AllowDraft): NewAllowListEntry {
  return validateNewEntry({
    kind: 'allow',
    ruleId: draft.ruleId,
    conditions: draft.conditions.filter((c) => c.on).map((c) => c.condition),
    reason: draft.reason,
    by: draft.by,
  });
}

/** Short text for a condition in the allow-list editor. */
export function describeCondition(c: AllowCondition): string {
  switch (c.kind) {
    case 'field':
      return `${c.field} ${c.match === 'equals' ? '=' : 'like'} ${c.value}`;
    case 'host':
      return `host ${c.host} (${c.tag})`;
    case 'command-line':
      return `command line = ${c.value}`;
    case 'chain':
      return `${c.parentImage} → ${c.image}: ${c.commandLine}`;
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

/** The summary without the rule title it begins with (the row shows the title already). */
export function summaryAfterTitle(f: Pick<Finding, 'summary' | 'ruleTitle'>): string {
  if (!f.summary.startsWith(f.ruleTitle)) return f.summary;
  const rest = f.summary.slice(f.ruleTitle.length).replace(/^[\s:\u2014\u2013-]+/, '');
  return rest === '' ? f.summary : rest;
}
