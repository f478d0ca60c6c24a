// The JSON reader on generated fixtures: every shape and layout, and the hostile cases.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent, ReadError, ReadItem } from '../../../../shared/events.js';
import type { ReaderOptions } from '../reader.js';
import { FIXTURE_LOCAL_OFFSET_MINUTES, writeJsonLines } from './json-fixture.js';
import { detectLayout, jsonReader, looksLikeJson } from './json-reader.js';
import { scanRecords, type RawRecord } from './json-scan.js';

const dir = mkdtempSync(join(tmpdir(), 'chainline-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function fixture(content: string | Buffer, name = `f${++fileNo}.json`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, options: ReaderOptions = {}): Promise<{ events: NormalizedEvent[]; errors: ReadError[]; items: ReadItem[] }> {
  const events: NormalizedEvent[] = [];
  const errors: ReadError[] = [];
  const items: ReadItem[] = [];
  for await (const batch of jsonReader.read(path, options)) {
    for (const item of batch) {
      items.push(item);
      if (item.kind === 'event') events.push(item.event);
      else errors.push(item.error);
    }
  }
  return { events, errors, items };
}

/** An evtx_dump (Rust evtx crate) record. */
function evtxEvent(recordId: number, overrides: { eventId?: unknown; eventData?: unknown; userData?: unknown; system?: Record<string, unknown> } = {}): unknown {
  const event: Record<string, unknown> = {
    '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
    System: {
      Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '54849625-5478-4994-A5BA-3E3B0328C30D' } },
      EventID: overrides.eventId ?? 4688,
      Version: 2,
      Level: 0,
      Task: 13312,
      Opcode: 0,
      Keywords: '0x8020000000000000',
      TimeCreated: { '#attributes': { SystemTime: `2020-09-20T21:09:${String(recordId % 60).padStart(2, '0')}.123456Z` } },
      EventRecordID: recordId,
      Correlation: null,
      Execution: { '#attributes': { ProcessID: 4, ThreadID: 7764 } },
      Channel: 'Security',
      Computer: ' WORKSTATION6.theshire.local ',
      Security: null,
      ...overrides.system,
    },
    EventData:
      overrides.eventData === undefined
        ? { NewProcessId: '0x234c', ProcessId: '0x3C0', SubjectLogonId: '0x00000000000003e7', NewProcessName: 'C:\\Windows\\System32\\wsmprovhost.exe', ElevatedFlag: true, Count: 12 }
        : overrides.eventData,
  };
  if (overrides.userData !== undefined) event['UserData'] = overrides.userData;
  return { Event: event };
}

function nxlogLine(recordNumber: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    EventID: 4624,
    Channel: 'security',
    Hostname: 'HOST1.corp.local',
    host: 'collector1',
    SourceName: 'Microsoft-Windows-Security-Auditing',
    RecordNumber: recordNumber,
    EventTime: '2020-09-20 17:08:30',
    EventReceivedTime: '2020-09-20 17:08:31',
    '@timestamp': '2020-09-20T21:08:31.500Z',
    '@version': '1',
    port: 64545,
    tags: ['x'],
    Severity: 'INFO',
    SeverityValue: 2,
    EventType: 'AUDIT_SUCCESS',
    Message: 'An account was successfully logged on.',
    TargetLogonId: '0x2DA8840',
    LogonType: '3',
    ...extra,
  });
}

describe('evtx_dump shape', () => {
  it('reads one object per line (JSON lines) with System fields and data', async () => {
    const path = fixture([evtxEvent(1), evtxEvent(2)].map((e) => JSON.stringify(e)).join('\n') + '\n');
    const { events, errors } = await readAll(path);
    expect(errors).toEqual([]);
    expect(events.length).toBe(2);
    const e = events[0]!;
    expect(e.source).toMatchObject({ format: 'jsonl', line: 1, offset: 0 });
    expect(events[1]!.source.line).toBe(2);
    expect(e.system).toMatchObject({
      provider: 'Microsoft-Windows-Security-Auditing',
      providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      eventId: 4688,
      channel: 'Security',
      computer: 'WORKSTATION6.theshire.local',
      recordId: 1,
      processId: 4,
      threadId: 7764,
      keywords: '0x8020000000000000',
    });
    expect(e.time).toBe('2020-09-20T21:09:01.1234560Z');
    expect(e.timeSource).toBe('SystemTime');
    expect(e.data).toEqual({
      NewProcessId: '0x234c',
      ProcessId: '0x3c0',
      SubjectLogonId: '0x3e7',
      NewProcessName: 'C:\\Windows\\System32\\wsmprovhost.exe',
      ElevatedFlag: 'true',
      Count: '12',
    });
  });

  it('reads pretty-printed objects back to back', async () => {
    const path = fixture([evtxEvent(1), evtxEvent(2), evtxEvent(3)].map((e) => JSON.stringify(e, null, 2)).join('\n'));
    const { events, errors } = await readAll(path);
    expect(errors).toEqual([]);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 2, 3]);
    expect(events[0]!.source.format).toBe('json');
    expect(events[1]!.source.line).toBeGreaterThan(10);
    // The pointer covers exactly the object.
    const raw = await jsonReader.readRaw(events[1]!.source, 1_000_000);
    expect(raw.text).toBe(JSON.stringify(evtxEvent(2), null, 2));
  });

  it('reads a JSON array of events, pretty or on one line', async () => {
    for (const text of [JSON.stringify([evtxEvent(1), evtxEvent(2)], null, 2), JSON.stringify([evtxEvent(1), evtxEvent(2)])]) {
      const path = fixture(text);
      const { events, errors } = await readAll(path);
      expect(errors).toEqual([]);
      expect(events.map((e) => e.system.recordId)).toEqual([1, 2]);
      const raw = await jsonReader.readRaw(events[1]!.source, 1_000_000);
      expect(JSON.parse(raw.text)).toEqual(evtxEvent(2));
    }
  });

  it("reads evtx_dump -o json output with its 'Record N' lines", async () => {
    const text = [evtxEvent(7), evtxEvent(8)].map((e, k) => `Record ${k + 7}\n${JSON.stringify(e, null, 2)}`).join('\n');
    expect(looksLikeJson(Buffer.from(text))).toBe(true);
    const { events, errors } = await readAll(fixture(text));
    expect(errors).toEqual([]);
    expect(events.map((e) => e.system.recordId)).toEqual([7, 8]);
  });

  it('reads Qualifiers, unnamed Data, #text lists, Binary, null EventData and UserData', async () => {
    const lines = [
      evtxEvent(1, {
        eventId: { '#attributes': { Qualifiers: 16384 }, '#text': 7036 },
        eventData: { Data: ['Windows Update', 'running'], Binary: '570075006100' },
        system: { Provider: { '#attributes': { Name: 'Service Control Manager', Guid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}', EventSourceName: 'Service Control Manager' } }, Channel: 'system' },
      }),
      evtxEvent(2, { eventData: { Data: { '#text': ['a', 'b'] } } }),
      evtxEvent(3, { eventData: { Data: [{ '#attributes': { Name: 'ServiceName' }, '#text': 'svc' }, { '@Name': 'ImagePath', '#text': 'C:\\x.exe' }] } }),
      evtxEvent(4, { eventData: null }),
      evtxEvent(5, {
        eventData: null,
        eventId: 1102,
        userData: { LogFileCleared: { '#attributes': { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }, SubjectUserSid: 'S-1-5-21-1', SubjectUserName: 'admin' } },
        system: { Correlation: { '#attributes': { ActivityID: 'ACAAA2B5-6AED-0001-4B50-4040058DD601' } }, Security: { '#attributes': { UserID: 'S-1-5-18' } } },
      }),
    ];
    const { events, errors } = await readAll(fixture(lines.map((l) => JSON.stringify(l)).join('\n')));
    expect(errors).toEqual([]);
    const [a, b, c, d, e] = events;
    expect(a!.system).toMatchObject({ eventId: 7036, qualifiers: 16384, provider: 'Service Control Manager', eventSourceName: 'Service Control Manager', channel: 'System' });
    expect(a!.data).toEqual({ Data1: 'Windows Update', Data2: 'running', Binary: '570075006100' });
    expect(b!.data).toEqual({ Data1: 'a', Data2: 'b' });
    expect(c!.data).toEqual({ ServiceName: 'svc', ImagePath: 'C:\\x.exe' });
    expect(d!.data).toEqual({});
    expect(e!.system).toMatchObject({ eventId: 1102, userSid: 'S-1-5-18', activityId: '{ACAAA2B5-6AED-0001-4B50-4040058DD601}' });
    expect(e!.data).toEqual({ SubjectUserSid: 'S-1-5-21-1', SubjectUserName: 'admin' });
  });
});

describe('flattened collector lines (NXLog)', () => {
  it('separates System keys, times and collector metadata from data', async () => {
    const line = nxlogLine(1, {
      ProviderGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      Keywords: '__KW__',
      ExecutionProcessID: 696,
      ThreadID: 3736,
      Version: 2,
      Task: 12544,
      OpcodeValue: 0,
      Opcode: 'Info',
      Category: 'Logon',
      SourceModuleName: 'eventlog',
      SourceModuleType: 'im_msvistalog',
      ERROR_EVT_UNRESOLVED: true,
      EventTypeOrignal: 'INFO',
      UserID: 'S-1-5-18',
      AccountName: 'SYSTEM',
      AccountType: 'User',
      Domain: 'NT AUTHORITY',
      HugeCounter: '__HUGE__',
    })
      // Literal digits: a JS number would print these rounded.
      .replace('"__KW__"', '36028797018963968')
      .replace('"__HUGE__"', '123456789012345678901');
    const { events, errors } = await readAll(fixture(line + '\n'));
    expect(errors).toEqual([]);
    const e = events[0]!;
    expect(e.system).toMatchObject({
      eventId: 4624,
      channel: 'Security',
      computer: 'HOST1.corp.local',
      provider: 'Microsoft-Windows-Security-Auditing',
      providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      recordId: 1,
      processId: 696,
      threadId: 3736,
      version: 2,
      task: 12544,
      opcode: 0,
      keywords: '0x80000000000000',
      userSid: 'S-1-5-18',
    });
    expect(e.data).toEqual({ TargetLogonId: '0x2da8840', LogonType: '3', HugeCounter: '123456789012345678901' });
  });

  it('keeps a Sysmon EventType and account fields that are not NXLog lookups', async () => {
    const line = JSON.stringify({
      EventID: 13,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Hostname: 'H',
      SourceName: 'Microsoft-Windows-Sysmon',
      EventType: 'SetValue',
      UtcTime: '2020-09-20 21:08:27.463',
      EventTime: '2020-09-20 17:08:27',
      AccountName: 'bob',
      TargetObject: 'HKLM\\x',
      ProcessId: '960',
    });
    const { events } = await readAll(fixture(line));
    expect(events[0]!.data).toEqual({ EventType: 'SetValue', UtcTime: '2020-09-20 21:08:27.463', AccountName: 'bob', TargetObject: 'HKLM\\x', ProcessId: '960' });
    expect(events[0]!.time).toBe('2020-09-20T21:08:27.4630000Z');
    expect(events[0]!.timeSource).toBe('UtcTime');
  });

  it('infers the EventTime offset from UtcTime records of the same collector', async () => {
    const sysmon = JSON.stringify({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'HOST2', host: 'collector1', UtcTime: '2020-09-20 21:08:27.900', EventTime: '2020-09-20 17:08:27' });
    const { events, errors } = await readAll(fixture([sysmon, nxlogLine(2)].join('\n')));
    expect(errors).toEqual([]);
    expect(events[1]!.time).toBe('2020-09-20T21:08:30.0000000Z');
    expect(events[1]!.timeSource).toBe('EventTime (local, offset inferred)');
  });

  it('infers the offset from EventReceivedTime and the collector @timestamp when there is no UtcTime', async () => {
    const { events } = await readAll(fixture([nxlogLine(1), nxlogLine(2)].join('\n')));
    expect(events[0]!.time).toBe('2020-09-20T21:08:30.0000000Z');
    expect(events[0]!.timeSource).toBe('EventTime (local, offset inferred)');
  });

  it('marks EventTime as taken as UTC when nothing tells the offset', async () => {
    const line = JSON.stringify({ EventID: 4624, Channel: 'Security', Hostname: 'H', EventTime: '2020-09-20 17:08:30' });
    const { events } = await readAll(fixture(line));
    expect(events[0]!.time).toBe('2020-09-20T17:08:30.0000000Z');
    expect(events[0]!.timeSource).toBe('EventTime (local, offset unknown: taken as UTC)');
  });

  it('takes an EventTime with a zone as it is, and the collector @timestamp only as a last resort', async () => {
    const zoned = JSON.stringify({ EventID: 1, Hostname: 'H', EventTime: '2020-09-20T17:08:30.25-04:00' });
    const stampOnly = JSON.stringify({ EventID: 2, Hostname: 'H', '@timestamp': '2020-09-20T21:08:31.500Z' });
    const noTime = JSON.stringify({ EventID: 3, Hostname: 'H' });
    const { events, errors } = await readAll(fixture([zoned, stampOnly, noTime].join('\n')));
    expect(events[0]!.time).toBe('2020-09-20T21:08:30.2500000Z');
    expect(events[0]!.timeSource).toBe('EventTime');
    expect(events[1]!.timeSource).toBe('@timestamp (collector time)');
    expect(errors.length).toBe(1);
    expect(errors[0]!.line).toBe(3);
    expect(errors[0]!.message).toMatch(/no time/);
  });

  it('reads the generated benchmark fixture with the offset inferred', async () => {
    const path = join(dir, 'generated.jsonl');
    const { bytes, lines } = await writeJsonLines(path, 2 * 1024 * 1024);
    expect(bytes).toBe(statSync(path).size);
    const { events, errors } = await readAll(path);
    expect(errors).toEqual([]);
    expect(events.length).toBe(lines);
    const ids = new Set(events.map((e) => e.system.eventId));
    expect([...ids].sort((a, b) => a - b)).toEqual([1, 3, 4624, 4688]);
    for (const e of events) {
      expect(['UtcTime', 'EventTime (local, offset inferred)']).toContain(e.timeSource);
      expect(e.time.startsWith('2020-09-2')).toBe(true);
    }
    // EventTime was written at UTC−4: the inferred offset puts Security beside Sysmon.
    expect(FIXTURE_LOCAL_OFFSET_MINUTES).toBe(-240);
    const sec = events.find((e) => e.system.eventId === 4688)!;
    const sys = events.find((e) => e.system.eventId === 1)!;
    expect(Math.abs(Number(sec.ticks - sys.ticks) / 1e7)).toBeLessThan(3600);
    expect(sec.system.keywords).toBe('0x8020000000000000');
    expect(sys.system.keywords).toBe('0x8000000000000000');
  });
});

describe('Winlogbeat', () => {
  it('reads winlog.* with @timestamp as the event time', async () => {
    const doc = {
      '@timestamp': '2020-09-20T21:09:08.706Z',
      event: { code: '4688', kind: 'event' },
      host: { name: 'ws6.corp.local' },
      winlog: {
        event_id: 4688,
        channel: 'Security',
        computer_name: 'WS6.corp.local',
        record_id: 738641,
        provider_name: 'Microsoft-Windows-Security-Auditing',
        provider_guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}',
        process: { pid: 4, thread: { id: 7764 } },
        event_data: { NewProcessId: '0x234c', TargetLogonId: '0x2DA8840' },
        keywords: ['Audit Success'],
        task: 'Process Creation',
        opcode: 'Info',
      },
    };
    const legacy = { '@timestamp': '2020-09-20T21:09:09Z', event_id: 1102, log_name: 'security', computer_name: 'DC1', source_name: 'Microsoft-Windows-Eventlog', record_number: '12', user_data: { SubjectUserName: 'admin' } };
    const { events, errors } = await readAll(fixture([doc, legacy].map((d) => JSON.stringify(d)).join('\n')));
    expect(errors).toEqual([]);
    expect(events[0]!.system).toMatchObject({ eventId: 4688, channel: 'Security', computer: 'WS6.corp.local', recordId: 738641, processId: 4, threadId: 7764, provider: 'Microsoft-Windows-Security-Auditing' });
    expect(events[0]!.data).toEqual({ NewProcessId: '0x234c', TargetLogonId: '0x2da8840' });
    expect(events[0]!.time).toBe('2020-09-20T21:09:08.7060000Z');
    expect(events[0]!.timeSource).toBe('@timestamp (event time)');
    expect(events[1]!.system).toMatchObject({ eventId: 1102, channel: 'Security', computer: 'DC1', recordId: 12 });
    expect(events[1]!.data).toEqual({ SubjectUserName: 'admin' });
  });
});

describe('hostile input', () => {
  it('reports a valid JSON line that is not an event, and goes on', async () => {
    const text = [nxlogLine(1), '{"hello":1}', '[1,2]', '"text"', nxlogLine(2)].join('\n');
    const path = fixture(text);
    const { events, errors } = await readAll(path);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 2]);
    expect(errors.length).toBe(3);
    expect(errors[0]).toMatchObject({ file: path, line: 2, offset: nxlogLine(1).length + 1 });
    expect(errors[0]!.message).toMatch(/not a Windows event/);
    expect(errors[1]).toMatchObject({ line: 3 });
    expect(errors[1]!.message).toMatch(/array/);
    expect(errors[2]).toMatchObject({ line: 4 });
  });

  it('reports a malformed line between good ones', async () => {
    const { events, errors } = await readAll(fixture([nxlogLine(1), '{"EventID": 4624, "Channel": ', nxlogLine(2), '{bad json}'].join('\n') + '\n'));
    expect(events.length).toBe(2);
    expect(errors.map((e) => e.line)).toEqual([2, 4]);
    expect(errors[0]!.message).toMatch(/malformed JSON/);
  });

  it('reports a truncated last object, in lines and in pretty layout', async () => {
    const lines = await readAll(fixture(nxlogLine(1) + '\n' + nxlogLine(2).slice(0, 60)));
    expect(lines.events.length).toBe(1);
    expect(lines.errors.length).toBe(1);
    expect(lines.errors[0]!.line).toBe(2);
    expect(lines.errors[0]!.message).toMatch(/truncated/);

    const pretty = JSON.stringify(evtxEvent(1), null, 2) + '\n' + JSON.stringify(evtxEvent(2), null, 2).slice(0, 300);
    const p = await readAll(fixture(pretty));
    expect(p.events.map((e) => e.system.recordId)).toEqual([1]);
    expect(p.errors.length).toBe(1);
    expect(p.errors[0]!.message).toMatch(/truncated/);
    expect(p.errors[0]!.offset).toBe(JSON.stringify(evtxEvent(1), null, 2).length + 1);
  });

  it('resynchronises after a pretty-printed object cut short in the middle of the file', async () => {
    const a = JSON.stringify(evtxEvent(1), null, 2);
    const cut = JSON.stringify(evtxEvent(2), null, 2).slice(0, 400);
    const c = JSON.stringify(evtxEvent(3), null, 2);
    const { events, errors } = await readAll(fixture([a, cut, c].join('\n')));
    expect(events.map((e) => e.system.recordId)).toEqual([1, 3]);
    expect(errors.length).toBe(1);
    expect(errors[0]!.message).toMatch(/cut short/);
  });

  it('reports invalid UTF-8 with its position and reads the rest', async () => {
    const good1 = Buffer.from(nxlogLine(1) + '\n');
    const bad = Buffer.concat([Buffer.from('{"EventID": 1, "Hostname": "H'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('", "EventTime": "2020-09-20 17:08:30"}\n')]);
    const good2 = Buffer.from(nxlogLine(2) + '\n');
    const path = fixture(Buffer.concat([good1, bad, good2]));
    const { events, errors } = await readAll(path);
    expect(events.map((e) => e.system.recordId)).toEqual([1, 2]);
    expect(errors).toEqual([{ file: path, offset: good1.length, line: 2, message: expect.stringMatching(/invalid UTF-8/) }]);
  });

  it('reads an empty file without events, with a clear error', async () => {
    for (const content of ['', '  \n\n']) {
      const { events, errors } = await readAll(fixture(content));
      expect(events).toEqual([]);
      expect(errors.length).toBe(1);
      expect(errors[0]!.message).toMatch(/empty file/);
    }
  });

  it('keeps every digit of big integers', async () => {
    const evtx = evtxEvent(1, { eventData: { Big: '__BIG__', Neg: '__NEG__', Small: 5, Fraction: 1.5 } });
    // Literal digits: a JS number would print these rounded.
    const text = JSON.stringify(evtx).replace('"__BIG__"', '18446744073709551615').replace('"__NEG__"', '-9223372036854775808');
    const flat = nxlogLine(5, { Keywords: '__KW__' }).replace('"__KW__"', '-9214364837600034816');
    const { events, errors } = await readAll(fixture(text + '\n' + flat + '\n'));
    expect(errors).toEqual([]);
    expect(events[0]!.data).toMatchObject({ Big: '18446744073709551615', Neg: '-9223372036854775808', Small: '5', Fraction: '1.5' });
    expect(events[1]!.system.keywords).toBe('0x8020000000000000');
  });

  it('handles CRLF line endings (pointers exclude the CR)', async () => {
    const l1 = nxlogLine(1);
    const l2 = nxlogLine(2);
    const path = fixture(`${l1}\r\n${l2}\r\n`);
    const { events, errors } = await readAll(path);
    expect(errors).toEqual([]);
    expect(events[1]!.source).toMatchObject({ offset: l1.length + 2, length: l2.length, line: 2 });
    const raw = await jsonReader.readRaw(events[1]!.source, 1_000_000);
    expect(JSON.parse(raw.text)).toEqual(JSON.parse(l2));
  });

  it('skips a UTF-8 BOM and keeps byte offsets of non-ASCII lines', async () => {
    const l1 = nxlogLine(1, { Product: 'Microsoft® Windows® 漢字' });
    const l2 = nxlogLine(2);
    const path = fixture(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${l1}\n${l2}\n`)]));
    const { events } = await readAll(path);
    expect(events[0]!.data['Product']).toBe('Microsoft® Windows® 漢字');
    expect(events[0]!.source.offset).toBe(3);
    expect(events[1]!.source.offset).toBe(3 + Buffer.byteLength(l1) + 1);
    const raw = await jsonReader.readRaw(events[1]!.source, 1_000_000);
    expect(JSON.parse(raw.text)).toEqual(JSON.parse(l2));
  });

  it('reads a 50 MB line', async () => {
    const big = 'A'.repeat(50 * 1024 * 1024);
    const line = JSON.stringify({ EventID: 4104, Channel: 'Microsoft-Windows-PowerShell/Operational', Hostname: 'H', EventTime: '2020-09-20T17:09:11Z', ScriptBlockText: big });
    const { events, errors } = await readAll(fixture(`${nxlogLine(1)}\n${line}\n${nxlogLine(2)}\n`));
    expect(errors).toEqual([]);
    expect(events.length).toBe(3);
    expect(events[1]!.data['ScriptBlockText']!.length).toBe(big.length);
    const raw = await jsonReader.readRaw(events[1]!.source, 1000);
    expect(raw.truncated).toBe(true);
    expect(raw.text.length).toBe(1000);
  });

  it('reports a record over the size limit instead of buffering it', async () => {
    const line = JSON.stringify({ EventID: 1, Hostname: 'H', Payload: 'x'.repeat(5000) });
    const path = fixture(`${line}\n${line}\n`);
    for (const mode of ['lines', 'values'] as const) {
      const seen: RawRecord[] = [];
      for await (const _ of scanRecords(path, mode, { startOffset: 0, chunkBytes: 1024, maxRecordBytes: 2048 }, (r) => seen.push({ ...r, buf: null }))) {
        // collecting
      }
      expect(seen.length, mode).toBe(2);
      expect(seen[0]!.problem, mode).toMatch(/larger than/);
      expect(seen[1]!.offset, mode).toBe(line.length + 1);
    }
  });
});

describe('streaming behaviour', () => {
  it('reports progress up to the file size and stops promptly on abort', async () => {
    const path = join(dir, 'progress.jsonl');
    await writeJsonLines(path, 6 * 1024 * 1024);
    const size = statSync(path).size;
    const progress: number[] = [];
    let count = 0;
    for await (const batch of jsonReader.read(path, { onProgress: (b) => progress.push(b), batchSize: 100 })) count += batch.length;
    expect(count).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(size);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const controller = new AbortController();
    let read = 0;
    for await (const batch of jsonReader.read(path, { signal: controller.signal, batchSize: 100 })) {
      read += batch.length;
      controller.abort();
    }
    expect(read).toBe(100);
  });
});

describe('sniffing and layout', () => {
  it('recognises JSON heads', () => {
    expect(looksLikeJson(Buffer.from('\ufeff  {"a":1}'))).toBe(true);
    expect(looksLikeJson(Buffer.from('[\n  {'))).toBe(true);
    expect(looksLikeJson(Buffer.from('[]'))).toBe(true);
    expect(looksLikeJson(Buffer.from('Record 1\n{'))).toBe(true);
    expect(looksLikeJson(Buffer.from('<Event xmlns='))).toBe(false);
    expect(looksLikeJson(Buffer.from('ElfFile\0'))).toBe(false);
    expect(looksLikeJson(Buffer.from('[1,2]'))).toBe(false);
    expect(looksLikeJson(Buffer.from(''))).toBe(false);
  });

  it('chooses lines for JSON lines and values for pretty or array files', () => {
    expect(detectLayout(Buffer.from('{"a":1}\n{"b":2}\n'), 0, true)).toBe('lines');
    expect(detectLayout(Buffer.from('{\n  "a": 1\n}\n{\n  "b": 2\n}\n'), 0, true)).toBe('values');
    expect(detectLayout(Buffer.from('[{"a":1}]'), 0, true)).toBe('values');
    expect(detectLayout(Buffer.from('{"a":1}\nnot json\n{"b":2}\n'), 0, true)).toBe('lines');
  });
});
