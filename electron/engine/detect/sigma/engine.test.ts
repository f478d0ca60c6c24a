// Unit tests of the Sigma engine: each modifier, each condition form, log source mapping,
// correlation rules and pack loading.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createMatcher, evaluateCorrelations, loadRulePack, parseRuleFile, type Rule } from './index.js';
import { base64OffsetVariants, windashVariants } from './modifiers.js';
import { makeEvent, type EventSpec } from './test-events.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

function ruleDoc(detection: Record<string, unknown>, logsource: Record<string, string> = { product: 'windows', category: 'process_creation' }, extra: Record<string, unknown> = {}): string {
  return stringify({ title: 'T', id: '11111111-1111-4111-8111-111111111111', logsource, detection, level: 'high', ...extra });
}

function load(detection: Record<string, unknown>, logsource?: Record<string, string>, options = {}): Rule {
  const parsed = parseRuleFile(ruleDoc(detection, logsource), 'test.yml', 'user', options);
  if (parsed.problems.length > 0) throw new Error(parsed.problems.map((p) => p.reason).join('; '));
  return parsed.rules[0] as Rule;
}

function problem(detection: Record<string, unknown>, logsource?: Record<string, string>): string {
  const parsed = parseRuleFile(ruleDoc(detection, logsource), 'test.yml', 'user');
  expect(parsed.rules).toEqual([]);
  return parsed.problems.map((p) => `${p.kind}: ${p.reason}`).join('; ');
}

function sysmon1(data: Record<string, string>): EventSpec {
  return { channel: SYSMON, eventId: 1, data };
}

/** Whether the rule matches the event, checked with and without the prefilter. */
function hits(rule: Rule, spec: EventSpec): boolean {
  const m = createMatcher({ rules: [rule] });
  const e = makeEvent(spec);
  const a = m.match(e).length > 0;
  expect(m.matchWithoutPrefilter(e).length > 0, 'prefilter agrees').toBe(a);
  return a;
}

function field(key: string, value: unknown, data: Record<string, string>, extra: Record<string, unknown> = {}): boolean {
  return hits(load({ sel: { [key]: value, ...extra }, condition: 'sel' }), sysmon1(data));
}

describe('values and wildcards', () => {
  it('matches case-insensitively by default, exactly with cased', () => {
    expect(field('Image', 'C:\\Windows\\CMD.exe', { Image: 'c:\\windows\\cmd.EXE' })).toBe(true);
    expect(field('Image|cased', 'C:\\Windows\\CMD.exe', { Image: 'c:\\windows\\cmd.EXE' })).toBe(false);
    expect(field('Image|cased', 'C:\\Windows\\CMD.exe', { Image: 'C:\\Windows\\CMD.exe' })).toBe(true);
    expect(field('Image|contains|cased', 'CMD', { Image: 'C:\\cmd.exe' })).toBe(false);
  });
  it('contains, startswith, endswith', () => {
    expect(field('CommandLine|contains', 'WHOAMI', { CommandLine: 'cmd /c whoami /all' })).toBe(true);
    expect(field('CommandLine|startswith', 'cmd', { CommandLine: 'cmd /c whoami' })).toBe(true);
    expect(field('CommandLine|startswith', 'whoami', { CommandLine: 'cmd /c whoami' })).toBe(false);
    expect(field('Image|endswith', '\\cmd.exe', { Image: 'C:\\Windows\\System32\\cmd.exe' })).toBe(true);
    expect(field('Image|endswith', '\\cmd.exe', { Image: 'C:\\Windows\\System32\\xcmd.exe' })).toBe(false);
  });
  it('wildcards * and ? and their escapes', () => {
    expect(field('CommandLine', '*net*user*', { CommandLine: 'net.exe user admin' })).toBe(true);
    expect(field('CommandLine', '*net*user*', { CommandLine: 'user net' })).toBe(false);
    expect(field('CommandLine', 'a?c', { CommandLine: 'abc' })).toBe(true);
    expect(field('CommandLine', 'a?c', { CommandLine: 'abbc' })).toBe(false);
    // `?` with stars around it (the star at either end is left out of the regular expression).
    expect(field('CommandLine|contains', '>?%TEMP%\\', { CommandLine: 'cmd /c dir >"%temp%\\x.txt' })).toBe(true);
    expect(field('CommandLine|contains', '>?%TEMP%\\', { CommandLine: 'cmd /c dir > x %temp%\\' })).toBe(false);
    expect(field('CommandLine|contains', 'a?c', { CommandLine: 'line one\nxabc\nline three' })).toBe(true);
    expect(field('CommandLine|startswith', 'a?c', { CommandLine: 'abcdef' })).toBe(true);
    expect(field('CommandLine|startswith', 'a?c', { CommandLine: 'xabc' })).toBe(false);
    expect(field('CommandLine|endswith', 'a?c', { CommandLine: 'xxabc' })).toBe(true);
    expect(field('CommandLine|endswith', 'a?c', { CommandLine: 'abcx' })).toBe(false);
    expect(field('CommandLine', '*a**?c*', { CommandLine: 'zaxcz' })).toBe(true);
    expect(field('CommandLine', 'a*?c', { CommandLine: 'ac' })).toBe(false);
    expect(field('CommandLine', 'a*?c', { CommandLine: 'a\nc\nc' })).toBe(true);
    expect(field('CommandLine', 'a\\*c', { CommandLine: 'a*c' })).toBe(true);
    expect(field('CommandLine', 'a\\*c', { CommandLine: 'abc' })).toBe(false);
    expect(field('CommandLine', 'what\\?', { CommandLine: 'what?' })).toBe(true);
    expect(field('CommandLine', 'what\\?', { CommandLine: 'whatx' })).toBe(false);
    // `\\*`: a literal backslash, then a wildcard.
    expect(field('CommandLine', 'C:\\\\*', { CommandLine: 'C:\\anything' })).toBe(true);
    // A lone backslash before an ordinary character is literal.
    expect(field('Image', 'C:\\Windows\\x.exe', { Image: 'C:\\Windows\\x.exe' })).toBe(true);
  });
  it('lists are OR, all makes them AND', () => {
    expect(field('CommandLine|contains', ['foo', 'bar'], { CommandLine: 'only bar' })).toBe(true);
    expect(field('CommandLine|contains|all', ['foo', 'bar'], { CommandLine: 'only bar' })).toBe(false);
    expect(field('CommandLine|contains|all', ['foo', 'bar'], { CommandLine: 'bar and foo' })).toBe(true);
  });
  it('numbers and booleans compare as text', () => {
    expect(field('ProcessId', 4242, { ProcessId: '4242' })).toBe(true);
    expect(field('Enabled', true, { Enabled: 'true' })).toBe(true);
  });
  it('null: absent or empty; empty string: present and empty', () => {
    expect(field('ParentImage', null, { Image: 'x' })).toBe(true);
    expect(field('ParentImage', null, { ParentImage: '' })).toBe(true);
    expect(field('ParentImage', null, { ParentImage: 'C:\\x.exe' })).toBe(false);
    expect(field('ParentImage', '', { ParentImage: '' })).toBe(true);
    expect(field('ParentImage', '', { Image: 'x' })).toBe(false);
    expect(hits(load({ sel: { Image: 'x' }, f: { ParentImage: null }, condition: 'sel and not f' }), sysmon1({ Image: 'x', ParentImage: 'p' }))).toBe(true);
  });
  it('exists', () => {
    expect(field('OriginalFileName|exists', true, { OriginalFileName: '' })).toBe(true);
    expect(field('OriginalFileName|exists', true, { Image: 'x' })).toBe(false);
    expect(field('OriginalFileName|exists', false, { Image: 'x' })).toBe(true);
    expect(problem({ sel: { 'Image|exists': 'yes' }, condition: 'sel' })).toMatch(/exists needs true or false/);
  });
  it('neq', () => {
    expect(field('User|neq', 'SYSTEM', { User: 'jdoe' })).toBe(true);
    expect(field('User|neq', 'SYSTEM', { User: 'system' })).toBe(false);
    expect(field('User|neq', ['SYSTEM', 'LOCAL SERVICE'], { User: 'local service' })).toBe(false);
  });
  it('non-ASCII text: emoji needles, characters whose lower case is longer, many needles on one field', () => {
    expect(field('CommandLine|contains', ['\u{1F986}', '\u{1F985}'], { CommandLine: 'cmd /c echo \u{1F986}' })).toBe(true);
    expect(field('CommandLine|contains', ['\u{1F986}', '\u{1F985}'], { CommandLine: 'cmd /c echo' })).toBe(false);
    expect(field('CommandLine|contains', 'STANBUL', { CommandLine: '\u0130STANBUL' })).toBe(true);
    expect(field('CommandLine|contains', '\u00e9t\u00e9', { CommandLine: 'r\u00c9T\u00c9 x' })).toBe(true);
    const many = Array.from({ length: 40 }, (_, i) => `needle${i}x`);
    expect(field('CommandLine|contains', many, { CommandLine: 'a NEEDLE37X b' })).toBe(true);
    expect(field('CommandLine|contains', many, { CommandLine: 'a needle37 b' })).toBe(false);
    expect(field('CommandLine|contains', ['^', '|'], { CommandLine: 'a^b' })).toBe(true);
  });

  it('keywords search every field', () => {
    const rule = load({ keywords: ['mimikatz', 'sekurlsa'], condition: 'keywords' });
    expect(hits(rule, sysmon1({ CommandLine: 'x.exe "SEKURLSA::logonpasswords"' }))).toBe(true);
    expect(hits(rule, sysmon1({ CommandLine: 'notepad.exe' }))).toBe(false);
  });
});

describe('windash', () => {
  it('makes every dash form of flag dashes', () => {
    expect(windashVariants(' -enc ').sort()).toEqual([' -enc ', ' /enc ', ' \u2013enc ', ' \u2014enc ', ' \u2015enc '].sort());
    // A dash inside a word is not a flag.
    expect(windashVariants('foo-bar')).toEqual(['foo-bar']);
    expect(windashVariants('-a -b')).toHaveLength(25);
  });
  it('matches the Unicode dashes Windows accepts', () => {
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      expect(field('CommandLine|windash|contains', ' -enc ', { CommandLine: `powershell ${dash}enc AAAA` }), dash).toBe(true);
    }
    expect(field('CommandLine|windash|contains', ' -enc ', { CommandLine: 'powershell _enc AAAA' })).toBe(false);
    expect(field('CommandLine|contains|windash|all', [' -a ', ' -b '], { CommandLine: 'x /a \u2013b y' })).toBe(true);
    expect(field('CommandLine|contains|windash|all', [' -a ', ' -b '], { CommandLine: 'x /a y' })).toBe(false);
  });
});

describe('re', () => {
  it('is case-sensitive unless i', () => {
    expect(field('CommandLine|re', 'Invoke-[A-Z]', { CommandLine: 'Invoke-Mimikatz' })).toBe(true);
    expect(field('CommandLine|re', 'invoke-[a-z]', { CommandLine: 'Invoke-Mimikatz' })).toBe(false);
    expect(field('CommandLine|re|i', 'invoke-[a-z]', { CommandLine: 'Invoke-Mimikatz' })).toBe(true);
    expect(field('CommandLine|re', '(?i)invoke-[a-z]', { CommandLine: 'Invoke-Mimikatz' })).toBe(true);
  });
  it('m: ^ and $ at line ends; s: dot matches newline', () => {
    const text = 'first line\nsecond line';
    expect(field('ScriptBlockText|re', '^second', { ScriptBlockText: text })).toBe(false);
    expect(field('ScriptBlockText|re|m', '^second', { ScriptBlockText: text })).toBe(true);
    expect(field('ScriptBlockText|re', 'first.second', { ScriptBlockText: text })).toBe(false);
    expect(field('ScriptBlockText|re|s', 'first.*second', { ScriptBlockText: text })).toBe(true);
  });
  it('a regular expression that does not compile rejects the rule', () => {
    expect(problem({ sel: { 'CommandLine|re': '([a-z' }, condition: 'sel' })).toMatch(/rejected: sel: regular expression/);
    expect(problem({ sel: { 'CommandLine|i': 'x' }, condition: 'sel' })).toMatch(/only goes with re/);
  });
});

describe('encodings', () => {
  const b64 = (s: string, enc: BufferEncoding = 'utf8'): string => Buffer.from(s, enc).toString('base64');
  it('base64', () => {
    // 6 bytes encode without padding, so they are a prefix of a longer encoding.
    expect(field('CommandLine|base64|contains', 'http:/', { CommandLine: `x ${b64('http://evil')} y` })).toBe(true);
    // With padding the value matches only where it was encoded alone (base64offset is for the rest).
    expect(field('CommandLine|base64|contains', 'http://', { CommandLine: `x ${b64('http://evil')} y` })).toBe(false);
    expect(field('CommandLine|base64', 'http://', { CommandLine: b64('http://') })).toBe(true);
    // base64 text is case-sensitive.
    expect(field('CommandLine|base64|contains', 'http:/', { CommandLine: `x ${b64('http://evil').toLowerCase()} y` })).toBe(false);
  });
  it('base64offset finds the value at each of the three offsets', () => {
    const value = 'Invoke-Mimikatz';
    expect(base64OffsetVariants(Buffer.from(value))).toHaveLength(3);
    for (const prefix of ['', 'a', 'ab', 'abc', 'abcd']) {
      const encoded = b64(`${prefix}${value} -dump`);
      expect(field('CommandLine|base64offset|contains', value, { CommandLine: `powershell -e ${encoded}` }), `offset ${prefix.length}`).toBe(true);
    }
    expect(field('CommandLine|base64offset|contains', value, { CommandLine: `powershell -e ${b64('Invoke-Other')}` })).toBe(false);
  });
  it('utf16le / wide, utf16be, utf16 with base64offset', () => {
    const value = 'IEX (';
    for (const prefix of ['', 'x', 'xy']) {
      const encoded = b64(`${prefix}${value}New-Object`, 'utf16le');
      expect(field('CommandLine|wide|base64offset|contains', value, { CommandLine: `-enc ${encoded}` }), `wide offset ${prefix.length}`).toBe(true);
      expect(field('CommandLine|utf16le|base64offset|contains', value, { CommandLine: `-enc ${encoded}` })).toBe(true);
    }
    const be = Buffer.from('cmd', 'utf16le').swap16().toString('base64');
    expect(field('CommandLine|utf16be|base64|contains', 'cmd', { CommandLine: be })).toBe(true);
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('cmd', 'utf16le')]).toString('base64');
    expect(field('CommandLine|utf16|base64|contains', 'cmd', { CommandLine: bom })).toBe(true);
  });
});

describe('numbers, times, networks, field references, placeholders', () => {
  it('lt, lte, gt, gte (decimal and hex field values)', () => {
    expect(field('LogonType|gt', 2, { LogonType: '3' })).toBe(true);
    expect(field('LogonType|gt', 3, { LogonType: '3' })).toBe(false);
    expect(field('LogonType|gte', 3, { LogonType: '3' })).toBe(true);
    expect(field('LogonType|lt', 3, { LogonType: '2' })).toBe(true);
    expect(field('LogonType|lte', 2, { LogonType: '3' })).toBe(false);
    expect(field('Status|gte', 16, { Status: '0x10' })).toBe(true);
    expect(field('Status|gte', 16, { Status: 'n/a' })).toBe(false);
    expect(problem({ sel: { 'X|lt': 'abc' }, condition: 'sel' })).toMatch(/not a number/);
  });
  it('time modifiers', () => {
    expect(field('UtcTime|hour', 23, { UtcTime: '2024-03-12 23:59:01.123' })).toBe(true);
    expect(field('UtcTime|hour|gte', 20, { UtcTime: '2024-03-12T21:00:00Z' })).toBe(true);
    expect(field('UtcTime|hour|lt', 6, { UtcTime: '2024-03-12T21:00:00Z' })).toBe(false);
    expect(field('UtcTime|month', 3, { UtcTime: '2024-03-12T21:00:00Z' })).toBe(true);
    expect(field('UtcTime|year', 2024, { UtcTime: '2024-03-12T21:00:00Z' })).toBe(true);
    expect(field('UtcTime|day', 12, { UtcTime: '2024-03-12T21:00:00Z' })).toBe(true);
    expect(field('UtcTime|minute', 7, { UtcTime: '2024-03-12T21:07:00Z' })).toBe(true);
    expect(field('UtcTime|week', 11, { UtcTime: '2024-03-12T21:07:00Z' })).toBe(true);
  });
  it('cidr with IPv4 and IPv6', () => {
    expect(field('DestinationIp|cidr', '10.0.0.0/8', { DestinationIp: '10.1.2.3' })).toBe(true);
    expect(field('DestinationIp|cidr', '10.0.0.0/8', { DestinationIp: '11.1.2.3' })).toBe(false);
    expect(field('DestinationIp|cidr', '192.168.1.0/24', { DestinationIp: '::ffff:192.168.1.7' })).toBe(true);
    expect(field('DestinationIp|cidr', '2001:db8::/32', { DestinationIp: '2001:0db8:85a3::8a2e:0370:7334' })).toBe(true);
    expect(field('DestinationIp|cidr', '2001:db8::/32', { DestinationIp: '2001:db9::1' })).toBe(false);
    expect(field('DestinationIp|cidr', 'fe80::/10', { DestinationIp: 'fe80::1%12' })).toBe(true);
    expect(field('DestinationIp|cidr', '::1/128', { DestinationIp: '::1' })).toBe(true);
    expect(field('DestinationIp|cidr', ['127.0.0.0/8', '::1/128'], { DestinationIp: '0:0:0:0:0:0:0:1' })).toBe(true);
    expect(problem({ sel: { 'DestinationIp|cidr': '10.0.0.0/33' }, condition: 'sel' })).toMatch(/prefix length/);
  });
  it('fieldref, also with endswith and neq', () => {
    expect(field('TargetUserName|fieldref', 'SubjectUserName', { TargetUserName: 'JDOE', SubjectUserName: 'jdoe' })).toBe(true);
    expect(field('TargetUserName|fieldref', 'SubjectUserName', { TargetUserName: 'a', SubjectUserName: 'b' })).toBe(false);
    expect(field('Image|endswith|fieldref', 'OriginalFileName', { Image: 'C:\\x\\certutil.exe', OriginalFileName: 'CertUtil.exe' })).toBe(true);
    expect(field('TargetUserName|fieldref|neq', 'SubjectUserName', { TargetUserName: 'a', SubjectUserName: 'b' })).toBe(true);
  });
  it('expand: an unresolved placeholder rejects the rule; a resolved one expands to its list', () => {
    expect(problem({ sel: { 'User|expand': '%admins%' }, condition: 'sel' })).toMatch(/placeholder %admins% is not resolved/);
    const rule = load({ sel: { 'User|expand': '%admins%' }, condition: 'sel' }, undefined, { placeholders: { admins: ['CORP\\adm1', 'CORP\\adm2'] } });
    expect(hits(rule, sysmon1({ User: 'corp\\adm2' }))).toBe(true);
    expect(hits(rule, sysmon1({ User: 'corp\\jdoe' }))).toBe(false);
  });
  it('an unknown modifier rejects the rule', () => {
    expect(problem({ sel: { 'Image|endswiths': 'x' }, condition: 'sel' })).toMatch(/unknown modifier "endswiths"/);
  });
});

describe('conditions', () => {
  const det = {
    selection_a: { CommandLine: 'a' },
    selection_b: { Image: 'b' },
    filter_x: { User: 'x' },
    _helper: { Extra: 'h' },
  };
  const match = (condition: unknown, data: Record<string, string>): boolean => hits(load({ ...det, condition }), sysmon1(data));
  it('and, or, not, parentheses and precedence', () => {
    expect(match('selection_a and selection_b', { CommandLine: 'a', Image: 'b' })).toBe(true);
    expect(match('selection_a and selection_b', { CommandLine: 'a' })).toBe(false);
    expect(match('selection_a or selection_b', { Image: 'b' })).toBe(true);
    expect(match('selection_a and not filter_x', { CommandLine: 'a', User: 'x' })).toBe(false);
    // not binds tighter than and, and tighter than or: a or (b and not x)
    expect(match('selection_a or selection_b and not filter_x', { CommandLine: 'a', User: 'x' })).toBe(true);
    expect(match('(selection_a or selection_b) and not filter_x', { CommandLine: 'a', User: 'x' })).toBe(false);
    expect(match('not (selection_a or selection_b)', { Other: '1' })).toBe(true);
    expect(match('SELECTION_A AND NOT filter_x'.replace('SELECTION_A', 'selection_a'), { CommandLine: 'a' })).toBe(true);
  });
  it('1 of / all of with patterns', () => {
    expect(match('1 of selection_*', { Image: 'b' })).toBe(true);
    expect(match('all of selection_*', { Image: 'b' })).toBe(false);
    expect(match('all of selection_*', { CommandLine: 'a', Image: 'b' })).toBe(true);
    expect(match('1 of selection_* and not 1 of filter*', { CommandLine: 'a', User: 'x' })).toBe(false);
  });
  it('them leaves out identifiers beginning with _', () => {
    // all of them = selection_a and selection_b and filter_x; _helper is not required.
    expect(match('all of them', { CommandLine: 'a', Image: 'b', User: 'x' })).toBe(true);
    expect(match('1 of them', { Extra: 'h' })).toBe(false);
    expect(match('1 of _*', { Extra: 'h' })).toBe(true);
    expect(match('_helper', { Extra: 'h' })).toBe(true);
  });
  it('a list of conditions is OR', () => {
    expect(match(['selection_a', 'selection_b'], { Image: 'b' })).toBe(true);
    expect(match(['selection_a', 'selection_b'], { Other: 'z' })).toBe(false);
  });
  it('a list of maps is OR, a map is AND', () => {
    const rule = load({ sel: [{ Image: 'a', CommandLine: 'x' }, { Image: 'b' }], condition: 'sel' });
    expect(hits(rule, sysmon1({ Image: 'a', CommandLine: 'y' }))).toBe(false);
    expect(hits(rule, sysmon1({ Image: 'a', CommandLine: 'x' }))).toBe(true);
    expect(hits(rule, sysmon1({ Image: 'b' }))).toBe(true);
  });
  it('bad conditions reject the rule with the reason', () => {
    expect(problem({ ...det, condition: 'selection_a and nope' })).toMatch(/unknown search identifier "nope"/);
    expect(problem({ ...det, condition: 'selection_a | count() > 5' })).toMatch(/deprecated Sigma v1/);
    expect(problem({ ...det, condition: '1 of nothing*' })).toMatch(/matches no search identifier/);
    expect(problem({ ...det, condition: '(selection_a' })).toMatch(/missing "\)"/);
    expect(problem({ ...det })).toMatch(/needs a condition/);
  });
});

describe('log sources and field mapping', () => {
  it('process_creation applies to Sysmon 1 and Security 4688 with the 4688 field names', () => {
    const rule = load({ sel: { 'Image|endswith': '\\cmd.exe', 'ParentImage|endswith': '\\winword.exe', LogonId: '0x5a4f02' }, condition: 'sel' });
    expect(hits(rule, sysmon1({ Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\o\\WINWORD.EXE', LogonId: '0x5a4f02' }))).toBe(true);
    expect(
      hits(rule, { channel: 'Security', eventId: 4688, data: { NewProcessName: 'C:\\Windows\\System32\\cmd.exe', ParentProcessName: 'C:\\o\\WINWORD.EXE', SubjectLogonId: '0x5a4f02' } }),
    ).toBe(true);
    // Another Security event with the same fields is not process creation.
    expect(hits(rule, { channel: 'Security', eventId: 4624, data: { NewProcessName: 'C:\\cmd.exe', ParentProcessName: 'C:\\winword.exe', SubjectLogonId: '0x5a4f02' } })).toBe(false);
    // Channels compare case-insensitively (NXLog writes "security").
    expect(hits(rule, { channel: 'security', eventId: 4688, data: { NewProcessName: 'C:\\cmd.exe', ParentProcessName: 'C:\\winword.exe', SubjectLogonId: '0x5a4f02' } })).toBe(true);
  });
  it('PIDs: 4688 hex, Sysmon decimal; integrity level from the mandatory label', () => {
    const rule = load({ sel: { ProcessId: 7996, ParentProcessId: 9124, IntegrityLevel: 'High' }, condition: 'sel' });
    expect(hits(rule, sysmon1({ ProcessId: '7996', ParentProcessId: '9124', IntegrityLevel: 'High' }))).toBe(true);
    expect(hits(rule, { channel: 'Security', eventId: 4688, data: { NewProcessId: '0x1f3c', ProcessId: '0x23a4', MandatoryLabel: 'S-1-16-12288' } })).toBe(true);
    expect(hits(rule, { channel: 'Security', eventId: 4688, data: { NewProcessId: '0x1f3d', ProcessId: '0x23a4', MandatoryLabel: 'S-1-16-12288' } })).toBe(false);
  });
  it('System attributes by their Sigma names', () => {
    const rule = load({ sel: { Provider_Name: 'Service Control Manager', EventID: 7045, Computer: 'ws01*' }, condition: 'sel' }, { product: 'windows', service: 'system' });
    expect(hits(rule, { channel: 'System', eventId: 7045, provider: 'Service Control Manager', data: {} })).toBe(true);
    expect(hits(rule, { channel: 'System', eventId: 7045, provider: 'Other', data: {} })).toBe(false);
    expect(hits(rule, { channel: 'System', eventId: 7036, provider: 'Service Control Manager', data: {} })).toBe(false);
  });
  it('service rules are indexed by the event ids their condition requires', () => {
    const sec = { product: 'windows', service: 'security' };
    const only4697 = load({ sel: { EventID: 4697, ServiceName: 'x' }, condition: 'sel' }, sec);
    const either = load({ a: { EventID: 4624 }, b: { EventID: [4625, 4771] }, condition: 'a or b' }, sec);
    const notId = load({ a: { EventID: 4624 }, f: { TargetUserName: 'x' }, condition: 'not a and f' }, sec);
    const m = createMatcher({ rules: [only4697, either, notId] });
    m.warm([4624, 4625, 4697, 4771, 4688].map((eventId) => ({ channel: 'Security', eventId })));
    const rules = Object.fromEntries(m.stats().map((b) => [b.key, b.rules]));
    expect(rules).toEqual({ 'security 4624': 2, 'security 4625': 2, 'security 4697': 2, 'security 4771': 2, 'security 4688': 1 });
    expect(hits(notId, { channel: 'Security', eventId: 4625, data: { TargetUserName: 'x' } })).toBe(true);
    expect(hits(only4697, { channel: 'Security', eventId: 4697, data: { ServiceName: 'X' } })).toBe(true);
  });

  it('ps_script covers Windows PowerShell and PowerShell 7', () => {
    const rule = load({ sel: { 'ScriptBlockText|contains': 'mimikatz' }, condition: 'sel' }, { product: 'windows', category: 'ps_script' });
    expect(hits(rule, { channel: 'Microsoft-Windows-PowerShell/Operational', eventId: 4104, data: { ScriptBlockText: 'Invoke-Mimikatz' } })).toBe(true);
    expect(hits(rule, { channel: 'PowerShellCore/Operational', eventId: 4104, data: { ScriptBlockText: 'Invoke-Mimikatz' } })).toBe(true);
    expect(hits(rule, { channel: 'Microsoft-Windows-PowerShell/Operational', eventId: 4103, data: { ScriptBlockText: 'Invoke-Mimikatz' } })).toBe(false);
  });
  it('Sysmon categories to their event ids', () => {
    const rule = load({ sel: { 'QueryName|endswith': '.evil.example' }, condition: 'sel' }, { product: 'windows', category: 'dns_query' });
    expect(hits(rule, { channel: SYSMON, eventId: 22, data: { QueryName: 'c2.evil.example' } })).toBe(true);
    expect(hits(rule, { channel: SYSMON, eventId: 3, data: { QueryName: 'c2.evil.example' } })).toBe(false);
  });
  it('field names written without their spaces reach spaced EventData names', () => {
    const rule = load({ sel: { SourceName: 'Real-Time Protection' }, condition: 'sel' }, { product: 'windows', service: 'windefend' });
    expect(hits(rule, { channel: 'Microsoft-Windows-Windows Defender/Operational', eventId: 1119, data: { 'Source Name': 'Real-Time Protection' } })).toBe(true);
  });
  it('a log source Chainline cannot map is skipped with the reason', () => {
    expect(problem({ sel: { a: 'b' }, condition: 'sel' }, { product: 'linux', category: 'process_creation' })).toMatch(/skipped: .*product "linux"/);
    expect(problem({ sel: { a: 'b' }, condition: 'sel' }, { product: 'windows', category: 'file_access' })).toMatch(/skipped: .*category "file_access"/);
    expect(problem({ sel: { a: 'b' }, condition: 'sel' }, { product: 'windows', service: 'nosuch' })).toMatch(/skipped: .*service "nosuch"/);
  });
});

describe('correlation rules', () => {
  const base = (id: string, name: string, detection: Record<string, unknown>): Record<string, unknown> => ({
    title: name,
    id,
    name,
    logsource: { product: 'windows', service: 'security' },
    detection,
    level: 'low',
  });
  const failed = base('aaaaaaaa-0000-4000-8000-000000000001', 'failed_login', { sel: { EventID: 4625 }, condition: 'sel' });
  const success = base('aaaaaaaa-0000-4000-8000-000000000002', 'successful_login', { sel: { EventID: 4624 }, condition: 'sel' });
  const corr = (c: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
    [stringify({ title: 'C', id: 'cccccccc-0000-4000-8000-000000000001', level: 'high', correlation: c, ...extra }), stringify(failed), stringify(success)].join('---\n');
  const t = (s: number): string => new Date(Date.UTC(2024, 2, 12, 10, 0, s)).toISOString().replace('Z', '0000Z');
  const logon = (id: number, s: number, user: string, ip = '203.0.113.47'): EventSpec => ({ channel: 'Security', eventId: id, time: t(s), data: { TargetUserName: user, IpAddress: ip } });

  function run(text: string, specs: EventSpec[]): ReturnType<typeof evaluateCorrelations> {
    const parsed = parseRuleFile(text, 'c.yml', 'user');
    expect(parsed.problems).toEqual([]);
    const pack = { rules: parsed.rules, correlations: parsed.correlations, problems: [] };
    const matcher = createMatcher(pack);
    const hits = specs.flatMap((s, rowId) => {
      const event = makeEvent(s);
      return matcher.match(event).map((rule) => ({ rule, event, rowId }));
    });
    return evaluateCorrelations(pack, hits);
  }

  it('event_count with group-by and timespan', () => {
    const text = corr({ type: 'event_count', rules: ['failed_login'], 'group-by': ['TargetUserName'], timespan: '1m', condition: { gte: 3 } });
    const events = [logon(4625, 0, 'jdoe'), logon(4625, 10, 'jdoe'), logon(4625, 20, 'asmith'), logon(4625, 50, 'jdoe'), logon(4625, 200, 'jdoe')];
    const out = run(text, events);
    expect(out.map((m) => ({ rows: m.rowIds, group: m.group, value: m.value }))).toEqual([{ rows: [0, 1, 3], group: { TargetUserName: 'jdoe' }, value: 3 }]);
    // Outside the timespan the same count does not fire.
    expect(run(text, [logon(4625, 0, 'jdoe'), logon(4625, 40, 'jdoe'), logon(4625, 80, 'jdoe')])).toEqual([]);
  });
  it('value_count counts distinct values', () => {
    const text = corr({ type: 'value_count', rules: ['failed_login'], 'group-by': ['IpAddress'], timespan: '5m', condition: { field: 'TargetUserName', gte: 3 } });
    expect(run(text, [logon(4625, 0, 'a'), logon(4625, 1, 'a'), logon(4625, 2, 'b')])).toEqual([]);
    const out = run(text, [logon(4625, 0, 'a'), logon(4625, 1, 'b'), logon(4625, 2, 'c'), logon(4625, 3, 'a', '10.0.0.1')]);
    expect(out.map((m) => m.rowIds)).toEqual([[0, 1, 2]]);
  });
  it('temporal and temporal_ordered (names resolved, order checked)', () => {
    const temporal = corr({ type: 'temporal', rules: ['successful_login', 'failed_login'], 'group-by': ['TargetUserName'], timespan: '1m' });
    expect(run(temporal, [logon(4624, 0, 'jdoe'), logon(4625, 5, 'jdoe')]).map((m) => m.rowIds)).toEqual([[0, 1]]);
    const ordered = corr({ type: 'temporal_ordered', rules: ['failed_login', 'successful_login'], 'group-by': ['TargetUserName'], timespan: '1m' });
    expect(run(ordered, [logon(4624, 0, 'jdoe'), logon(4625, 5, 'jdoe')])).toEqual([]);
    expect(run(ordered, [logon(4625, 0, 'jdoe'), logon(4624, 5, 'jdoe')]).map((m) => m.rowIds)).toEqual([[0, 1]]);
    expect(run(ordered, [logon(4625, 0, 'jdoe'), logon(4624, 5, 'asmith')])).toEqual([]);
  });
  it('chained correlations and aliases', () => {
    const inner = stringify({
      title: 'many failed',
      id: 'cccccccc-0000-4000-8000-000000000002',
      name: 'many_failed',
      correlation: { type: 'event_count', rules: ['failed_login'], 'group-by': ['TargetUserName'], timespan: '10m', condition: { gte: 2 } },
    });
    const outer = stringify({
      title: 'brute force then success',
      id: 'cccccccc-0000-4000-8000-000000000001',
      correlation: { type: 'temporal_ordered', rules: ['many_failed', 'successful_login'], 'group-by': ['TargetUserName'], timespan: '10m' },
    });
    const text = [outer, inner, stringify(failed), stringify(success)].join('---\n');
    const out = run(text, [logon(4625, 0, 'jdoe'), logon(4625, 1, 'jdoe'), logon(4624, 30, 'jdoe')]).filter((m) => m.correlation.title === 'brute force then success');
    expect(out.map((m) => m.rowIds)).toEqual([[0, 1, 2]]);
    const aliased = corr({
      type: 'temporal',
      rules: ['failed_login', 'successful_login'],
      'group-by': ['who'],
      timespan: '1m',
      aliases: { who: { failed_login: 'TargetUserName', successful_login: 'IpAddress' } },
    });
    expect(run(aliased, [logon(4625, 0, 'x'), { channel: 'Security', eventId: 4624, time: t(3), data: { IpAddress: 'x', TargetUserName: 'other' } }]).map((m) => m.rowIds)).toEqual([[0, 1]]);
  });
  it('a correlation missing its condition or naming an unknown type is rejected', () => {
    const bad = parseRuleFile(stringify({ title: 'x', id: 'c1', correlation: { type: 'event_count', rules: ['a'], 'group-by': ['b'], timespan: '1h' } }), 'x.yml', 'user');
    expect(bad.problems[0]?.reason).toMatch(/needs a condition/);
    const bad2 = parseRuleFile(stringify({ title: 'x', id: 'c1', correlation: { type: 'near', rules: ['a'], timespan: '1h' } }), 'x.yml', 'user');
    expect(bad2.problems[0]?.reason).toMatch(/not supported/);
  });
});

describe('rule packs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainline-sigma-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): void => writeFileSync(join(dir, name), text);
  write('good.yml', ruleDoc({ sel: { Image: 'x' }, condition: 'sel' }, undefined, { id: '22222222-2222-4222-8222-222222222222', status: 'stable', level: 'high' }));
  write('low.yml', ruleDoc({ sel: { Image: 'x' }, condition: 'sel' }, undefined, { id: '33333333-3333-4333-8333-333333333333', status: 'experimental', level: 'low' }));
  write('broken.yml', 'title: [unclosed\n');
  write('badcond.yml', ruleDoc({ sel: { Image: 'x' }, condition: 'sel and nothing' }, undefined, { id: '44444444-4444-4444-8444-444444444444' }));
  write('zdup.yaml', ruleDoc({ sel: { Image: 'y' }, condition: 'sel' }, undefined, { id: '22222222-2222-4222-8222-222222222222' }));
  write('notes.txt', 'not a rule');

  it('loads the good rules and lists every problem with its reason', async () => {
    const pack = await loadRulePack({ dirs: [dir], builtin: false });
    expect(pack.rules.map((r) => r.id)).toEqual(['22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333']);
    expect(pack.rules[0]?.origin).toBe('user');
    const reasons = pack.problems.map((p) => `${p.kind} ${p.path.slice(dir.length + 1)}: ${p.reason}`);
    expect(reasons).toHaveLength(3);
    expect(reasons.find((r) => r.startsWith('rejected badcond.yml'))).toMatch(/unknown search identifier "nothing"/);
    expect(reasons.find((r) => r.startsWith('rejected broken.yml'))).toMatch(/YAML/);
    expect(reasons.find((r) => r.startsWith('rejected zdup.yaml'))).toMatch(/duplicate rule id/);
  });
  it('filters by level and status, with the reason', async () => {
    const byLevel = await loadRulePack({ dirs: [dir], builtin: false, minLevel: 'medium' });
    expect(byLevel.rules.map((r) => r.level)).toEqual(['high']);
    expect(byLevel.problems.find((p) => p.kind === 'skipped')?.reason).toMatch(/level low is below the minimum level medium/);
    const byStatus = await loadRulePack({ dirs: [dir], builtin: false, statuses: ['stable'] });
    expect(byStatus.rules.map((r) => r.status)).toEqual(['stable']);
    expect(byStatus.problems.find((p) => p.kind === 'skipped')?.reason).toMatch(/status experimental/);
  });
  it('a missing folder is a problem, not a crash; the built-in pack still loads', async () => {
    const pack = await loadRulePack({ dirs: [join(dir, 'nope')], builtin: true });
    expect(pack.rules.length).toBeGreaterThan(5);
    expect(pack.problems.map((p) => p.kind)).toEqual(['rejected']);
  });
});
