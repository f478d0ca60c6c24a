// Event exports, streamed from the case store in time order straight to disk:
//   csv         — Timeline Explorer / spreadsheet CSV (BOM, RFC 4180, formulas neutralised)
//   jsonl       — one normalized event per line (System and data as Chainline stores them)
//   timesketch  — Timesketch JSONL (`message`, `datetime`, `timestamp_desc`, `timestamp` + fields)
//   timesketch-csv — the same as CSV with fixed columns
//   ecs         — Elastic Common Schema NDJSON in the _bulk format (an action line per document), built by DuckDB

import type { CaseStore, ExportEvent } from '../store/case-store.js';
import { csvRow, UTF8_BOM } from './csv.js';
import { exportEcsSql } from './ecs-sql.js';
import { eventFields, type EventFields } from './event-fields.js';
import { TextSink } from './text-sink.js';

export type EventExportFormat = 'csv' | 'jsonl' | 'timesketch' | 'timesketch-csv' | 'ecs';

export interface EventExportOptions {
  /** ECS: write `{"index":{}}` action lines for `POST <index>/_bulk` (default), or bare documents. */
  readonly bulkAction?: boolean;
  readonly onProgress?: (events: number) => void;
  readonly pageSize?: number;
}

export interface ExportResult {
  readonly path: string;
  readonly records: number;
}

/** `2024-05-01T10:00:00.1234567Z` → `2024-05-01 10:00:00.1234567` (Timeline Explorer's form, UTC). */
function tleTime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}

/** Microseconds since the epoch, from the ISO time with seven digits. */
function epochMicros(iso: string): number {
  const ms = Date.parse(iso.slice(0, 23) + 'Z');
  const frac = /\.(\d+)Z$/.exec(iso)?.[1] ?? '';
  const micro = Number((frac + '000000').slice(3, 6));
  return ms * 1000 + micro;
}

/** Timesketch's datetime: ISO 8601 with microseconds and an explicit offset. */
function tsDatetime(iso: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  if (!m) return iso;
  return `${m[1]}.${((m[2] ?? '') + '000000').slice(0, 6)}+00:00`;
}

export const EVENT_CSV_COLUMNS = [
  'TimeCreated',
  'Computer',
  'Channel',
  'Provider',
  'EventId',
  'RecordId',
  'UserName',
  'LogonId',
  'ProcessId',
  'ExecutableInfo',
  'CommandLine',
  'ParentExecutable',
  'Summary',
  'Recovered',
  'ChainlineEventId',
  'SourceFile',
  'Payload',
] as const;

function csvLine(e: ExportEvent, f: EventFields): string {
  const user = f.userName ? (f.userDomain ? `${f.userDomain}\\${f.userName}` : f.userName) : '';
  return csvRow([
    tleTime(e.row.time),
    e.row.host,
    e.row.channel,
    e.row.provider,
    e.row.eventId,
    e.row.recordId,
    user,
    f.logonId,
    f.processPid,
    f.processExecutable,
    f.processCommandLine,
    f.parentExecutable,
    e.row.summary,
    e.row.recovered,
    e.row.id,
    e.evidencePath,
    e.dataJson,
  ]);
}

function jsonlLine(e: ExportEvent, f: EventFields): string {
  return (
    JSON.stringify({
      id: e.row.id,
      time: e.row.time,
      timePrecision: e.row.timePrecision,
      host: e.row.host,
      channel: e.row.channel,
      provider: e.row.provider,
      eventId: e.row.eventId,
      recordId: e.row.recordId,
      summary: e.row.summary,
      recovered: e.row.recovered,
      evidence: e.evidencePath,
      system: f.system,
      data: f.data,
    }) + '\n'
  );
}

/** Names Timesketch keeps for itself; a data field of that name is written as `data_<name>`. */
const TIMESKETCH_RESERVED = new Set(['message', 'datetime', 'timestamp', 'timestamp_desc', 'label', 'tag', '_id', '_index', '_source', '_type', 'data_type']);

export const TIMESKETCH_TIMESTAMP_DESC = 'Event Recorded';

function timesketchObject(e: ExportEvent, f: EventFields): Record<string, unknown> {
  const out: Record<string, unknown> = {
    message: `[${e.row.channel} ${e.row.eventId}] ${e.row.summary}`,
    datetime: tsDatetime(e.row.time),
    timestamp: epochMicros(e.row.time),
    timestamp_desc: TIMESKETCH_TIMESTAMP_DESC,
    data_type: 'windows:evtx:record',
    computer_name: e.row.host,
    channel: e.row.channel,
    provider: e.row.provider,
    event_identifier: e.row.eventId,
    record_number: e.row.recordId,
    recovered: e.row.recovered,
    evidence_file: e.evidencePath,
    chainline_event_id: e.row.id,
  };
  if (f.userName) out['username'] = f.userDomain ? `${f.userDomain}\\${f.userName}` : f.userName;
  if (f.logonId) out['logon_id'] = f.logonId;
  for (const [k, v] of Object.entries(f.data)) {
    const key = k === '' ? 'data_unnamed' : TIMESKETCH_RESERVED.has(k) || k.startsWith('__') || k in out ? `data_${k}` : k;
    out[key] = v;
  }
  return out;
}

export const TIMESKETCH_CSV_COLUMNS = [
  'message',
  'datetime',
  'timestamp',
  'timestamp_desc',
  'data_type',
  'computer_name',
  'channel',
  'provider',
  'event_identifier',
  'record_number',
  'username',
  'logon_id',
  'target_logon_id',
  'subject_logon_id',
  'process_id',
  'image',
  'command_line',
  'parent_image',
  'recovered',
  'evidence_file',
  'chainline_event_id',
  'event_data',
] as const;

function timesketchCsvLine(e: ExportEvent, f: EventFields): string {
  // Timesketch stores values as they are: no formula neutralising here (it would change what
  // the investigator searches for, e.g. a command line starting with `-`).
  return csvRow(
    [
      `[${e.row.channel} ${e.row.eventId}] ${e.row.summary}`,
      tsDatetime(e.row.time),
      epochMicros(e.row.time),
      TIMESKETCH_TIMESTAMP_DESC,
      'windows:evtx:record',
      e.row.host,
      e.row.channel,
      e.row.provider,
      e.row.eventId,
      e.row.recordId,
      f.userName ? (f.userDomain ? `${f.userDomain}\\${f.userName}` : f.userName) : null,
      f.logonId,
      f.targetLogonId,
      f.subjectLogonId,
      f.processPid,
      f.processExecutable,
      f.processCommandLine,
      f.parentExecutable,
      e.row.recovered,
      e.evidencePath,
      e.row.id,
      e.dataJson,
    ],
    { neutralize: false, maxChars: Number.MAX_SAFE_INTEGER },
  );
}

/** Streams every event of the case to `path` in the given format. */
export async function exportEvents(store: CaseStore, format: EventExportFormat, path: string, options: EventExportOptions = {}): Promise<ExportResult> {
  if (format === 'ecs') {
    // Built and written by DuckDB (ecs-sql.ts): not in time order; Elasticsearch sorts at query time.
    const records = await exportEcsSql(store, path, options.bulkAction ?? true);
    options.onProgress?.(records);
    return { path, records };
  }
  const sink = new TextSink(path);
  let records = 0;
  try {
    if (format === 'csv') await sink.write(UTF8_BOM + csvRow([...EVENT_CSV_COLUMNS]));
    if (format === 'timesketch-csv') await sink.write(csvRow([...TIMESKETCH_CSV_COLUMNS], { neutralize: false }));
    for await (const page of store.iterateEvents(options.pageSize ?? 16_384)) {
      let text = '';
      for (const e of page) {
        const f = eventFields(e);
        switch (format) {
          case 'csv':
            text += csvLine(e, f);
            break;
          case 'jsonl':
            text += jsonlLine(e, f);
            break;
          case 'timesketch':
            text += JSON.stringify(timesketchObject(e, f)) + '\n';
            break;
          case 'timesketch-csv':
            text += timesketchCsvLine(e, f);
            break;
          default: {
            const never: never = format;
            throw new Error(`unknown export format ${String(never)}`);
          }
        }
      }
      records += page.length;
      await sink.write(text);
      options.onProgress?.(records);
    }
    await sink.close();
  } catch (error) {
    await sink.abandon();
    throw error;
  }
  return { path, records };
}
