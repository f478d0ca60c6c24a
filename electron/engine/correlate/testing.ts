// Builds events for correlation unit tests the way readers do (buildEvent), so that the
// CorrelationInput path is exercised too.

import { buildEvent } from '../../../shared/build-event.js';
import type { NormalizedEvent } from '../../../shared/events.js';
import { toCorrelationInput, type CorrelationInput } from './input.js';

export type LogKind = 'security' | 'sysmon' | 'system' | 'powershell';

const PROVIDERS: Readonly<Record<LogKind, { provider: string; channel: string }>> = {
  security: { provider: 'Microsoft-Windows-Security-Auditing', channel: 'Security' },
  sysmon: { provider: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational' },
  system: { provider: 'Service Control Manager', channel: 'System' },
  powershell: { provider: 'Microsoft-Windows-PowerShell', channel: 'Microsoft-Windows-PowerShell/Operational' },
};

export class EvidenceBuilder {
  readonly events: NormalizedEvent[] = [];

  add(
    host: string,
    log: LogKind,
    eventId: number,
    time: string,
    data: Record<string, string>,
    system: { readonly processId?: number; readonly provider?: string } = {},
  ): number {
    const p = PROVIDERS[log];
    const event = buildEvent(
      {
        provider: system.provider ?? p.provider,
        channel: p.channel,
        computer: host,
        eventId,
        systemTime: time,
        recordId: this.events.length + 1,
        ...(system.processId !== undefined ? { processId: system.processId } : {}),
      },
      data,
      { file: 'test.xml', format: 'xml', offset: this.events.length, length: 1 },
    );
    this.events.push(event);
    return this.events.length - 1;
  }

  proc4688(host: string, time: string, pid: number, ppid: number, image: string, parentImage: string, logonId = '0x3e7', extra: Record<string, string> = {}): number {
    return this.add(host, 'security', 4688, time, {
      SubjectLogonId: logonId,
      TargetLogonId: '0x0',
      NewProcessId: '0x' + pid.toString(16),
      ProcessId: '0x' + ppid.toString(16),
      NewProcessName: image,
      ParentProcessName: parentImage,
      CommandLine: image,
      ...extra,
    });
  }

  exit4689(host: string, time: string, pid: number, image: string, logonId = '0x3e7'): number {
    return this.add(host, 'security', 4689, time, { SubjectLogonId: logonId, ProcessId: '0x' + pid.toString(16), ProcessName: image });
  }

  inputs(): CorrelationInput[] {
    const out: CorrelationInput[] = [];
    this.events.forEach((e, row) => {
      const input = toCorrelationInput(e, row);
      if (input) out.push(input);
    });
    return out;
  }
}
