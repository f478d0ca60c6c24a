// CaseStore.eventsForCorrelation rebuilds events from one JSON string per row built in SQL:
// every System and data value, the ticks and the precision must come back exactly, whatever
// the evidence text holds, and the id windows must cover every row once.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../shared/build-event.js';
import type { NormalizedEvent } from '../../../shared/events.js';
import { CaseStore } from './case-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const HOSTILE = 'a"b\\c\n\t\u0000\u001f</script><b>é漢字😀\u2028\u2029';

function event(i: number): NormalizedEvent {
  const eventId = [4688, 4624, 4104, 4703, 1][i % 5] as number;
  const sysmon = eventId === 1;
  return buildEvent(
    {
      provider: sysmon ? 'Microsoft-Windows-Sysmon' : eventId === 4104 ? 'Microsoft-Windows-PowerShell' : 'Microsoft-Windows-Security-Auditing',
      eventId,
      // 100 ns, ms and 1 s precision, and a time before 1970.
      systemTime: i % 7 === 0 ? '1969-12-31T23:59:59Z' : i % 3 === 0 ? `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z` : `2024-05-01T10:00:00.${String(i).padStart(7, '0').slice(-7)}Z`,
      recordId: i,
      channel: sysmon ? 'Microsoft-Windows-Sysmon/Operational' : eventId === 4104 ? 'Microsoft-Windows-PowerShell/Operational' : 'Security',
      computer: `WS${i % 3}.corp.example`,
      ...(eventId === 4104 ? { processId: 4000 + i } : {}),
    },
    { CommandLine: `${HOSTILE} ${i}`, NewProcessId: `0x${i.toString(16)}`, Empty: '', ScriptBlockText: 'x'.repeat(i % 11 === 0 ? 100_000 : 10) },
    { file: '/evidence/x.xml', format: 'xml', offset: i, length: 1 },
  );
}

describe('CaseStore.eventsForCorrelation', () => {
  it('gives back each event of the requested ids once, with System, data, ticks and precision exact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainline-corr-read-'));
    dirs.push(dir);
    const store = await CaseStore.open(dir, { name: 'test' });
    try {
      const evidenceId = await store.addEvidence({ path: '/evidence/x.xml', format: 'xml', size: 1, mtime: '', sha256: 'cd'.repeat(32) }, 'importing');
      const events = Array.from({ length: 250 }, (_, i) => event(i));
      await store.appendEvents(evidenceId, events);
      await store.flush();
      const wanted = [4688, 4624, 4104, 1];
      const seen = new Map<number, NormalizedEvent>();
      let pages = 0;
      // A window smaller than the table: several pages, some windows holding no wanted event.
      for await (const page of store.eventsForCorrelation(wanted, 17)) {
        pages++;
        expect(page.length).toBeLessThanOrEqual(17);
        for (const { rowId, event: e } of page) {
          expect(seen.has(rowId)).toBe(false);
          seen.set(rowId, e);
        }
      }
      expect(pages).toBeGreaterThan(5);
      const expected = events.map((e, i) => ({ rowId: i + 1, e })).filter(({ e }) => wanted.includes(e.system.eventId));
      expect(seen.size).toBe(expected.length);
      for (const { rowId, e } of expected) {
        const got = seen.get(rowId);
        expect(got, `row ${rowId}`).toBeDefined();
        expect(got!.ticks).toBe(e.ticks);
        expect(got!.time).toBe(e.time);
        expect(got!.timePrecision).toBe(e.timePrecision);
        expect(got!.system).toEqual(e.system);
        expect(got!.data).toEqual(e.data);
      }
      // No ids: nothing, and no SQL error.
      for await (const page of store.eventsForCorrelation([], 50)) expect(page).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
