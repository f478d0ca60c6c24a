// The matcher's prefilter and needle index against the plain evaluation: per-value caching of
// prefilter hits, needles found by gram and verified in place, short and non-ASCII needles.

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createMatcher, parseRuleFile, type Rule } from './index.js';
import { makeEvent } from './test-events.js';
import { seededRandom } from '../../testing/seeded-random.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

function rule(n: number, detection: Record<string, unknown>): Rule {
  const doc = stringify({
    title: `R${n}`,
    id: `11111111-1111-4111-8111-${String(n).padStart(12, '0')}`,
    logsource: { product: 'windows', category: 'process_creation' },
    detection,
    level: 'high',
  });
  const parsed = parseRuleFile(doc, `r${n}.yml`, 'user');
  if (parsed.problems.length > 0) throw new Error(parsed.problems.map((p) => p.reason).join('; '));
  return parsed.rules[0] as Rule;
}

const many = Array.from({ length: 40 }, (_, i) => `needle${i}x`);

const RULES: Rule[] = [
  rule(1, { sel: { 'Image|endswith': '\\cmd.exe', 'CommandLine|contains': ' /c ' }, condition: 'sel' }),
  rule(2, { sel: { 'CommandLine|contains': ['а', '😀', '-f'] }, condition: 'sel' }), // Cyrillic а, emoji, 2 chars
  rule(3, { sel: { 'CommandLine|endswith': many }, condition: 'sel' }),
  rule(4, { sel: { 'CommandLine|startswith': many }, condition: 'sel' }),
  rule(5, { sel: { 'CommandLine|contains': many.slice(0, 20) }, condition: 'sel' }),
  rule(6, { sel: { 'Image|contains': '\\EDR-Freeze', 'Image|endswith': '.exe' }, condition: 'sel' }),
  rule(7, { sel: { 'CommandLine|re': 'Ab[0-9]+Cd' }, condition: 'sel' }),
  rule(8, { sel: { 'CommandLine|cased|contains': 'MiXeD' }, condition: 'sel' }),
  rule(9, { sel: { 'ParentImage|endswith': ['\\winword.exe', '\\excel.exe'] }, filter: { 'CommandLine|contains': 'safe' }, condition: 'sel and not filter' }),
];

const IMAGES = ['C:\\Windows\\System32\\cmd.exe', 'C:\\Tools\\EDR-Freeze.exe', 'C:\\Tools\\EDR-Freeze.dll', 'C:\\Program Files\\Office\\WINWORD.EXE', 'C:\\x\\y.exe'];
const PIECES = [' /c ', 'а', '😀', '-f', 'needle3x', 'needle17x', 'needle39x', 'Ab123Cd', 'ab123cd', 'MiXeD', 'mixed', 'safe', 'zz', '0', 'a'];

describe('matcher prefilter', () => {
  it('gives the unfiltered result on every event, with field values repeating and not (value cache on and off)', () => {
    const m = createMatcher({ rules: RULES });
    const rnd = seededRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const perRule = new Map<string, number>();
    let matched = 0;
    // More events than the cache's probation, so unique command lines turn caching off.
    for (let i = 0; i < 6000; i++) {
      const parts: string[] = [];
      const n = Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) parts.push(pick(PIECES));
      // Half the command lines repeat exactly; the others carry a unique number.
      const commandLine = rnd() < 0.5 ? parts.join('') : `${parts.join(' ')} ${i}`;
      const e = makeEvent({ channel: SYSMON, eventId: 1, data: { Image: pick(IMAGES), ParentImage: pick(IMAGES), CommandLine: commandLine } });
      const a = m.match(e).map((r) => r.title);
      expect(a, commandLine).toEqual(m.matchWithoutPrefilter(e).map((r) => r.title));
      if (a.length > 0) matched++;
      for (const t of a) perRule.set(t, (perRule.get(t) ?? 0) + 1);
    }
    expect(matched).toBeGreaterThan(1000);
    expect(matched).toBeLessThan(6000);
    for (const r of RULES) expect(perRule.get(r.title) ?? 0, r.title).toBeGreaterThan(0);
  });

  it('anchors startswith and endswith needles of a large list at the ends of the value', () => {
    const m = createMatcher({ rules: [RULES[2] as Rule, RULES[3] as Rule] });
    const titles = (cl: string): string[] => m.match(makeEvent({ channel: SYSMON, eventId: 1, data: { CommandLine: cl } })).map((r) => r.title);
    expect(titles('run NEEDLE5X')).toEqual(['R3']);
    expect(titles('needle5x run')).toEqual(['R4']);
    expect(titles('needle5x')).toEqual(['R3', 'R4']);
    expect(titles('run needle5x run')).toEqual([]);
    expect(titles('needle5')).toEqual([]);
  });

  it('tells a Cyrillic or emoji needle from ASCII characters that share its low bits', () => {
    const m = createMatcher({ rules: [RULES[1] as Rule] });
    const hit = (cl: string): boolean => m.match(makeEvent({ channel: SYSMON, eventId: 1, data: { CommandLine: cl } })).length > 0;
    // U+0430 (а) has the low ten bits of '0'.
    expect(hit('copy 0 1')).toBe(false);
    expect(hit('cmd /c echo а')).toBe(true);
    expect(hit('x 😀')).toBe(true);
    expect(hit('powershell -F x')).toBe(true);
  });
});

describe('matcher memo and strided needle index', () => {
  // Rules reading only repeating fields are remembered per value combination, and one-field tests
  // per value; a matcher made for a single event remembers nothing, so it is the plain answer.
  const MEMO_RULES: Rule[] = [
    rule(21, { sel: { 'Image|endswith': ['.exe', '.com'] }, f1: { Image: ['System', ''] }, f2: { 'ParentImage|contains': '\\temp\\' }, condition: 'not sel and not 1 of f*' }),
    rule(22, { sel: { 'Image|endswith': '\\cmd.exe' }, filter: { 'CommandLine|contains': 'safe' }, condition: 'sel and not filter' }),
    rule(23, { sel: { 'Image|endswith': '\\cmd.exe', 'ParentImage|endswith': '\\winword.exe', 'User|contains': 'jdoe' }, condition: 'sel' }),
    rule(24, { sel: { ParentImage: null }, other: { 'Image|contains': 'tools' }, condition: 'sel or other' }),
    rule(25, { sel: { 'Image|contains': 'edr' }, sel2: { 'CommandLine|contains|all': ['-x', '-y'] }, condition: 'sel and sel2' }),
  ];
  it('gives the same hits as a matcher that has seen no other event', () => {
    const m = createMatcher({ rules: MEMO_RULES });
    const rnd = seededRandom(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const images = ['C:\\Windows\\System32\\cmd.exe', 'C:\\Tools\\EDR.exe', 'C:\\tools\\x.dll', 'System', '', 'C:\\Temp\\a.bin'];
    const parents = ['C:\\Office\\WINWORD.EXE', 'C:\\Temp\\x.exe', 'C:\\Windows\\explorer.exe', undefined];
    const users = ['CORP\\jdoe', 'CORP\\asmith', undefined];
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const data: Record<string, string> = { Image: pick(images), CommandLine: `${pick(['run', 'safe run', '-x -y', '-y'])} ${i % 7 === 0 ? i : ''}` };
      const p = pick(parents);
      if (p !== undefined) data['ParentImage'] = p;
      const u = pick(users);
      if (u !== undefined) data['User'] = u;
      const e = makeEvent({ channel: SYSMON, eventId: 1, data });
      const got = m.match(e).map((r) => r.title);
      expect(got, JSON.stringify(data)).toEqual(createMatcher({ rules: MEMO_RULES }).match(e).map((r) => r.title));
      for (const t of got) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    for (const r of MEMO_RULES) expect(counts.get(r.title) ?? 0, r.title).toBeGreaterThan(0);
  });

  it('finds long needles (hashes) at every offset with the strided index', () => {
    const hex = (n: number): string => (n * 2654435761).toString(16).padStart(8, '0').repeat(4);
    const hashes = Array.from({ length: 30 }, (_, i) => `MD5=${hex(i + 1)}`);
    const m = createMatcher({ rules: [rule(31, { sel: { 'Hashes|contains': hashes }, condition: 'sel' }), rule(32, { sel: { 'Hashes|endswith': hashes.slice(0, 15) }, condition: 'sel' })] });
    const titles = (h: string): string[] => m.match(makeEvent({ channel: SYSMON, eventId: 1, data: { Hashes: h } })).map((r) => r.title);
    for (let pad = 0; pad < 40; pad++) {
      const prefix = 'SHA1=ABCDEF,'.repeat(3).slice(0, pad);
      expect(titles(`${prefix}${hashes[7]}`), `offset ${pad}`).toEqual(['R31', 'R32']);
      expect(titles(`${prefix}${(hashes[20] as string).toLowerCase()},IMPHASH=00`), `offset ${pad}`).toEqual(['R31']);
      expect(titles(`${prefix}${(hashes[3] as string).slice(0, -1)}`), `offset ${pad}`).toEqual([]);
    }
  });
});

describe('matcher prefilter over the event data', () => {
  it('reads a field by its spaced EventData name only when the plain name is absent', () => {
    const m = createMatcher({ rules: [rule(41, { sel: { 'SourceName|contains': 'real' }, condition: 'sel' }), rule(42, { sel: { 'Source Name|contains': 'real' }, condition: 'sel' })] });
    const titles = (data: Record<string, string>): string[] => m.match(makeEvent({ channel: SYSMON, eventId: 1, data })).map((r) => r.title);
    expect(titles({ 'Source Name': 'Real-Time Protection' })).toEqual(['R41', 'R42']);
    expect(titles({ SourceName: 'Real-Time Protection' })).toEqual(['R41']);
    expect(titles({ SourceName: 'other', 'Source Name': 'Real-Time Protection' })).toEqual(['R42']);
    expect(titles({ Other: 'real' })).toEqual([]);
  });
});
