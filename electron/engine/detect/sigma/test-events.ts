// Building NormalizedEvents for tests and the benchmark (not used by the engine itself).

import type { NormalizedEvent } from '../../../../shared/events.js';

export interface EventSpec {
  readonly channel: string;
  readonly eventId: number;
  readonly provider?: string;
  readonly computer?: string;
  readonly time?: string;
  readonly recordId?: number;
  readonly data: Readonly<Record<string, string | number>>;
}

export function makeEvent(spec: EventSpec): NormalizedEvent {
  const time = spec.time ?? '2024-03-12T10:00:00.0000000Z';
  const ms = Date.parse(time);
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.data)) data[k] = String(v);
  return {
    time,
    ticks: BigInt(ms) * 10_000n,
    timePrecision: '100ns',
    timeSource: 'SystemTime',
    system: {
      provider: spec.provider ?? (spec.channel === 'Security' ? 'Microsoft-Windows-Security-Auditing' : spec.channel),
      eventId: spec.eventId,
      channel: spec.channel,
      computer: spec.computer ?? 'WS01.corp.example',
      ...(spec.recordId !== undefined ? { recordId: spec.recordId } : {}),
    },
    data,
    source: { file: 'test.xml', format: 'xml', offset: 0, length: 0 },
    recovered: false,
  };
}
