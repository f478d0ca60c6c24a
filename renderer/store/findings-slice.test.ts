import { describe, expect, it, vi } from 'vitest';
import { createFakeFindings } from '../api/fake-findings.js';

// The store against the fake detection API (the same one ?fake=1 uses); other methods unused.
const detection = createFakeFindings(() => 100_000);
const calls: string[] = [];
/** listFindings requests under way now, and the most at once since last reset. */
const listing = { now: 0, most: 0 };
const api = new Proxy(
  {},
  {
    get(_t, method: string) {
      const fn = (detection as unknown as Record<string, unknown>)[method];
      if (typeof fn === 'function') {
        return (...args: unknown[]) => {
          calls.push(method);
          if (method !== 'listFindings') return (fn as (...a: unknown[]) => unknown)(...args);
          listing.now++;
          listing.most = Math.max(listing.most, listing.now);
          return Promise.resolve((fn as (...a: unknown[]) => unknown)(...args)).finally(() => listing.now--);
        };
      }
      if (method === 'getEventDetail') return async (id: number) => ({ data: detection.dataOfEvent(id) ?? {} });
      return async () => {
        throw new Error(`unused: ${method}`);
      };
    },
  },
);

vi.mock('../api/api-client.js', () => ({ getApi: () => api }));

const { useAppStore } = await import('./app-store.js');

describe('findings slice', () => {
  it('loads active and suppressed findings; an allow-list entry moves matches to suppressed and back', async () => {
    const s = useAppStore.getState();
    await Promise.all([s.loadFindingsSummary(), s.loadFindings()]);
    const before = useAppStore.getState();
    expect(before.activeFindings!.length).toBeGreaterThan(300);
    expect(before.activeTotal).toBe(before.activeFindings!.length);
    expect(before.suppressedFindings).toEqual([]);
    expect(before.findingsSummary!.total).toBe(before.activeTotal);

    const host = before.activeFindings![0]!.host;
    const onHost = before.activeFindings!.filter((f) => f.host === host).length;
    const made = await s.addAllowEntry({ kind: 'allow', ruleId: '*', conditions: [{ kind: 'host', host, tag: 'scanner' }], reason: 'scanner', by: 't' });
    expect(made).not.toBeNull();
    const after = useAppStore.getState();
    expect(after.suppressedFindings!.length).toBe(onHost);
    expect(after.suppressedFindings!.every((f) => f.suppressed?.reason === 'scanner' && f.suppressed.by === 't')).toBe(true);
    expect(after.activeFindings!.length).toBe(before.activeFindings!.length - onHost);
    expect(after.findingsSummary!.suppressed).toBe(onHost);
    expect(after.allowList).toHaveLength(1);

    await s.removeAllowEntry(made!.id);
    expect(useAppStore.getState().suppressedFindings).toEqual([]);
    expect(useAppStore.getState().allowList).toEqual([]);
  });

  it("asks for a chain's session findings only where the summary has some, with the same result", async () => {
    useAppStore.setState({ findingsSummary: null });
    const s = useAppStore.getState();
    const summary = await detection.getFindingsSummary();
    const withFindings = summary.bySession.slice(0, 3).map((b) => b.sessionId);
    const ids = [...withFindings, 'no-such-session-1', 'no-such-session-2'];
    calls.length = 0;
    await s.loadSessionFindings(ids);
    const all = useAppStore.getState().sessionFindings!;
    const askedAll = calls.filter((c) => c === 'listFindings').length;
    expect(all.length).toBeGreaterThan(0);
    await s.loadFindingsSummary();
    expect(useAppStore.getState().findingsSummary!.suppressed).toBe(0);
    calls.length = 0;
    await s.loadSessionFindings(ids);
    expect(calls.filter((c) => c === 'listFindings').length).toBeLessThan(askedAll);
    expect(useAppStore.getState().sessionFindings).toEqual(all);
  });

  it("asks for a busy chain's session findings a few at a time when the summary is not in yet", async () => {
    useAppStore.setState({ findingsSummary: null });
    const ids = Array.from({ length: 40 }, (_, i) => `chain-session-${i}`).concat(['f1']);
    calls.length = 0;
    listing.most = 0;
    await useAppStore.getState().loadSessionFindings(ids);
    expect(calls.filter((c) => c === 'listFindings').length).toBeGreaterThanOrEqual(ids.length);
    expect(listing.most).toBeLessThanOrEqual(4);
    expect(listing.most).toBeGreaterThan(1);
    expect(useAppStore.getState().sessionFindings!.every((f) => f.sessionId === 'f1')).toBe(true);
    expect(useAppStore.getState().sessionFindings!.length).toBe(300);
  });

  it('rejects an invalid entry with an error banner and changes nothing', async () => {
    const s = useAppStore.getState();
    const errors = useAppStore.getState().errors.length;
    const made = await s.addAllowEntry({ kind: 'allow', ruleId: 'r', conditions: [], reason: 'x', by: 't' });
    expect(made).toBeNull();
    expect(useAppStore.getState().errors.length).toBe(errors + 1);
    expect(useAppStore.getState().allowList).toEqual([]);
  });

  it('loads the findings of the open sessions only, and the hunting queries of a selected finding', async () => {
    const s = useAppStore.getState();
    await s.loadSessionFindings(['f1']);
    const own = useAppStore.getState().sessionFindings!;
    expect(own.length).toBe(300);
    expect(own.every((f) => f.sessionId === 'f1')).toBe(true);
    s.selectFinding(own[0]!.id);
    await vi.waitFor(() => expect(useAppStore.getState().hunting?.findingId).toBe(own[0]!.id));
    expect(useAppStore.getState().hunting!.queries.map((q) => q.language)).toEqual(['kql', 'kql', 'spl']);
  });
});
