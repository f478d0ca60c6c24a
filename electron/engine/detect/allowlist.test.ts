import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AllowListError, validateNewEntry, type AllowListEntry } from '../../../shared/allowlist.js';
import { DEMO_EVIDENCE_DIR } from '../app-paths.js';
import {
  allowListToYaml,
  conditionHolds,
  entryMatches,
  makeEntry,
  mergeImported,
  parseAllowListYaml,
  suppressionFor,
  wildcardRegExp,
} from './allowlist.js';
import type { FindingContext } from './findings.js';

const context = (data: Record<string, string>, clipped: string[] = []): FindingContext => ({
  eventId: 4688, channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', data, clipped,
});

const updater = context({
  SubjectUserSid: 'S-1-5-18',
  NewProcessName: 'C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe',
  ParentProcessName: 'C:\\Windows\\System32\\svchost.exe',
  CommandLine: '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /ua /installsource scheduler',
});

const entry = (e: Partial<AllowListEntry> & Pick<AllowListEntry, 'conditions'>): AllowListEntry => ({
  id: 'e1', kind: 'allow', ruleId: '*', reason: 'r', by: 'me', at: '2024-03-12T00:00:00Z', ...e,
});

describe('allow-list conditions', () => {
  it('wildcards: * and ? only, backslashes literal, case-insensitive', () => {
    expect(wildcardRegExp('C:\\Windows\\*\\svchost.exe').test('c:\\windows\\system32\\SVCHOST.EXE')).toBe(true);
    expect(wildcardRegExp('a?c').test('abc')).toBe(true);
    expect(wildcardRegExp('a?c').test('abbc')).toBe(false);
    expect(wildcardRegExp('a.c').test('abc')).toBe(false);
    expect(wildcardRegExp('(x)+[y]').test('(X)+[Y]')).toBe(true);
  });

  it('SubjectUserSid S-1-5-18 with a ParentProcessName pattern', () => {
    const e = entry({ conditions: [
      { kind: 'field', field: 'SubjectUserSid', match: 'equals', value: 's-1-5-18' },
      { kind: 'field', field: 'ParentProcessName', match: 'wildcard', value: '*\\svchost.exe' },
    ] });
    expect(entryMatches(e, { host: 'WS01', ruleId: 'any' }, updater)).toBe(true);
    expect(entryMatches(e, { host: 'WS01', ruleId: 'any' }, context({ ...updater.data, SubjectUserSid: 'S-1-5-21-1' }))).toBe(false);
    expect(entryMatches({ ...e, ruleId: 'other' }, { host: 'WS01', ruleId: 'any' }, updater)).toBe(false);
    expect(entryMatches({ ...e, ruleId: 'any' }, { host: 'WS01', ruleId: 'any' }, updater)).toBe(true);
  });

  it('an exact command line: case and spaces count; a clipped value never matches', () => {
    const c = { kind: 'command-line', value: updater.data['CommandLine']! } as const;
    expect(conditionHolds(c, { host: 'h' }, updater)).toBe(true);
    expect(conditionHolds(c, { host: 'h' }, context({ CommandLine: updater.data['CommandLine']!.toUpperCase() }))).toBe(false);
    expect(conditionHolds(c, { host: 'h' }, context({ CommandLine: updater.data['CommandLine']! }, ['CommandLine']))).toBe(false);
  });

  it('a host tagged as scanner: the finding’s host or the event’s source', () => {
    const c = { kind: 'host', host: 'SCAN01.corp.example', tag: 'scanner' } as const;
    expect(conditionHolds(c, { host: 'scan01' }, context({}))).toBe(true);
    expect(conditionHolds(c, { host: 'WS01' }, context({ WorkstationName: 'SCAN01' }))).toBe(true);
    expect(conditionHolds(c, { host: 'WS01' }, context({ WorkstationName: 'WS02', IpAddress: '10.0.0.9' }))).toBe(false);
    expect(conditionHolds({ kind: 'host', host: '10.0.1.30', tag: 'sccm' }, { host: 'WS01' }, context({ IpAddress: '10.0.1.30' }))).toBe(true);
  });

  it('a baseline chain: parent → image by file name, command line exactly', () => {
    const c = { kind: 'chain', parentImage: 'svchost.exe', image: 'GoogleUpdate.exe', commandLine: updater.data['CommandLine']! } as const;
    expect(conditionHolds(c, { host: 'h' }, updater)).toBe(true);
    expect(conditionHolds({ ...c, parentImage: 'services.exe' }, { host: 'h' }, updater)).toBe(false);
    expect(conditionHolds({ ...c, commandLine: c.commandLine + ' ' }, { host: 'h' }, updater)).toBe(false);
  });

  it('the first matching entry in list order is the suppression; no match, none', () => {
    const a = entry({ id: 'a', reason: 'first', conditions: [{ kind: 'field', field: 'subjectusersid', match: 'equals', value: 'S-1-5-18' }] });
    const b = entry({ id: 'b', kind: 'baseline', conditions: [{ kind: 'chain', parentImage: 'svchost.exe', image: 'googleupdate.exe', commandLine: updater.data['CommandLine']! }] });
    expect(suppressionFor([a, b], { host: 'h', ruleId: 'r' }, updater)).toEqual({ entryId: 'a', kind: 'allow', reason: 'first', by: 'me', at: '2024-03-12T00:00:00Z' });
    expect(suppressionFor([b, a], { host: 'h', ruleId: 'r' }, updater)?.kind).toBe('baseline');
    expect(suppressionFor([b], { host: 'h', ruleId: 'r' }, context({ CommandLine: 'x' }))).toBeNull();
  });
});

describe('validation', () => {
  it('rejects entries without conditions, baselines without a chain, bad kinds and extra fields, naming the place', () => {
    const ok = { kind: 'allow', ruleId: '*', conditions: [{ kind: 'command-line', value: 'x' }], reason: 'r', by: 'me' };
    expect(validateNewEntry(ok)).toEqual(ok);
    expect(() => validateNewEntry({ ...ok, conditions: [] })).toThrow('entry.conditions must hold at least one condition');
    expect(() => validateNewEntry({ ...ok, kind: 'baseline' })).toThrow('a baseline entry needs a "chain" condition');
    expect(() => validateNewEntry({ ...ok, conditions: [{ kind: 'regex', value: 'x' }] })).toThrow('entry.conditions[0].kind must be one of');
    expect(() => validateNewEntry({ ...ok, extra: 1 })).toThrow('unexpected field "extra"');
    expect(() => validateNewEntry({ ...ok, reason: '  ' })).toThrow('entry.reason must not be empty');
    expect(() => validateNewEntry({ ...ok, at: 'yesterday' })).toThrow('entry.at must be an ISO 8601 UTC time');
    expect(() => validateNewEntry({ ...ok, conditions: [{ kind: 'field', field: 'a b', match: 'equals', value: 'x' }] })).toThrow('field name');
  });
});

describe('YAML', () => {
  const entries: AllowListEntry[] = [
    makeEntry({ kind: 'allow', ruleId: 'rule-1', reason: 'quotes " and \' and \\ kept', by: 'ana', conditions: [
      { kind: 'field', field: 'SubjectUserSid', match: 'equals', value: 'S-1-5-18' },
      { kind: 'field', field: 'ParentProcessName', match: 'wildcard', value: 'C:\\Windows\\*\\svchost.exe' },
      { kind: 'host', host: 'SCAN01', tag: 'scanner' },
      { kind: 'command-line', value: '"C:\\a b\\x.exe" /q: #not-a-comment' },
    ] }, new Date('2024-03-12T10:00:00Z')),
    makeEntry({ kind: 'baseline', ruleId: '*', reason: 'logon script', by: 'ana', conditions: [
      { kind: 'chain', parentImage: 'userinit.exe', image: 'cmd.exe', commandLine: 'cmd.exe /c "\\\\corp\\NETLOGON\\logon.bat"' },
    ] }, new Date('2024-03-12T10:00:00Z')),
  ];

  it('round-trips entries through export and import', () => {
    const text = allowListToYaml(entries);
    expect(text).toContain('format: chainline-allowlist');
    const parsed = parseAllowListYaml(text);
    expect(parsed.entries).toEqual(entries);
    const merged = mergeImported([], parsed);
    expect(merged.entries).toEqual(entries);
    // Importing the same list again adds nothing.
    expect(mergeImported(merged.entries, parsed)).toMatchObject({ added: 0, duplicates: 2 });
  });

  it('reports YAML syntax errors with the line and validation errors with the entry', () => {
    expect(() => parseAllowListYaml('format: chainline-allowlist\nversion: 1\nentries:\n  - kind: [allow\n')).toThrow(/YAML error at line \d+/);
    expect(() => parseAllowListYaml('format: other\nversion: 1\n')).toThrow('"format" must be "chainline-allowlist"');
    const noReason = 'format: chainline-allowlist\nversion: 1\nentries:\n  - by: me\n    when: [{commandLine: x}]\n';
    expect(() => parseAllowListYaml(noReason)).toThrow('entries[0].reason must be a string');
    const bothOps = 'format: chainline-allowlist\nversion: 1\nentries:\n  - {by: me, reason: r, when: [{field: A, equals: x, like: y}]}\n';
    expect(() => parseAllowListYaml(bothOps)).toThrow('entries[0].when[0]: a field condition needs exactly one of "equals" or "like"');
    expect(() => parseAllowListYaml('- a\n- b\n')).toThrow(AllowListError);
    const dupKey = 'format: chainline-allowlist\nformat: x\nversion: 1\n';
    expect(() => parseAllowListYaml(dupKey)).toThrow(/YAML error/);
  });

  it('parses the demo allow-list', () => {
    const parsed = parseAllowListYaml(readFileSync(join(DEMO_EVIDENCE_DIR, 'allowlist.yml'), 'utf8'));
    expect(parsed.entries.length).toBeGreaterThanOrEqual(5);
    expect(parsed.entries.some((e) => e.kind === 'baseline')).toBe(true);
  });
});
