// The chain of a session: its evidence in time order, each entry with the reason it belongs.
// Built on demand for one session (reasons are strings; a million of them are not kept).

import { imageName, logonTypeName } from '../../../shared/normalize.js';
import type { CorrelationTime } from './input.js';
import type { CorrelationResult, ProcessNode, Session } from './model.js';
import { clockOf, compareTime } from './time.js';

export type ChainEntryKind =
  | 'logon'
  | 'privileges'
  | 'explicit-credentials'
  | 'created-session'
  | 'process'
  | 'process-exit'
  | 'script'
  | 'service'
  | 'network'
  | 'lateral-in'
  | 'lateral-out'
  | 'logoff';

const KIND_RANK: Readonly<Record<ChainEntryKind, number>> = {
  logon: 0,
  'lateral-in': 1,
  'lateral-out': 2,
  privileges: 3,
  'explicit-credentials': 4,
  'created-session': 5,
  process: 6,
  script: 7,
  network: 8,
  service: 9,
  'process-exit': 10,
  logoff: 11,
};

export interface ChainEntry {
  readonly time: CorrelationTime;
  readonly kind: ChainEntryKind;
  /** The session this entry belongs to (differs from the chain's when following created sessions). */
  readonly sessionId: string;
  /** Case-store row of the evidence; several for a reassembled script block. */
  readonly rows: readonly number[];
  readonly processId?: string;
  readonly scriptId?: string;
  readonly serviceId?: string;
  readonly childSessionId?: string;
  readonly lateralId?: string;
  readonly reason: string;
}

export interface ChainIndex {
  readonly sessions: ReadonlyMap<string, Session>;
  readonly processes: ReadonlyMap<string, ProcessNode>;
  readonly processesBySession: ReadonlyMap<string, readonly ProcessNode[]>;
  readonly createdBy: ReadonlyMap<string, readonly Session[]>;
  /**
   * Indexes into `result.scripts` by process id, and into `result.lateral` by the session at
   * either end, ascending: a chain that follows 478 sessions scanned all 33,000 script blocks
   * for each (16 million checks, about a quarter of the busy session's chain).
   */
  readonly scriptsByProcess: ReadonlyMap<string, readonly number[]>;
  readonly lateralBySession: ReadonlyMap<string, readonly number[]>;
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Lookup tables for `sessionChain`; build once per result. */
export function buildChainIndex(result: CorrelationResult): ChainIndex {
  const sessions = new Map(result.sessions.map((s) => [s.id, s]));
  const processes = new Map(result.processes.map((p) => [p.id, p]));
  const processesBySession = new Map<string, ProcessNode[]>();
  for (const p of result.processes) if (p.sessionId) addTo(processesBySession, p.sessionId, p);
  const createdBy = new Map<string, Session[]>();
  for (const s of result.sessions) if (s.createdBySessionId) addTo(createdBy, s.createdBySessionId, s);
  const scriptsByProcess = new Map<string, number[]>();
  result.scripts.forEach((b, k) => {
    if (b.processId) addTo(scriptsByProcess, b.processId, k);
  });
  const lateralBySession = new Map<string, number[]>();
  result.lateral.forEach((l, k) => {
    if (l.targetSessionId) addTo(lateralBySession, l.targetSessionId, k);
    if (l.sourceSessionId && l.sourceSessionId !== l.targetSessionId) addTo(lateralBySession, l.sourceSessionId, k);
  });
  return { sessions, processes, processesBySession, createdBy, scriptsByProcess, lateralBySession };
}

export interface ChainOptions {
  /** Also walk sessions this one created (type 9 by SubjectLogonId) and lateral logons it made. */
  readonly follow?: boolean;
  /** Leave out Sysmon 3 entries (they can be thousands per process). */
  readonly network?: boolean;
  /**
   * A session with more Sysmon 3 connections than this lists one step per process instead of
   * one per connection (how many, to how many destinations, linked to the first): a beaconing
   * session of 20,000 processes otherwise makes a chain of hundreds of thousands of steps that
   * nobody reads one by one. The table, filtered by the process, still has every connection.
   */
  readonly networkBudget?: number;
}

/** Default for ChainOptions.networkBudget. */
export const CHAIN_NETWORK_BUDGET = 2_000;

/** The ordered evidence of one session (and, with `follow`, of what it led to). */
export function sessionChain(
  result: CorrelationResult,
  sessionId: string,
  options: ChainOptions = {},
  index: ChainIndex = buildChainIndex(result),
): ChainEntry[] {
  const entries: ChainEntry[] = [];
  const seen = new Set<string>();
  const queue = [sessionId];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const s = index.sessions.get(id);
    if (!s) continue;
    addSession(result, index, s, entries, options, queue);
  }
  // Same instant (1-second logs): the logon before what it enables, the logoff last.
  entries.sort((a, b) => compareTime(a.time, b.time) || KIND_RANK[a.kind] - KIND_RANK[b.kind] || (a.rows[0] ?? 0) - (b.rows[0] ?? 0));
  return entries;
}

/** A Sysmon 3 step of process `p` linked to connection `a`, with its reason (networkReason). */
function networkStep(p: ProcessNode, sid: string, a: ProcessNode['activity'][number], reason: string): ChainEntry {
  return { time: a, kind: 'network', sessionId: sid, rows: [a.row], processId: p.id, reason };
}

/** The reason of a Sysmon 3 step of `p`; `what` says what the step stands for. */
function networkReason(p: ProcessNode, what: string): string {
  return `Sysmon 3 by ${imageName(p.image)} PID ${p.pid ?? '?'} of this session: ${what}`;
}

/** The reason of the step for one connection. */
function connectionReason(p: ProcessNode, a: ProcessNode['activity'][number]): string {
  return networkReason(p, `${a.sourceIp ?? ''} → ${a.target}`);
}

/** One step for all of a process's Sysmon 3 connections (see ChainOptions.networkBudget). */
function networkSummary(p: ProcessNode, sid: string): ChainEntry | null {
  let first: ProcessNode['activity'][number] | null = null;
  let count = 0;
  const targets = new Map<string, number>();
  for (const a of p.activity) {
    if (a.kind !== 'network') continue;
    count++;
    if (first === null || compareTime(a, first) < 0) first = a;
    targets.set(a.target, (targets.get(a.target) ?? 0) + 1);
  }
  if (first === null) return null;
  if (count === 1) return networkStep(p, sid, first, connectionReason(p, first));
  const top = [...targets].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
  const more = targets.size > top.length ? `, …` : '';
  return networkStep(
    p,
    sid,
    first,
    networkReason(
      p,
      `${count} connections to ${targets.size} destination(s) (${top.map(([t, n]) => `${t} ×${n}`).join(', ')}${more}), ` +
        'summarized because the session has too many to list; the first is linked',
    ),
  );
}

function addSession(
  result: CorrelationResult,
  index: ChainIndex,
  s: Session,
  out: ChainEntry[],
  options: ChainOptions,
  queue: string[],
): void {
  const sid = s.id;
  if (s.logonRow !== null) {
    const from = s.sourceIp && s.sourceIp !== '-' ? ` from ${s.sourceIp}` : '';
    const creator = s.createdBySessionId ? index.sessions.get(s.createdBySessionId) : undefined;
    const outbound = s.outboundUser ? `, network credentials ${s.outboundDomain}\\${s.outboundUser}` : '';
    out.push({
      time: s.start,
      kind: 'logon',
      sessionId: sid,
      rows: [s.logonRow],
      reason:
        `4624 TargetLogonId ${s.logonId} = session: type ${s.logonType ?? '?'} (${logonTypeName(s.logonType)}) ${s.domain}\\${s.user}${from}${outbound}` +
        (creator ? ` (created by session ${creator.logonId} through SubjectLogonId)` : ''),
    });
  }
  for (const row of s.privilegeRows) {
    out.push({ time: s.start, kind: 'privileges', sessionId: sid, rows: [row], reason: `4672 SubjectLogonId ${s.logonId} = session: special privileges (admin)` });
  }
  for (const row of s.explicitCredentialRows) {
    out.push({ time: s.start, kind: 'explicit-credentials', sessionId: sid, rows: [row], reason: `4648 SubjectLogonId ${s.logonId} = session: explicit credentials used` });
  }
  for (const child of index.createdBy.get(sid) ?? []) {
    out.push({
      time: child.start,
      kind: 'created-session',
      sessionId: sid,
      rows: child.logonRow !== null ? [child.logonRow] : [],
      childSessionId: child.id,
      reason: `type ${child.logonType ?? '?'} logon ${child.logonId} created by this session (SubjectLogonId ${s.logonId})` +
        (child.outboundUser ? `, network credentials ${child.outboundDomain}\\${child.outboundUser}` : ''),
    });
    if (options.follow) queue.push(child.id);
  }
  const procs = index.processesBySession.get(sid) ?? [];
  let connections = 0;
  if (options.network !== false) for (const p of procs) for (const a of p.activity) if (a.kind === 'network') connections++;
  const summarizeNetwork = connections > (options.networkBudget ?? CHAIN_NETWORK_BUDGET);
  const scripts: number[] = [];
  for (const p of procs) {
    for (const k of index.scriptsByProcess.get(p.id) ?? []) scripts.push(k);
    const rows = [p.securityRow, p.sysmonRow].filter((r): r is number => r !== null);
    const field = p.logonIdField ?? 'LogonId';
    const record = p.securityRow !== null ? '4688' : 'Sysmon 1';
    const via = field === 'SubjectLogonId' && p.securityRow !== null ? ` (TargetLogonId 0x0, so SubjectLogonId)` : '';
    const parent = p.parentId ? index.processes.get(p.parentId) : undefined;
    const parentText = parent ? `, parent ${imageName(parent.image) || '?'} PID ${parent.pid ?? '?'} (${p.parentBasis})` : ` (parent: ${p.parentBasis})`;
    out.push({
      time: p.start ?? s.start,
      kind: 'process',
      sessionId: sid,
      rows,
      processId: p.id,
      reason: `${record} ${field} ${p.logonId ?? '?'} = session${via}: ${imageName(p.image)} PID ${p.pid ?? '?'}${parentText}` +
        (p.decodedCommand !== null ? ' [encoded command decoded]' : ''),
    });
    if (p.end && p.endRows.length > 0) {
      out.push({ time: p.end, kind: 'process-exit', sessionId: sid, rows: [...p.endRows], processId: p.id, reason: `exit of ${imageName(p.image)} PID ${p.pid ?? '?'} of this session` });
    }
    if (options.network !== false && summarizeNetwork) {
      const summary = networkSummary(p, sid);
      if (summary) out.push(summary);
    } else if (options.network !== false) {
      // A process's repeated connections (beacons) share one reason string, looked up by source
      // and target: the chain's pages number reasons by value (chain-page.ts), and hashing a
      // fresh copy per step (122,000 in the busy chain, 61,000 distinct) took ~0.5 s.
      const reasons = new Map<string, Map<string, string>>();
      for (const a of p.activity) {
        if (a.kind !== 'network') continue;
        const source = a.sourceIp ?? '';
        let byTarget = reasons.get(source);
        if (byTarget === undefined) reasons.set(source, (byTarget = new Map()));
        let reason = byTarget.get(a.target);
        if (reason === undefined) byTarget.set(a.target, (reason = connectionReason(p, a)));
        out.push(networkStep(p, sid, a, reason));
      }
    }
  }
  // In the order of result.scripts, as when they were all scanned.
  scripts.sort((x, y) => x - y);
  for (const k of scripts) {
    const b = result.scripts[k]!;
    const p = index.processes.get(b.processId!) as ProcessNode;
    out.push({
      time: b.start,
      kind: 'script',
      sessionId: sid,
      rows: [...b.rows],
      processId: p.id,
      scriptId: b.id,
      reason: `4104 ExecutionProcessID ${b.pid ?? '?'} = ${imageName(p.image)} PID ${p.pid ?? '?'} of this session at ${clockOf(b.start)}` +
        (b.missingParts.length > 0 ? ` (parts missing: ${b.missingParts.join(', ')})` : ''),
    });
  }
  for (const v of result.services) {
    if (v.sessionId !== sid) continue;
    out.push({
      time: v.time,
      kind: 'service',
      sessionId: sid,
      rows: [v.securityRow, v.systemRow].filter((r): r is number => r !== null),
      serviceId: v.id,
      reason: `4697 SubjectLogonId ${v.subjectLogonId ?? '?'} = session: service ${v.name} installed, ImagePath ${v.imagePath}` +
        (v.systemRow !== null ? ' (7045 joined by name/path)' : ''),
    });
  }
  for (const k of index.lateralBySession.get(sid) ?? []) {
    const l = result.lateral[k]!;
    if (l.targetSessionId === sid) {
      out.push({ time: l.time, kind: 'lateral-in', sessionId: sid, rows: [l.targetRow], lateralId: l.id, reason: `remote logon from ${l.sourceHostKey}: ${l.basis}` });
    }
    if (l.sourceSessionId === sid) {
      out.push({
        time: l.time,
        kind: 'lateral-out',
        sessionId: sid,
        rows: l.sourceRow !== null ? [l.sourceRow, l.targetRow] : [l.targetRow],
        lateralId: l.id,
        reason: `logon on ${l.targetHostKey} from this session: ${l.basis}`,
      });
      if (options.follow && l.targetSessionId) queue.push(l.targetSessionId);
    }
  }
  if (s.end) {
    out.push({ time: s.end, kind: 'logoff', sessionId: sid, rows: [...s.logoffRows], reason: `4634/4647 TargetLogonId ${s.logonId} = session: logoff` });
  }
}
