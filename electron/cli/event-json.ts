// The `chainline events` line format: stable field names for scripts and other tools.

import type { NormalizedEvent } from '../../shared/events.js';

export interface CliEventJson {
  readonly file: string;
  readonly recordId: number | null;
  readonly timeCreated: string;
  readonly provider: string;
  readonly eventId: number;
  readonly channel: string;
  readonly computer: string;
  readonly data: Readonly<Record<string, string>>;
  readonly recovered: boolean;
}

export function eventToCliJson(event: NormalizedEvent): CliEventJson {
  return {
    file: event.source.file,
    recordId: event.system.recordId ?? null,
    timeCreated: event.time,
    provider: event.system.provider,
    eventId: event.system.eventId,
    channel: event.system.channel,
    computer: event.system.computer,
    data: event.data,
    recovered: event.recovered,
  };
}
