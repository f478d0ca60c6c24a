// Findings, the allow-list and baselines in the store. Lists are loaded in pages up to a cap
// (the summary's counts stay exact beyond it); every allow-list edit reloads what it changes.

import type { StateCreator } from 'zustand';
import type { AllowListEntry, BaselineCandidate, NewAllowListEntry } from '../../shared/allowlist.js';
import type { Finding, FindingQuery, FindingsSummary, HuntingQueries } from '../../shared/findings.js';
import { getApi } from '../api/api-client.js';
import type { GroupBy } from '../lib/findings-view.js';
import { mapPooled } from '../lib/map-pooled.js';
import type { AppState } from './types.js';
import { errorText } from './ui-slice.js';

export type FindingsTab = 'active' | 'suppressed' | 'allowlist';

/** Findings loaded into a list at most (the view says when there are more). */
export const FINDINGS_CAP = 5000;
const PAGE = 1000;

export interface FindingsSlice {
  readonly findingsSummary: FindingsSummary | null;
  readonly findingsTab: FindingsTab;
  readonly findingsGroupBy: GroupBy;
  readonly activeFindings: readonly Finding[] | null;
  readonly activeTotal: number;
  readonly suppressedFindings: readonly Finding[] | null;
  readonly suppressedTotal: number;
  readonly findingsLoading: boolean;
  readonly selectedFindingId: string | null;
  readonly hunting: HuntingQueries | null;
  readonly huntingError: string | null;
  /** Findings of the sessions the open chain touches (tree badges, timeline lane, event detail). */
  readonly sessionFindings: readonly Finding[] | null;
  readonly sessionFindingsKey: string;
  readonly allowList: readonly AllowListEntry[] | null;
  readonly baselines: readonly BaselineCandidate[] | null;
  /** The finding the allow-list form was opened from. */
  readonly allowDraftFinding: Finding | null;
  setFindingsTab(tab: FindingsTab): void;
  setFindingsGroupBy(by: GroupBy): void;
  loadFindingsSummary(): Promise<void>;
  loadFindings(): Promise<void>;
  selectFinding(id: string | null): void;
  /** Opens what a finding is about: its session, its process in the tree, its (first) event. */
  openFinding(finding: Finding): void;
  loadSessionFindings(sessionIds: readonly string[]): Promise<void>;
  loadAllowList(): Promise<void>;
  loadBaselines(): Promise<void>;
  openAllowDraft(finding: Finding | null): void;
  addAllowEntry(entry: NewAllowListEntry): Promise<AllowListEntry | null>;
  removeAllowEntry(id: string): Promise<void>;
  importAllowYaml(text: string): Promise<string | null>;
  exportAllowYaml(): Promise<string | null>;
  /**
   * Reloads what is findings-related: the summary always, the lists that are loaded or on screen;
   * `edited` (an allow-list change) reloads the findings and allow-list in any case.
   */
  refreshFindings(edited?: boolean): Promise<void>;
}

/** Every finding a query names, in pages, up to FINDINGS_CAP. */
export async function loadAllFindings(query: Omit<FindingQuery, 'offset' | 'limit'>): Promise<{ rows: Finding[]; total: number }> {
  const api = getApi();
  const rows: Finding[] = [];
  let total = 0;
  for (let offset = 0; offset < FINDINGS_CAP; offset += PAGE) {
    const page = await api.listFindings({ ...query, offset, limit: Math.min(PAGE, FINDINGS_CAP - offset) });
    total = page.total;
    rows.push(...page.rows);
    if (page.rows.length === 0 || rows.length >= total) break;
  }
  return { rows, total };
}

let findingsRequest = 0;
let sessionRequest = 0;
let huntingRequest = 0;

export const createFindingsSlice: StateCreator<AppState, [], [], FindingsSlice> = (set, get) => ({
  findingsSummary: null,
  findingsTab: 'active',
  findingsGroupBy: 'tactic',
  activeFindings: null,
  activeTotal: 0,
  suppressedFindings: null,
  suppressedTotal: 0,
  findingsLoading: false,
  selectedFindingId: null,
  hunting: null,
  huntingError: null,
  sessionFindings: null,
  sessionFindingsKey: '',
  allowList: null,
  baselines: null,
  allowDraftFinding: null,

  setFindingsTab(findingsTab) {
    set({ findingsTab });
    if (findingsTab === 'allowlist') {
      void get().loadAllowList();
      if (get().baselines === null) void get().loadBaselines();
    }
  },
  setFindingsGroupBy(findingsGroupBy) {
    set({ findingsGroupBy });
  },
  async loadFindingsSummary() {
    try {
      set({ findingsSummary: await getApi().getFindingsSummary() });
    } catch (e) {
      get().pushError(e, 'Findings summary');
    }
  },
  async loadFindings() {
    const request = ++findingsRequest;
    set({ findingsLoading: true });
    try {
      const [active, suppressed] = await Promise.all([loadAllFindings({ suppressed: false }), loadAllFindings({ suppressed: true })]);
      if (request !== findingsRequest) return;
      set({
        activeFindings: active.rows,
        activeTotal: active.total,
        suppressedFindings: suppressed.rows,
        suppressedTotal: suppressed.total,
        findingsLoading: false,
      });
    } catch (e) {
      if (request === findingsRequest) set({ findingsLoading: false });
      get().pushError(e, 'Findings');
    }
  },
  selectFinding(id) {
    const request = ++huntingRequest;
    set({ selectedFindingId: id, hunting: null, huntingError: null });
    if (id === null) return;
    getApi()
      .getHuntingQueries(id)
      .then((hunting) => {
        if (request === huntingRequest) set({ hunting });
      })
      .catch((e: unknown) => {
        if (request === huntingRequest) set({ huntingError: errorText(e) });
      });
  },
  openFinding(f) {
    const s = get();
    const eventId = f.eventIds[0];
    if (f.sessionId !== null && f.processId !== null) s.navigate({ kind: 'process', sessionId: f.sessionId, processId: f.processId });
    else if (f.sessionId !== null) s.navigate({ kind: 'session', sessionId: f.sessionId, tab: 'timeline' });
    if (eventId !== undefined) get().openEvent(eventId);
  },
  async loadSessionFindings(sessionIds) {
    const key = [...sessionIds].sort().join('|');
    const request = ++sessionRequest;
    set({ sessionFindingsKey: key });
    if (sessionIds.length === 0) {
      set({ sessionFindings: [] });
      return;
    }
    // A busy chain touches hundreds of sessions, most without findings: when the summary is
    // current and nothing is suppressed, it names every session that has any (one request
    // each instead of one per session of the chain, all queued on the engine).
    const summary = get().findingsSummary;
    const withFindings = summary !== null && summary.computedAt !== null && summary.suppressed === 0 ? new Set(summary.bySession.map((b) => b.sessionId)) : null;
    const asked = withFindings === null ? sessionIds : sessionIds.filter((id) => withFindings.has(id));
    try {
      // A few at a time: without the summary (not in yet on a case still being analysed, or
      // findings suppressed) a busy chain asks for hundreds of sessions, and hundreds of
      // requests started in one task held the page for ~450 ms in the middle of a tree scroll.
      const lists = await mapPooled(asked, 4, (sessionId) => loadAllFindings({ sessionId }));
      if (request === sessionRequest) set({ sessionFindings: lists.flatMap((l) => l.rows) });
    } catch (e) {
      if (request === sessionRequest) set({ sessionFindings: [] });
      get().pushError(e, 'Session findings');
    }
  },
  async loadAllowList() {
    try {
      set({ allowList: await getApi().getAllowList() });
    } catch (e) {
      get().pushError(e, 'Allow-list');
    }
  },
  async loadBaselines() {
    try {
      set({ baselines: await getApi().getBaselineCandidates() });
    } catch (e) {
      get().pushError(e, 'Baseline candidates');
    }
  },
  openAllowDraft(finding) {
    set({ allowDraftFinding: finding });
  },
  async addAllowEntry(entry) {
    try {
      const made = await getApi().addAllowListEntry(entry);
      set({ allowDraftFinding: null });
      await get().refreshFindings(true);
      return made;
    } catch (e) {
      get().pushError(e, 'Add allow-list entry');
      return null;
    }
  },
  async removeAllowEntry(id) {
    try {
      await getApi().removeAllowListEntry(id);
      await get().refreshFindings(true);
    } catch (e) {
      get().pushError(e, 'Remove allow-list entry');
    }
  },
  async importAllowYaml(text) {
    try {
      const result = await getApi().importAllowList(text);
      await get().refreshFindings(true);
      return `Imported ${result.added} entr${result.added === 1 ? 'y' : 'ies'}${result.duplicates > 0 ? `, ${result.duplicates} already there` : ''}.`;
    } catch (e) {
      get().pushError(e, 'Import allow-list');
      return null;
    }
  },
  async exportAllowYaml() {
    try {
      return await getApi().exportAllowList();
    } catch (e) {
      get().pushError(e, 'Export allow-list');
      return null;
    }
  },
  async refreshFindings(edited = false) {
    const s = get();
    const sessionIds = s.sessionFindingsKey === '' ? [] : s.sessionFindingsKey.split('|');
    // Lists nobody has opened yet stay unloaded (baseline candidates cost a pass over the case).
    const viewOpen = edited || s.sideTab === 'findings';
    // The summary first: the session findings are asked for by it.
    await s.loadFindingsSummary();
    await Promise.all([
      viewOpen || s.activeFindings !== null ? s.loadFindings() : Promise.resolve(),
      viewOpen || s.allowList !== null ? s.loadAllowList() : Promise.resolve(),
      s.baselines !== null ? s.loadBaselines() : Promise.resolve(),
      sessionIds.length > 0 ? s.loadSessionFindings(sessionIds) : Promise.resolve(),
    ]);
  },
});
