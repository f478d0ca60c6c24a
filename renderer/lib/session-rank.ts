// "Suspicious first": the order of the sessions list until the investigator picks another.
// A pure score from what a session shows, so that findings (by severity) can weigh in once the
// findings API exists, without the list component knowing how.

import type { SessionRow } from '../../shared/api.js';
import type { Severity } from '../../shared/findings.js';
import { compareIds } from './compare-ids.js';

/** Findings of one session by severity (missing = none). */
export type FindingCounts = Partial<Readonly<Record<Severity, number>>>;

export interface SessionScore {
  readonly score: number;
  /** Why, in words, strongest first (shown on the row). */
  readonly reasons: readonly string[];
}

const FINDING_WEIGHT: Readonly<Record<Severity, number>> = {
  critical: 1000,
  high: 400,
  medium: 120,
  low: 30,
  informational: 0,
};

/**
 * Answers by address string: a case has thousands of sessions from a few addresses, and the
 * ranking of every session is on the first screen's path, in code not yet optimized (the
 * address regex alone was 5-15 ms of it for 2,500 sessions).
 */
const externalByIp = new Map<string, boolean>();
const EXTERNAL_CACHE_MAX = 100_000;

/** RFC 1918, loopback, link-local, CGNAT and IPv6 local ranges: not "from outside". */
export function isExternalIp(ip: string): boolean {
  let external = externalByIp.get(ip);
  if (external === undefined) {
    external = externalIp(ip);
    if (externalByIp.size >= EXTERNAL_CACHE_MAX) externalByIp.clear();
    externalByIp.set(ip, external);
  }
  return external;
}

function externalIp(ip: string): boolean {
  const t = ip.trim().toLowerCase();
  if (t === '' || t === '-' || t === '::1' || t === '::' || t === 'localhost') return false;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 10 || a === 127 || a === 0) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 169 && b === 254) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    return true;
  }
  if (t.includes(':')) return !(t.startsWith('fe80') || t.startsWith('fc') || t.startsWith('fd'));
  return false; // a host name, not an address
}

export function scoreSession(s: SessionRow, findings?: FindingCounts): SessionScore {
  const reasons: string[] = [];
  return { score: scoreOf(s, findings, reasons), reasons };
}

/**
 * The score alone (scoreSession's number), without building the reasons' text: the ranking of
 * every session (thousands on a large case, on the first screen's path) needs only the number,
 * and only the cards on screen show the reasons.
 */
export function sessionScore(s: SessionRow, findings?: FindingCounts): number {
  return scoreOf(s, findings, null);
}

/** One scoring for both: `reasons`, when given, receives the why in words, strongest first. */
function scoreOf(s: SessionRow, findings: FindingCounts | undefined, reasons: string[] | null): number {
  let score = 0;
  // Most sessions have no findings: no loop over the levels for them.
  if (findings !== undefined) {
    for (const level of FINDING_LEVELS) {
      const n = findings[level] ?? 0;
      if (n > 0) {
        score += FINDING_WEIGHT[level] * Math.min(n, 5);
        reasons?.push(`${n} ${level} finding${n > 1 ? 's' : ''}`);
      }
    }
  }
  if (s.sourceIp !== '' && isExternalIp(s.sourceIp)) {
    score += 100;
    reasons?.push(`from external ${s.sourceIp}`);
  }
  if ((s.logonType === 3 || s.logonType === 10) && s.processes > 0) {
    score += 60;
    reasons?.push(`type ${s.logonType} logon that ran processes`);
  }
  if (s.logonType === 9) {
    score += 50;
    reasons?.push('type 9 (runas /netonly)');
  }
  if (s.services > 0) {
    score += 80;
    reasons?.push(`${s.services} service install${s.services > 1 ? 's' : ''}`);
  }
  if (s.scripts > 0) {
    score += 20 + Math.min(s.scripts, 10) * 2;
    reasons?.push(`${s.scripts} script block${s.scripts > 1 ? 's' : ''}`);
  }
  if (s.admin && score > 0) score += 10;
  return score;
}

const FINDING_LEVELS = ['critical', 'high', 'medium', 'low'] as const;

export type SessionSort = 'suspicious' | 'start' | 'host' | 'user' | 'processes';

export interface SessionQuery {
  readonly sort: SessionSort;
  /** Case-insensitive substring over host, user, domain, source IP, workstation, LogonId, type. */
  readonly search: string;
  /** Logon types to keep (empty: all). */
  readonly logonTypes: readonly number[];
  readonly adminOnly: boolean;
}

export interface RankedSession {
  readonly session: SessionRow;
  /** sessionScore's number (the reasons: scoreSession, for the sessions shown). */
  readonly score: number;
}

function matches(s: SessionRow, needle: string): boolean {
  if (needle === '') return true;
  const hay = [s.host, s.user, s.domain, s.sourceIp, s.workstation, s.logonId, s.logonTypeName, s.id, String(s.logonType ?? '')]
    .join('\u0001')
    .toLowerCase();
  return hay.includes(needle);
}

/** Filters and orders the sessions; ties fall back to start time, then id, so the order is stable. */
export function rankSessions(
  sessions: readonly SessionRow[],
  query: SessionQuery,
  findingsBySession: ReadonlyMap<string, FindingCounts> = new Map(),
): RankedSession[] {
  const needle = query.search.trim().toLowerCase();
  const out: RankedSession[] = [];
  for (const s of sessions) {
    if (!matches(s, needle)) continue;
    if (query.logonTypes.length > 0 && (s.logonType === null || !query.logonTypes.includes(s.logonType))) continue;
    if (query.adminOnly && !s.admin) continue;
    out.push({ session: s, score: sessionScore(s, findingsBySession.get(s.id)) });
  }
  const byStart = (a: RankedSession, b: RankedSession) =>
    a.session.start < b.session.start ? -1 : a.session.start > b.session.start ? 1 : compareIds(a.session.id, b.session.id);
  const cmp: Record<SessionSort, (a: RankedSession, b: RankedSession) => number> = {
    suspicious: (a, b) => b.score - a.score || byStart(a, b),
    start: byStart,
    host: (a, b) => a.session.host.localeCompare(b.session.host) || byStart(a, b),
    user: (a, b) => a.session.user.localeCompare(b.session.user) || byStart(a, b),
    processes: (a, b) => b.session.processes - a.session.processes || byStart(a, b),
  };
  return out.sort(cmp[query.sort]);
}
