import { describe, expect, it } from 'vitest';
import type { ProcessPageRequest, ProcessRow } from '../../shared/api.js';
import { loadProcesses, shareRepeatedValues } from './process-pages.js';

const proc = (i: number): ProcessRow => ({
  id: `p${i}`, host: 'WS01', pid: i, guid: null, image: 'C:\\x.exe', commandLine: null, decodedCommand: null, start: null, end: null, user: '',
  logonId: null, sessionId: 's1', integrity: null, elevation: null, parentId: null, parentBasis: '', candidates: [],
});

/** A fake engine over `lists` (the answers of successive analyses); pages answer out of order. */
function fakeApi(all: () => readonly ProcessRow[]) {
  const asked: ProcessPageRequest[] = [];
  let whole = 0;
  let turn = 0;
  return {
    asked,
    whole: () => whole,
    api: {
      async getProcessPage(r: ProcessPageRequest) {
        asked.push(r);
        const rows = all();
        // Later requests sometimes answer first.
        await new Promise((done) => setTimeout(done, (turn++ % 3) * 2));
        return { total: rows.length, offset: r.offset, rows: rows.slice(r.offset, r.offset + r.limit) };
      },
      async getSessionProcesses() {
        whole++;
        return all();
      },
      async getHostProcesses() {
        whole++;
        return all();
      },
    },
  };
}

describe('loadProcesses', () => {
  it('joins the pages in order, the same rows as the whole list', async () => {
    for (const n of [0, 1, 999, 1000, 1001, 4500]) {
      const list = Array.from({ length: n }, (_, i) => proc(i));
      const f = fakeApi(() => list);
      const rows = await loadProcesses(f.api, 'session', 's1', 1000);
      expect(rows, `n ${n}`).toEqual(list);
      expect(f.asked).toHaveLength(Math.max(1, Math.ceil(n / 1000)));
      expect(f.whole()).toBe(0);
    }
  });

  it('asks for the host scope by host', async () => {
    const list = Array.from({ length: 30 }, (_, i) => proc(i));
    const f = fakeApi(() => list);
    expect(await loadProcesses(f.api, 'host', 'WS01', 7)).toEqual(list);
    expect(f.asked.every((r) => r.scope === 'host' && r.id === 'WS01')).toBe(true);
  });

  it('asks for the whole list again when it changed between pages', async () => {
    let list = Array.from({ length: 25 }, (_, i) => proc(i));
    const f = fakeApi(() => {
      const now = list;
      if (f.asked.length === 2) list = Array.from({ length: 26 }, (_, i) => proc(100 + i));
      return now;
    });
    const rows = await loadProcesses(f.api, 'session', 's1', 10);
    expect(f.whole()).toBe(1);
    expect(rows).toEqual(list);
  });
});

describe('loadProcesses of a chain', () => {
  it('has no whole list to fall back on: asks for the pages once more, then gives up saying why', async () => {
    let list = Array.from({ length: 25 }, (_, i) => proc(i));
    const f = fakeApi(() => {
      const now = list;
      if (f.asked.length === 2) list = Array.from({ length: 26 }, (_, i) => proc(100 + i));
      return now;
    });
    expect(await loadProcesses(f.api, 'chain', 's1', 10)).toEqual(list);
    expect(f.whole()).toBe(0);
    expect(f.asked.every((r) => r.scope === 'chain' && r.id === 's1')).toBe(true);

    let n = 0;
    const changing = fakeApi(() => Array.from({ length: 20 + (n++ % 2) }, (_, i) => proc(i)));
    await expect(loadProcesses(changing.api, 'chain', 's1', 10)).rejects.toThrow("the processes of session s1's chain changed while they were loaded");
    expect(changing.whole()).toBe(0);
  });
});

describe('shareRepeatedValues', () => {
  it('keeps every value and shares one string and one empty candidate list across rows', async () => {
    // Distinct string objects with equal values, as JSON.parse makes them.
    const rows: ProcessRow[] = JSON.parse(
      JSON.stringify(Array.from({ length: 5 }, (_, i) => ({ ...proc(i), user: 'CORP\\op', candidates: i === 3 ? ['p1', 'p2'] : [] }))),
    ) as ProcessRow[];
    const before = JSON.stringify(rows);
    shareRepeatedValues(rows, new Map());
    expect(JSON.stringify(rows)).toBe(before);
    expect(rows[4]?.candidates).toBe(rows[0]?.candidates);
    expect(rows[3]?.candidates).toEqual(['p1', 'p2']);
    expect(Object.isFrozen(rows[0]?.candidates)).toBe(true);
  });

  it('is applied to the pages loadProcesses joins', async () => {
    const list = JSON.parse(JSON.stringify(Array.from({ length: 30 }, (_, i) => proc(i)))) as ProcessRow[];
    const f = fakeApi(() => list);
    const rows = await loadProcesses(f.api, 'session', 's1', 7);
    expect(rows).toEqual(JSON.parse(JSON.stringify(list)));
    expect(rows[29]?.candidates).toBe(rows[0]?.candidates);
  });
});
