import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../shared/build-event.js';
import type { NormalizedEvent } from '../../../shared/events.js';
import { CaseStore } from '../store/case-store.js';
import { prepareRows, stringsOf, STRINGS_PER_EVENT } from './prepared-rows.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Values a hostile or foreign log holds: accents, CJK, an emoji (a surrogate pair), a lone
// surrogate, NUL and other control characters, markup, an empty value, a long one.
const ODD = ['é', '日本語', '😀', '\ud800x', 'a\u0000b', '\u0001\u001f\t\r\n', '<script>"\'</script>', '', 'x'.repeat(5000)];

function event(i: number): NormalizedEvent {
  const odd = ODD[i % ODD.length] as string;
  return buildEvent(
    {
      provider: 'Microsoft-Windows-Security-Auditing',
      eventId: 4688,
      systemTime: `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(7, '0')}Z`,
      // Every seventh record has none, so the NULL mask crosses word and chunk boundaries.
      ...(i % 7 === 3 ? {} : { recordId: 2 ** 40 + i }),
      channel: 'Security',
      computer: i % 5 === 0 ? `WS-${odd}` : 'WS01',
    },
    { CommandLine: `cmd${i} ${odd}`, Other: odd },
    { file: '/evidence/Security.xml', format: 'xml', offset: i * 100, length: 100 },
  );
}

describe('appending prepared rows by data chunk', () => {
  it('stores every value exactly, across several chunks, with NULL record ids where there were none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainline-chunks-'));
    dirs.push(dir);
    const store = await CaseStore.open(dir);
    try {
      const id = await store.addEvidence({ path: '/evidence/Security.xml', format: 'xml', size: 1, mtime: '', sha256: 'cd'.repeat(32) }, 'importing');
      const events = Array.from({ length: 5000 }, (_, i) => event(i));
      const rows = prepareRows(events);
      expect(stringsOf(rows).length).toBe(5000 * STRINGS_PER_EVENT);
      // Two batches, the second starting mid-chunk.
      const first = prepareRows(events.slice(0, 2100));
      const second = prepareRows(events.slice(2100));
      await store.appendPrepared(id, first);
      await store.appendPrepared(id, second);
      await store.flush();
      for (const i of [0, 1, 3, 4, 5, 8, 63, 64, 2047, 2048, 2049, 2099, 2100, 2101, 4095, 4096, 4999]) {
        const stored = await store.getEvent(i + 1);
        const e = events[i] as NormalizedEvent;
        expect(stored?.row.recordId ?? null, `event ${i}`).toBe(e.system.recordId ?? null);
        // A lone surrogate cannot be UTF-8: it is stored as U+FFFD, as any string handed to DuckDB is.
        expect(stored?.row.host).toBe(Buffer.from(e.system.computer, 'utf8').toString('utf8'));
        expect(stored?.row.eventId).toBe(4688);
        expect(stored?.row.time).toBe(e.time);
        expect(stored?.data).toEqual(JSON.parse(JSON.stringify(e.data)));
        expect(stored?.system).toEqual(JSON.parse(JSON.stringify(e.system)));
        expect(stored?.source.offset).toBe(i * 100);
      }
      expect(await store.countEvents({})).toBe(5000);
    } finally {
      await store.close();
    }
  });

  it('stores strings of every length around the 12 bytes DuckDB holds inline, as DuckDB groups, filters and compares them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainline-chunks-'));
    dirs.push(dir);
    const store = await CaseStore.open(dir);
    try {
      const id = await store.addEvidence({ path: '/evidence/Security.xml', format: 'xml', size: 1, mtime: '', sha256: 'ab'.repeat(32) }, 'importing');
      // Host names of every length around the 12 bytes DuckDB keeps inline, some sharing
      // their first 4 bytes (the prefix of a long string) and differing after them.
      const hosts = Array.from({ length: 24 }, (_, n) => 'HOST-é-ABCDEFGHIJKLMNOPQRSTU'.slice(0, n));
      hosts.push('HOST-é-ABCDEFGHIJKLMNOPQRSTV', 'HOSU', '');
      const events = Array.from({ length: 3000 }, (_, i) => {
        const e = event(i);
        return { ...e, system: { ...e.system, computer: hosts[i % hosts.length] as string } };
      });
      await store.appendPrepared(id, prepareRows(events));
      await store.flush();
      const byHost = await store['rows']('SELECT host, count(*) AS n FROM events GROUP BY host ORDER BY host');
      const expected = [...new Set(hosts)].sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
      expect(byHost.map((r) => r['host'])).toEqual(expected);
      for (const host of hosts) {
        const n = events.filter((e) => e.system.computer === host).length;
        expect(await store.countEvents({ hosts: [host] }), `host ${JSON.stringify(host)}`).toBe(n);
      }
      // A long value's prefix and the bytes after it, compared and sliced by DuckDB.
      const long = await store['rows']("SELECT count(*) AS n FROM events WHERE host > 'HOST-é-ABCDEFGHIJKLMNOPQRST' AND host < 'HOST-é-ABCDEFGHIJKLMNOPQRSTV'");
      expect(Number(long[0]?.['n'])).toBe(events.filter((e) => e.system.computer === 'HOST-é-ABCDEFGHIJKLMNOPQRSTU').length);
    } finally {
      await store.close();
    }
  });
});
