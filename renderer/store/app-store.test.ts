import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChainlineApi, EventQuery, EventRow, IngestStatus } from '../../shared/api.js';
import { stubApi } from '../../shared/testing/stub-api.js';

// The store talks to getApi(); here it gets a scripted in-memory API (no window in node).
const calls: { method: string; args: unknown[] }[] = [];
let statuses: IngestStatus[] = [];
let total = 1234;

function row(i: number): EventRow {
  return {
    id: i + 1, time: '2024-03-01T00:00:00.0000000Z', timePrecision: '100ns', host: 'H', channel: 'Security',
    provider: 'P', eventId: 4624, recordId: i, summary: 's' + i, recovered: false,
  };
}

const idle: IngestStatus = {
  phase: 'idle', runId: 0, currentFile: null, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0,
  events: 0, errors: 0, message: null,
};

const api: ChainlineApi = stubApi({
  openEvidence: async (r) => {
    calls.push({ method: 'openEvidence', args: [r] });
    return { runId: 1, accepted: [...r.paths], rejected: [] };
  },
  getIngestStatus: async () => {
    calls.push({ method: 'getIngestStatus', args: [] });
    return statuses.length > 1 ? statuses.shift()! : (statuses[0] ?? idle);
  },
  cancelIngest: async () => idle,
  getCaseOverview: async () => {
    calls.push({ method: 'getCaseOverview', args: [] });
    return { case: null, evidence: [], totalEvents: total, hosts: [], channels: [], eventIds: [], firstTime: null, lastTime: null };
  },
  queryEvents: async (q: EventQuery) => {
    calls.push({ method: 'queryEvents', args: [q] });
    const rows: EventRow[] = [];
    for (let i = q.offset; i < Math.min(total, q.offset + q.limit); i++) rows.push(row(i));
    return { total, offset: q.offset, rows };
  },
});

vi.mock('../api/api-client.js', () => ({ getApi: () => api }));

const { useAppStore } = await import('./app-store.js');
const { eventPager } = await import('./pager.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const queries = () => calls.filter((c) => c.method === 'queryEvents').map((c) => c.args[0] as EventQuery);

beforeEach(() => {
  calls.length = 0;
  statuses = [];
  total = 1234;
});
afterEach(() => {
  useAppStore.getState().clearFilters();
});

describe('query slice', () => {
  it('turns "4624, 4688" into an eventIds filter and learns the total', async () => {
    useAppStore.getState().setEventIdText('4624, 4688');
    await sleep(10);
    const q = queries().at(-1)!;
    expect(q.filter).toEqual({ eventIds: [4624, 4688] });
    expect(q.offset).toBe(0);
    expect(q.limit).toBe(500);
    expect(useAppStore.getState().total).toBe(1234);
    expect(eventPager.rowAt(3)?.id).toBe(4);
  });

  it('does not query again when the typed ids do not change the filter', async () => {
    useAppStore.getState().setEventIdText('4624');
    await sleep(10);
    const before = queries().length;
    useAppStore.getState().setEventIdText('4624,');
    useAppStore.getState().setEventIdText('4624, ');
    await sleep(10);
    expect(queries().length).toBe(before);
    expect(useAppStore.getState().invalidEventIds).toEqual([]);
  });

  it('debounces the free-text filter and sends it once', async () => {
    const s = useAppStore.getState();
    s.setText('m');
    s.setText('mi');
    s.setText('mimi');
    await sleep(100);
    expect(queries().some((q) => q.filter.text !== undefined)).toBe(false);
    await sleep(350);
    expect(queries().filter((q) => q.filter.text !== undefined).map((q) => q.filter.text)).toEqual(['mimi']);
  });

  it('sorting sends desc and host/channel become one-element lists', async () => {
    const s = useAppStore.getState();
    s.setHost('WS01');
    s.setChannel('Security');
    s.setSort('desc');
    await sleep(10);
    const q = queries().at(-1)!;
    expect(q.sort).toBe('desc');
    expect(q.filter).toEqual({ hosts: ['WS01'], channels: ['Security'] });
    s.setSort('asc');
  });

  it('selecting a row and moving with the arrows follows loaded rows', async () => {
    useAppStore.getState().applyQuery();
    await sleep(10);
    const s = useAppStore.getState();
    s.selectIndex(5);
    expect(useAppStore.getState().selectedId).toBe(6);
    s.moveSelection(1);
    expect(useAppStore.getState().selectedIndex).toBe(6);
    s.moveSelection(-100);
    expect(useAppStore.getState().selectedIndex).toBe(0);
    s.selectIndex(1_000_000);
    expect(useAppStore.getState().selectedIndex).toBe(1233);
  });
});

describe('ingest slice', () => {
  it('polls while importing and refreshes overview and table when the run ends', async () => {
    const reading: IngestStatus = { ...idle, phase: 'reading', runId: 1, filesTotal: 1, currentFile: '/e/a.evtx' };
    statuses = [reading, reading, { ...reading, phase: 'done', filesDone: 1 }];
    await useAppStore.getState().openPaths(['/e/a.evtx']);
    expect(calls.find((c) => c.method === 'openEvidence')?.args[0]).toEqual({ paths: ['/e/a.evtx'] });
    await sleep(1200);
    const polls = calls.filter((c) => c.method === 'getIngestStatus').length;
    expect(polls).toBe(3);
    expect(useAppStore.getState().ingest?.phase).toBe('done');
    // The last refresh came after the last poll.
    const lastPoll = calls.map((c) => c.method).lastIndexOf('getIngestStatus');
    expect(calls.slice(lastPoll).some((c) => c.method === 'getCaseOverview')).toBe(true);
    expect(calls.slice(lastPoll).some((c) => c.method === 'queryEvents')).toBe(true);
  });

  it('shows API errors in the banner instead of throwing', async () => {
    const original = api.getCaseOverview;
    api.getCaseOverview = async () => {
      throw new Error('database is locked');
    };
    await useAppStore.getState().refreshOverview();
    api.getCaseOverview = original;
    expect(useAppStore.getState().errors.map((e) => e.message)).toContain('Case overview: database is locked');
  });
});

describe('selection slice', () => {
  it("asks the case for the selected event's findings, and drops them when the selection goes", async () => {
    const finding = {
      id: 'r1:7', ruleId: 'r1', ruleTitle: 'Rule one', level: 'high', origin: 'user', tags: [], eventIds: [7],
      time: '2024-03-01T00:00:00.0000000Z', host: 'H', sessionId: null, processId: null, summary: 's', suppressed: null,
    } as const;
    const asked: unknown[] = [];
    const originalList = api.listFindings;
    const originalDetail = api.getEventDetail;
    api.listFindings = async (q) => {
      asked.push(q);
      return { total: 1, offset: 0, rows: q.eventId === 7 ? [finding] : [] };
    };
    api.getEventDetail = async () => {
      throw new Error('no detail in this test');
    };
    try {
      useAppStore.getState().selectEventId(7);
      await sleep(150);
      expect(asked).toEqual([{ eventId: 7, offset: 0, limit: 100 }]);
      expect(useAppStore.getState().detailFindings).toEqual([finding]);
      useAppStore.getState().clearSelection();
      expect(useAppStore.getState().detailFindings).toEqual([]);
    } finally {
      api.listFindings = originalList;
      api.getEventDetail = originalDetail;
    }
  });
});
