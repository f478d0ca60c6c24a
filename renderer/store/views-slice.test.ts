import { describe, expect, it, vi } from 'vitest';
import type { ChainlineApi, ChainStep, EventQuery, ProcessRow } from '../../shared/api.js';
import { chainPageOf } from '../../shared/chain-page.js';
import { sessionsLedTo } from '../../shared/chain-sessions.js';
import { moveTo, pushHistory } from './views-slice.js';
import type { NavState } from './views-types.js';

const queries: EventQuery[] = [];
const proc = (id: string, sessionId: string): ProcessRow => ({
  id, host: 'WS01', pid: 1, guid: null, image: 'C:\\x.exe', commandLine: null, decodedCommand: null, start: null, end: null, user: '',
  logonId: null, sessionId, integrity: null, elevation: null, parentId: null, parentBasis: '', candidates: [],
});
const chain: ChainStep[] = [
  { time: '2024-03-12T10:21:37.0000000Z', kind: 'logon', sessionId: 's11', eventIds: [100], reason: 'r', processId: null },
  { time: '2024-03-12T10:24:51.0000000Z', kind: 'process', sessionId: 's12', eventIds: [112], reason: 'r', processId: 'p33' },
];
const processesOf = (id: string): ProcessRow[] => (id === 's11' ? [proc('p28', 's11')] : [proc('p33', 's12')]);
const api = {
  getSessionChain: async () => chain,
  getSessionChainPage: async (r: { offset: number; limit: number }) => chainPageOf(chain, r.offset, r.limit),
  getSessionProcesses: async (id: string) => processesOf(id),
  getProcessPage: async (r: { scope: string; id: string; offset: number; limit: number }) => {
    const all = r.scope === 'chain' ? sessionsLedTo(chain, r.id).flatMap(processesOf) : processesOf(r.id);
    return { total: all.length, offset: r.offset, rows: all.slice(r.offset, r.offset + r.limit) };
  },
  queryEvents: async (q: EventQuery) => {
    queries.push(q);
    return { total: 0, offset: 0, rows: [] };
  },
  getEventHistogram: async () => ({ from: null, to: null, counts: [], total: 0 }),
  getEventDetail: async () => {
    throw new Error('no detail here');
  },
} as unknown as ChainlineApi;
vi.mock('../api/api-client.js', () => ({ getApi: () => api }));
const { useAppStore } = await import('./app-store.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const home: NavState = { sessionId: null, tab: 'chain', processId: null, eventId: null, text: '', host: '', from: null, to: null };

describe('navigation history', () => {
  it('records moves, drops forward entries on a new move, ignores repeats', () => {
    let h = pushHistory([], -1, home);
    const a = moveTo(home, { kind: 'session', sessionId: 's11', tab: 'chain' });
    h = pushHistory(h.history, h.index, a);
    h = pushHistory(h.history, h.index, a);
    expect(h.history).toHaveLength(2);
    const b = moveTo(a, { kind: 'filter', text: '0x5a3c1e', host: '', from: null, to: null });
    h = pushHistory(h.history, h.index, b);
    // Back one, then a different move: the pivot is no longer ahead.
    const c = moveTo(a, { kind: 'process', sessionId: 's11', processId: 'p28' });
    h = pushHistory(h.history, 1, c);
    expect(h.history.map((x) => x.processId ?? x.text)).toEqual(['', '', 'p28']);
    expect(h.index).toBe(2);
  });

  it('a move changes only what it names', () => {
    const a = moveTo({ ...home, text: 'x' }, { kind: 'session', sessionId: 's11', tab: 'tree' });
    expect(a).toEqual({ ...home, text: 'x', sessionId: 's11', tab: 'tree' });
    expect(moveTo({ ...a, processId: 'p1' }, { kind: 'session', sessionId: 's12', tab: 'chain' }).processId).toBeNull();
  });

  it('pivot, back and forward restore the table filter and the session through the store', async () => {
    const s = useAppStore.getState();
    s.navigate({ kind: 'session', sessionId: 's11', tab: 'chain' });
    await sleep(20);
    expect(useAppStore.getState().chain?.toSteps()).toEqual(chain);
    // The chain's processes come from every session it touches.
    expect(useAppStore.getState().chainProcesses?.map((p) => p.id).sort()).toEqual(['p28', 'p33']);
    s.pivot('logonId', '0x5a3c1e');
    await sleep(20);
    expect(queries.at(-1)?.filter).toEqual({ text: '0x5a3c1e' });
    s.back();
    await sleep(20);
    expect(useAppStore.getState().text).toBe('');
    expect(queries.at(-1)?.filter).toEqual({});
    expect(useAppStore.getState().selectedSessionId).toBe('s11');
    s.back();
    expect(useAppStore.getState().selectedSessionId).toBeNull();
    s.forward();
    s.forward();
    await sleep(20);
    expect(useAppStore.getState().text).toBe('0x5a3c1e');
    expect(useAppStore.getState().selectedSessionId).toBe('s11');
    s.pivot('host', 'WS01');
    await sleep(20);
    expect(queries.at(-1)?.filter).toEqual({ hosts: ['WS01'], text: '0x5a3c1e' });
  });
});
