// Dev-only sessions for the fake API: two thousand logon sessions, one of them with 20,000
// processes in a deep and wide tree, so the views can be measured at scale (e2e/views-perf).

import type { ChainStep, ProcessRow, SessionList, SessionRow } from '../../shared/api.js';
import { ticksToIso } from '../../shared/time.js';

const BASE = 17_092_512_000_000_000n;
const HOSTS = ['WS01.corp.local', 'WS02.corp.local', 'DC01.corp.local', 'FILESRV.corp.local'];
const USERS = ['alice', 'bob', 'svc_backup', 'Administrator', 'mallory'];
const TYPES: readonly [number, string][] = [[2, 'Interactive'], [3, 'Network'], [5, 'Service'], [9, 'NewCredentials'], [10, 'RemoteInteractive']];
const IMAGES = ['cmd.exe', 'powershell.exe', 'conhost.exe', 'rundll32.exe', 'svchost.exe', 'whoami.exe', 'net.exe', 'wmic.exe'];

export const BIG_SESSION = 'f1';
export const BIG_PROCESSES = 20_000;

const iso = (seconds: number) => ticksToIso(BASE + BigInt(Math.floor(seconds * 10_000_000)));

function mix(i: number): number {
  let x = Math.imul(i ^ 0x5bd1e995, 0x85ebca6b);
  x ^= x >>> 13;
  return Math.imul(x, 0xc2b2ae35) >>> 0;
}

export function fakeSessions(count = 2000): SessionList {
  const sessions: SessionRow[] = [];
  for (let i = 1; i <= count; i++) {
    const h = mix(i);
    const [type, name] = TYPES[h % TYPES.length]!;
    sessions.push({
      id: `f${i}`, host: HOSTS[(h >>> 3) % HOSTS.length]!, logonId: '0x' + (0x10000 + i).toString(16), logonType: type, logonTypeName: name,
      user: USERS[(h >>> 6) % USERS.length]!, domain: 'CORP', sourceIp: i % 97 === 0 ? '198.51.100.' + (i % 250) : '10.0.0.' + (i % 250),
      workstation: '-', start: iso(i * 40), end: i % 3 === 0 ? null : iso(i * 40 + 600), admin: h % 4 === 0,
      createdBySessionId: null, linkedSessionId: null,
      processes: i === 1 ? BIG_PROCESSES : h % 6, scripts: h % 3, services: i % 500 === 0 ? 1 : 0,
    });
  }
  return { computedAt: iso(0), sessions };
}

const processCache = new Map<string, ProcessRow[]>();

export function fakeProcesses(sessionId: string): ProcessRow[] {
  const cached = processCache.get(sessionId);
  if (cached) return cached;
  const n = sessionId === BIG_SESSION ? BIG_PROCESSES : mix(Number(sessionId.slice(1))) % 6;
  const out: ProcessRow[] = [];
  for (let i = 0; i < n; i++) {
    const h = mix(i + 17);
    // Mostly near-recent parents (deep chains), sometimes an old one (wide fan-out).
    const parent = i === 0 ? null : h % 5 === 0 ? h % i : Math.max(0, i - 1 - (h % 4));
    const image = IMAGES[h % IMAGES.length]!;
    const basis = i === 0 ? 'placeholder' : h % 41 === 0 ? 'pid+time (ambiguous: 2 candidates)' : h % 7 === 0 ? 'guid' : 'pid+time';
    out.push({
      id: `${sessionId}-p${i}`, host: 'WS01.corp.local', pid: 1000 + (h % 60000), guid: basis === 'guid' ? `{${h.toString(16)}-0000}` : null,
      image: `C:\\Windows\\System32\\${image}`,
      commandLine: image === 'powershell.exe' ? `powershell.exe -nop -enc ${'SQBFAFgA'.repeat(20)}` : `${image} /c echo ${i}`,
      decodedCommand: image === 'powershell.exe' ? 'IEX '.repeat(10) : null, start: iso(i * 0.5), end: h % 3 === 0 ? null : iso(i * 0.5 + 2),
      user: 'CORP\\alice', logonId: '0x10001', sessionId, integrity: h % 2 ? 'medium' : 'high', elevation: 'default',
      parentId: parent === null ? 'outside' : `${sessionId}-p${parent}`, parentBasis: basis,
      candidates: basis.startsWith('pid+time (amb') ? [`${sessionId}-p${Math.max(0, (parent ?? 0) - 1)}`] : [],
    });
  }
  processCache.set(sessionId, out);
  return out;
}

export function fakeChain(sessionId: string): ChainStep[] {
  const steps: ChainStep[] = [{ time: iso(0), kind: 'logon', sessionId, eventIds: [1], reason: '4624 TargetLogonId = session', processId: null }];
  fakeProcesses(sessionId).forEach((p, i) =>
    steps.push({ time: p.start ?? iso(0), kind: 'process', sessionId, eventIds: [i + 2], reason: `4688: ${p.image}`, processId: p.id }),
  );
  return steps;
}

/** The processes of every fake session on a host (the big session's host included). */
export function fakeHostProcesses(host: string): ProcessRow[] {
  const key = host.toLowerCase().split('.')[0];
  const sessions = fakeSessions().sessions.filter((s) => s.host.toLowerCase().split('.')[0] === key);
  if (sessions.length === 0) throw new Error(`the fake has no host ${host}`);
  return sessions.flatMap((s) => fakeProcesses(s.id));
}

/** Processes of the fake sessions whose image, PID or command line holds the text, by session order. */
export function fakeFindProcesses(text: string, limit: number): { total: number; rows: ProcessRow[] } {
  const needle = text.trim().toLowerCase();
  if (needle === '') return { total: 0, rows: [] };
  const hits: ProcessRow[] = [];
  for (const s of fakeSessions().sessions) {
    for (const p of fakeProcesses(s.id)) {
      if (p.image.toLowerCase().includes(needle) || String(p.pid) === needle || (p.commandLine ?? '').toLowerCase().includes(needle)) hits.push(p);
    }
  }
  return { total: hits.length, rows: hits.slice(0, limit) };
}
