// The process tree of a whole host: every process correlation placed on the selected session's
// host, whatever its session (services.exe and its children, other users' sessions, processes
// no logon names). The session tree shows what one logon did; the host tree shows where it sat.

import type { StateCreator } from 'zustand';
import type { ProcessRow, SessionList } from '../../shared/api.js';
import type { Finding } from '../../shared/findings.js';
import { getApi } from '../api/api-client.js';
import { loadProcesses } from '../lib/process-pages.js';
import { loadAllFindings } from './findings-slice.js';
import type { AppState } from './types.js';
import { errorText } from './ui-slice.js';

export type TreeScope = 'session' | 'host';

export interface HostTree {
  readonly host: string;
  /** The session list the tree was asked with: a new analysis (after an import) asks again. */
  readonly sessions: SessionList | null;
  readonly processes: readonly ProcessRow[] | null;
  /** The host's findings (tree badges), null while loading. */
  readonly findings: readonly Finding[] | null;
  readonly error: string | null;
}

export interface HostTreeSlice {
  /** What the process tree shows: the selected session (and those it created), or its whole host. */
  readonly treeScope: TreeScope;
  readonly hostTree: HostTree | null;
  setTreeScope(scope: TreeScope): void;
  /** Loads the host's processes and findings unless they are loaded for this host and analysis. */
  loadHostTree(host: string): Promise<void>;
}

let hostRequest = 0;

export const createHostTreeSlice: StateCreator<AppState, [], [], HostTreeSlice> = (set, get) => ({
  treeScope: 'session',
  hostTree: null,
  setTreeScope(treeScope) {
    set({ treeScope });
  },
  async loadHostTree(host) {
    const sessions = get().sessions;
    const have = get().hostTree;
    if (have !== null && have.host === host && have.sessions === sessions && have.error === null) return;
    const request = ++hostRequest;
    set({ hostTree: { host, sessions, processes: null, findings: null, error: null } });
    const api = getApi();
    const findings = loadAllFindings({ host }).then(
      (r) => r.rows,
      () => [] as Finding[], // badges only: the tree stays usable without them
    );
    try {
      const processes = await loadProcesses(api, 'host', host);
      if (request !== hostRequest) return;
      set({ hostTree: { host, sessions, processes, findings: null, error: null } });
      const rows = await findings;
      if (request === hostRequest) set({ hostTree: { host, sessions, processes, findings: rows, error: null } });
    } catch (e) {
      if (request === hostRequest) set({ hostTree: { host, sessions, processes: null, findings: null, error: errorText(e) } });
    }
  },
});
