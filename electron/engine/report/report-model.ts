// The case report's content, gathered once (buildReportModel) and rendered by pure functions
// (renderReportHtml). Plain JSON: the same model can be rendered in the engine, the CLI or a
// test, and kept next to the report if wanted.

import type { ChainStep, EventDetail, EventRow, EvidenceFileInfo, ProcessRow, SessionRow } from '../../../shared/api.js';
import type { Finding, Severity } from '../../../shared/findings.js';

/** What re-hashing an evidence file at report time found. */
export type EvidenceVerification =
  | { readonly kind: 'match'; readonly sha256: string }
  | { readonly kind: 'mismatch'; readonly sha256: string }
  | { readonly kind: 'missing'; readonly reason: string }
  | { readonly kind: 'unreadable'; readonly reason: string }
  /** No hash was recorded at import (a file that failed before hashing). */
  | { readonly kind: 'not-recorded' };

export interface ReportEvidence {
  readonly file: EvidenceFileInfo;
  readonly verification: EvidenceVerification;
}

export interface ReportChannelCoverage {
  readonly channel: string;
  readonly count: number;
  readonly first: string;
  readonly last: string;
}

export interface ReportHostCoverage {
  readonly host: string;
  readonly channels: readonly ReportChannelCoverage[];
  /** What the evidence of this host cannot tell (audit policy off, Sysmon absent, logs cleared…). */
  readonly warnings: readonly string[];
}

/** A bookmark on an event, process or session (the views' bookmarks, in the report's terms). */
export interface ReportBookmark {
  readonly target: ReportTarget;
  readonly label: string;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface ReportNote {
  readonly target: ReportTarget | null;
  readonly text: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export type ReportTarget =
  | { readonly kind: 'event'; readonly eventId: number }
  | { readonly kind: 'process'; readonly processId: string }
  | { readonly kind: 'session'; readonly sessionId: string };

export interface ReportTactic {
  /** The tactic's name (`Execution`), or `No ATT&CK tactic`. */
  readonly tactic: string;
  readonly findings: readonly Finding[];
}

export interface ReportFindings {
  readonly total: number;
  readonly active: number;
  readonly bySeverity: readonly { readonly level: Severity; readonly count: number }[];
  /** Active findings grouped by tactic; a finding with two tactics is listed under both. */
  readonly byTactic: readonly ReportTactic[];
  readonly suppressed: number;
  /** Suppressed findings counted per reason (`allow: <reason>` / `baseline: <reason>`). */
  readonly suppressedReasons: readonly { readonly reason: string; readonly count: number }[];
}

export interface ReportChainStep {
  readonly step: ChainStep;
  /** The table rows of the step's events (summary, channel, record id). */
  readonly events: readonly EventRow[];
}

export interface ReportScript {
  readonly scriptBlockId: string;
  readonly processId: string | null;
  readonly path: string;
  readonly parts: number;
  readonly missingParts: readonly number[];
  readonly text: string;
  readonly decoded: string | null;
  readonly time: string;
}

export interface ReportService {
  readonly name: string;
  readonly imagePath: string;
  readonly decodedImagePath: string | null;
  readonly accountName: string;
  readonly time: string;
  readonly processId: string | null;
}

export interface ReportNetwork {
  readonly time: string;
  readonly processId: string;
  readonly image: string;
  readonly target: string;
  readonly sourceIp: string;
  readonly initiated: boolean | null;
}

export interface ReportLateral {
  readonly time: string;
  readonly direction: 'in' | 'out';
  readonly sourceHost: string;
  readonly targetHost: string;
  readonly basis: string;
}

export interface ReportSession {
  readonly session: SessionRow;
  readonly chain: readonly ReportChainStep[];
  /** Chain steps left out of the report (a session of thousands of steps). */
  readonly chainOmitted: number;
  readonly processes: readonly ProcessRow[];
  readonly processesOmitted: number;
  readonly scripts: readonly ReportScript[];
  readonly services: readonly ReportService[];
  readonly network: readonly ReportNetwork[];
  readonly networkOmitted: number;
  readonly lateral: readonly ReportLateral[];
  readonly findings: readonly Finding[];
  readonly bookmarks: readonly ReportBookmark[];
  readonly notes: readonly ReportNote[];
}

export interface ReportModel {
  readonly caseName: string;
  readonly caseDir: string;
  readonly analyst: string;
  /** ISO time the report was generated. */
  readonly generatedAt: string;
  readonly chainlineVersion: string;
  /** The time zone every time in the report is written in (always UTC for now). */
  readonly timeZone: string;
  readonly totalEvents: number;
  readonly firstTime: string | null;
  readonly lastTime: string | null;
  readonly evidence: readonly ReportEvidence[];
  readonly coverage: readonly ReportHostCoverage[];
  readonly findings: ReportFindings;
  /** False when no detection ran for the report (findings were not given): "no findings" would mislead. */
  readonly detectionRan: boolean;
  readonly sessions: readonly ReportSession[];
  /** Notes and bookmarks not tied to a selected session (the case's own, or other targets). */
  readonly caseNotes: readonly ReportNote[];
  readonly caseBookmarks: readonly ReportBookmark[];
  /** The bookmarked events, in full. */
  readonly appendix: readonly EventDetail[];
  /** Problems met while gathering (a bookmarked event that no longer exists, …). */
  readonly problems: readonly string[];
}
