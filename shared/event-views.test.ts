import { describe, expect, it } from 'vitest';
import { buildEvent } from './build-event.js';
import { summarize, viewSummary } from './event-views.js';

/** The generic summary as it was first written (Object.entries), to hold the faster one to it. */
function reference(data: Record<string, string>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    parts.push(`${key}=${value.length > 80 ? value.slice(0, 79) + '…' : value}`);
    if (parts.length >= 6) break;
  }
  const text = parts.join(' ');
  return text.length > 400 ? text.slice(0, 399) + '…' : text;
}

function event(data: Record<string, string>) {
  return buildEvent(
    { provider: 'Some-Provider', eventId: 4242, systemTime: '2024-05-01T10:00:00.0000000Z', channel: 'Application', computer: 'WS1' },
    data,
    { file: 'x.evtx', format: 'evtx', offset: 0, length: 1 },
  );
}

describe('generic summary', () => {
  it('lists the first six values in key order, long ones cut, as Object.entries gives them', () => {
    const proto: Record<string, string> = {};
    Object.defineProperty(proto, '__proto__', { value: 'p', enumerable: true, writable: true, configurable: true });
    proto['b'] = 'x'.repeat(100);
    const cases: Record<string, string>[] = [
      {},
      { a: '1' },
      { z: '1', '10': 'ten', '2': 'two', a: 'é日本', b: '', c: 'c', d: 'd', e: 'e' },
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`Key${i}`, 'v'.repeat(i * 5)])),
      proto,
    ];
    for (const data of cases) {
      expect(summarize(event(data))).toBe(reference(data));
    }
  });
});

describe('summary shortcut', () => {
  const base = { systemTime: '2024-05-01T10:00:00.0000000Z', computer: 'WS1' };
  const sysmon = { provider: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational' };
  const security = { provider: 'Microsoft-Windows-Security-Auditing', channel: 'Security' };
  const systems = [
    sysmon,
    { provider: 'Other', channel: 'microsoft-windows-sysmon/operational' },
    { provider: 'Microsoft-Windows-Sysmon', channel: 'Security' },
    security,
    { provider: 'Microsoft-Windows-Security-Auditing', channel: 'ForwardedEvents' },
    { provider: 'Something', channel: 'security' },
    { provider: 'Microsoft-Windows-PowerShell', channel: 'Microsoft-Windows-PowerShell/Operational' },
    { provider: 'Service Control Manager', channel: 'System' },
  ];
  const datas: Record<string, string>[] = [
    {},
    {
      Image: 'C:\\Windows\\System32\\cmd.exe',
      ProcessId: '4242',
      ParentImage: 'C:\\Windows\\explorer.exe',
      CommandLine: 'cmd /c whoami',
      SourceIp: '10.0.0.5',
      SourcePort: '50000',
      DestinationIp: '8.8.8.8',
      DestinationPort: '53',
      DestinationHostname: 'dns.google',
    },
    { Image: 'evil', ProcessId: '0x10', SourceIp: '10.0.0.5', DestinationIp: '1.2.3.4', DestinationHostname: '' },
    {
      NewProcessName: 'C:\\Temp\\x.exe',
      NewProcessId: '0x1a2c',
      ParentProcessName: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      CommandLine: 'x.exe ' + 'A'.repeat(500),
      SubjectLogonId: '0x3e7',
      TargetLogonId: '0x0',
    },
    { NewProcessName: '', NewProcessId: 'zz', ParentProcessName: '' },
    {
      LogonType: '3',
      TargetDomainName: 'CORP',
      TargetUserName: 'alice',
      IpAddress: '203.0.113.7',
      TargetLogonId: '0x00000000000A1B2C',
      TargetOutboundUserName: 'bob',
      TargetOutboundDomainName: 'EXT',
    },
    { LogonType: 'nine', IpAddress: '-', TargetOutboundUserName: '-', TargetLogonId: '12345' },
    { LogonType: '9', TargetLogonId: ' 0x3E7 ', IpAddress: '', TargetUserName: 'x'.repeat(500) },
  ];
  it('gives the summary of the event view for every provider, id and data tried', () => {
    let checked = 0;
    for (const system of systems) {
      for (const eventId of [1, 3, 5, 4104, 4624, 4625, 4688, 7045]) {
        for (const data of datas) {
          const e = buildEvent({ ...base, ...system, eventId }, data, { file: 'x.evtx', format: 'evtx', offset: 0, length: 1 });
          expect(summarize(e)).toBe(viewSummary(e));
          checked++;
        }
      }
    }
    expect(checked).toBe(systems.length * 8 * datas.length);
  });
});
