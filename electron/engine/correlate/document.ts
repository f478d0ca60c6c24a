// The `analyze --json` document: the correlation result in a fixed, plain shape. Times are
// ISO 8601 UTC with seven digits; evidence text is kept verbatim (JSON.stringify escapes it).

import type { ProcessRow } from '../../../shared/api.js';
import type { CorrelationResult } from './model.js';
import { isoOf } from './time.js';

export interface AnalysisHost {
  readonly host: string;
  readonly key: string;
  readonly names: readonly string[];
  readonly ips: readonly string[];
}
export interface AnalysisSession {
  readonly id: string;
  readonly host: string;
  readonly logonId: string;
  readonly logonType: number | null;
  readonly user: string;
  readonly domain: string;
  readonly sourceIp: string;
  readonly start: string;
  readonly end: string | null;
  readonly admin: boolean;
  readonly linkedSessionId: string | null;
}
/** A process of the document: the same shape the API serves (shared/api.ts ProcessRow). */
export type AnalysisProcess = ProcessRow;
export interface AnalysisScript {
  readonly scriptBlockId: string;
  readonly host: string;
  readonly processId: string | null;
  readonly parts: number;
  readonly missingParts: readonly number[];
  readonly text: string;
}
export interface AnalysisService {
  readonly host: string;
  readonly name: string;
  readonly imagePath: string;
  readonly time: string;
  readonly sessionId: string | null;
  readonly processId: string | null;
}
export interface AnalysisLateral {
  readonly id: string;
  readonly sourceHost: string;
  readonly targetHost: string;
  readonly time: string;
  readonly targetSessionId: string | null;
  readonly sourceSessionId: string | null;
  readonly sourceProcessId: string | null;
  readonly basis: string;
}
export interface AnalysisDocument {
  readonly hosts: readonly AnalysisHost[];
  readonly sessions: readonly AnalysisSession[];
  readonly processes: readonly AnalysisProcess[];
  readonly scripts: readonly AnalysisScript[];
  readonly services: readonly AnalysisService[];
  readonly lateral: readonly AnalysisLateral[];
}

export function buildAnalysisDocument(result: CorrelationResult): AnalysisDocument {
  const hostName = new Map(result.hosts.map((h) => [h.key, h.name]));
  const name = (key: string): string => hostName.get(key) ?? key;
  return {
    hosts: result.hosts.map((h) => ({ host: h.name, key: h.key, names: [...h.names], ips: [...h.ips] })),
    sessions: result.sessions.map((s) => ({
      id: s.id,
      host: s.host,
      logonId: s.logonId,
      logonType: s.logonType,
      user: s.user,
      domain: s.domain,
      sourceIp: s.sourceIp,
      start: isoOf(s.start),
      end: s.end ? isoOf(s.end) : null,
      admin: s.admin,
      linkedSessionId: s.linkedSessionId,
    })),
    processes: result.processes.map((p) => ({
      id: p.id,
      host: p.host,
      pid: p.pid,
      guid: p.guid,
      image: p.image,
      commandLine: p.commandLine,
      decodedCommand: p.decodedCommand,
      start: p.start ? isoOf(p.start) : null,
      end: p.end ? isoOf(p.end) : null,
      user: p.user,
      logonId: p.logonId,
      sessionId: p.sessionId,
      integrity: p.integrity,
      elevation: p.elevation,
      parentId: p.parentId,
      parentBasis: p.parentBasis,
      candidates: [...p.candidates],
    })),
    scripts: result.scripts.map((b) => ({
      scriptBlockId: b.scriptBlockId,
      host: b.host,
      processId: b.processId,
      parts: b.partsPresent.length,
      missingParts: [...b.missingParts],
      text: b.text,
    })),
    services: result.services.map((v) => ({
      host: v.host,
      name: v.name,
      imagePath: v.imagePath,
      time: isoOf(v.time),
      sessionId: v.sessionId,
      processId: v.processId,
    })),
    lateral: result.lateral.map((l) => ({
      id: l.id,
      sourceHost: name(l.sourceHostKey),
      targetHost: name(l.targetHostKey),
      time: isoOf(l.time),
      targetSessionId: l.targetSessionId,
      sourceSessionId: l.sourceSessionId,
      sourceProcessId: l.sourceProcessId,
      basis: l.basis,
    })),
  };
}
