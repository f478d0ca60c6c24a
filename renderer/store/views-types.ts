import type {
  CaseCoverage,
  EventHistogram,
  Note,
  NoteInput,
  NoteTarget,
  ProcessRow,
  SessionList,
} from '../../shared/api.js';
import type { ChainTable } from '../lib/chain-table.js';
import type { DisplayZone } from '../lib/time-zone.js';
import type { SessionSort } from '../lib/session-rank.js';

export type SideTab = 'sessions' | 'overview' | 'coverage' | 'notes' | 'findings';
export type ViewTab = 'chain' | 'tree' | 'timeline';
export type Theme = 'light' | 'dark';

/** Where the investigator is: what back/forward restore as a whole. */
export interface NavState {
  readonly sessionId: string | null;
  readonly tab: ViewTab;
  readonly processId: string | null;
  readonly eventId: number | null;
  readonly text: string;
  readonly host: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** A move in the investigator's path; it changes part of the NavState and is recorded. */
export type NavEntry =
  | { readonly kind: 'session'; readonly sessionId: string; readonly tab: ViewTab }
  | { readonly kind: 'process'; readonly sessionId: string; readonly processId: string }
  | { readonly kind: 'event'; readonly eventId: number }
  | { readonly kind: 'filter'; readonly text: string; readonly host: string; readonly from: string | null; readonly to: string | null };

/** A value that can be pivoted on, with what it is. */
export type PivotKind = 'logonId' | 'pid' | 'processGuid' | 'host' | 'user' | 'sid' | 'ip' | 'hash' | 'service' | 'scriptBlockId' | 'text';

export interface ViewsSlice {
  readonly sideTab: SideTab;
  readonly viewTab: ViewTab;
  setSideTab(tab: SideTab): void;
  setViewTab(tab: ViewTab): void;

  readonly sessions: SessionList | null;
  readonly sessionsLoading: boolean;
  readonly sessionSort: SessionSort;
  readonly sessionSearch: string;
  readonly sessionTypes: readonly number[];
  readonly sessionAdminOnly: boolean;
  setSessionSort(sort: SessionSort): void;
  setSessionSearch(text: string): void;
  toggleSessionType(type: number): void;
  setSessionAdminOnly(on: boolean): void;
  loadSessions(): Promise<void>;

  readonly selectedSessionId: string | null;
  /** The selected session's chain (its own evidence and that of the sessions it created). */
  readonly chain: ChainTable | null;
  /** The processes of every session the chain touches, for the story and the tree. */
  readonly chainProcesses: readonly ProcessRow[] | null;
  readonly sessionLoading: boolean;
  readonly sessionError: string | null;
  readonly selectedProcessId: string | null;
  selectSession(sessionId: string | null): void;
  selectProcess(processId: string | null): void;
  /** Shows a process's detail without recording it (arrow keys walking the tree). */
  previewProcess(processId: string): void;

  readonly history: readonly NavState[];
  readonly historyIndex: number;
  /** Goes somewhere and records it (forward history is dropped). */
  navigate(entry: NavEntry): void;
  back(): void;
  forward(): void;
  /** Filters the table by a value (and records it); a LogonId also names its session. */
  pivot(kind: PivotKind, value: string, host?: string): void;
  /** Opens an event's detail and records it. */
  openEvent(eventId: number): void;

  readonly zone: DisplayZone;
  setZone(zone: DisplayZone): void;
  readonly theme: Theme;
  setTheme(theme: Theme): void;

  readonly notes: readonly Note[] | null;
  loadNotes(): Promise<void>;
  saveNote(input: NoteInput): Promise<Note | null>;
  deleteNote(noteId: number): Promise<void>;
  noteFor(target: NoteTarget): Note | null;

  readonly coverage: CaseCoverage | null;
  readonly coverageLoading: boolean;
  loadCoverage(): Promise<void>;

  /** The case-wide event density (above the table), for the current filter without its time range. */
  readonly histogram: EventHistogram | null;
  loadHistogram(): Promise<void>;
}
