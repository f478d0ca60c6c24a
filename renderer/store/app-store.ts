import { create } from 'zustand';
import { createCaseSlice } from './case-slice.js';
import { createIngestSlice } from './ingest-slice.js';
import { eventPager, setPagerHooks } from './pager.js';
import { createQuerySlice } from './query-slice.js';
import { createSelectionSlice, resolvePendingSelection } from './selection-slice.js';
import type { AppState } from './types.js';
import { createUiSlice } from './ui-slice.js';
import { createViewsSlice } from './views-slice.js';
import { createFindingsSlice } from './findings-slice.js';
import { createHostTreeSlice } from './host-tree-slice.js';
import { createPaletteSlice } from './palette-slice.js';

/** The renderer's one store, built from slices. Components select single values or useShallow. */
export const useAppStore = create<AppState>()((...a) => ({
  ...createUiSlice(...a),
  ...createCaseSlice(...a),
  ...createIngestSlice(...a),
  ...createQuerySlice(...a),
  ...createSelectionSlice(...a),
  ...createViewsSlice(...a),
  ...createFindingsSlice(...a),
  ...createHostTreeSlice(...a),
  ...createPaletteSlice(...a),
}));

setPagerHooks({
  onChange() {
    useAppStore.setState((s) => ({ pageTick: s.pageTick + 1, total: eventPager.total }));
    resolvePendingSelection(useAppStore.getState);
  },
  onError(e) {
    useAppStore.getState().pushError(e, 'Events');
  },
});

/** The rest is asked for at the latest this long after start-up, first screen or not (ms). */
export const FIRST_SCREEN_WAIT_MS = 3000;

/**
 * Asks for what the first screen needs: the sessions and the table's first page. Resolves once
 * both have arrived (or FIRST_SCREEN_WAIT_MS has passed); then loadRest asks for the rest.
 */
export function startApp(): Promise<void> {
  const s = useAppStore.getState();
  const sessions = s.loadSessions();
  s.applyQuery();
  const firstPage = new Promise<void>((resolve) => {
    if (useAppStore.getState().total !== null) return resolve();
    const stop = useAppStore.subscribe((st) => {
      if (st.total === null) return;
      stop();
      resolve();
    });
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FIRST_SCREEN_WAIT_MS);
  });
  return Promise.race([Promise.all([sessions, firstPage]).then(() => undefined), late]).then(() => clearTimeout(timer));
}

/**
 * The rest of start-up: the scans of the whole case (overview counts, the density histogram,
 * the findings summary), the notes, the app's info and the import status. The engine answers
 * one database query at a time, in the order asked, so these go once the first screen's have
 * arrived and never queue in front of what the investigator looks at first; main.tsx asks
 * once the first screen is painted, so that the engine computing them (several cores on a
 * case not yet warm) and the page parsing their answers do not compete with its first render.
 * (The browser has six connections to a host: the code chunks and the two first-screen answers
 * take them all until then.)
 */
export function loadRest(): void {
  const st = useAppStore.getState();
  void st.loadAppInfo();
  st.pollIngest();
  void st.refreshOverview();
  void st.loadHistogram();
  void st.loadNotes();
  void st.loadFindingsSummary();
}
