import { describe, expect, it } from 'vitest';
import { AllowListError } from '../../shared/allowlist.js';
import type { Finding, FindingsSummary } from '../../shared/findings.js';
import {
  draftFromFinding,
  entryFromDraft,
  findingsByProcess,
  findingsOfEvent,
  flattenGroups,
  groupFindings,
  sessionCounts,
  stableImagePattern,
  summaryAfterTitle,
  tacticsOf,
  techniquesOf,
  worstLevel,
} from './findings-view.js';
import { rankSessions } from './session-rank.js';
import type { SessionRow } from '../../shared/api.js';

function finding(over: Partial<Finding>): Finding {
  return {
    id: 'r:1', ruleId: 'r', ruleTitle: 'Rule', level: 'medium', origin: 'builtin', tags: [], eventIds: [1],
    time: '2024-03-12T10:00:00.0000000Z', host: 'WS01', sessionId: 's1', processId: 'p1', summary: 'x', suppressed: null, ...over,
  };
}

const office = finding({ id: 'office:10', ruleId: 'office', ruleTitle: 'Office Application Spawning Shell', level: 'high', tags: ['attack.execution', 'attack.t1059'], eventIds: [10] });
const enc = finding({ id: 'enc:11', ruleId: 'enc', ruleTitle: 'Encoded PowerShell', level: 'medium', tags: ['attack.execution', 'attack.defense_evasion', 'attack.t1027', 'attack.t1059.001'], eventIds: [11], time: '2024-03-12T10:00:01.0000000Z' });
const token = finding({ id: 'tok:12', ruleId: 'tok', ruleTitle: 'Full token', level: 'critical', tags: ['attack.privilege-escalation', 'attack.t1134'], eventIds: [12], processId: 'p2' });
const untagged = finding({ id: 'u:13', ruleId: 'u', ruleTitle: 'Untagged', level: 'low', tags: ['car.2013-05-002'], eventIds: [13, 10], processId: null });

describe('ATT&CK tags', () => {
  it('reads tactics in both spellings and techniques with sub-techniques', () => {
    expect(tacticsOf(['attack.defense_evasion', 'attack.t1027', 'attack.Execution'])).toEqual(['defense-evasion', 'execution']);
    expect(tacticsOf(['attack.t1059', 'cve.2021-1'])).toEqual(['unknown']);
    expect(tacticsOf(['attack.no-such-tactic'])).toEqual(['unknown']);
    expect(techniquesOf(['attack.t1059.001', 'attack.T1027', 'attack.execution', 'attack.t1059.001'])).toEqual(['T1059.001', 'T1027']);
  });
});

describe('grouping findings', () => {
  it('by tactic: kill-chain order, a finding under each of its tactics, untagged last', () => {
    const groups = groupFindings([untagged, enc, token, office], 'tactic');
    expect(groups.map((g) => g.key)).toEqual(['execution', 'privilege-escalation', 'defense-evasion', 'unknown']);
    const execution = groups[0]!;
    expect(execution.id).toBe('TA0002');
    expect(execution.label).toBe('Execution');
    // Highest level first inside the group.
    expect(execution.findings.map((f) => f.id)).toEqual(['office:10', 'enc:11']);
    expect(execution.worst).toBe('high');
    expect(groups[2]!.findings.map((f) => f.id)).toEqual(['enc:11']);
    expect(groups[3]!.label).toBe('No ATT&CK tactic');
    expect(groups[3]!.id).toBeNull();
  });

  it('by rule: worst level first, then the most findings', () => {
    const more = finding({ ...enc, id: 'enc:20', eventIds: [20] });
    const groups = groupFindings([enc, office, more, untagged, token], 'rule');
    expect(groups.map((g) => g.key)).toEqual(['tok', 'office', 'enc', 'u']);
    expect(groups[2]!.findings).toHaveLength(2);
    expect(groups[1]!.label).toBe('Office Application Spawning Shell');
  });

  it('flattens to headers and rows, skipping collapsed groups', () => {
    const groups = groupFindings([enc, token, office], 'tactic');
    const rows = flattenGroups(groups, new Set(['execution']));
    expect(rows.map((r) => (r.kind === 'group' ? `g:${r.group.key}:${r.collapsed}` : r.finding.id))).toEqual([
      'g:execution:true',
      'g:privilege-escalation:false',
      'tok:12',
      'g:defense-evasion:false',
      'enc:11',
    ]);
  });
});

describe('findings elsewhere', () => {
  it('per-session counts feed the suspicious-first ranking', () => {
    const summary: FindingsSummary = {
      computedAt: '2024-03-12T11:00:00.000Z', total: 2, suppressed: 0,
      bySeverity: { informational: 0, low: 0, medium: 0, high: 2, critical: 0 },
      byTactic: [], byRule: [], warnings: [],
      bySession: [{ sessionId: 'quiet', bySeverity: { informational: 0, low: 0, medium: 0, high: 2, critical: 0 } }],
    };
    const counts = sessionCounts(summary);
    expect(worstLevel(counts.get('quiet'))).toBe('high');
    expect(worstLevel(counts.get('none'))).toBeNull();
    const base = {
      host: 'WS01', logonId: '0x1', logonTypeName: 'Network', user: 'u', domain: '', workstation: '', start: '2024-03-12T08:00:00.0000000Z',
      end: null, admin: false, createdBySessionId: null, linkedSessionId: null, processes: 0, scripts: 0, services: 0,
    };
    const loud: SessionRow = { ...base, id: 'loud', logonType: 3, sourceIp: '203.0.113.9', processes: 3 };
    const quiet: SessionRow = { ...base, id: 'quiet', logonType: 2, sourceIp: '' };
    const q = { sort: 'suspicious' as const, search: '', logonTypes: [], adminOnly: false };
    expect(rankSessions([loud, quiet], q).map((r) => r.session.id)).toEqual(['loud', 'quiet']);
    expect(rankSessions([loud, quiet], q, counts).map((r) => r.session.id)).toEqual(['quiet', 'loud']);
  });

  it('drops the rule title a summary begins with, and only that', () => {
    expect(summaryAfterTitle({ ruleTitle: 'Encoded PowerShell', summary: 'Encoded PowerShell: powershell.exe -enc AAA' })).toBe('powershell.exe -enc AAA');
    expect(summaryAfterTitle({ ruleTitle: 'Encoded PowerShell', summary: 'Encoded PowerShell' })).toBe('Encoded PowerShell');
    expect(summaryAfterTitle({ ruleTitle: 'X', summary: 'cmd.exe under X' })).toBe('cmd.exe under X');
  });

  it('finds an event’s findings across lists once, and groups by process', () => {
    expect(findingsOfEvent([[office, untagged], null, [office]], 10).map((f) => f.id)).toEqual(['office:10', 'u:13']);
    expect(findingsOfEvent([[office]], 99)).toEqual([]);
    const byProcess = findingsByProcess([office, enc, token, untagged]);
    expect(byProcess.get('p1')!.map((f) => f.id)).toEqual(['office:10', 'enc:11']);
    expect(byProcess.get('p2')!.map((f) => f.id)).toEqual(['tok:12']);
    expect(byProcess.size).toBe(2);
  });
});

describe('allow-list entry from a finding', () => {
  const data = {
    SubjectUserSid: 'S-1-5-18',
    ParentProcessName: 'C:\\Users\\jdoe\\AppData\\Local\\Programs\\Tool\\1.2.3\\tool.exe',
    NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
    CommandLine: 'cmd.exe /c "backup.bat" <script>alert(1)</script>',
  };

  it('makes the parent path stable across users and versions, not wild by accident', () => {
    expect(stableImagePattern(data.ParentProcessName)).toBe('C:\\Users\\*\\AppData\\Local\\Programs\\Tool\\*\\tool.exe');
    expect(stableImagePattern('C:\\Windows\\System32\\svchost.exe')).toBe('C:\\Windows\\System32\\svchost.exe');
    expect(stableImagePattern('C:\\x\\a*b.exe')).toBe('C:\\x\\a?b.exe');
    expect(stableImagePattern('C:\\ProgramData\\{0A1B2C3D-1111-2222-3333-444455556666}\\up.exe')).toBe('C:\\ProgramData\\*\\up.exe');
  });

  it('prefills rule, SID and parent pattern (on), exact command line and host (off)', () => {
    const draft = draftFromFinding(office, data, 'analyst');
    expect(draft.ruleId).toBe('office');
    expect(draft.conditions.map((c) => [c.condition.kind, c.on])).toEqual([
      ['field', true],
      ['field', true],
      ['command-line', false],
      ['host', false],
    ]);
    expect(draft.conditions[0]!.condition).toEqual({ kind: 'field', field: 'SubjectUserSid', match: 'equals', value: 'S-1-5-18' });
    expect(draft.conditions[1]!.condition).toEqual({
      kind: 'field', field: 'ParentProcessName', match: 'wildcard', value: 'C:\\Users\\*\\AppData\\Local\\Programs\\Tool\\*\\tool.exe',
    });
    // The command line is kept byte for byte: the engine compares it exactly.
    expect(draft.conditions[2]!.condition).toEqual({ kind: 'command-line', value: data.CommandLine });
    expect(draft.conditions[3]!.condition).toEqual({ kind: 'host', host: 'WS01', tag: 'scanner' });
  });

  it('falls back to the exact command line, then the host, when the event has less', () => {
    const onlyCmd = draftFromFinding(office, { CommandLine: 'x.exe /q', SubjectUserSid: '-' }, 'a');
    expect(onlyCmd.conditions.filter((c) => c.on).map((c) => c.condition.kind)).toEqual(['command-line']);
    const nothing = draftFromFinding(office, null, 'a');
    expect(nothing.conditions.filter((c) => c.on).map((c) => c.condition.kind)).toEqual(['host']);
  });

  it('builds the entry from the checked conditions and rejects what the engine would', () => {
    const draft = draftFromFinding(office, data, 'analyst');
    const entry = entryFromDraft({ ...draft, reason: 'nightly backup' });
    expect(entry).toEqual({
      kind: 'allow', ruleId: 'office', reason: 'nightly backup', by: 'analyst',
      conditions: [draft.conditions[0]!.condition, draft.conditions[1]!.condition],
    });
    expect(() => entryFromDraft(draft)).toThrow(AllowListError); // no reason
    expect(() => entryFromDraft({ ...draft, reason: 'r', conditions: draft.conditions.map((c) => ({ ...c, on: false })) })).toThrow(/at least one condition/);
    expect(() => entryFromDraft({ ...draft, reason: 'r', by: ' ' })).toThrow(/by/);
  });
});
