import type { StateCreator } from 'zustand';
import { getApi } from '../api/api-client.js';
import { eventPager } from './pager.js';
import { errorText } from './ui-slice.js';
import type { AppState, SelectionSlice } from './types.js';

/** Holding an arrow key should not fire a detail request per row. */
const DETAIL_DELAY_MS = 60;
let detailTimer: ReturnType<typeof setTimeout> | null = null;
let detailRequest = 0;
/** Findings shown in the event detail (one event rarely has more than a handful). */
const DETAIL_FINDINGS = 100;

export const createSelectionSlice: StateCreator<AppState, [], [], SelectionSlice> = (set, get) => {
  const loadDetail = (id: number | null): void => {
    const request = ++detailRequest;
    if (detailTimer) clearTimeout(detailTimer);
    detailTimer = null;
    if (id === null) {
      set({ detailLoading: false, detailFindings: [] });
      return;
    }
    set({ detailLoading: true, detailError: null, detailFindings: [] });
    detailTimer = setTimeout(() => {
      detailTimer = null;
      // Findings are extra: a failure leaves the detail as it is (the loaded lists still show theirs).
      getApi()
        .listFindings({ eventId: id, offset: 0, limit: DETAIL_FINDINGS })
        .then(
          (page) => {
            if (request === detailRequest) set({ detailFindings: page.rows });
          },
          () => undefined,
        );
      getApi()
        .getEventDetail(id)
        .then(
          (detail) => {
            if (request === detailRequest) set({ detail, detailLoading: false, detailError: null });
          },
          (e: unknown) => {
            if (request === detailRequest) set({ detail: null, detailLoading: false, detailError: errorText(e) });
          },
        );
    }, DETAIL_DELAY_MS);
  };

  return {
    selectedIndex: null,
    selectedId: null,
    detail: null,
    detailLoading: false,
    detailError: null,
    detailFindings: [],
    selectIndex(index) {
      const total = get().total ?? 0;
      if (total === 0) return;
      const clamped = Math.max(0, Math.min(total - 1, index));
      const id = eventPager.rowAt(clamped)?.id ?? null;
      const changed = id !== get().selectedId;
      set({ selectedIndex: clamped, selectedId: id });
      if (changed) loadDetail(id);
    },
    selectEventId(id) {
      // An event opened from a view (chain step, timeline, note) may be on no loaded page.
      if (id === get().selectedId && get().selectedIndex === null) return;
      set({ selectedIndex: null, selectedId: id });
      loadDetail(id);
    },
    moveSelection(delta) {
      const current = get().selectedIndex;
      get().selectIndex(current === null ? 0 : current + delta);
    },
    clearSelection() {
      detailRequest++;
      set({ selectedIndex: null, selectedId: null, detail: null, detailLoading: false, detailError: null, detailFindings: [] });
    },
  };
};

/** A selected row whose page was not loaded yet gets its id (and detail) when the page arrives. */
export function resolvePendingSelection(get: () => AppState): void {
  const s = get();
  if (s.selectedIndex !== null && s.selectedId === null) {
    const row = eventPager.rowAt(s.selectedIndex);
    if (row) s.selectIndex(s.selectedIndex);
  }
}
