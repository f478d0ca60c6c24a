import type { StateCreator } from 'zustand';
import type { EventFilter, SortDirection } from '../../shared/api.js';
import { getApi } from '../api/api-client.js';
import { normalizeFilterText, parseEventIds } from '../lib/filter-parse.js';
import { PAGE_SIZE, eventPager } from './pager.js';
import type { AppState, QuerySlice } from './types.js';

const TEXT_DEBOUNCE_MS = 300;
let textTimer: ReturnType<typeof setTimeout> | null = null;

/** The API filter for the current inputs (absent fields rather than empty ones). */
export function buildFilter(input: {
  readonly eventIdText: string;
  readonly host: string;
  readonly channel: string;
  readonly text: string;
  readonly from?: string | null;
  readonly to?: string | null;
}): EventFilter {
  const ids = parseEventIds(input.eventIdText).ids;
  const text = normalizeFilterText(input.text);
  return {
    ...(ids.length ? { eventIds: ids } : {}),
    ...(input.host ? { hosts: [input.host] } : {}),
    ...(input.channel ? { channels: [input.channel] } : {}),
    ...(text ? { text } : {}),
    ...(input.from ? { from: input.from } : {}),
    ...(input.to ? { to: input.to } : {}),
  };
}

export const createQuerySlice: StateCreator<AppState, [], [], QuerySlice> = (set, get) => {
  // The query last sent, so typing that does not change it (a trailing space, "4624," …)
  // does not throw the loaded pages away.
  let appliedKey: string | null = null;
  const run = (force = false): void => {
    const s = get();
    const filter = buildFilter(s);
    const sort: SortDirection = s.sort;
    const key = JSON.stringify([filter, sort]);
    if (!force && key === appliedKey) return;
    appliedKey = key;
    set((st) => ({ queryId: st.queryId + 1, total: null }));
    get().clearSelection();
    eventPager.reset((offset, limit) =>
      getApi().queryEvents({ filter, sort, offset, limit: Math.min(limit, PAGE_SIZE) }),
    );
  };
  return {
    eventIdText: '',
    invalidEventIds: [],
    host: '',
    channel: '',
    text: '',
    sort: 'asc',
    total: null,
    pageTick: 0,
    queryId: 0,
    setEventIdText(eventIdText) {
      const parsed = parseEventIds(eventIdText);
      set({ eventIdText, invalidEventIds: parsed.invalid });
      run();
    },
    setHost(host) {
      set({ host });
      run();
    },
    setChannel(channel) {
      set({ channel });
      run();
    },
    setText(text) {
      set({ text });
      if (textTimer) clearTimeout(textTimer);
      textTimer = setTimeout(() => {
        textTimer = null;
        run();
      }, TEXT_DEBOUNCE_MS);
    },
    setSort(sort) {
      set({ sort });
      run();
    },
    from: null,
    to: null,
    setTimeRange(from, to) {
      set({ from, to });
      run();
    },
    setTextNow(text) {
      if (textTimer) clearTimeout(textTimer);
      textTimer = null;
      set({ text });
      run();
    },
    filterToEventId(id) {
      set({ eventIdText: String(id), invalidEventIds: [] });
      run();
    },
    clearFilters() {
      if (textTimer) clearTimeout(textTimer);
      textTimer = null;
      set({ eventIdText: '', invalidEventIds: [], host: '', channel: '', text: '', from: null, to: null });
      run();
    },
    applyQuery() {
      run(true);
    },
    refreshTable() {
      eventPager.refresh();
    },
  };
};
