// The JSON reader against real evidence in ../shared: the OTRF chains dataset (NXLog JSON
// lines) and SigmaHQ's regression JSON (evtx_dump objects back to back).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent, ReadError } from '../../../../shared/events.js';
import { parseTimestamp } from '../../../../shared/time.js';
import { SHARED_DIR, SHARED_MISSING_REASON, sharedAvailable } from '../../testing/shared-data.js';
import { jsonReader } from './json-reader.js';
import { normalizeChannel } from './json-shapes.js';
import type { ReaderOptions } from '../reader.js';

const available = sharedAvailable();
if (!available) console.warn(SHARED_MISSING_REASON);

const CHAINS = join(SHARED_DIR, 'chains');
const DATASET = join(CHAINS, 'empire_psremoting_stager_2020-09-20170827.json');
const COUNTS = join(CHAINS, 'empire_psremoting_stager_2020-09-20170827.counts.tsv');
const TRUTH = join(CHAINS, 'empire_psremoting_stager_2020-09-20170827.ground_truth.json');
const REGRESSION = join(SHARED_DIR, 'sigma', 'regression_data');

async function readAll(path: string, options: ReaderOptions = {}): Promise<{ events: NormalizedEvent[]; errors: ReadError[] }> {
  const events: NormalizedEvent[] = [];
  const errors: ReadError[] = [];
  for await (const batch of jsonReader.read(path, options)) {
    for (const item of batch) {
      if (item.kind === 'event') events.push(item.event);
      else errors.push(item.error);
    }
  }
  return { events, errors };
}

/** Local NXLog time (UTC−4 in this dataset) to the 7-digit ISO the reader must produce. */
function localToIso(local: string, offsetMinutes: number): string {
  const t = parseTimestamp(local, offsetMinutes);
  if (!t) throw new Error(`bad time ${local}`);
  return new Date(Number(t.ticks / 10_000n)).toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}0000Z`);
}

interface Truth {
  logon_4624: Record<string, string | number>;
  processes: {
    host: string;
    image: string;
    commandline_prefix: string;
    sec4688: Record<string, string | number>;
    sysmon1: Record<string, string | number | null>;
  }[];
  scriptblocks_4104: { RecordNumber: number; ScriptBlockId: string; ExecutionProcessID: number; text_prefix: string; text_len: number; EventTime: string }[];
}

describe.skipIf(!available)('chains dataset (NXLog JSON lines)', () => {
  let events: NormalizedEvent[] = [];
  let errors: ReadError[] = [];
  let truth: Truth;

  beforeAll(async () => {
    ({ events, errors } = await readAll(DATASET));
    truth = JSON.parse(readFileSync(TRUTH, 'utf8')) as Truth;
  });

  it('reads 2,744 events with no errors', () => {
    expect(errors).toEqual([]);
    expect(events.length).toBe(2744);
    for (const e of events) expect(e.source.format).toBe('jsonl');
  });

  it('counts per host, channel, provider and EventID equal counts.tsv', () => {
    const lines = readFileSync(COUNTS, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('count\tHostname\tChannel\tSourceName\tEventID');
    const expected = new Map<string, number>();
    for (const line of lines.slice(1)) {
      const [count, host, channel, provider, id] = line.split('\t');
      // The TSV keeps the dataset's "security" spelling; the reader re-cases it.
      const key = [host, normalizeChannel(channel!), provider, id].join('|');
      expected.set(key, (expected.get(key) ?? 0) + Number(count));
    }
    const actual = new Map<string, number>();
    for (const e of events) {
      const key = [e.system.computer, e.system.channel, e.system.provider, String(e.system.eventId)].join('|');
      actual.set(key, (actual.get(key) ?? 0) + 1);
    }
    expect(lines.length - 1).toBe(76);
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
  });

  it('re-cases "security" to "Security"', () => {
    const channels = new Set(events.map((e) => e.system.channel));
    expect(channels.has('Security')).toBe(true);
    expect(channels.has('security')).toBe(false);
  });

  it('has the 4624 of the ground truth with its fields, in UTC', () => {
    const t = truth.logon_4624;
    const matches = events.filter((e) => e.system.eventId === 4624 && e.data['TargetLogonId'] === t['TargetLogonId']);
    expect(matches.length).toBe(1);
    const e = matches[0]!;
    expect(e.system.recordId).toBe(t['RecordNumber']);
    expect(e.system.computer).toBe('WORKSTATION6.theshire.local');
    expect(e.system.channel).toBe('Security');
    expect(e.system.provider).toBe('Microsoft-Windows-Security-Auditing');
    for (const key of ['LogonType', 'TargetUserName', 'TargetDomainName', 'TargetUserSid', 'IpAddress', 'IpPort', 'LogonProcessName', 'AuthenticationPackageName', 'LogonGuid']) {
      expect(e.data[key], key).toBe(t[key]);
    }
    expect(e.time).toBe(localToIso(String(t['EventTime']), -240));
    expect(e.time).toBe('2020-09-20T21:09:08.0000000Z');
    expect(e.timePrecision).toBe('s');
    expect(e.timeSource).toBe('EventTime (local, offset inferred)');
    // Collector metadata is not data.
    for (const key of ['Message', 'EventReceivedTime', '@timestamp', '@version', 'port', 'tags', 'host', 'Hostname', 'EventTime', 'SourceModuleName', 'Severity', 'SeverityValue', 'EventType', 'Category', 'Opcode', 'Keywords']) {
      expect(e.data, key).not.toHaveProperty(key);
    }
  });

  it('keeps 4688 hex PIDs and Sysmon decimal PIDs as strings; Security and Sysmon agree on UTC', () => {
    for (const p of truth.processes) {
      const sec = events.find((e) => e.system.eventId === 4688 && e.system.recordId === p.sec4688['RecordNumber']);
      expect(sec, p.image).toBeDefined();
      expect(sec!.data['NewProcessId']).toBe(p.sec4688['NewProcessId']);
      expect(sec!.data['ProcessId']).toBe(p.sec4688['ProcessId']);
      expect(sec!.data['NewProcessName']).toBe(p.image);
      expect(sec!.data['SubjectLogonId']).toBe(p.sec4688['SubjectLogonId']);
      expect(sec!.data['TargetLogonId']).toBe(p.sec4688['TargetLogonId']);
      expect(sec!.data['MandatoryLabel']).toBe(p.sec4688['MandatoryLabel']);
      expect(sec!.timeSource).toBe('EventTime (local, offset inferred)');
      expect(sec!.time).toBe(localToIso(String(p.sec4688['EventTime']), -240));

      const sys = events.find((e) => e.system.eventId === 1 && e.system.recordId === p.sysmon1['RecordNumber']);
      expect(sys, p.image).toBeDefined();
      expect(sys!.data['ParentProcessId']).toBe(p.sysmon1['ParentProcessId']);
      expect(sys!.data['ProcessGuid']).toBe(p.sysmon1['ProcessGuid']);
      expect(sys!.data['LogonId']).toBe(p.sysmon1['LogonId']);
      expect(sys!.data['CommandLine']!.startsWith(p.commandline_prefix)).toBe(true);
      expect(sys!.timeSource).toBe('UtcTime');
      expect(sys!.timePrecision).toBe('ms');
      expect(sys!.time).toBe(String(p.sysmon1['UtcTime']).replace(' ', 'T') + '0000Z');
      // The same process start seen by Security (whole seconds, local) and Sysmon (UTC, ms).
      const diffMs = Number((sys!.ticks - sec!.ticks) / 10_000n);
      expect(Math.abs(diffMs)).toBeLessThan(2000);
    }
  });

  it('has the 4104 script block with its integer ExecutionProcessID as the System process id', () => {
    for (const sb of truth.scriptblocks_4104) {
      const e = events.find((x) => x.system.eventId === 4104 && x.system.recordId === sb.RecordNumber);
      expect(e).toBeDefined();
      expect(e!.system.processId).toBe(sb.ExecutionProcessID);
      expect(e!.data['ScriptBlockId']).toBe(sb.ScriptBlockId);
      expect(e!.data['ScriptBlockText']!.startsWith(sb.text_prefix)).toBe(true);
      expect(e!.data['ScriptBlockText']!.length).toBe(sb.text_len);
      expect(e!.time).toBe(localToIso(sb.EventTime, -240));
    }
  });

  it('renders 64-bit Keywords exactly as hex', () => {
    const sysmon = events.find((e) => e.system.provider === 'Microsoft-Windows-Sysmon');
    expect(sysmon!.system.keywords).toBe('0x8000000000000000');
    const sec = events.find((e) => e.system.eventId === 4624);
    expect(sec!.system.keywords).toBe('0x8020000000000000');
    const ps = events.find((e) => e.system.eventId === 800);
    expect(ps!.system.keywords).toBe('0x80000000000000'); // 36028797018963968
  });

  it('uses the given offset instead of inferring one', async () => {
    const given = await readAll(DATASET, { localTimeOffsetMinutes: -240 });
    expect(given.errors).toEqual([]);
    const a = given.events.find((e) => e.system.eventId === 4624 && e.data['TargetLogonId'] === '0x2da8840')!;
    expect(a.time).toBe('2020-09-20T21:09:08.0000000Z');
    expect(a.timeSource).toBe('EventTime');
    const wrong = await readAll(DATASET, { localTimeOffsetMinutes: 0 });
    const b = wrong.events.find((e) => e.system.eventId === 4624 && e.data['TargetLogonId'] === '0x2da8840')!;
    expect(b.time).toBe('2020-09-20T17:09:08.0000000Z');
  });

  it('reads a record again with readRaw', async () => {
    const e = events.find((x) => x.system.eventId === 4624 && x.data['TargetLogonId'] === '0x2da8840')!;
    const raw = await jsonReader.readRaw(e.source, 1_000_000);
    expect(raw.truncated).toBe(false);
    expect(raw.text).toContain('"TargetLogonId"');
    expect(raw.text).toContain('0x2da8840');
    const short = await jsonReader.readRaw(e.source, 100);
    expect(short.truncated).toBe(true);
    expect(short.text.length).toBe(100);
  });
});

function regressionFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push(p);
    }
  };
  if (available) walk(REGRESSION);
  return out.sort();
}

describe.skipIf(!available)('sigma regression JSON (evtx_dump objects back to back)', () => {
  const files = regressionFiles();

  it('finds the 97 files', () => {
    expect(files.length).toBe(97);
  });

  it('parses every file with no errors and at least one event each', async () => {
    let total = 0;
    for (const file of files) {
      const { events, errors } = await readAll(file);
      expect(errors, file).toEqual([]);
      expect(events.length, file).toBeGreaterThanOrEqual(1);
      // Every top-level object of the file is an event: count them independently.
      const text = readFileSync(file, 'utf8');
      const objects = text.split(/\n(?=\{)/).filter((s) => s.trim() !== '').length;
      expect(events.length, file).toBe(objects);
      for (const e of events) {
        expect(e.source.format).toBe('json');
        expect(e.timeSource).toBe('SystemTime');
        expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      }
      total += events.length;
    }
    expect(total).toBeGreaterThanOrEqual(97);
  });

  it('reads the fields of a Sysmon 7 record', async () => {
    const file = files.find((f) => f.endsWith('8a2f4b1c-3d5e-4f7a-9b2c-1e4f6d8a9c2b.json'));
    expect(file).toBeDefined();
    const { events } = await readAll(file!);
    const e = events[0]!;
    expect(e.system.provider).toBe('Microsoft-Windows-Sysmon');
    expect(e.system.providerGuid).toBe('{5770385F-C22A-43E0-BF4C-06F5698FFBD9}');
    expect(e.system.eventId).toBe(7);
    expect(e.system.computer).toBe('swachchhanda');
    expect(e.system.channel).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(e.system.recordId).toBe(571146);
    expect(e.system.processId).toBe(3544);
    expect(e.system.threadId).toBe(4272);
    expect(e.system.userSid).toBe('S-1-5-18');
    expect(e.system.keywords).toBe('0x8000000000000000');
    expect(e.system.level).toBe(4);
    expect(e.system.version).toBe(3);
    expect(e.time).toBe('2025-11-27T07:40:10.1653240Z');
    expect(e.timePrecision).toBe('us');
    expect(e.data['ImageLoaded']).toBe('C:\\Windows\\System32\\dbgcore.dll');
    expect(e.data['ProcessId']).toBe('4460');
    expect(e.data['ProcessGuid']).toBe('{0197231E-005A-6928-A50B-000000000D00}');
    expect(e.data['User']).toBe('swachchhanda\\xodih');
    expect(e.data['UtcTime']).toBe('2025-11-27 07:40:10.132');
    const raw = await jsonReader.readRaw(e.source, 100_000);
    expect(JSON.parse(raw.text)).toHaveProperty('Event.System.EventID', 7);
  });

  it('drops the EventData Name attribute and keeps named fields (TaskScheduler 142)', async () => {
    let found: NormalizedEvent | undefined;
    for (const file of files) {
      const { events } = await readAll(file);
      found ??= events.find((e) => e.system.provider === 'Microsoft-Windows-TaskScheduler');
    }
    expect(found).toBeDefined();
    expect(found!.data['TaskName']).toBe('\\Microsoft\\Windows\\SystemRestore\\SR');
    expect(found!.data).not.toHaveProperty('#attributes');
  });
});
