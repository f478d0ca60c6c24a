import { describe, expect, it } from 'vitest';
import type { ChainStep, ProcessRow } from '../../shared/api.js';
import { tellStory } from './chain-story.js';
import { ChainTable } from './chain-table.js';

const step = (kind: string, sessionId: string, eventIds: number[], processId: string | null = null): ChainStep => ({
  time: '2024-03-12T10:24:52.0000000Z', kind, sessionId, eventIds, reason: kind, processId,
});
const proc = (id: string, image: string, decoded: string | null = null): ProcessRow => ({
  id, host: 'WS01', pid: 1, guid: null, image, commandLine: null, decodedCommand: decoded, start: null, end: null, user: '',
  logonId: null, sessionId: 's12', integrity: null, elevation: null, parentId: null, parentBasis: '', candidates: [],
});

// The demo's attacker chain, trimmed: logon type 3 → type 9 → powershell -enc → its 4104 →
// upd.exe from %TEMP% → service; runas and cmd carry the encoded command too but are not PowerShell.
const steps = [
  step('logon', 's11', [100]),
  step('privileges', 's11', [101]),
  step('process', 's11', [102], 'p28'),
  step('script', 's11', [37], 'p28'),
  step('process', 's11', [109], 'p32'),
  step('logon', 's12', [110]),
  step('created-session', 's11', [110]),
  step('process', 's12', [112], 'p33'),
  step('process', 's12', [115], 'p35'),
  step('script', 's12', [43], 'p35'),
  step('process', 's12', [116], 'p36'),
  step('process-exit', 's12', [117], 'p35'),
  step('lateral-out', 's12', [10]),
  step('service', 's12', [120, 180]),
  step('logoff', 's11', [129]),
];
const chain = ChainTable.fromSteps(steps);
const processes = new Map(
  [
    proc('p28', 'C:\\Windows\\System32\\wsmprovhost.exe'),
    proc('p32', 'C:\\Windows\\System32\\runas.exe', '$u=…'),
    proc('p33', 'C:\\Windows\\System32\\cmd.exe', '$u=…'),
    proc('p35', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '$u=…'),
    proc('p36', 'C:\\Users\\jdoe\\AppData\\Local\\Temp\\upd.exe'),
  ].map((p) => [p.id, p]),
);

describe('chain story', () => {
  it('picks the six steps of the demo story, in order', () => {
    const told = tellStory(chain, 's11', processes);
    const story = told.keys.map((i) => told.at(i));
    expect(story.map((s) => [s.role, s.step.eventIds[0]])).toEqual([
      ['entry', 100],
      ['new-session', 110],
      ['encoded-powershell', 115],
      ['script', 43],
      ['user-writable-exec', 116],
      ['service', 120],
    ]);
    expect(story[2]?.title).toBe('powershell.exe -enc');
  });

  it('keeps the rest as supporting evidence with titles', () => {
    const told = tellStory(chain, 's11', processes);
    expect(told.length).toBe(steps.length);
    const all = Array.from({ length: told.length }, (_, i) => told.at(i));
    expect(all.map((s) => s.step)).toEqual(steps);
    expect(all.filter((s) => s.role !== null).map((s) => s.step)).toEqual(told.keys.map((i) => steps[i]));
    expect(all.find((s) => s.step.kind === 'process-exit')?.title).toBe('powershell.exe exits');
    expect(all.find((s) => s.step.eventIds[0] === 37)?.role).toBeNull();
  });
});
