// A window's first screen (issue 6): an engine opened for a window computes the sessions list
// and the table's first page at once, and keeps pages until the events change.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_PAGE_ROWS, type EventQuery } from '../../shared/api.js';
import { openDemoCase } from './demo-case.js';
import { Engine } from './engine.js';
import { CaseStore } from './store/case-store.js';
import { tempDirs } from './testing/temp-dirs.js';

const temp = tempDirs();

const FIRST: EventQuery = { filter: {}, sort: 'asc', offset: 0, limit: EVENT_PAGE_ROWS };

const EVENT = (record: number) =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>4688</EventID><TimeCreated SystemTime="2020-01-01T00:00:${String(record % 60).padStart(2, '0')}.0000000Z"/><EventRecordID>${record}</EventRecordID><Execution ProcessID="4" ThreadID="8"/><Channel>Security</Channel><Computer>EARLY01</Computer></System><EventData><Data Name="NewProcessName">C:\\early-${record}.exe</Data></EventData></Event>\n`;

/** The demo case, imported and closed: what a reopened case looks like. */
async function demoCase(): Promise<string> {
  const dir = join(temp('chainline-first-screen-'), 'demo');
  const engine = new Engine();
  await openDemoCase(engine, dir);
  await engine.waitForIngest();
  await engine.listSessions();
  await engine.shutdown();
  return dir;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('first screen', () => {
  it('computes the first page at opening and answers the window from it, with the same rows as a plain engine', async () => {
    const dir = await demoCase();
    const plain = new Engine();
    await plain.openCase(dir);
    const expected = await plain.queryEvents(FIRST);
    const expectedSessions = await plain.listSessions();
    await plain.shutdown();
    expect(expected.rows.length).toBeGreaterThan(0);

    const queries = vi.spyOn(CaseStore.prototype, 'queryEvents');
    const engine = new Engine();
    await engine.openCase(dir, { firstScreen: true });
    // Before any window asks.
    await vi.waitFor(() => expect(queries).toHaveBeenCalledTimes(1));
    const [page, sessions] = await Promise.all([engine.queryEvents({ ...FIRST, filter: {} }), engine.listSessions()]);
    expect(page).toEqual(expected);
    expect(sessions).toEqual(expectedSessions);
    // Once: the window's request shared the computation started at opening.
    expect(queries).toHaveBeenCalledTimes(1);
    // Asked again (another window, scrolling back): kept.
    expect(await engine.queryEvents(FIRST)).toEqual(expected);
    expect(queries).toHaveBeenCalledTimes(1);
    await engine.shutdown();
  });

  it('asks again once the events change (new evidence), so a kept page is never stale', async () => {
    const dir = await demoCase();
    const engine = new Engine();
    await engine.openCase(dir, { firstScreen: true });
    const before = await engine.queryEvents(FIRST);
    const xml = join(temp('chainline-first-screen-ev-'), 'early.xml');
    writeFileSync(xml, `<Events>\n${[1, 2, 3].map(EVENT).join('')}</Events>\n`);
    await engine.openEvidence({ paths: [xml] });
    await engine.waitForIngest();
    const after = await engine.queryEvents(FIRST);
    expect(after.total).toBe(before.total + 3);
    // The new events are the earliest: they lead the ascending first page.
    expect(after.rows.slice(0, 3).map((r) => r.host)).toEqual(['EARLY01', 'EARLY01', 'EARLY01']);
    await engine.shutdown();
  });
});
