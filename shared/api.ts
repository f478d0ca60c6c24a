// The one API contract between the renderer and the engine. The Electron preload exposes
// exactly these methods (one IPC channel each), and the `chainline serve` HTTP shell serves
// the same methods at `POST /api/<method>`. The renderer only ever sees `ChainlineApi`.
//
// Everything crossing the boundary is plain JSON: no bigint, no Date, no class instances.
// Times are ISO 8601 UTC strings with seven fractional digits.

import type { EvidenceFormat, SourcePointer, TimeSource } from './events.js';
import type { TimePrecision } from './time.js';
import type { AttackLayer, FindingPage, FindingQuery, FindingsSummary, HuntingQueries, RulePackInfo } from './findings.js';
import type { AllowListEntry, AllowListImportResult, BaselineCandidate, NewAllowListEntry } from './allowlist.js';

export interface AppInfo {
  readonly name: 'Chainline';
  readonly version: string;
  /** Whether `pickEvidence` opens a native dialog; otherwise the UI asks for paths. */
  readonly nativeDialogs: boolean;
}

export interface CaseInfo {
  readonly dir: string;
  readonly name: string;
  readonly createdAt: string;
  /** True for the generated demo case. */
  readonly demo: boolean;
}

export type EvidenceStatus = 'pending' | 'importing' | 'complete' | 'incomplete' | 'failed' | 'duplicate';

export interface EvidenceFileInfo {
  readonly id: number;
  readonly path: string;
  readonly format: EvidenceFormat | 'unknown';
  readonly size: number;
  readonly mtime: string;
  readonly sha256: string;
  readonly status: EvidenceStatus;
  readonly events: number;
  readonly errors: number;
  readonly recovered: number;
  /** The first errors of the file, formatted (`file offset 0x… : reason`). */
  readonly errorSamples: readonly string[];
  readonly importedAt: string;
}

export interface CountRow {
  readonly key: string;
  readonly count: number;
}

export interface CaseOverview {
  readonly case: CaseInfo | null;
  readonly evidence: readonly EvidenceFileInfo[];
  readonly totalEvents: number;
  readonly hosts: readonly CountRow[];
  readonly channels: readonly CountRow[];
  readonly eventIds: readonly CountRow[];
  readonly firstTime: string | null;
  readonly lastTime: string | null;
}

export type IngestPhase = 'idle' | 'hashing' | 'reading' | 'finishing' | 'done' | 'cancelled' | 'failed';

export interface IngestStatus {
  readonly phase: IngestPhase;
  /** Increments with each new ingest, so the UI can tell a finished run from the next. */
  readonly runId: number;
  readonly currentFile: string | null;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly events: number;
  readonly errors: number;
  readonly message: string | null;
}

export type SortDirection = 'asc' | 'desc';

export interface EventFilter {
  readonly eventIds?: readonly number[];
  readonly hosts?: readonly string[];
  readonly channels?: readonly string[];
  /** Case-insensitive substring over the summary and every data value. */
  readonly text?: string;
  /** Inclusive ISO bounds. */
  readonly from?: string;
  readonly to?: string;
}

export interface EventQuery {
  readonly filter: EventFilter;
  readonly sort: SortDirection;
  readonly offset: number;
  readonly limit: number;
}

export interface EventRow {
  readonly id: number;
  readonly time: string;
  readonly timePrecision: TimePrecision;
  readonly host: string;
  readonly channel: string;
  readonly provider: string;
  readonly eventId: number;
  readonly recordId: number | null;
  readonly summary: string;
  readonly recovered: boolean;
}

export interface EventPage {
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly EventRow[];
}

export interface EventDetail {
  readonly row: EventRow;
  readonly timeSource: TimeSource;
  readonly system: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
  readonly source: SourcePointer;
  readonly evidenceSha256: string;
  /** The record as it stands in the evidence (XML, JSON or rendered EVTX), clipped for display. */
  readonly raw: string;
  readonly rawTruncated: boolean;
  /** Why the raw record could not be read again (evidence moved, changed, …). */
  readonly rawError: string | null;
}

export type PickResult =
  | { readonly kind: 'picked'; readonly paths: readonly string[] }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'unsupported' };

export interface OpenEvidenceRequest {
  readonly paths: readonly string[];
}

export interface OpenEvidenceResult {
  readonly runId: number;
  readonly accepted: readonly string[];
  readonly rejected: readonly { readonly path: string; readonly reason: string }[];
}

/** A logon session as correlation sees it (electron/engine/correlate). */
export interface SessionRow {
  readonly id: string;
  readonly host: string;
  readonly logonId: string;
  readonly logonType: number | null;
  readonly logonTypeName: string;
  readonly user: string;
  readonly domain: string;
  readonly sourceIp: string;
  readonly workstation: string;
  readonly start: string;
  readonly end: string | null;
  readonly admin: boolean;
  /** The session that created this one (runas /netonly: its SubjectLogonId). */
  readonly createdBySessionId: string | null;
  /** The other half of a split admin token. */
  readonly linkedSessionId: string | null;
  readonly processes: number;
  readonly scripts: number;
  readonly services: number;
}

export interface SessionList {
  /** When correlation last ran over the case (null: nothing to correlate yet). */
  readonly computedAt: string | null;
  readonly sessions: readonly SessionRow[];
}

/** One step of a session's chain: a piece of evidence and the reason it belongs. */
export interface ChainStep {
  readonly time: string;
  readonly kind: string;
  readonly sessionId: string;
  /** Case event ids (EventRow.id) of the evidence; several for a reassembled script block. */
  readonly eventIds: readonly number[];
  readonly reason: string;
  readonly processId: string | null;
}

/** A process node with the basis of its parent edge. */
export interface ProcessRow {
  readonly id: string;
  readonly host: string;
  readonly pid: number | null;
  readonly guid: string | null;
  readonly image: string;
  readonly commandLine: string | null;
  readonly decodedCommand: string | null;
  readonly start: string | null;
  readonly end: string | null;
  readonly user: string;
  readonly logonId: string | null;
  readonly sessionId: string | null;
  readonly integrity: string | null;
  readonly elevation: string | null;
  readonly parentId: string | null;
  readonly parentBasis: string;
  readonly candidates: readonly string[];
}

/**
 * A page of the processes of a session or of a whole host, in the order getSessionProcesses and
 * getHostProcesses give them: the tree of a large session (tens of thousands of processes, many
 * MB) loads in pieces, so no single answer has to be parsed in one long task.
 *
 * Scope `chain`: the processes of the other sessions the session's chain leads to (lateral
 * movement, the sessions it created), in the order the chain first meets each session, then
 * each session's order; not the session's own processes (scope `session`). One list, where
 * the tree of a busy session asked each of the hundreds of sessions its chain led to.
 */
export interface ProcessPageRequest {
  readonly scope: 'session' | 'host' | 'chain';
  /** The session id (scopes `session`, `chain`), or the host name. */
  readonly id: string;
  readonly offset: number;
  /** 1 … API_LIMITS.maxPageSize */
  readonly limit: number;
}

export interface ProcessPage {
  /** Every process of the session, host or chain. */
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly ProcessRow[];
}

/**
 * A page of a session's chain, in getSessionChain's order: the chain of a busy session (150,000
 * steps, 37 MB of JSON) parsed as one answer froze the page for over a second.
 */
export interface ChainPageRequest {
  readonly sessionId: string;
  readonly offset: number;
  /** 1 … API_LIMITS.maxPageSize */
  readonly limit: number;
}

/**
 * A page of a chain as columns (`shared/chain-page.ts` writes and reads them): step `offset + k`
 * has the k-th time of `time`, `kinds[kind[k]]`, `sessions[session[k]]`, the chain's reason
 * number `reason[k]`, the process `processes[process[k]]` (none when -1) and the event ids
 * `eventIds[eventEnds[k - 1] .. eventEnds[k])`. As step objects a page of 2,000 was ~14,000
 * objects for the page's JSON.parse to make and its GC to copy; as columns it is two texts, a
 * few distinct strings and arrays of numbers.
 */
export interface ChainPage {
  /** Every step of the chain. */
  readonly total: number;
  readonly offset: number;
  /** Steps in this page. */
  readonly count: number;
  /**
   * The steps' times, one after the other in one string (`timeEnds[k]` is where step k's ends;
   * it starts where step k-1's ends): one string to parse rather than one per step.
   */
  readonly time: string;
  readonly timeEnds: readonly number[];
  readonly kinds: readonly string[];
  readonly kind: readonly number[];
  readonly sessions: readonly string[];
  readonly session: readonly number[];
  /**
   * The reasons no earlier page of the chain gave, in the order first given, one after the other
   * in one string (`reasonEnds` as `timeEnds`): the chain numbers its distinct reasons from 0,
   * and these are numbers reasonBase, reasonBase + 1, …
   */
  readonly reasons: string;
  readonly reasonEnds: readonly number[];
  readonly reasonBase: number;
  /** Each step's reason, by its number in the chain (given by this page or an earlier one). */
  readonly reason: readonly number[];
  readonly processes: readonly string[];
  readonly process: readonly number[];
  readonly eventEnds: readonly number[];
  readonly eventIds: readonly number[];
}

/** A search of the case's processes by name (the command palette). */
export interface ProcessSearch {
  /** An image name or part of one, a path, a PID (decimal or 0x hex), a ProcessGuid or process id, command-line text, a user. */
  readonly text: string;
  /** At most this many rows (1 … API_LIMITS.maxProcessHits). */
  readonly limit: number;
}

export interface ProcessSearchResult {
  /** Every process that matched. */
  readonly total: number;
  /** The best `limit` of them: exact ids and PIDs, then image names, paths, command lines, users. */
  readonly rows: readonly ProcessRow[];
}

/** Event counts per equal time bucket over a filter's range (the case's density histogram). */
export interface HistogramRequest {
  readonly filter: EventFilter;
  /** Number of buckets (1 … API_LIMITS.maxBuckets). */
  readonly buckets: number;
}

export interface EventHistogram {
  /** The range the buckets divide (the filter's from/to, else the first and last matching event). */
  readonly from: string | null;
  readonly to: string | null;
  /** counts[i] covers [from + i·width, from + (i+1)·width); empty when nothing matched. */
  readonly counts: readonly number[];
  readonly total: number;
}

/** What a note, tag or bookmark is attached to. */
export type NoteTargetKind = 'event' | 'process' | 'session';

export interface NoteTarget {
  readonly kind: NoteTargetKind;
  /** EventRow.id as a string for events; ProcessRow.id / SessionRow.id otherwise. */
  readonly id: string;
}

/** The investigator's annotation of one target: a bookmark flag, tags and free text. */
export interface NoteInput {
  readonly target: NoteTarget;
  /** What the target is, in words, so the list of notes reads on its own ("7045 WinUpdHelper on WS01"). */
  readonly label: string;
  readonly bookmarked: boolean;
  readonly tags: readonly string[];
  readonly text: string;
}

export interface Note extends NoteInput {
  readonly id: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ChannelCoverage {
  readonly channel: string;
  readonly events: number;
  readonly first: string;
  readonly last: string;
}

export interface HostCoverage {
  readonly host: string;
  readonly channels: readonly ChannelCoverage[];
}

/** An audit-log clear (Security 1102, System 104). */
export interface LogClear {
  readonly eventRowId: number;
  readonly time: string;
  readonly host: string;
  readonly channel: string;
  readonly eventId: number;
}

/** Consecutive records of one host's channel whose EventRecordIDs jump: records missing between them. */
export interface RecordGap {
  readonly host: string;
  readonly channel: string;
  readonly afterRecordId: number;
  readonly beforeRecordId: number;
  readonly missing: number;
  /** Time of the record after which the gap opens. */
  readonly time: string;
}

export interface CaseCoverage {
  readonly hosts: readonly HostCoverage[];
  /** 4688 events, and how many carry a non-empty CommandLine. */
  readonly processCreation: { readonly events: number; readonly withCommandLine: number };
  readonly sysmonEvents: number;
  readonly scriptBlockEvents: number;
  readonly clears: readonly LogClear[];
  readonly gaps: readonly RecordGap[];
  /** True when there were more gaps than listed. */
  readonly gapsTruncated: boolean;
}

/** The case report, as the investigator asks for it from the app. */
export interface ReportRequest {
  /** Sessions to report in full, in order; empty: the sessions with findings (else the busiest). */
  readonly sessionIds: readonly string[];
  readonly analyst: string;
  readonly format: 'html' | 'pdf';
}

/** A generated report, ready to save: UTF-8 text for HTML, base64 for PDF. */
export interface ReportFile {
  readonly fileName: string;
  readonly mimeType: string;
  readonly encoding: 'utf8' | 'base64';
  readonly content: string;
  /** What the reader must know (evidence changed or missing since import, …). */
  readonly problems: readonly string[];
}

/** What the app exports, and where (a path on the machine running the engine). */
export type ExportKind = 'bundle' | 'ecs' | 'timesketch' | 'timesketch-csv' | 'csv' | 'jsonl' | 'parquet' | 'findings-csv' | 'attack-layer';
export const EXPORT_KINDS: readonly ExportKind[] = ['bundle', 'ecs', 'timesketch', 'timesketch-csv', 'csv', 'jsonl', 'parquet', 'findings-csv', 'attack-layer'];

export interface ExportRequest {
  readonly kind: ExportKind;
  /** A file (a folder for `bundle` and `parquet`) that does not exist yet. */
  readonly path: string;
}

export interface ExportResult {
  readonly path: string;
  /** Events, findings or techniques written. */
  readonly records: number;
  readonly message: string;
}

/** Rule folders (Sigma YAML, a SigmaHQ checkout) detection loads beside the built-in pack. */
export interface RuleFoldersRequest {
  readonly dirs: readonly string[];
  readonly builtin: boolean;
}

/** The interface the renderer programs against. One method, one channel. */
export interface ChainlineApi {
  getAppInfo(): Promise<AppInfo>;
  /** Opens the native file/folder picker where the shell has one. */
  pickEvidence(): Promise<PickResult>;
  /** Starts importing files and folders (recursively) into the open case. */
  openEvidence(request: OpenEvidenceRequest): Promise<OpenEvidenceResult>;
  getIngestStatus(): Promise<IngestStatus>;
  cancelIngest(): Promise<IngestStatus>;
  getCaseOverview(): Promise<CaseOverview>;
  queryEvents(query: EventQuery): Promise<EventPage>;
  getEventDetail(eventId: number): Promise<EventDetail>;
  /** Every logon session of the case, from correlation. */
  listSessions(): Promise<SessionList>;
  /** The ordered evidence of a session and of the sessions it created. */
  getSessionChain(sessionId: string): Promise<readonly ChainStep[]>;
  /** The processes of a session (each with its parent and the basis of that edge). */
  getSessionProcesses(sessionId: string): Promise<readonly ProcessRow[]>;
  /** Every process of one host, whatever its session (the host's process tree). */
  getHostProcesses(host: string): Promise<readonly ProcessRow[]>;
  /** Processes found by name across the case (image, PID, ProcessGuid, command line, user), best first. */
  findProcesses(query: ProcessSearch): Promise<ProcessSearchResult>;
  /** A page of the case's findings (detection runs after correlation at the end of an import). */
  listFindings(query: FindingQuery): Promise<FindingPage>;
  /** Counts by severity, ATT&CK tactic and rule; suppressed count; case-level warnings. */
  getFindingsSummary(): Promise<FindingsSummary>;
  getAllowList(): Promise<readonly AllowListEntry[]>;
  /** Adds an entry and re-applies suppression (rules are not run again). */
  addAllowListEntry(entry: NewAllowListEntry): Promise<AllowListEntry>;
  /** Removes an entry and re-applies suppression; false when there was no such entry. */
  removeAllowListEntry(id: string): Promise<boolean>;
  /** The allow-list as YAML (format chainline-allowlist). */
  exportAllowList(): Promise<string>;
  /** Merges a YAML allow-list into the case's; invalid text is rejected whole, with the reason. */
  importAllowList(yamlText: string): Promise<AllowListImportResult>;
  /** ATT&CK Navigator layer (4.5) of the active findings' techniques. */
  getAttackLayer(): Promise<AttackLayer>;
  /** KQL and SPL to hunt a finding's pattern across the fleet. */
  getHuntingQueries(findingId: string): Promise<HuntingQueries>;
  /** Recurring parent → child → command line chains, proposed as baseline entries. */
  getBaselineCandidates(): Promise<readonly BaselineCandidate[]>;
  /** The case report (self-contained HTML, or PDF printed from it), evidence re-hashed. */
  createReport(request: ReportRequest): Promise<ReportFile>;
  /** Writes an export of the case (ECS, Timesketch, CSV, JSON lines, Parquet, findings, ATT&CK layer) or a case bundle. */
  exportCase(request: ExportRequest): Promise<ExportResult>;
  /** The rules detection runs (null until they are loaded), with rejected and skipped ones. */
  getRuleStatus(): Promise<RulePackInfo | null>;
  /** Loads the built-in pack (unless `builtin` is false) plus these rule folders; findings are recomputed. */
  setRuleFolders(request: RuleFoldersRequest): Promise<RulePackInfo>;
  /** Event counts per time bucket for a filter (DuckDB GROUP BY over the store). */
  getEventHistogram(request: HistogramRequest): Promise<EventHistogram>;
  /** Every note, tag and bookmark of the case, newest first. */
  listNotes(): Promise<readonly Note[]>;
  /** Creates or replaces the note of a target (one per target); returns it as saved. */
  saveNote(input: NoteInput): Promise<Note>;
  deleteNote(noteId: number): Promise<void>;
  /** What the evidence covers: channels per host, 4688 CommandLine, Sysmon, 4104, clears, gaps. */
  getCoverage(): Promise<CaseCoverage>;
  /** A page of getSessionProcesses or getHostProcesses (the same rows, the same order). */
  getProcessPage(request: ProcessPageRequest): Promise<ProcessPage>;
  /** A page of getSessionChain (the same steps, the same order). */
  getSessionChainPage(request: ChainPageRequest): Promise<ChainPage>;
}

export type ApiMethod = keyof ChainlineApi;

/** Every method, in one list: the preload, main and the HTTP shell iterate over it. */
export const API_METHODS = [
  'getAppInfo',
  'pickEvidence',
  'openEvidence',
  'getIngestStatus',
  'cancelIngest',
  'getCaseOverview',
  'queryEvents',
  'getEventDetail',
  'listSessions',
  'getSessionChain',
  'getSessionProcesses',
  'getHostProcesses',
  'findProcesses',
  'listFindings',
  'getFindingsSummary',
  'getAllowList',
  'addAllowListEntry',
  'removeAllowListEntry',
  'exportAllowList',
  'importAllowList',
  'getAttackLayer',
  'getHuntingQueries',
  'getBaselineCandidates',
  'getRuleStatus',
  'createReport',
  'exportCase',
  'setRuleFolders',
  'getEventHistogram',
  'listNotes',
  'saveNote',
  'deleteNote',
  'getCoverage',
  'getProcessPage',
  'getSessionChainPage',
] as const satisfies readonly ApiMethod[];

// Compile-time check that API_METHODS lists every method of ChainlineApi.
type MissingMethods = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const _allMethodsListed: MissingMethods extends never ? true : never = true;
void _allMethodsListed;

/** The IPC channel of a method (`chainline:queryEvents`). */
export type ApiChannel<M extends ApiMethod = ApiMethod> = `chainline:${M}`;
export function channelOf<M extends ApiMethod>(method: M): ApiChannel<M> {
  return `chainline:${method}`;
}

export type ApiArgs<M extends ApiMethod> = Parameters<ChainlineApi[M]>;
export type ApiResult<M extends ApiMethod> = Awaited<ReturnType<ChainlineApi[M]>>;

/** Limits every shell enforces on arguments. */
export const API_LIMITS = {
  maxPageSize: 5000,
  maxPaths: 10_000,
  maxPathLength: 32_767,
  maxFilterText: 4096,
  maxFilterItems: 1000,
  maxBuckets: 2000,
  maxNoteText: 100_000,
  maxNoteLabel: 1000,
  maxTags: 50,
  maxTagLength: 100,
  maxProcessHits: 200,
} as const;

/** The error shape both shells return for a failed call. */
export interface ApiErrorBody {
  readonly error: string;
}

/**
 * Rows per page of the event table: the renderer asks for pages of this size, and an engine
 * opened for a window computes the unfiltered first one while the window loads (issue 6).
 */
export const EVENT_PAGE_ROWS = 500;
