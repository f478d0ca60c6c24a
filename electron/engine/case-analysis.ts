// Correlation over a whole case: read the relevant events from the store page by page, keep
// only the compact correlation inputs, correlate, and keep the result with the case. A case
// reopened later loads the kept result instead of correlating again (on a 1M-event case that
// was ~30 s and 1.5 GB), as long as its events have not changed since.

import { sessionsLedTo } from '../../shared/chain-sessions.js';
import type { ChainStep, ProcessRow, ProcessSearchResult, SessionList, SessionRow } from '../../shared/api.js';
import { ProcessFinder } from './correlate/find-processes.js';
import { logonTypeName } from '../../shared/normalize.js';
import {
  buildAnalysisDocument,
  buildChainIndex,
  correlate,
  hostKeyOf,
  isoOf,
  sessionChain,
  toCorrelationInput,
  type AnalysisDocument,
  type ChainIndex,
  type CorrelationInput,
  type CorrelationResult,
  type ProcessNode,
} from './correlate/index.js';
import { CORRELATION_CODEC_VERSION, decodeLists, decodeResult, encodeLists, encodeResult, toAsciiJson } from './correlate/result-codec.js';
import type { CaseStore, EventStamp } from './store/case-store.js';

/**
 * Event ids correlation reads (toCorrelationInput decides per event; these only narrow the
 * query): logons and logoffs, privileges, explicit credentials, process start/exit, script
 * blocks, services, Sysmon 1/3/5/7/11/22, boot markers.
 */
export const CORRELATION_EVENT_IDS: readonly number[] = [
  4624, 4634, 4647, 4648, 4672, 4688, 4689, 4697, 4104, 7045, 4608, 4609, 6005, 6006, 6008, 1, 3, 5, 7, 11, 22,
];

/** The `analysis` row with the session list and counts (read alone to list sessions fast). */
export const CORRELATION_ANALYSIS = 'correlation';
/**
 * The file in the case folder with the whole CorrelationResult: a line of JSON with its stamp,
 * then the result in result-codec's columns, all ASCII. A file, not a DuckDB value: reading a
 * 100 MB value back through DuckDB cost 2.5–3.5 s of CPU, the file ~0.1 s.
 */
export const CORRELATION_RESULT_FILE = 'correlation-result.json';

/**
 * What a kept result was computed over. Events are only ever appended (row ids count up and
 * no event is deleted or changed), so the number of events and the highest row id together
 * say whether the case's events are still exactly those; `version` says whether this build
 * would correlate them the same way and can read what is stored.
 */
interface Stamp {
  readonly version: number;
  readonly events: number;
  readonly maxRowId: number;
}

function stampOf(stamp: EventStamp): Stamp {
  return { version: CORRELATION_CODEC_VERSION, events: stamp.events, maxRowId: stamp.maxRowId };
}

const EVENTS_CHANGED = "the case's events changed since";

/** Why a kept value is not current, or null when it is. */
function staleness(value: unknown, current: EventStamp): string | null {
  if (typeof value !== 'object' || value === null) return 'not a stored analysis';
  const stamp = (value as { stamp?: Partial<Stamp> }).stamp;
  if (!stamp) return 'stored by an older build (no stamp)';
  if (stamp.version !== CORRELATION_CODEC_VERSION) return `stored by another version (${String(stamp.version)}, now ${CORRELATION_CODEC_VERSION})`;
  if (stamp.events !== current.events || stamp.maxRowId !== current.maxRowId) {
    return `${EVENTS_CHANGED} (${String(stamp.events)} events up to row ${String(stamp.maxRowId)}, now ${current.events} up to ${current.maxRowId})`;
  }
  return null;
}

export interface AnalysisLog {
  (line: string): void;
}

const defaultLog: AnalysisLog = (line) => process.stderr.write(`chainline: ${line}\n`);

/** How many sessions' chains CaseAnalysis keeps (the one open, and the one before). */
const KEPT_CHAINS = 2;

export class CaseAnalysis {
  private readonly index: ChainIndex;
  /** Built on first use: a reopened case lists sessions and chains without it. */
  private documentCache: AnalysisDocument | null = null;
  /** Process rows per session, built per session on first use (or all with the document). */
  private readonly processRows = new Map<string, ProcessRow[]>();
  /** The chains built last (chain()), oldest first. */
  private readonly chains = new Map<string, ChainStep[]>();
  /** The process rows of the sessions those chains lead to (chainProcesses()), oldest first. */
  private readonly chainRows = new Map<string, ProcessRow[]>();
  /** Process rows per host key, built per host on first use. */
  private readonly hostRows = new Map<string, ProcessRow[]>();
  /** The index of processes by name, built on the first search. */
  private finder: ProcessFinder | null = null;
  readonly sessions: readonly SessionRow[];

  private constructor(
    readonly result: CorrelationResult,
    readonly computedAt: string,
  ) {
    this.index = buildChainIndex(result);
    const processes = new Map<string, number>();
    for (const p of result.processes) if (p.sessionId) processes.set(p.sessionId, (processes.get(p.sessionId) ?? 0) + 1);
    const scripts = new Map<string, number>();
    for (const s of result.scripts) {
      const process = s.processId ? this.index.processes.get(s.processId) : undefined;
      const sessionId = process?.sessionId;
      if (sessionId) scripts.set(sessionId, (scripts.get(sessionId) ?? 0) + 1);
    }
    const services = new Map<string, number>();
    for (const s of result.services) if (s.sessionId) services.set(s.sessionId, (services.get(s.sessionId) ?? 0) + 1);
    this.sessions = result.sessions.map((s) => ({
      id: s.id,
      host: s.host,
      logonId: s.logonId,
      logonType: s.logonType,
      logonTypeName: logonTypeName(s.logonType),
      user: s.user,
      domain: s.domain,
      sourceIp: s.sourceIp,
      workstation: s.workstationName,
      start: isoOf(s.start),
      end: s.end ? isoOf(s.end) : null,
      admin: s.admin,
      createdBySessionId: s.createdBySessionId,
      linkedSessionId: s.linkedSessionId,
      processes: processes.get(s.id) ?? 0,
      scripts: scripts.get(s.id) ?? 0,
      services: services.get(s.id) ?? 0,
    }));
  }

  /** Correlates every relevant event of the case and keeps the result in the case. */
  static async compute(
    store: CaseStore,
    options: { onPhase?: (phase: string, ms: number) => void; log?: AnalysisLog } = {},
  ): Promise<CaseAnalysis> {
    let phaseStart = performance.now();
    const phase = (name: string): void => {
      const now = performance.now();
      options.onPhase?.(name, now - phaseStart);
      phaseStart = now;
    };
    // Taken before reading: events appended while reading (an import running) can only make
    // the result cover more than the stamp says, which reads as stale later, never as current.
    const stamp = stampOf(await store.eventStamp());
    const inputs: CorrelationInput[] = [];
    for await (const page of store.eventsForCorrelation(CORRELATION_EVENT_IDS, 50_000)) {
      for (const { rowId, event } of page) {
        const input = toCorrelationInput(event, rowId);
        if (input) inputs.push(input);
      }
    }
    phase('read');
    const result = correlate(inputs);
    inputs.length = 0;
    phase('correlate');
    const analysis = new CaseAnalysis(result, new Date().toISOString());
    phase('document');
    await analysis.save(store, stamp, options.log ?? defaultLog);
    phase('save');
    return analysis;
  }

  /**
   * Keeps the result in the case: the session list (read alone when the case is reopened, to
   * list sessions at once) and the whole result. A result the codec cannot keep is not stored
   * (the case is correlated again next time), and says why.
   */
  private async save(store: CaseStore, stamp: Stamp, log: AnalysisLog): Promise<void> {
    // Keeping the result only saves time later: failing to keep it never fails the analysis.
    try {
      await store.deleteCaseFile(CORRELATION_RESULT_FILE);
      await store.saveAnalysis(
        CORRELATION_ANALYSIS,
        {
          stamp,
          computedAt: this.computedAt,
          counts: {
            hosts: this.result.hosts.length,
            processes: this.result.processes.length,
            scripts: this.result.scripts.length,
            services: this.result.services.length,
            lateral: this.result.lateral.length,
          },
          sessions: encodeLists({ sessions: this.sessions }),
        },
        stamp.events,
      );
      const header = toAsciiJson({ stamp, computedAt: this.computedAt });
      await store.writeCaseFile(CORRELATION_RESULT_FILE, `${header}\n${toAsciiJson(encodeResult(this.result))}`);
    } catch (error) {
      log(`the correlation was not kept in the case (it will be computed again when reopened): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The result kept in the case when it is current; null (and why, through `log`) when it is
   * missing, stale, of another version or unreadable — never an error: the caller correlates.
   */
  static async load(store: CaseStore, options: { log?: AnalysisLog } = {}): Promise<CaseAnalysis | null> {
    const log = options.log ?? defaultLog;
    try {
      const current = await store.eventStamp();
      const text = await store.readCaseFile(CORRELATION_RESULT_FILE);
      if (text === null) return null;
      const newline = text.indexOf('\n');
      if (newline < 0) throw new Error('no header line');
      // The stamp first: a stale result is not parsed at all.
      const header = JSON.parse(text.slice(0, newline)) as { computedAt?: unknown };
      const stale = staleness(header, current);
      if (stale) {
        // New evidence since is the ordinary case and goes unsaid; anything else is told.
        if (!stale.startsWith(EVENTS_CHANGED)) log(`correlating again: ${stale}`);
        return null;
      }
      const result = decodeResult(JSON.parse(text.slice(newline + 1)) as unknown);
      return new CaseAnalysis(result, typeof header.computedAt === 'string' ? header.computedAt : new Date().toISOString());
    } catch (error) {
      log(`correlating again: the kept correlation result could not be read (${error instanceof Error ? error.message : String(error)})`);
      return null;
    }
  }

  /** The kept result when current, else a new correlation (kept for next time). */
  static async loadOrCompute(store: CaseStore, options: { log?: AnalysisLog } = {}): Promise<CaseAnalysis> {
    return (await CaseAnalysis.load(store, options)) ?? (await CaseAnalysis.compute(store, options));
  }

  /**
   * The session list kept in the case when it is current, without loading the whole result:
   * what a reopened case shows first. Null when there is none (or it cannot be read).
   */
  static async storedSessions(store: CaseStore, options: { log?: AnalysisLog } = {}): Promise<SessionList | null> {
    try {
      const current = await store.eventStamp();
      const stored = await store.loadAnalysis(CORRELATION_ANALYSIS);
      if (!stored || staleness(stored.value, current) !== null) return null;
      const value = stored.value as { computedAt?: unknown; sessions?: unknown };
      const { sessions } = decodeLists(value.sessions, ['sessions']);
      return {
        computedAt: typeof value.computedAt === 'string' ? value.computedAt : stored.computedAt,
        sessions: sessions as SessionRow[],
      };
    } catch (error) {
      (options.log ?? defaultLog)(`the kept session list could not be read (${error instanceof Error ? error.message : String(error)})`);
      return null;
    }
  }

  /**
   * A session's chain, kept for the last few sessions asked for: a busy session's takes seconds
   * to build (150,000 steps), and the views read it in pages (getSessionChainPage).
   */
  chain(sessionId: string): ChainStep[] {
    const kept = this.chains.get(sessionId);
    if (kept) return kept;
    const steps = this.buildChain(sessionId);
    if (this.chains.size >= KEPT_CHAINS) this.chains.delete(this.chains.keys().next().value as string);
    this.chains.set(sessionId, steps);
    return steps;
  }

  private buildChain(sessionId: string): ChainStep[] {
    if (!this.index.sessions.has(sessionId)) throw new Error(`no session ${sessionId} in this case`);
    return sessionChain(this.result, sessionId, { follow: true }, this.index).map((e) => ({
      time: isoOf(e.time),
      kind: e.kind,
      sessionId: e.sessionId,
      eventIds: e.rows,
      reason: e.reason,
      processId: e.processId ?? null,
    }));
  }

  /** The `analyze --json` document of the whole case (built on first use). */
  get document(): AnalysisDocument {
    if (!this.documentCache) {
      this.documentCache = buildAnalysisDocument(this.result);
      this.processRows.clear();
      for (const p of this.documentCache.processes) {
        if (!p.sessionId) continue;
        const list = this.processRows.get(p.sessionId) ?? [];
        list.push(p);
        this.processRows.set(p.sessionId, list);
      }
    }
    return this.documentCache;
  }

  processes(sessionId: string): ProcessRow[] {
    if (!this.index.sessions.has(sessionId)) throw new Error(`no session ${sessionId} in this case`);
    let rows = this.processRows.get(sessionId);
    if (!rows) {
      rows = processRowsOf(this.index.processesBySession.get(sessionId) ?? []);
      this.processRows.set(sessionId, rows);
    }
    return rows;
  }

  /**
   * Every process of one host, whatever its session (system processes and services included),
   * for the host's process tree. The host is matched as correlation matches hosts: by its
   * short name, case-insensitive (`WS01.corp.local` and `ws01` are one host).
   */
  hostProcesses(host: string): ProcessRow[] {
    const key = hostKeyOf(host);
    if (!this.result.hosts.some((h) => h.key === key)) throw new Error(`no host ${host} in this case`);
    let rows = this.hostRows.get(key);
    if (!rows) {
      rows = processRowsOf(this.result.processes.filter((p) => p.hostKey === key));
      this.hostRows.set(key, rows);
    }
    return rows;
  }

  /**
   * The processes of the other sessions a session's chain leads to, each once: in the order the
   * chain first meets each session, then each session's order (processes()). The tree of a busy
   * session adds them; one list, not a request per session (hundreds for a busy chain).
   */
  chainProcesses(sessionId: string): ProcessRow[] {
    const kept = this.chainRows.get(sessionId);
    if (kept) return kept;
    const own = this.processes(sessionId);
    const seen = new Set<string>(own.map((p) => p.id));
    const rows: ProcessRow[] = [];
    for (const id of sessionsLedTo(this.chain(sessionId), sessionId)) {
      for (const p of this.processes(id)) {
        if (seen.has(p.id)) continue;
        seen.add(p.id);
        rows.push(p);
      }
    }
    if (this.chainRows.size >= KEPT_CHAINS) this.chainRows.delete(this.chainRows.keys().next().value as string);
    this.chainRows.set(sessionId, rows);
    return rows;
  }

  /** Processes found by name across the case, best first (the command palette). */
  findProcesses(text: string, limit: number): ProcessSearchResult {
    this.finder ??= new ProcessFinder(this.result.processes);
    const { total, nodes } = this.finder.find(text, limit);
    return { total, rows: processRowsOf(nodes) };
  }
}

/**
 * The document's rows of some processes alone: buildAnalysisDocument maps each process on its
 * own, so the rows are the same as in the whole case's document.
 */
function processRowsOf(nodes: readonly ProcessNode[]): ProcessRow[] {
  return buildAnalysisDocument({ hosts: [], sessions: [], processes: nodes, scripts: [], services: [], lateral: [] }).processes.slice();
}
