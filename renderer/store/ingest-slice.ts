import type { StateCreator } from 'zustand';
import type { IngestPhase } from '../../shared/api.js';
import { getApi } from '../api/api-client.js';
import type { AppState, IngestSlice } from './types.js';

const POLL_MS = 300;
/** While importing, the table's data is refreshed this often so first events show up quickly. */
const LIVE_TABLE_MS = 2000;
const LIVE_OVERVIEW_MS = 5000;

export function isActivePhase(phase: IngestPhase): boolean {
  switch (phase) {
    case 'hashing':
    case 'reading':
    case 'finishing':
      return true;
    case 'idle':
    case 'done':
    case 'cancelled':
    case 'failed':
      return false;
    default: {
      const unreachable: never = phase;
      return unreachable;
    }
  }
}

let polling = false;
let lastTableRefresh = 0;
let lastOverviewRefresh = 0;
/** The run whose end we have already reacted to (refresh overview + table). */
let settledRunId = -1;

export const createIngestSlice: StateCreator<AppState, [], [], IngestSlice> = (set, get) => ({
  ingest: null,
  lastOpen: null,
  pathDialogOpen: false,
  setPathDialogOpen(open) {
    set({ pathDialogOpen: open });
  },
  clearLastOpen() {
    set({ lastOpen: null });
  },
  async pickEvidence() {
    try {
      const result = await getApi().pickEvidence();
      switch (result.kind) {
        case 'picked':
          await get().openPaths(result.paths);
          break;
        case 'cancelled':
          break;
        case 'unsupported':
          set({ pathDialogOpen: true });
          break;
        default: {
          const unreachable: never = result;
          void unreachable;
        }
      }
    } catch (e) {
      get().pushError(e, 'Open evidence');
    }
  },
  async openPaths(paths) {
    try {
      const result = await getApi().openEvidence({ paths });
      set({ lastOpen: result });
      get().pollIngest();
      return result;
    } catch (e) {
      get().pushError(e, 'Open evidence');
      return null;
    }
  },
  async cancelIngest() {
    try {
      set({ ingest: await getApi().cancelIngest() });
      get().pollIngest();
    } catch (e) {
      get().pushError(e, 'Cancel import');
    }
  },
  pollIngest() {
    if (polling) return;
    polling = true;
    const step = async (): Promise<void> => {
      let active = false;
      try {
        const status = await getApi().getIngestStatus();
        set({ ingest: status });
        // Right after openEvidence the server may still report the previous run; keep polling.
        const pendingRun = get().lastOpen;
        active = isActivePhase(status.phase) ||
          (pendingRun !== null && pendingRun.accepted.length > 0 && status.runId < pendingRun.runId);
        const now = Date.now();
        if (active) {
          if (now - lastTableRefresh >= LIVE_TABLE_MS) {
            lastTableRefresh = now;
            get().refreshTable();
          }
          if (now - lastOverviewRefresh >= LIVE_OVERVIEW_MS) {
            lastOverviewRefresh = now;
            void get().refreshOverview();
          }
        } else if (status.runId !== settledRunId) {
          // A run finished (or the first poll after start-up): show its results.
          const first = settledRunId === -1;
          settledRunId = status.runId;
          if (!first || status.phase !== 'idle') {
            void get().refreshOverview();
            get().refreshTable();
            // Correlation runs after the import: sessions, density and coverage are new.
            void get().loadSessions();
            void get().loadHistogram();
            if (get().coverage !== null) void get().loadCoverage();
            // Detection runs after correlation: findings are new too.
            void get().refreshFindings();
          }
        }
      } catch (e) {
        get().pushError(e, 'Import status');
      }
      if (active) setTimeout(() => void step(), POLL_MS);
      else polling = false;
    };
    void step();
  },
});
