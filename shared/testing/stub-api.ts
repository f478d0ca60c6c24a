// A ChainlineApi for tests: every read answers as an empty case would, every write or method a
// test has no business calling throws. Tests pass the methods they script or watch.

import type { ChainlineApi, IngestStatus } from '../api.js';
import { chainPageOf } from '../chain-page.js';

const IDLE: IngestStatus = {
  phase: 'idle', runId: 0, currentFile: null, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0,
  events: 0, errors: 0, message: null,
};

function unused(method: string): () => Promise<never> {
  return async () => {
    throw new Error(`${method} is not in this stub`);
  };
}

export function stubApi(overrides: Partial<ChainlineApi> = {}): ChainlineApi {
  const empty: ChainlineApi = {
    getAppInfo: async () => ({ name: 'Chainline', version: 't', nativeDialogs: false }),
    pickEvidence: async () => ({ kind: 'unsupported' }),
    openEvidence: unused('openEvidence'),
    getIngestStatus: async () => ({ ...IDLE }),
    cancelIngest: async () => ({ ...IDLE }),
    getCaseOverview: async () => ({ case: null, evidence: [], totalEvents: 0, hosts: [], channels: [], eventIds: [], firstTime: null, lastTime: null }),
    queryEvents: async (q) => ({ total: 0, offset: q.offset, rows: [] }),
    getEventDetail: unused('getEventDetail'),
    listSessions: async () => ({ computedAt: null, sessions: [] }),
    getSessionChain: async () => [],
    getSessionChainPage: async (r) => chainPageOf([], r.offset, r.limit),
    getSessionProcesses: async () => [],
    getHostProcesses: async () => [],
    findProcesses: async () => ({ total: 0, rows: [] }),
    listFindings: async (q) => ({ total: 0, offset: q.offset, rows: [] }),
    getFindingsSummary: async () => ({
      computedAt: null, total: 0, suppressed: 0, bySeverity: { informational: 0, low: 0, medium: 0, high: 0, critical: 0 },
      byTactic: [], byRule: [], bySession: [], warnings: [],
    }),
    getAllowList: async () => [],
    addAllowListEntry: unused('addAllowListEntry'),
    removeAllowListEntry: async () => false,
    exportAllowList: async () => '',
    importAllowList: async () => ({ added: 0, duplicates: 0, entries: [] }),
    getAttackLayer: unused('getAttackLayer'),
    getHuntingQueries: unused('getHuntingQueries'),
    getBaselineCandidates: async () => [],
    getRuleStatus: async () => null,
    setRuleFolders: unused('setRuleFolders'),
    createReport: unused('createReport'),
    exportCase: unused('exportCase'),
    getEventHistogram: async () => ({ from: null, to: null, counts: [], total: 0 }),
    listNotes: async () => [],
    saveNote: unused('saveNote'),
    deleteNote: async () => undefined,
    getCoverage: async () => ({
      hosts: [], processCreation: { events: 0, withCommandLine: 0 }, sysmonEvents: 0, scriptBlockEvents: 0, clears: [], gaps: [], gapsTruncated: false,
    }),
    getProcessPage: async (r) => ({ total: 0, offset: r.offset, rows: [] }),
  };
  return { ...empty, ...overrides };
}
