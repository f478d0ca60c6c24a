import { describe, expect, it } from 'vitest';
import type { ChainStep } from '../../shared/api.js';
import { chainPageOf } from '../../shared/chain-page.js';
import { ChainPageError, ChainTable, ChainTableBuilder, emptyChain, processCreationEvents } from './chain-table.js';

const steps: ChainStep[] = [
  { time: '2024-03-12T10:24:52.1234567Z', kind: 'logon', sessionId: 's11', eventIds: [100], reason: '4624 type 3 from 10.0.0.5', processId: null },
  { time: '2024-03-12T10:24:53.0000000Z', kind: 'process', sessionId: 's11', eventIds: [102], reason: 'started in the session', processId: 'p28' },
  { time: '2024-03-12T10:24:54Z', kind: 'network', sessionId: 's11', eventIds: [], reason: 'started in the session', processId: 'p28' },
  { time: '', kind: 'service', sessionId: 's12', eventIds: [120, 180, 2 ** 40], reason: '', processId: null },
  // Hostile text is kept as it is (the views escape it when they draw it).
  { time: '2024-03-12T10:25:00.0000000Z', kind: 'process', sessionId: 's12', eventIds: [7], reason: '<img src=x>\u0000\u202e', processId: 'p\u00e9' },
  { time: '2024-03-12T10:25:01.0000000Z', kind: 'process-exit', sessionId: 's11', eventIds: [9], reason: '4689', processId: 'p28' },
];

describe('ChainTable', () => {
  it('gives back every step as it was, field by field and whole', () => {
    const t = ChainTable.fromSteps(steps);
    expect(t.length).toBe(steps.length);
    expect(t.toSteps()).toEqual(steps);
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      expect([t.timeAt(i), t.kindAt(i), t.sessionIdAt(i), t.reasonAt(i), t.processIdAt(i)]).toEqual([s.time, s.kind, s.sessionId, s.reason, s.processId]);
      expect(t.eventIdsAt(i)).toEqual(s.eventIds);
      expect(t.firstEventIdAt(i)).toBe(s.eventIds[0]);
    }
  });

  it('joins steps appended in several pages as one chain', () => {
    const b = new ChainTableBuilder();
    b.addPage(chainPageOf(steps, 0, 2));
    b.addPage(chainPageOf(steps, 2, 0));
    b.addPage(chainPageOf(steps, 2, 3));
    expect(b.length).toBe(5);
    b.addPage(chainPageOf(steps, 5, steps.length));
    expect(b.finish().toSteps()).toEqual(steps);
  });

  it('holds the same steps whatever length it was told to expect (a chain that changed between pages)', () => {
    for (const expected of [0, 1, 3, 6, 100]) {
      const b = new ChainTableBuilder(expected);
      b.addPage(chainPageOf(steps, 0, 3));
      b.addPage(chainPageOf(steps, 3, steps.length));
      const t = b.finish();
      expect(t.length, `expected ${expected}`).toBe(steps.length);
      expect(t.toSteps(), `expected ${expected}`).toEqual(steps);
    }
  });

  it('is empty when made empty', () => {
    expect(emptyChain().length).toBe(0);
  });

  it("maps each process to its creation step's first record", () => {
    expect([...processCreationEvents(ChainTable.fromSteps(steps))]).toEqual([
      ['p28', 102],
      ['p\u00e9', 7],
    ]);
  });
});

describe('ChainTableBuilder.addPage', () => {
  it('reads pages of columns into the same table as the steps they encode', () => {
    const b = new ChainTableBuilder(steps.length);
    b.addPage(chainPageOf(steps, 0, 4));
    b.addPage(chainPageOf(steps, 4, 0));
    b.addPage(chainPageOf(steps, 4, steps.length));
    expect(b.finish().toSteps()).toEqual(steps);
    // A page as the shells send it, through JSON.
    const viaJson = new ChainTableBuilder(0);
    viaJson.addPage(JSON.parse(JSON.stringify(chainPageOf(steps, 0, steps.length))));
    expect(viaJson.finish().toSteps()).toEqual(steps);
  });

  it('takes each reason once per chain: a later page numbers the reasons earlier pages gave', () => {
    const page2 = chainPageOf(steps, 2, 4);
    // "started in the session" was given by the first page (step 1).
    expect(page2.reasons).not.toContain('started in the session');
    expect(page2.reasonEnds).toHaveLength(3);
    expect(page2.reasonBase).toBe(2);
    const b = new ChainTableBuilder(steps.length);
    b.addPage(chainPageOf(steps, 0, 2));
    b.addPage(page2);
    expect(b.finish().toSteps()).toEqual(steps);
  });

  it('refuses a page that does not follow the reasons given before it, and keeps what it had', () => {
    const b = new ChainTableBuilder(steps.length);
    b.addPage(chainPageOf(steps, 0, 1));
    // The third page before the second: its reasons start past those given.
    expect(() => b.addPage(chainPageOf(steps, 4, 2))).toThrow(ChainPageError);
    // A reason number no page gave; a time that ends past the page's times, or before the last.
    const next = chainPageOf(steps, 1, 2);
    expect(() => b.addPage({ ...next, reason: [99, 1] })).toThrow(ChainPageError);
    expect(() => b.addPage({ ...next, timeEnds: [5, next.time.length + 1] })).toThrow(ChainPageError);
    expect(() => b.addPage({ ...next, timeEnds: [20, 10] })).toThrow(ChainPageError);
    expect(() => b.addPage({ ...next, timeEnds: [20] })).toThrow(ChainPageError);
    expect(() => b.addPage({ ...next, reasonEnds: [next.reasons.length + 1] })).toThrow(ChainPageError);
    expect(b.length).toBe(1);
    b.addPage(chainPageOf(steps, 1, steps.length));
    expect(b.finish().toSteps()).toEqual(steps);
  });
});
