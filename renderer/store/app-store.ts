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

/** Loads what the first screen needs. */
export function startApp(): void {
  const s = useAppStore.getState();
  void s.loadAppInfo();
  void s.refreshOverview();
  s.applyQuery();
  s.pollIngest();
  void s.loadSessions();
  void s.loadNotes();
  void s.loadFindingsSummary();
}
