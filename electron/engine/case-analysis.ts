// Correlation over a whole case: read the relevant events from the store page by page, keep
// only the compact correlation inputs, correlate, and keep the result with the case.

import type { ChainStep, ProcessRow, SessionRow } from '../../shared/api.js';
import { logonTypeName } from '../../shared/normalize.js';
import {
  buildAnalysisDocument,
  buildChainIndex,
  correlate,
  isoOf,
  sessionChain,
  toCorrelationInput,
  type AnalysisDocument,
  type ChainIndex,
  type CorrelationInput,
  type CorrelationResult,
} from './correlate/index.js';
import type { CaseStore } from './store/case-store.js';

/**
 * Event ids correlation reads (toCorrelationInput decides per event; these only narrow the
 * query): logons and logoffs, privileges, explicit credentials, process start/exit, script
 * blocks, services, Sysmon 1/3/5/7/11/22, boot markers.
 */
export const CORRELATION_EVENT_IDS: readonly number[] = [
  4624, 4634, 4647, 4648, 4672, 4688, 4689, 4697, 4104, 7045, 4608, 4609, 6005, 6006, 6008, 1, 3, 5, 7, 11, 22,
];

export class CaseAnalysis {
  private readonly index: ChainIndex;
  private readonly processRows = new Map<string, ProcessRow[]>();
  readonly sessions: readonly SessionRow[];

  private constructor(
    readonly result: CorrelationResult,
    readonly document: AnalysisDocument,
    readonly computedAt: string,
  ) {
    this.index = buildChainIndex(result);
    for (const p of document.processes) {
      if (!p.sessionId) continue;
      const list = this.processRows.get(p.sessionId) ?? [];
      list.push(p);
      this.processRows.set(p.sessionId, list);
    }
    const scripts = new Map<string, number>();
    for (const s of result.scripts) {
      const process = s.processId ? this.index.processes.get(s.processId) : undefined;
      const sessionId = process?.sessionId;
      if (sessionId) scripts.set(sessionId, (scripts.get(sessionId) ?? 0) + 1);
    }
    const services = new Map<string, number>();
    for (const s of document.services) if (s.sessionId) services.set(s.sessionId, (services.get(s.sessionId) ?? 0) + 1);
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
      processes: this.processRows.get(s.id)?.length ?? 0,
      scripts: scripts.get(s.id) ?? 0,
      services: services.get(s.id) ?? 0,
    }));
  }

  /** Correlates every relevant event of the case and keeps the document in the case. */
  static async compute(store: CaseStore, options: { onPhase?: (phase: string, ms: number) => void } = {}): Promise<CaseAnalysis> {
    let phaseStart = performance.now();
    const phase = (name: string): void => {
      const now = performance.now();
      options.onPhase?.(name, now - phaseStart);
      phaseStart = now;
    };
    const inputs: CorrelationInput[] = [];
    let events = 0;
    for await (const page of store.eventsForCorrelation(CORRELATION_EVENT_IDS, 50_000)) {
      for (const { rowId, event } of page) {
        events++;
        const input = toCorrelationInput(event, rowId);
        if (input) inputs.push(input);
      }
    }
    phase('read');
    const result = correlate(inputs);
    phase('correlate');
    const document = buildAnalysisDocument(result);
    const analysis = new CaseAnalysis(result, document, new Date().toISOString());
    phase('document');
    // The case keeps the sessions and the counts; trees and chains are recomputed from the
    // events when a reopened case first needs them (serializing the whole document cost more
    // than correlating: 3.4 s for 133k events).
    await store.saveAnalysis(
      'correlation',
      {
        sessions: analysis.sessions,
        counts: {
          hosts: document.hosts.length,
          processes: document.processes.length,
          scripts: document.scripts.length,
          services: document.services.length,
          lateral: document.lateral.length,
        },
      },
      events,
    );
    phase('save');
    return analysis;
  }

  chain(sessionId: string): ChainStep[] {
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

  processes(sessionId: string): ProcessRow[] {
    if (!this.index.sessions.has(sessionId)) throw new Error(`no session ${sessionId} in this case`);
    return this.processRows.get(sessionId) ?? [];
  }
}
