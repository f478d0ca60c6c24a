import type { StateCreator } from 'zustand';
import { getApi } from '../api/api-client.js';
import type { AppState, CaseSlice } from './types.js';

let overviewRequest = 0;

export const createCaseSlice: StateCreator<AppState, [], [], CaseSlice> = (set, get) => ({
  appInfo: null,
  overview: null,
  overviewLoading: false,
  async loadAppInfo() {
    try {
      set({ appInfo: await getApi().getAppInfo() });
    } catch (e) {
      get().pushError(e, 'App info');
    }
  },
  async refreshOverview() {
    const request = ++overviewRequest;
    set({ overviewLoading: true });
    try {
      const overview = await getApi().getCaseOverview();
      if (request === overviewRequest) set({ overview, overviewLoading: false });
    } catch (e) {
      if (request === overviewRequest) set({ overviewLoading: false });
      get().pushError(e, 'Case overview');
    }
  },
});
