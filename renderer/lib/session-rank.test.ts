import { describe, expect, it } from 'vitest';
import type { SessionRow } from '../../shared/api.js';
import { isExternalIp, rankSessions, scoreSession, sessionScore } from './session-rank.js';

function session(over: Partial<SessionRow>): SessionRow {
  return {
    id: 's', host: 'WS01', logonId: '0x1', logonType: 2, logonTypeName: 'Interactive', user: 'u', domain: 'CORP',
    sourceIp: '', workstation: '', start: '2024-03-12T08:00:00.0000000Z', end: null, admin: false,
    createdBySessionId: null, linkedSessionId: null, processes: 0, scripts: 0, services: 0, ...over,
  };
}

// The demo's shape: SCCM's hourly admin type 3 logons look like the attacker's but run nothing.
const demo = [
  session({ id: 's1', user: 'SYSTEM', logonType: 5, admin: true, processes: 13, start: '2024-03-12T07:58:12.0000000Z' }),
  session({ id: 's2', user: 'asmith', logonType: 2, processes: 12, scripts: 1, sourceIp: '127.0.0.1' }),
  session({ id: 's5', user: 'svc_sccm', logonType: 3, admin: true, sourceIp: '10.0.1.30', start: '2024-03-12T08:40:17.0000000Z' }),
  session({ id: 's11', user: 'jdoe', logonType: 3, admin: true, sourceIp: '203.0.113.47', processes: 5, scripts: 3, start: '2024-03-12T10:21:37.0000000Z' }),
  session({ id: 's12', user: 'jdoe', logonType: 9, admin: true, sourceIp: '::1', processes: 4, scripts: 1, services: 1, start: '2024-03-12T10:24:51.0000000Z' }),
];
const q = { sort: 'suspicious' as const, search: '', logonTypes: [], adminOnly: false };

describe('session ranking', () => {
  it('tells external addresses from internal ones', () => {
    for (const ip of ['203.0.113.47', '8.8.8.8', '2001:db8::1']) expect(isExternalIp(ip)).toBe(true);
    for (const ip of ['10.0.1.30', '192.168.1.4', '172.20.0.1', '127.0.0.1', '::1', '-', '', 'fe80::1', '169.254.3.3', 'WS01'])
      expect(isExternalIp(ip)).toBe(false);
  });

  it('puts the attacker sessions first and the look-alike SCCM logon after them', () => {
    const order = rankSessions(demo, q).map((r) => r.session.id);
    expect(order.slice(0, 2).sort()).toEqual(['s11', 's12']);
    expect(order.indexOf('s5')).toBeGreaterThan(1);
    expect(scoreSession(demo[2]!).score).toBe(0);
    expect(scoreSession(demo[3]!).reasons[0]).toBe('from external 203.0.113.47');
  });

  it('lets findings outrank everything else', () => {
    const findings = new Map([['s2', { high: 1 }]]);
    expect(rankSessions(demo, q, findings)[0]?.session.id).toBe('s2');
    expect(scoreSession(demo[1]!, { high: 2 }).reasons[0]).toBe('2 high findings');
  });

  it('answers the same for an address asked again (the answers are kept by address)', () => {
    for (let i = 0; i < 3; i++) {
      expect(isExternalIp('203.0.113.47')).toBe(true);
      expect(isExternalIp(' 10.0.1.30 ')).toBe(false);
      expect(isExternalIp('fe80::1')).toBe(false);
    }
  });

  it('ranks on the same score the cards explain', () => {
    const findings = [undefined, { high: 2 }, { critical: 1, low: 7 }, { informational: 3 }, { medium: 6 }];
    for (const s of demo) {
      for (const f of findings) expect(sessionScore(s, f)).toBe(scoreSession(s, f).score);
    }
    const counts = new Map([['s5', { medium: 1 }]]);
    for (const r of rankSessions(demo, q, counts)) expect(r.score).toBe(scoreSession(r.session, counts.get(r.session.id)).score);
  });

  it('searches, filters by logon type and admin, and sorts by other keys', () => {
    expect(rankSessions(demo, { ...q, search: '203.0.113' }).map((r) => r.session.id)).toEqual(['s11']);
    expect(rankSessions(demo, { ...q, search: 'JDOE' }).length).toBe(2);
    expect(rankSessions(demo, { ...q, logonTypes: [3] }).map((r) => r.session.id).sort()).toEqual(['s11', 's5']);
    expect(rankSessions(demo, { ...q, adminOnly: true }).some((r) => r.session.id === 's2')).toBe(false);
    expect(rankSessions(demo, { ...q, sort: 'start' }).map((r) => r.session.id)).toEqual(['s1', 's2', 's5', 's11', 's12']);
    expect(rankSessions(demo, { ...q, sort: 'processes' })[0]?.session.id).toBe('s1');
  });
});
