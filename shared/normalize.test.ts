import { describe, expect, it } from 'vitest';
import { buildEvent } from './build-event.js';
import { effectiveLogonId, summarize, viewOf } from './event-views.js';
import { decodeIntegrity, decodeTokenElevation, normalizeHex, normalizeLogonId, parsePid } from './normalize.js';

describe('normalization', () => {
  it('parses PIDs in hex (4688) and decimal (Sysmon)', () => {
    expect(parsePid('0x1a2c')).toBe(0x1a2c);
    expect(parsePid('6700')).toBe(6700);
    expect(parsePid(6700)).toBe(6700);
    expect(parsePid('-')).toBeNull();
    expect(parsePid('abc')).toBeNull();
  });
  it('normalizes LogonIds whatever the padding', () => {
    expect(normalizeLogonId('0x00000000000003E7')).toBe('0x3e7');
    expect(normalizeLogonId('0x0')).toBe('0x0');
    expect(normalizeLogonId('999')).toBe('0x3e7');
    expect(normalizeHex('0x0000')).toBe('0x0');
    expect(normalizeHex('not hex')).toBe('not hex');
  });
  it('decodes elevation and integrity', () => {
    expect(decodeTokenElevation('%%1936')).toBe('default');
    expect(decodeTokenElevation('%%1937')).toBe('full');
    expect(decodeTokenElevation('%%1938')).toBe('limited');
    expect(decodeIntegrity('S-1-16-4096')).toBe('low');
    expect(decodeIntegrity('S-1-16-8192')).toBe('medium');
    expect(decodeIntegrity('S-1-16-12288')).toBe('high');
    expect(decodeIntegrity('S-1-16-16384')).toBe('system');
    expect(decodeIntegrity('High')).toBe('high');
  });
  it('takes the effective logon of a 4688', () => {
    expect(effectiveLogonId('0x3e7', '0x0')).toBe('0x3e7');
    expect(effectiveLogonId('0x3e7', '0x2da8840')).toBe('0x2da8840');
    expect(effectiveLogonId('0x3e7', null)).toBe('0x3e7');
  });
});

const source = { file: 'x.xml', format: 'xml', offset: 0, length: 1 } as const;

describe('typed views', () => {
  it('reads a 4688 with hex PIDs and its session', () => {
    const e = buildEvent(
      { provider: 'Microsoft-Windows-Security-Auditing', eventId: '4688', systemTime: '2020-09-20T17:08:27.123Z', channel: 'Security', computer: 'WS01' },
      {
        SubjectLogonId: '0x3e7',
        TargetLogonId: '0x2da8840',
        NewProcessId: '0x1a2c',
        ProcessId: '0x3e8',
        NewProcessName: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        ParentProcessName: 'C:\\Windows\\System32\\wsmprovhost.exe',
        CommandLine: 'powershell.exe -enc AAAA',
        TokenElevationType: '%%1937',
        MandatoryLabel: 'S-1-16-12288',
      },
      source,
    );
    const v = viewOf(e);
    expect(v.kind).toBe('process-create');
    if (v.kind !== 'process-create') return;
    expect(v.pid).toBe(0x1a2c);
    expect(v.parentPid).toBe(1000);
    expect(v.logonId).toBe('0x2da8840');
    expect(v.elevation).toBe('full');
    expect(v.integrity).toBe('high');
    expect(v.imageName).toBe('powershell.exe');
    expect(summarize(e)).toContain('powershell.exe');
  });
  it('does not take a non-Sysmon event 1 for a process creation', () => {
    const e = buildEvent({ provider: 'Some-Provider', eventId: 1, systemTime: '2020-01-01T00:00:00Z', channel: 'Application', computer: 'h' }, {}, source);
    expect(viewOf(e).kind).toBe('other');
  });
  it('clips summaries of huge values', () => {
    const e = buildEvent(
      { provider: 'Microsoft-Windows-Sysmon', eventId: 1, systemTime: '2020-01-01T00:00:00Z', channel: 'Microsoft-Windows-Sysmon/Operational', computer: 'h' },
      { Image: 'C:\\x.exe', CommandLine: 'A'.repeat(1_000_000), ProcessId: '42' },
      source,
    );
    expect(summarize(e).length).toBeLessThanOrEqual(400);
  });
  it('refuses a record without event id or time', () => {
    expect(() => buildEvent({ systemTime: '2020-01-01T00:00:00Z' }, {}, source)).toThrow(/EventID/);
    expect(() => buildEvent({ eventId: 1 }, {}, source)).toThrow(/TimeCreated/);
    expect(() => buildEvent({ eventId: 1, systemTime: 'garbage' }, {}, source)).toThrow(/not a time/);
  });
});

describe('normalizeHex against its regex form', () => {
  /** normalizeHex as first written (trim, test, strip zeros, lower-case), to hold the shortcut for Windows' own rendering to it. */
  function reference(value: string): string {
    const text = value.trim();
    if (/^0x[0-9a-f]+$/i.test(text)) {
      const digits = text.slice(2).replace(/^0+/, '').toLowerCase();
      return '0x' + (digits === '' ? '0' : digits);
    }
    return value;
  }

  it('gives the same text for canonical, padded, upper-case, blank-wrapped and non-hex values', () => {
    const bodies = ['', '0', '00', '3e7', '03e7', '3E7', 'a', 'f00', 'ffffffffffffffff', '0000000000000000', 'g1', '1 2', '-1', 'é'];
    const cases: string[] = [];
    for (const body of bodies) for (const prefix of ['0x', '0X', 'x', '', ' 0x', '00x']) for (const suffix of ['', ' ', '\t']) cases.push(prefix + body + suffix);
    for (const value of cases) expect(normalizeHex(value), JSON.stringify(value)).toBe(reference(value));
    // Alternating values (the one-value memory changes every time) give the same.
    for (let i = 0; i < 4; i++) for (const value of cases) expect(normalizeHex(value)).toBe(reference(value));
  });
});
