import { describe, expect, it } from 'vitest';
import type { FindingContext } from './findings.js';
import { commandFragment, huntingQueries, kqlString, splString, xmlEscape } from './hunting.js';

const ctx = (eventId: number, data: Record<string, string>, provider = 'Microsoft-Windows-Security-Auditing', channel = 'Security'): FindingContext => ({
  eventId, channel, provider, data, clipped: [],
});

describe('escaping', () => {
  it('KQL strings escape backslashes, quotes and line breaks, and drop other control characters', () => {
    expect(kqlString('C:\\Windows\\cmd.exe')).toBe('"C:\\\\Windows\\\\cmd.exe"');
    expect(kqlString('say "hi"')).toBe('"say \\"hi\\""');
    expect(kqlString("it's")).toBe('"it\'s"');
    expect(kqlString('a\nb\tc\u001bd')).toBe('"a\\nb\\tcd"');
  });

  it('SPL strings escape backslashes and quotes', () => {
    expect(splString('*\\cmd.exe')).toBe('"*\\\\cmd.exe"');
    expect(splString('/c "x y"')).toBe('"/c \\"x y\\""');
    expect(splString('a\\"b')).toBe('"a\\\\\\"b"');
  });

  it('XML escaping for values inside EventData', () => {
    expect(xmlEscape(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('takes the arguments after the program, cut at control characters and at 80 characters', () => {
    expect(commandFragment('"C:\\Program Files\\x.exe" /ua /installsource scheduler', 'C:\\Program Files\\x.exe')).toBe('/ua /installsource scheduler');
    expect(commandFragment('cmd.exe /c echo hi\u001b[2J', 'C:\\Windows\\System32\\cmd.exe')).toBe('/c echo hi');
    const long = commandFragment('powershell.exe -nop -w hidden -enc ' + 'A'.repeat(500), 'powershell.exe');
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long.startsWith('-nop -w hidden')).toBe(true);
  });
});

describe('hunting queries for a 4688 finding', () => {
  const q = huntingQueries({ id: 'r:1' }, ctx(4688, {
    NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
    ParentProcessName: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
    CommandLine: 'cmd.exe /c "C:\\Users\\Public\\a b.bat" \\\\srv\\share',
  }));

  it('writes SecurityEvent, DeviceProcessEvents and Sysmon KQL with escaped values', () => {
    const byTarget = new Map(q.queries.map((x) => [x.target, x.query]));
    const sec = byTarget.get('SecurityEvent (Security 4688)')!;
    expect(sec).toContain('| where EventID == 4688');
    expect(sec).toContain('| where NewProcessName endswith "\\\\cmd.exe"');
    expect(sec).toContain('| where ParentProcessName endswith "\\\\winword.exe"');
    expect(sec).toContain('| where CommandLine contains "/c \\"C:\\\\Users\\\\Public\\\\a b.bat\\" \\\\\\\\srv\\\\share"');
    const mde = byTarget.get('DeviceProcessEvents (Defender for Endpoint)')!;
    expect(mde).toContain('| where FileName =~ "cmd.exe"');
    expect(mde).toContain('| where InitiatingProcessFileName =~ "winword.exe"');
    expect(mde).toContain('ProcessCommandLine contains "/c \\"C:');
    const sysmon = byTarget.get('Event (Sysmon 1)')!;
    expect(sysmon).toContain('EventID == 1');
    // In EventData XML the quote is an entity.
    expect(sysmon).toContain('CommandLine contains "/c &quot;C:\\\\Users');
    expect(q.note).toBeNull();
  });

  it('writes SPL for 4688 and for Sysmon EventCode=1 with escaped values', () => {
    const spl = q.queries.filter((x) => x.language === 'spl').map((x) => x.query);
    expect(spl[0]).toContain('EventCode=4688 NewProcessName="*\\\\cmd.exe" ParentProcessName="*\\\\winword.exe" CommandLine="*/c \\"C:\\\\Users\\\\Public\\\\a b.bat\\" \\\\\\\\srv\\\\share*"');
    expect(spl[1]).toContain('EventCode=1 Image="*\\\\cmd.exe" ParentImage="*\\\\winword.exe"');
  });

  it('matches on image and parent only when the command line is missing, and says so', () => {
    const bare = huntingQueries({ id: 'r:2' }, ctx(4688, { NewProcessName: 'C:\\x\\a.exe', ParentProcessName: 'C:\\x\\b.exe' }));
    expect(bare.queries.length).toBe(5);
    expect(bare.queries.every((x) => !x.query.includes('CommandLine contains') && !x.query.includes('CommandLine="'))).toBe(true);
    expect(bare.note).toContain('no command line');
  });

  it('handles a Sysmon 1 event, a service install and says why other events get none', () => {
    const s = huntingQueries({ id: 'r:3' }, ctx(1, { Image: 'C:\\t\\u.exe', ParentImage: 'C:\\w\\p.exe', CommandLine: 'u.exe -x' }, 'Microsoft-Windows-Sysmon', 'Microsoft-Windows-Sysmon/Operational'));
    expect(s.queries.find((x) => x.target === 'DeviceProcessEvents (Defender for Endpoint)')!.query).toContain('FileName =~ "u.exe"');
    const v = huntingQueries({ id: 'r:4' }, ctx(7045, { ServiceName: 'Win"Upd', ImagePath: '%COMSPEC% /c C:\\Users\\jdoe\\upd.exe' }, 'Service Control Manager', 'System'));
    expect(v.queries.find((x) => x.language === 'spl')!.query).toContain('ServiceName="Win\\"Upd"');
    expect(v.queries[0]!.query).toContain('EventData has "Win&quot;Upd"');
    const other = huntingQueries({ id: 'r:5' }, ctx(4624, {}));
    expect(other.queries).toEqual([]);
    expect(other.note).toContain('4624');
  });
});
