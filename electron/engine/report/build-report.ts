// Gathers the report's content from the case: the store (evidence, coverage, event rows and
// details), the correlation (sessions, chains, trees, scripts, services, network) and what
// detection and the views add when present (findings, bookmarks, notes). Evidence files are
// hashed again here, streaming, so the report says whether they still are what was imported.

import { stat } from 'node:fs/promises';
import type { EventDetail, EvidenceFileInfo, ProcessRow, SessionRow } from '../../../shared/api.js';
import { SEVERITIES, severityRank, type Finding } from '../../../shared/findings.js';
import { APP_VERSION } from '../app-paths.js';
import type { CaseAnalysis } from '../case-analysis.js';
import { isoOf } from '../correlate/index.js';
import { sha256File } from '../ingest/collect.js';
import { readerFor } from '../readers/registry.js';
import type { CaseStore } from '../store/case-store.js';
import { NO_TACTIC, TACTIC_ORDER, tacticsOf } from './attack.js';
import type {
  EvidenceVerification,
  ReportBookmark,
  ReportEvidence,
  ReportFindings,
  ReportHostCoverage,
  ReportModel,
  ReportNote,
  ReportSession,
  ReportTarget,
} from './report-model.js';

/** Bounds that keep a report readable (and its build fast) whatever the session's size. */
export const REPORT_LIMITS = {
  chainSteps: 2000,
  processes: 2000,
  network: 500,
  appendixEvents: 500,
  rawChars: 20_000,
} as const;

export interface ReportInputs {
  readonly store: CaseStore;
  readonly analysis: CaseAnalysis;
  /** The sessions the investigator selected, in the order to report them. */
  readonly sessionIds: readonly string[];
  readonly analyst?: string;
  readonly findings?: readonly Finding[];
  readonly bookmarks?: readonly ReportBookmark[];
  readonly notes?: readonly ReportNote[];
  /** Re-hash the evidence (default true). */
  readonly verifyEvidence?: boolean;
  readonly now?: Date;
  readonly onProgress?: (message: string) => void;
}

/** Hashes an evidence file again and compares it with the hash taken at import. */
export async function verifyEvidenceFile(file: EvidenceFileInfo): Promise<EvidenceVerification> {
  if (!/^[0-9a-f]{64}$/i.test(file.sha256)) return { kind: 'not-recorded' };
  try {
    await stat(file.path);
  } catch (error) {
    return { kind: 'missing', reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    const now = await sha256File(file.path);
    return now.toLowerCase() === file.sha256.toLowerCase() ? { kind: 'match', sha256: now } : { kind: 'mismatch', sha256: now };
  } catch (error) {
    return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The warnings a host's evidence calls for: what it cannot tell. */
function coverageWarnings(h: {
  processCreation4688: number;
  processCreationWithoutCommandLine: number;
  sysmon: number;
  scriptBlocks4104: number;
  logClears: number;
}): string[] {
  const out: string[] = [];
  if (h.processCreation4688 > 0 && h.processCreationWithoutCommandLine > 0) {
    out.push(
      `${h.processCreationWithoutCommandLine} of ${h.processCreation4688} process creations (4688) have no CommandLine: command-line auditing is off. ` +
        'Turn on "Include command line in process creation events" (Computer Configuration › Administrative Templates › System › Audit Process Creation), ' +
        'or set HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\Audit\\ProcessCreationIncludeCmdLine_Enabled = 1.',
    );
  }
  if (h.processCreation4688 === 0 && h.sysmon === 0) out.push('No process creation events (4688 or Sysmon 1): process trees cannot be built for this host.');
  if (h.sysmon === 0) out.push('No Sysmon events: no process GUIDs, hashes or network connections.');
  if (h.scriptBlocks4104 === 0) out.push('No PowerShell script block logging (4104).');
  if (h.logClears > 0) out.push(`The audit log was cleared ${h.logClears} time(s) (1102/104): evidence before that is missing.`);
  return out;
}

export function summarizeFindings(findings: readonly Finding[]): ReportFindings {
  const active = findings.filter((f) => f.suppressed === null);
  const bySeverity = [...SEVERITIES]
    .reverse()
    .map((level) => ({ level, count: active.filter((f) => f.level === level).length }));
  const tactics = new Map<string, Finding[]>();
  for (const f of active) {
    const names = tacticsOf(f.tags);
    for (const name of names.length ? names : [NO_TACTIC]) {
      const list = tactics.get(name) ?? [];
      list.push(f);
      tactics.set(name, list);
    }
  }
  const order = (name: string): number => {
    const i = TACTIC_ORDER.indexOf(name);
    return i < 0 ? TACTIC_ORDER.length : i;
  };
  const byTactic = [...tactics.entries()]
    .sort((a, b) => order(a[0]) - order(b[0]))
    .map(([tactic, list]) => ({
      tactic,
      findings: [...list].sort((a, b) => severityRank(b.level) - severityRank(a.level) || a.time.localeCompare(b.time)),
    }));
  const reasons = new Map<string, number>();
  for (const f of findings) {
    if (!f.suppressed) continue;
    const key = `${f.suppressed.kind}: ${f.suppressed.reason}`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  return {
    total: findings.length,
    active: active.length,
    bySeverity,
    byTactic,
    suppressed: findings.length - active.length,
    suppressedReasons: [...reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([reason, count]) => ({ reason, count })),
  };
}

/** An event's full detail from the store, with its raw record read again from the evidence. */
export async function eventDetailFromStore(store: CaseStore, id: number, rawChars: number = REPORT_LIMITS.rawChars): Promise<EventDetail | null> {
  const stored = await store.getEvent(id);
  if (!stored) return null;
  const system: Record<string, string> = {};
  for (const [k, v] of Object.entries(stored.system)) system[k] = String(v);
  system['timeSource'] = stored.timeSource;
  if (stored.suspect) system['suspect'] = stored.suspect;
  let raw = '';
  let rawTruncated = false;
  let rawError: string | null = null;
  try {
    const text = await readerFor(stored.source.format).readRaw(stored.source, rawChars);
    raw = text.text;
    rawTruncated = text.truncated;
  } catch (error) {
    rawError = `the raw record could not be read again from ${stored.source.file}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { row: stored.row, timeSource: stored.timeSource, system, data: stored.data, source: stored.source, evidenceSha256: stored.evidenceSha256, raw, rawTruncated, rawError };
}

function targetsSession(target: ReportTarget | null, sessionIds: ReadonlySet<string>, processIds: ReadonlySet<string>, eventIds: ReadonlySet<number>): boolean {
  if (!target) return false;
  switch (target.kind) {
    case 'session':
      return sessionIds.has(target.sessionId);
    case 'process':
      return processIds.has(target.processId);
    case 'event':
      return eventIds.has(target.eventId);
    default: {
      const never: never = target;
      return never;
    }
  }
}

/**
 * Sessions worth reporting when the investigator selected none: those with findings (most
 * severe first), then those whose chain holds services, scripts or decoded commands.
 */
export function defaultSessionSelection(analysis: CaseAnalysis, findings: readonly Finding[], max = 5): string[] {
  const score = new Map<string, number>();
  for (const f of findings) {
    if (!f.sessionId || f.suppressed) continue;
    score.set(f.sessionId, Math.max(score.get(f.sessionId) ?? 0, 1000 + severityRank(f.level) * 100));
  }
  const decoded = new Set(analysis.document.processes.filter((p) => p.decodedCommand && p.sessionId).map((p) => p.sessionId as string));
  for (const s of analysis.sessions) {
    if (score.has(s.id)) continue;
    const value = s.services * 10 + (decoded.has(s.id) ? 20 : 0) + s.scripts * 2 + (s.admin && s.logonType === 3 ? 5 : 0);
    if (value > 0) score.set(s.id, value);
  }
  // A session created by another selected one is told in that one's chain.
  const byId = new Map(analysis.sessions.map((s) => [s.id, s]));
  const picked = [...score.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
  const out: string[] = [];
  for (const id of picked) {
    const createdBy = byId.get(id)?.createdBySessionId;
    if (createdBy && (picked.includes(createdBy) || out.includes(createdBy))) continue;
    out.push(id);
    if (out.length >= max) break;
  }
  return out;
}

async function buildSession(
  inputs: ReportInputs,
  session: SessionRow,
  findings: readonly Finding[],
  bookmarks: readonly ReportBookmark[],
  notes: readonly ReportNote[],
): Promise<{ report: ReportSession; usedBookmarks: Set<ReportBookmark>; usedNotes: Set<ReportNote> }> {
  const { store, analysis } = inputs;
  const chainAll = analysis.chain(session.id);
  const chain = chainAll.slice(0, REPORT_LIMITS.chainSteps);
  const chainSessionIds = new Set<string>([session.id, ...chainAll.map((s) => s.sessionId)]);
  const rows = await store.eventRowsByIds([...new Set(chain.flatMap((s) => s.eventIds))]);
  const rowById = new Map(rows.map((r) => [r.id, r]));

  const processesAll: ProcessRow[] = [];
  for (const id of chainSessionIds) {
    try {
      processesAll.push(...analysis.processes(id));
    } catch {
      // A session id the chain names but the index does not know: nothing to add.
    }
  }
  processesAll.sort((a, b) => (a.start ?? '').localeCompare(b.start ?? '') || a.id.localeCompare(b.id));
  const processes = processesAll.slice(0, REPORT_LIMITS.processes);
  const processIds = new Set(processesAll.map((p) => p.id));

  const result = analysis.result;
  const scripts = result.scripts
    .filter((b) => b.processId !== null && processIds.has(b.processId))
    .map((b) => ({
      scriptBlockId: b.scriptBlockId,
      processId: b.processId,
      path: b.path,
      parts: b.partsPresent.length,
      missingParts: [...b.missingParts],
      text: b.text,
      decoded: b.decoded,
      time: isoOf(b.start),
    }));
  const services = result.services
    .filter((v) => (v.sessionId !== null && chainSessionIds.has(v.sessionId)) || (v.processId !== null && processIds.has(v.processId)))
    .map((v) => ({
      name: v.name,
      imagePath: v.imagePath,
      decodedImagePath: v.decodedImagePath,
      accountName: v.accountName,
      time: isoOf(v.time),
      processId: v.processId,
    }));
  const networkAll = result.processes
    .filter((p) => processIds.has(p.id))
    .flatMap((p) =>
      p.activity
        .filter((a) => a.kind === 'network')
        .map((a) => ({
          time: isoOf(a),
          processId: p.id,
          image: p.image,
          target: a.target,
          sourceIp: a.sourceIp ?? '',
          initiated: a.initiated ?? null,
        })),
    )
    .sort((a, b) => a.time.localeCompare(b.time));
  const hostName = new Map(result.hosts.map((h) => [h.key, h.name]));
  const lateral = result.lateral
    .filter((l) => (l.targetSessionId && chainSessionIds.has(l.targetSessionId)) || (l.sourceSessionId && chainSessionIds.has(l.sourceSessionId)))
    .map((l) => ({
      time: isoOf(l.time),
      direction: l.targetSessionId && chainSessionIds.has(l.targetSessionId) ? ('in' as const) : ('out' as const),
      sourceHost: hostName.get(l.sourceHostKey) ?? l.sourceHostKey,
      targetHost: hostName.get(l.targetHostKey) ?? l.targetHostKey,
      basis: l.basis,
    }));

  const eventIds = new Set(chainAll.flatMap((s) => s.eventIds));
  const sessionFindings = findings.filter(
    (f) => (f.sessionId !== null && chainSessionIds.has(f.sessionId)) || (f.processId !== null && processIds.has(f.processId)),
  );
  const usedBookmarks = new Set(bookmarks.filter((b) => targetsSession(b.target, chainSessionIds, processIds, eventIds)));
  const usedNotes = new Set(notes.filter((n) => targetsSession(n.target, chainSessionIds, processIds, eventIds)));
  return {
    report: {
      session,
      chain: chain.map((step) => ({ step, events: step.eventIds.map((id) => rowById.get(id)).filter((r) => r !== undefined) })),
      chainOmitted: chainAll.length - chain.length,
      processes,
      processesOmitted: processesAll.length - processes.length,
      scripts,
      services,
      network: networkAll.slice(0, REPORT_LIMITS.network),
      networkOmitted: Math.max(0, networkAll.length - REPORT_LIMITS.network),
      lateral,
      findings: sessionFindings,
      bookmarks: [...usedBookmarks],
      notes: [...usedNotes],
    },
    usedBookmarks,
    usedNotes,
  };
}

export async function buildReportModel(inputs: ReportInputs): Promise<ReportModel> {
  const { store, analysis } = inputs;
  const progress = inputs.onProgress ?? (() => undefined);
  const findings = inputs.findings ?? [];
  const bookmarks = inputs.bookmarks ?? [];
  const notes = inputs.notes ?? [];
  const problems: string[] = [];

  const overview = await store.overview();
  // Re-hashing the evidence (hundreds of MB) is the longest part; it runs while the rest is
  // gathered (DuckDB works on its own threads), one file at a time to keep the disk sequential.
  const verifying = (async (): Promise<ReportEvidence[]> => {
    const out: ReportEvidence[] = [];
    for (const file of overview.evidence) {
      if (inputs.verifyEvidence === false) {
        out.push({ file, verification: { kind: 'unreadable', reason: 'not verified (verification turned off)' } });
        continue;
      }
      progress(`verifying ${file.path}`);
      out.push({ file, verification: await verifyEvidenceFile(file) });
    }
    return out;
  })();
  // Never an unhandled rejection while the rest is gathered (verifyEvidenceFile does not throw).
  verifying.catch(() => undefined);

  progress('coverage');
  const coverage = await store.coverageByHost();
  const hosts: ReportHostCoverage[] = coverage.hosts.map((h) => ({
    host: h.host,
    channels: coverage.channels.filter((c) => c.host === h.host).map(({ channel, count, first, last }) => ({ channel, count, first, last })),
    warnings: coverageWarnings(h),
  }));

  const sessionById = new Map(analysis.sessions.map((s) => [s.id, s]));
  const sessions: ReportSession[] = [];
  const usedBookmarks = new Set<ReportBookmark>();
  const usedNotes = new Set<ReportNote>();
  for (const id of inputs.sessionIds) {
    const session = sessionById.get(id);
    if (!session) {
      problems.push(`Session ${id} is not in this case's correlation; it was left out.`);
      continue;
    }
    progress(`session ${session.host} ${session.logonId}`);
    const built = await buildSession(inputs, session, findings, bookmarks, notes);
    sessions.push(built.report);
    for (const b of built.usedBookmarks) usedBookmarks.add(b);
    for (const n of built.usedNotes) usedNotes.add(n);
  }

  progress('appendix');
  const appendixIds = [
    ...new Set(bookmarks.flatMap((b) => (b.target.kind === 'event' ? [b.target.eventId] : []))),
  ].sort((a, b) => a - b);
  if (appendixIds.length > REPORT_LIMITS.appendixEvents) {
    problems.push(`${appendixIds.length} events are bookmarked; the appendix holds the first ${REPORT_LIMITS.appendixEvents}.`);
  }
  const appendix: EventDetail[] = [];
  for (const id of appendixIds.slice(0, REPORT_LIMITS.appendixEvents)) {
    const detail = await eventDetailFromStore(store, id);
    if (detail) appendix.push(detail);
    else problems.push(`Bookmarked event ${id} is not in the case.`);
  }

  const evidence = await verifying;
  return {
    caseName: overview.case?.name ?? store.info.name,
    caseDir: store.dir,
    analyst: inputs.analyst ?? '',
    generatedAt: (inputs.now ?? new Date()).toISOString(),
    chainlineVersion: APP_VERSION,
    timeZone: 'UTC',
    totalEvents: overview.totalEvents,
    firstTime: overview.firstTime,
    lastTime: overview.lastTime,
    evidence,
    coverage: hosts,
    findings: summarizeFindings(findings),
    detectionRan: inputs.findings !== undefined,
    sessions,
    caseNotes: notes.filter((n) => !usedNotes.has(n)),
    caseBookmarks: bookmarks.filter((b) => !usedBookmarks.has(b)),
    appendix,
    problems,
  };
}
