import { describe, expect, it } from 'vitest';
import type { Note, ProcessRow, SessionRow } from '../../shared/api.js';
import type { RuleCount } from '../../shared/findings.js';
import { COMMANDS, matchRank, paletteItems, PER_GROUP, type PaletteSources } from './palette-search.js';

const session = (id: string, user: string, host: string, processes = 1): SessionRow => ({
  id, host, logonId: '0x' + id, logonType: 3, logonTypeName: 'Network', user, domain: 'CORP', sourceIp: '10.0.0.9', workstation: '-',
  start: '2024-03-12T10:00:00.0000000Z', end: null, admin: false, createdBySessionId: null, linkedSessionId: null, processes, scripts: 0, services: 0,
});
const rule = (ruleId: string, ruleTitle: string, count: number): RuleCount => ({ ruleId, ruleTitle, level: 'high', origin: 'builtin', count, suppressed: 0 });
const note: Note = { id: 4, target: { kind: 'event', id: '12' }, label: '7045 WinUpdHelper', text: 'service from temp', tags: ['persistence'], bookmarked: true, createdAt: '', updatedAt: '' };

const sources = (over: Partial<PaletteSources> = {}): PaletteSources => ({
  sessions: [session('s1', 'asmith', 'WS01'), session('s2', 'jdoe', 'WS01', 5), session('s3', 'svc_jdoe_backup', 'FS01', 9)],
  hosts: [{ key: 'WS01.corp.example', count: 120 }, { key: 'FS01.corp.example', count: 30 }],
  rules: [rule('r1', 'Encoded PowerShell command line', 3), rule('r2', 'Service installed from a user-writable path', 1)],
  notes: [note],
  processes: null,
  ...over,
});

describe('the command palette search', () => {
  it('ranks a name that starts with the text, then a word of it, then any part, then other fields', () => {
    expect(matchRank('pow', 'PowerShell')).toBe(0);
    expect(matchRank('shell', 'Windows Shell')).toBe(1);
    expect(matchRank('shell', 'C:\\Windows\\shell32.dll')).toBe(1);
    expect(matchRank('ersh', 'PowerShell')).toBe(2);
    expect(matchRank('ws01', 'jdoe', 'WS01\u00010x3e7')).toBe(3);
    expect(matchRank('nothing', 'jdoe', 'WS01')).toBe(-1);
  });

  it('lists the commands alone for a blank text', () => {
    expect(paletteItems('  ', sources()).map((i) => i.kind)).toEqual(COMMANDS.map(() => 'command'));
  });

  it('groups sessions, hosts, rules, notes and processes, best first, and ends with filtering the events', () => {
    const items = paletteItems('jdoe', sources());
    const sessions = items.filter((i) => i.kind === 'session');
    // The user jdoe first, then svc_jdoe_backup (jdoe starts a word of it), though it ran more.
    expect(sessions.map((i) => (i.kind === 'session' ? i.session.id : ''))).toEqual(['s2', 's3']);
    expect(items.at(-1)).toEqual({ kind: 'text', key: 'text', text: 'jdoe' });

    const byHost = paletteItems('fs01', sources());
    expect(byHost.filter((i) => i.kind === 'host').map((i) => (i.kind === 'host' ? i.host : ''))).toEqual(['FS01.corp.example']);
    // A session matches by its host too, after the user-name matches.
    expect(byHost.some((i) => i.kind === 'session' && i.session.id === 's3')).toBe(true);

    const byRule = paletteItems('powershell', sources());
    expect(byRule.filter((i) => i.kind === 'rule').map((i) => (i.kind === 'rule' ? i.rule.ruleId : ''))).toEqual(['r1']);
    const byNote = paletteItems('temp', sources());
    expect(byNote.some((i) => i.kind === 'note' && i.note.id === 4)).toBe(true);
    expect(paletteItems('theme', sources()).filter((i) => i.kind === 'command').map((i) => (i.kind === 'command' ? i.command : ''))).toEqual(['toggle-theme']);
  });

  it('shows the engine’s processes in its order, at most a group’s worth', () => {
    const proc = (i: number): ProcessRow => ({
      id: `p${i}`, host: 'WS01', pid: i, guid: null, image: 'C:\\Windows\\System32\\cmd.exe', commandLine: null, decodedCommand: null, start: null, end: null,
      user: 'jdoe', logonId: null, sessionId: null, integrity: null, elevation: null, parentId: null, parentBasis: 'none', candidates: [],
    });
    const processes = Array.from({ length: PER_GROUP + 3 }, (_, i) => proc(i));
    const items = paletteItems('cmd', sources({ processes }));
    expect(items.filter((i) => i.kind === 'process').map((i) => i.key)).toEqual(processes.slice(0, PER_GROUP).map((p) => `process:${p.id}`));
    // Sessions matching many: capped per group.
    const many = Array.from({ length: 20 }, (_, i) => session(`m${i}`, `user${i}`, 'WS09'));
    expect(paletteItems('user', sources({ sessions: many })).filter((i) => i.kind === 'session')).toHaveLength(PER_GROUP);
  });
});
