import type { ViewsSlice } from './views-types.js';
import type { FindingsSlice } from './findings-slice.js';
import type { HostTreeSlice } from './host-tree-slice.js';
import type { PaletteSlice } from './palette-slice.js';
import type {
  AppInfo,
  CaseOverview,
  EventDetail,
  IngestStatus,
  OpenEvidenceResult,
  SortDirection,
} from '../../shared/api.js';
import type { Finding } from '../../shared/findings.js';

export interface BannerError {
  readonly id: number;
  readonly message: string;
}

export interface UiSlice {
  readonly errors: readonly BannerError[];
  /** A short non-error notice (e.g. "dropping needs the desktop app"). */
  readonly notice: string | null;
  pushError(error: unknown, context?: string): void;
  dismissError(id: number): void;
  setNotice(notice: string | null): void;
}

export interface CaseSlice {
  readonly appInfo: AppInfo | null;
  readonly overview: CaseOverview | null;
  readonly overviewLoading: boolean;
  loadAppInfo(): Promise<void>;
  refreshOverview(): Promise<void>;
}

export interface IngestSlice {
  readonly ingest: IngestStatus | null;
  readonly lastOpen: OpenEvidenceResult | null;
  readonly pathDialogOpen: boolean;
  setPathDialogOpen(open: boolean): void;
  /** Native picker where the shell has one; otherwise opens the path dialog. */
  pickEvidence(): Promise<void>;
  openPaths(paths: readonly string[]): Promise<OpenEvidenceResult | null>;
  cancelIngest(): Promise<void>;
  /** Polls the ingest status until the run is over (safe to call repeatedly). */
  pollIngest(): void;
  clearLastOpen(): void;
}

export interface QuerySlice {
  /** What the user typed in each filter (the event-id and text boxes are parsed/debounced). */
  readonly eventIdText: string;
  readonly invalidEventIds: readonly string[];
  readonly host: string;
  readonly channel: string;
  readonly text: string;
  readonly sort: SortDirection;
  /** Total rows of the current query; null until its first page arrives. */
  readonly total: number | null;
  /** Bumped whenever a page arrives, so the table re-reads the page cache. */
  readonly pageTick: number;
  /** Bumped when the query itself changes (table scrolls back to the top). */
  readonly queryId: number;
  setEventIdText(text: string): void;
  setHost(host: string): void;
  setChannel(channel: string): void;
  setText(text: string): void;
  setSort(sort: SortDirection): void;
  /** Inclusive ISO bounds from the timeline brush (null: open). */
  readonly from: string | null;
  readonly to: string | null;
  setTimeRange(from: string | null, to: string | null): void;
  /** Sets the text filter at once (pivots), without the typing debounce. */
  setTextNow(text: string): void;
  /** Shows only this event id (from the overview). */
  filterToEventId(id: number): void;
  clearFilters(): void;
  /** Re-runs the current query from scratch. */
  applyQuery(): void;
  /** Same query, fresh data (rows stay visible until replaced). */
  refreshTable(): void;
}

export interface SelectionSlice {
  readonly selectedIndex: number | null;
  readonly selectedId: number | null;
  readonly detail: EventDetail | null;
  readonly detailLoading: boolean;
  readonly detailError: string | null;
  /** The findings about the selected event, asked of the case (not only the loaded lists). */
  readonly detailFindings: readonly Finding[];
  selectIndex(index: number): void;
  /** Opens one event's detail by id, wherever it is in the table. */
  selectEventId(id: number): void;
  moveSelection(delta: number): void;
  clearSelection(): void;
}

export type AppState = UiSlice & CaseSlice & IngestSlice & QuerySlice & SelectionSlice & ViewsSlice & FindingsSlice & HostTreeSlice & PaletteSlice;
