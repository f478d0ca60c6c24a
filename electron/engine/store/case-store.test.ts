import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../shared/build-event.js';
import type { NormalizedEvent } from '../../../shared/events.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { prepareRows } from '../ingest/prepared-rows.js';
import { CASE_DB_FILE, CASE_ROW_GROUP_ROWS, CaseStore } from './case-store.js';

const dirs: string[] = [];
function tempCase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chainline-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function event(i: number, over: { eventId?: number; host?: string; data?: Record<string, string> } = {}): NormalizedEvent {
  const seconds = String(i % 60).padStart(2, '0');
  return buildEvent(
    {
      provider: 'Microsoft-Windows-Security-Auditing',
      eventId: over.eventId ?? 4688,
      systemTime: `2024-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${seconds}.${String(i).padStart(7, '0').slice(-7)}Z`,
      recordId: i,
      channel: 'Security',
      computer: over.host ?? 'WS01',
    },
    over.data ?? { NewProcessName: `C:\\Windows\\System32\\proc${i}.exe`, CommandLine: `proc${i}.exe /x` },
    { file: '/evidence/Security.xml', format: 'xml', offset: i * 100, length: 100 },
  );
}

const evidence = { path: '/evidence/Security.xml', format: 'xml', size: 1000, mtime: '2024-05-01T00:00:00.000Z', sha256: 'ab'.repeat(32) } as const;

describe('CaseStore', () => {
  it('stores events, pages them by time, filters and counts', async () => {
    const store = await CaseStore.open(tempCase(), { name: 'test' });
    const id = await store.addEvidence(evidence, 'importing');
    const events = Array.from({ length: 1000 }, (_, i) => event(999 - i, { host: i % 2 ? 'WS01' : 'WS02', eventId: i % 10 === 0 ? 4624 : 4688 }));
    await store.appendEvents(id, events);
    await store.flush();
    await store.setEvidenceStatus(id, 'complete', { events: 1000, errors: 0, recovered: 0, errorSamples: [] });

    const page = await store.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 10 });
    expect(page.total).toBe(1000);
    expect(page.rows.map((r) => r.recordId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const desc = await store.queryEvents({ filter: {}, sort: 'desc', offset: 0, limit: 1 });
    expect(desc.rows[0]?.recordId).toBe(999);
    expect(await store.countEvents({ eventIds: [4624] })).toBe(100);
    expect(await store.countEvents({ hosts: ['WS02'] })).toBe(500);
    expect(await store.countEvents({ text: 'proc42.exe' })).toBe(1);
    // Backslashes are found as the user types them, though data is stored as JSON.
    expect(await store.countEvents({ text: 'System32\\proc42.exe' })).toBe(1);
    // LIKE wildcards in the search text are literal.
    expect(await store.countEvents({ text: 'proc_2.exe' })).toBe(0);
    expect(await store.countEvents({ text: '100%' })).toBe(0);

    const overview = await store.overview();
    expect(overview.totalEvents).toBe(1000);
    expect(overview.hosts).toEqual([
      { key: 'WS01', count: 500 },
      { key: 'WS02', count: 500 },
    ]);
    expect(overview.eventIds[0]).toEqual({ key: '4688', count: 900 });
    expect(overview.firstTime).toBe(events[999]?.time);
    expect(overview.evidence[0]?.status).toBe('complete');

    const detail = await store.getEvent(page.rows[3]!.id);
    expect(detail?.data['CommandLine']).toBe('proc3.exe /x');
    expect(detail?.source.offset).toBe(300);
    await store.close();
  });

  it('reopens instantly with its events, and marks an interrupted import incomplete', async () => {
    const dir = tempCase();
    const store = await CaseStore.open(dir);
    const id = await store.addEvidence(evidence, 'importing');
    await store.appendEvents(id, [event(1), event(2), event(3)]);
    await store.flush();
    // Simulate a crash: the status never reaches 'complete'.
    await store.close();

    const reopened = await CaseStore.open(dir);
    const overview = await reopened.overview();
    expect(overview.totalEvents).toBe(3);
    expect(overview.evidence[0]?.status).toBe('incomplete');
    expect(overview.evidence[0]?.events).toBe(3);
    // New events continue the id sequence.
    const id2 = await reopened.addEvidence({ ...evidence, sha256: 'cd'.repeat(32) }, 'importing');
    await reopened.appendEvents(id2, [event(4)]);
    await reopened.flush();
    const page = await reopened.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 10 });
    expect(new Set(page.rows.map((r) => r.id)).size).toBe(4);
    await reopened.close();
  });

  it('finds evidence by hash for duplicate detection', async () => {
    const store = await CaseStore.open(tempCase());
    const id = await store.addEvidence(evidence, 'complete');
    expect((await store.findEvidenceBySha256(evidence.sha256))?.id).toBe(id);
    expect(await store.findEvidenceBySha256('00'.repeat(32))).toBeNull();
    await store.close();
  });

  it('answers the duplicate checks from evidence kept in step with every write, and the same after a reopen', async () => {
    const dir = tempCase();
    const store = await CaseStore.open(dir);
    const a = await store.addEvidence({ ...evidence, path: '/e/a.evtx', size: 69_632, sha256: '' }, 'importing');
    const b = await store.addEvidence({ ...evidence, path: '/e/b.evtx', size: 69_632, sha256: 'cd'.repeat(32) }, 'importing');
    expect([a, b]).toEqual([1, 2]);
    expect(await store.hasEvidenceOfSize(69_632)).toBe(true);
    expect(await store.hasEvidenceOfSize(1000)).toBe(false);
    // The hash taken while a was read, recorded after it was added.
    await store.setEvidenceSha256(a, 'cd'.repeat(32));
    expect((await store.findEvidenceBySha256('cd'.repeat(32)))?.path).toBe('/e/a.evtx');
    // A failed file is nobody's original: the next match is.
    await store.setEvidenceStatus(a, 'failed', { events: 0, errors: 1, recovered: 0, errorSamples: [] });
    expect((await store.findEvidenceBySha256('cd'.repeat(32)))?.path).toBe('/e/b.evtx');
    await store.markFailed('/e/b.evtx', 'unreadable');
    expect(await store.findEvidenceBySha256('cd'.repeat(32))).toBeNull();
    expect(await store.hasEvidenceOfSize(69_632)).toBe(false);
    const c = await store.addEvidence({ ...evidence, path: '/e/c.evtx', size: 4096, sha256: 'ef'.repeat(32) }, 'complete');
    const d = await store.addEvidence({ ...evidence, path: '/e/d.evtx', size: 4096, sha256: 'ef'.repeat(32) }, 'importing');
    await store.close();

    const reopened = await CaseStore.open(dir);
    // d was importing when the case closed: now incomplete, so c alone is counted.
    expect((await reopened.getEvidence(d))?.status).toBe('incomplete');
    expect((await reopened.findEvidenceBySha256('ef'.repeat(32)))?.id).toBe(c);
    expect(await reopened.hasEvidenceOfSize(4096)).toBe(true);
    expect(await reopened.hasEvidenceOfSize(69_632)).toBe(false);
    expect(await reopened.findEvidenceBySha256('cd'.repeat(32))).toBeNull();
    // Ids go on after the highest, and two files added at once get two.
    const [e, f] = await Promise.all([reopened.addEvidence({ ...evidence, path: '/e/e.evtx' }, 'importing'), reopened.addEvidence({ ...evidence, path: '/e/f.evtx' }, 'importing')]);
    expect([e, f]).toEqual([d + 1, d + 2]);
    expect((await reopened.listEvidence()).map((x) => x.path)).toEqual(['/e/a.evtx', '/e/b.evtx', '/e/c.evtx', '/e/d.evtx', '/e/e.evtx', '/e/f.evtx']);
    await reopened.close();
  });

  it("keeps DuckDB's import settings from an import's first append to the checkpoint after it, however many files it appends", async () => {
    const store = await CaseStore.open(tempCase());
    // The store's own statement runner (private): the settings are DuckDB's, not the store's API.
    const setting = async (name: string): Promise<string> =>
      String(await (store as unknown as { scalar(sql: string, values: string[]): Promise<unknown> }).scalar('SELECT current_setting(?) AS v', [name]));
    const normal = [await setting('memory_limit'), await setting('threads')];
    const settingsAfterFile = async (i: number): Promise<string[]> => {
      const id = await store.addEvidence({ ...evidence, path: `/e/${i}.xml`, sha256: String(i).repeat(64) }, 'importing');
      await store.appendPrepared(id, prepareRows([event(i)]));
      await store.flush();
      await store.endAppend();
      await store.setEvidenceStatus(id, 'complete', { events: 1, errors: 0, recovered: 0, errorSamples: [] });
      return [await setting('memory_limit'), await setting('threads')];
    };
    const first = await settingsAfterFile(1);
    // Both lowered, between files as while appending (set once for the run, not per file).
    expect(first[0]).not.toBe(normal[0]);
    expect(first[1]).not.toBe(normal[1]);
    expect(await settingsAfterFile(2)).toEqual(first);
    await store.checkpoint();
    expect([await setting('memory_limit'), await setting('threads')]).toEqual(normal);
    expect(await store.countEvents({})).toBe(2);
    await store.close();
  });

  it('checkpoints an import at each full row group, so its memory and WAL stay bounded whatever its size', async () => {
    const dir = tempCase();
    const store = await CaseStore.open(dir);
    const id = await store.addEvidence(evidence, 'importing');
    // Two and a half row groups, in batches that straddle the row-group boundaries.
    const total = CASE_ROW_GROUP_ROWS * 2 + CASE_ROW_GROUP_ROWS / 2;
    const batch = 7001;
    let textBytes = 0;
    for (let start = 0; start < total; start += batch) {
      const rows = prepareRows(Array.from({ length: Math.min(batch, total - start) }, (_, k) => event(start + k)));
      textBytes += rows.text.length;
      await store.appendPrepared(id, rows);
    }
    await store.flush();
    // Without the checkpoints the WAL would hold every value appended; with them, only the
    // rows since the last full row group (a fifth of them here).
    const wal = statSync(join(dir, `${CASE_DB_FILE}.wal`)).size;
    expect(wal).toBeLessThan(textBytes / 2);
    await store.endAppend();
    expect(await store.countEvents({})).toBe(total);
    await store.close();

    // Every row group but the last is full: none was cut by a checkpoint and rewritten.
    const instance = await DuckDBInstance.create(join(dir, CASE_DB_FILE), { access_mode: 'READ_ONLY' });
    const conn = await instance.connect();
    const groups = (
      await conn.runAndReadAll(
        `SELECT row_group_id AS g, sum(count) AS n FROM pragma_storage_info('events') WHERE column_id = 0 AND segment_type <> 'VALIDITY' GROUP BY ALL ORDER BY g`,
      )
    ).getRowsJS() as [bigint, bigint][];
    expect(groups.map(([, n]) => Number(n))).toEqual([CASE_ROW_GROUP_ROWS, CASE_ROW_GROUP_ROWS, CASE_ROW_GROUP_ROWS / 2]);
    // Ids follow the rows in order across the boundaries, each row its own event.
    const mismatched = (await conn.runAndReadAll('SELECT count(*) AS n FROM events WHERE record_id <> id - 1')).getRowsJS()[0] as bigint[];
    expect(Number(mismatched[0])).toBe(0);
    const ids = (await conn.runAndReadAll('SELECT count(DISTINCT id) AS n, min(id) AS a, max(id) AS b FROM events')).getRowsJS()[0] as bigint[];
    expect(ids.map(Number)).toEqual([total, 1, total]);
    conn.closeSync();
    instance.closeSync();
  });

  it('after a small first commit (the first page) of a large import, commits whole row groups of their own rather than filling the short one', async () => {
    const groupsOf = async (store: CaseStore): Promise<number[]> =>
      (
        await store['rows'](
          `SELECT row_group_id AS g, sum(count) AS n FROM pragma_storage_info('events') WHERE column_id = 0 AND segment_type <> 'VALIDITY' GROUP BY ALL ORDER BY g`,
        )
      ).map((r) => Number(r['n']));
    for (const expected of [CASE_ROW_GROUP_ROWS * 4, 0]) {
      const store = await CaseStore.open(tempCase());
      const id = await store.addEvidence(evidence, 'importing');
      const first = 500;
      const total = first + CASE_ROW_GROUP_ROWS * 2 + 1000;
      await store.appendPrepared(id, prepareRows(Array.from({ length: first }, (_, k) => event(k))));
      // The engine's estimate after its first page (none: the table's boundaries, as before).
      if (expected > 0) store.expectRows(expected);
      await store.flush();
      const commits: number[] = [];
      const batch = 7001;
      for (let start = first; start < total; start += batch) {
        const n = Math.min(batch, total - start);
        if (await store.appendPrepared(id, prepareRows(Array.from({ length: n }, (_, k) => event(start + k))))) commits.push(start + n);
      }
      await store.endAppend();
      // Before the closing checkpoint (which may merge short row groups of a small table).
      if (expected > 0) {
        expect(commits).toEqual([first + 5 * batch, total]);
        expect(await groupsOf(store)).toEqual([first, CASE_ROW_GROUP_ROWS, CASE_ROW_GROUP_ROWS, 1000]);
      } else {
        expect(await groupsOf(store)).toEqual([CASE_ROW_GROUP_ROWS, CASE_ROW_GROUP_ROWS, first + 1000]);
      }
      await store.checkpoint();
      expect(await store.countEvents({})).toBe(total);
      const mismatched = await store['rows']('SELECT count(*) AS n FROM events WHERE record_id <> id - 1');
      expect(Number(mismatched[0]?.['n'])).toBe(0);
      await store.close();
    }
  });

  it('keeps the last whole row group of an import open to its end, so the rows after it are written compressed at the commit, not through the WAL', async () => {
    const batch = 7001;
    const rows = prepareRows(Array.from({ length: batch }, (_, k) => event(k)));
    // The estimate right, then short by more than a row group (the transaction then commits at its second).
    // Commits are noted by the row group (1-based) in which the batch that made them ended.
    for (const [total, estimate, expectedCommits, expected] of [
      [CASE_ROW_GROUP_ROWS * 2 + 10_000, CASE_ROW_GROUP_ROWS * 2 + 10_000, [2], [CASE_ROW_GROUP_ROWS, CASE_ROW_GROUP_ROWS, 10_000]],
      [CASE_ROW_GROUP_ROWS * 3 + 10_000, CASE_ROW_GROUP_ROWS + 1000, [3], [CASE_ROW_GROUP_ROWS, CASE_ROW_GROUP_ROWS, CASE_ROW_GROUP_ROWS, 10_000]],
    ] as const) {
      const dir = tempCase();
      const store = await CaseStore.open(dir);
      const id = await store.addEvidence(evidence, 'importing');
      store.expectRows(estimate);
      const commits: number[] = [];
      for (let start = 0; start < total; start += batch) {
        const n = Math.min(batch, total - start);
        if (await store.appendPrepared(id, n === batch ? rows : prepareRows(Array.from({ length: n }, (_, k) => event(k))))) commits.push(Math.ceil((start + n) / CASE_ROW_GROUP_ROWS));
      }
      await store.flush();
      // The rows after the last whole row group were not written to the WAL (~2 MB of text).
      expect(statSync(join(dir, `${CASE_DB_FILE}.wal`)).size).toBeLessThan(200_000);
      await store.endAppend();
      expect(commits).toEqual(expectedCommits);
      const groups = await store['rows'](
        `SELECT row_group_id AS g, sum(count) AS n FROM pragma_storage_info('events') WHERE column_id = 0 AND segment_type <> 'VALIDITY' GROUP BY ALL ORDER BY g`,
      );
      expect(groups.map((r) => Number(r['n']))).toEqual(expected);
      await store.checkpoint();
      expect(await store.countEvents({})).toBe(total);
      const ids = await store['rows']('SELECT count(DISTINCT id) AS n, min(id) AS a, max(id) AS b FROM events');
      expect([ids[0]?.['n'], ids[0]?.['a'], ids[0]?.['b']].map(Number)).toEqual([total, 1, total]);
      await store.close();
    }
  });
});
