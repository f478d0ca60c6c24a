import type { StateCreator } from 'zustand';
import type { EventFilter, ProcessRow } from '../../shared/api.js';
import { getApi } from '../api/api-client.js';
import { afterNextPaint } from '../lib/after-paint.js';
import { loadChain } from '../lib/chain-pages.js';
import { loadProcesses } from '../lib/process-pages.js';
import type { DisplayZone } from '../lib/time-zone.js';
import { errorText } from './ui-slice.js';
import type { AppState } from './types.js';
import type { NavEntry, NavState, Theme, ViewsSlice } from './views-types.js';

const HISTORY_MAX = 200;
export const HISTOGRAM_BUCKETS = 240;
const ZONE_KEY = 'chainline.zone';
const THEME_KEY = 'chainline.theme';

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

function readZone(): DisplayZone {
  try {
    const raw = storage()?.getItem(ZONE_KEY);
    if (!raw) return { kind: 'utc' };
    const z = JSON.parse(raw) as DisplayZone;
    if (z.kind === 'local' || z.kind === 'utc') return z;
    if (z.kind === 'fixed' && Number.isInteger(z.minutes) && Math.abs(z.minutes) <= 14 * 60) return z;
  } catch {
    // fall through
  }
  return { kind: 'utc' };
}

function readTheme(): Theme {
  const t = storage()?.getItem(THEME_KEY);
  return t === 'dark' ? 'dark' : 'light';
}

/** Two states are the same place (navigating to where one is does not grow the history). */
export function sameState(a: NavState | undefined, b: NavState): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** The state after a move: the parts the move names change, the rest stays. */
export function moveTo(current: NavState, entry: NavEntry): NavState {
  switch (entry.kind) {
    case 'session':
      return { ...current, sessionId: entry.sessionId, tab: entry.tab, processId: current.sessionId === entry.sessionId ? current.processId : null };
    case 'process':
      return { ...current, sessionId: entry.sessionId, tab: 'tree', processId: entry.processId };
    case 'event':
      return { ...current, eventId: entry.eventId };
    case 'filter':
      return { ...current, text: entry.text, host: entry.host, from: entry.from, to: entry.to };
    default: {
      const unreachable: never = entry;
      return unreachable;
    }
  }
}

/** The history after visiting `entry` from `index`: forward entries dropped, capped in length. */
export function pushHistory(history: readonly NavState[], index: number, entry: NavState): { history: NavState[]; index: number } {
  if (sameState(history[index], entry)) return { history: [...history], index };
  const next = [...history.slice(0, index + 1), entry];
  const overflow = Math.max(0, next.length - HISTORY_MAX);
  return { history: next.slice(overflow), index: next.length - 1 - overflow };
}

let sessionRequest = 0;
let histogramRequest = 0;

export const createViewsSlice: StateCreator<AppState, [], [], ViewsSlice> = (set, get) => {
  const current = (): NavState => {
    const s = get();
    return {
      sessionId: s.selectedSessionId,
      tab: s.viewTab,
      processId: s.selectedProcessId,
      eventId: s.selectedId,
      text: s.text,
      host: s.host,
      from: s.from,
      to: s.to,
    };
  };

  /** Brings the UI to a state without recording it. */
  const apply = (to: NavState): void => {
    const s = get();
    if (s.selectedSessionId !== to.sessionId) s.selectSession(to.sessionId);
    set({ viewTab: to.tab, selectedProcessId: to.processId });
    if (to.eventId !== null && to.eventId !== get().selectedId) get().selectEventId(to.eventId);
    if (to.text !== s.text || to.host !== s.host || to.from !== s.from || to.to !== s.to) {
      set({ host: to.host, from: to.from, to: to.to });
      get().setTextNow(to.text);
    }
  };

  const loadSession = async (sessionId: string): Promise<void> => {
    const request = ++sessionRequest;
    set({ sessionLoading: true, sessionError: null, chain: null, chainProcesses: null });
    try {
      const api = getApi();
      // The session's own processes are asked for at once and shown as soon as they arrive: the
      // chain of a busy session (hundreds of thousands of steps) can take far longer, and the tree
      // need not wait for it. The chain then adds the processes of the sessions it led to.
      // In pages: a busy session's list is megabytes, parsed a page per task (process-pages.ts).
      const own = loadProcesses(api, 'session', sessionId);
      own.then(
        (list) => {
          if (request === sessionRequest && get().chainProcesses === null) set({ chainProcesses: list });
        },
        () => undefined, // reported below, with the chain
      );
      // The chain is asked for once the session's own processes are in: the engine answers one
      // request at a time, and a busy session's chain (seconds of work) would hold the tree's
      // pages behind it. And once the frame that draws them is painted: the chain's first pages
      // (parsed, appended, their garbage collected) landed in the frames of a busy session's
      // tree as it opened, and made some of them 50 ms long (issue 6).
      // In pages too: a busy session's chain is tens of MB (chain-pages.ts).
      await own.then(afterNextPaint, afterNextPaint);
      const chain = await loadChain(api, sessionId);
      // The processes of the sessions the chain led to, as one list (a busy chain leads to
      // hundreds of sessions: a request each cost the page, the browser and serve ~250 round
      // trips as the tree opened).
      const ledTo = request === sessionRequest ? await loadProcesses(api, 'chain', sessionId) : [];
      if (request !== sessionRequest) return;
      const shown = get().chainProcesses;
      const ownList = await own;
      // Nothing added: keep the list already shown (the tree keeps its state).
      const chainProcesses = shown !== null && shown === ownList && ledTo.length === 0 ? shown : mergeById(ownList, ledTo);
      set({ chain, chainProcesses, sessionLoading: false });
    } catch (e) {
      if (request === sessionRequest) set({ sessionLoading: false, sessionError: errorText(e) });
    }
  };

  return {
    sideTab: 'sessions',
    viewTab: 'chain',
    setSideTab(sideTab) {
      set({ sideTab });
      if (sideTab === 'coverage' && get().coverage === null) void get().loadCoverage();
      if (sideTab === 'notes') void get().loadNotes();
      if (sideTab === 'findings') {
        void get().loadFindingsSummary();
        void get().loadFindings();
      }
    },
    setViewTab(viewTab) {
      const id = get().selectedSessionId;
      if (id !== null) get().navigate({ kind: 'session', sessionId: id, tab: viewTab });
      else set({ viewTab });
    },

    sessions: null,
    sessionsLoading: false,
    sessionSort: 'suspicious',
    sessionSearch: '',
    sessionTypes: [],
    sessionAdminOnly: false,
    setSessionSort(sessionSort) {
      set({ sessionSort });
    },
    setSessionSearch(sessionSearch) {
      set({ sessionSearch });
    },
    toggleSessionType(type) {
      const types = get().sessionTypes;
      set({ sessionTypes: types.includes(type) ? types.filter((t) => t !== type) : [...types, type] });
    },
    setSessionAdminOnly(sessionAdminOnly) {
      set({ sessionAdminOnly });
    },
    async loadSessions() {
      set({ sessionsLoading: true });
      try {
        const sessions = await getApi().listSessions();
        set({ sessions, sessionsLoading: false });
      } catch (e) {
        set({ sessionsLoading: false });
        get().pushError(e, 'Sessions');
      }
    },

    selectedSessionId: null,
    chain: null,
    chainProcesses: null,
    sessionLoading: false,
    sessionError: null,
    selectedProcessId: null,
    selectSession(sessionId) {
      set({ selectedSessionId: sessionId, selectedProcessId: null });
      if (sessionId === null) {
        sessionRequest++;
        set({ chain: null, chainProcesses: null, sessionLoading: false, sessionError: null });
        return;
      }
      void loadSession(sessionId);
    },
    previewProcess(processId) {
      set({ selectedProcessId: processId });
    },
    selectProcess(processId) {
      const sessionId = get().selectedSessionId;
      if (processId !== null && sessionId !== null) get().navigate({ kind: 'process', sessionId, processId });
      else set({ selectedProcessId: processId });
    },

    history: [],
    historyIndex: -1,
    navigate(entry) {
      const here = current();
      let { history, historyIndex } = get();
      // The first move records where the investigator started, so Back can return there.
      if (historyIndex < 0 || !sameState(history[historyIndex], here)) {
        const pushed = pushHistory(history, historyIndex, here);
        history = pushed.history;
        historyIndex = pushed.index;
      }
      const next = moveTo(here, entry);
      const pushed = pushHistory(history, historyIndex, next);
      set({ history: pushed.history, historyIndex: pushed.index });
      apply(next);
    },
    back() {
      const i = get().historyIndex;
      const entry = get().history[i - 1];
      if (!entry) return;
      set({ historyIndex: i - 1 });
      apply(entry);
    },
    forward() {
      const i = get().historyIndex;
      const entry = get().history[i + 1];
      if (!entry) return;
      set({ historyIndex: i + 1 });
      apply(entry);
    },
    pivot(kind, value, host) {
      const s = get();
      // A host narrows by host (keeping the text); any other value replaces the text filter.
      const entry: NavEntry =
        kind === 'host'
          ? { kind: 'filter', text: s.text, host: value, from: s.from, to: s.to }
          : { kind: 'filter', text: value, host: host ?? s.host, from: s.from, to: s.to };
      get().navigate(entry);
    },
    openEvent(eventId) {
      get().navigate({ kind: 'event', eventId });
    },

    zone: readZone(),
    setZone(zone) {
      set({ zone });
      storage()?.setItem(ZONE_KEY, JSON.stringify(zone));
    },
    theme: readTheme(),
    setTheme(theme) {
      set({ theme });
      storage()?.setItem(THEME_KEY, theme);
    },

    notes: null,
    async loadNotes() {
      try {
        set({ notes: await getApi().listNotes() });
      } catch (e) {
        get().pushError(e, 'Notes');
      }
    },
    async saveNote(input) {
      try {
        const note = await getApi().saveNote(input);
        await get().loadNotes();
        return note;
      } catch (e) {
        get().pushError(e, 'Save note');
        return null;
      }
    },
    async deleteNote(noteId) {
      try {
        await getApi().deleteNote(noteId);
        await get().loadNotes();
      } catch (e) {
        get().pushError(e, 'Delete note');
      }
    },
    noteFor(target) {
      return get().notes?.find((n) => n.target.kind === target.kind && n.target.id === target.id) ?? null;
    },

    coverage: null,
    coverageLoading: false,
    async loadCoverage() {
      set({ coverageLoading: true });
      try {
        set({ coverage: await getApi().getCoverage(), coverageLoading: false });
      } catch (e) {
        set({ coverageLoading: false });
        get().pushError(e, 'Coverage');
      }
    },

    histogram: null,
    async loadHistogram() {
      const request = ++histogramRequest;
      // The density of the whole case: the bars stay put while the brush and filters narrow the table.
      const full: EventFilter = {};
      try {
        const histogram = await getApi().getEventHistogram({ filter: full, buckets: HISTOGRAM_BUCKETS });
        if (request === histogramRequest) set({ histogram });
      } catch (e) {
        get().pushError(e, 'Event histogram');
      }
    },
  };
};

/** `first`, then the rows of `then` whose id it lacks (the tree must not meet one process twice). */
function mergeById(first: readonly ProcessRow[], then: readonly ProcessRow[]): readonly ProcessRow[] {
  if (then.length === 0) return first;
  const ids = new Set(first.map((p) => p.id));
  return [...first, ...then.filter((p) => !ids.has(p.id))];
}
