// Every libevtx `evtxexport -f xml` reference file in ../shared parses completely: as many
// events as `<Event` openings, no errors, and fields that match the text.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent, ReadError } from '../../../../shared/events.js';
import { normalizeHex } from '../../../../shared/normalize.js';
import { SHARED_DIR, SHARED_MISSING_REASON, sharedAvailable } from '../../testing/shared-data.js';
import { evtxReader } from '../../evtx/evtx-reader.js';
import { createXmlReader } from './xml-reader.js';

const REFERENCE = join(SHARED_DIR, 'corpus', 'reference');

function listReferenceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listReferenceFiles(path));
    else if (entry.name.endsWith('.libevtx.xml')) out.push(path);
  }
  return out.sort();
}

async function readAll(path: string): Promise<{ events: NormalizedEvent[]; errors: ReadError[] }> {
  const events: NormalizedEvent[] = [];
  const errors: ReadError[] = [];
  // Inline parsing: the corpus files are small, and this is the code path workers run too.
  for await (const batch of createXmlReader({ workers: 0 }).read(path)) {
    for (const item of batch) {
      if (item.kind === 'event') events.push(item.event);
      else errors.push(item.error);
    }
  }
  return { events, errors };
}

const available = sharedAvailable();
if (!available) console.warn(`[xml-reader corpus] ${SHARED_MISSING_REASON}`);

describe.skipIf(!available)('xml reader on the libevtx reference corpus', () => {
  const files = available ? listReferenceFiles(REFERENCE) : [];

  it('finds the reference files', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(files.map((f) => [relative(REFERENCE, f), f] as const))('%s', async (_name, path) => {
    const text = readFileSync(path, 'utf8');
    const openings = text.match(/<Event[\s>/]/g)?.length ?? 0;
    const { events, errors } = await readAll(path);
    expect(errors.map((e) => `${e.offset}: ${e.message}`)).toEqual([]);
    expect(events.length).toBe(openings);

    // Fields against the text, in file order. libevtx indents System's children by four
    // spaces; UserData can hold elements of the same names deeper (EventProcessingFailure).
    const recordIds = [...text.matchAll(/^ {4}<EventRecordID>(\d+)<\/EventRecordID>/gm)].map((m) => Number(m[1]));
    expect(events.map((e) => e.system.recordId)).toEqual(recordIds);
    const eventIds = [...text.matchAll(/^ {4}<EventID(?: Qualifiers="\d+")?>(\d+)<\/EventID>/gm)].map((m) => Number(m[1]));
    expect(events.map((e) => e.system.eventId)).toEqual(eventIds);
    const computers = [...text.matchAll(/^ {4}<Computer>([^<]*)<\/Computer>/gm)].map((m) => m[1]);
    expect(events.map((e) => e.system.computer)).toEqual(computers);

    // Each event's source points at exactly its own bytes.
    const bytes = readFileSync(path);
    for (const e of [events[0], events[events.length - 1]]) {
      if (!e) continue;
      const raw = bytes.subarray(e.source.offset, e.source.offset + e.source.length).toString('utf8');
      expect(raw.startsWith('<Event')).toBe(true);
      expect(raw.endsWith('</Event>')).toBe(true);
      expect(raw).toContain(`<EventRecordID>${e.system.recordId}</EventRecordID>`);
    }
  });

  // CAPI2 records keep their data in UserData leaf attributes: the XML export and the EVTX file
  // it came from must give every record the same keys, in the same order.
  it.each([
    'E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
    'E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
  ])(
    'gives %s the same data keys as the EVTX reader',
    async (name) => {
      const xmlPath = files.find((f) => f.endsWith(join('evtx', 'samples', `${name}.libevtx.xml`)));
      if (!xmlPath) return expect.fail(`${name} reference is missing`);
      const fromXml = (await readAll(xmlPath)).events;
      const fromEvtx: NormalizedEvent[] = [];
      for await (const batch of evtxReader.read(join(SHARED_DIR, 'corpus', 'evtx', 'evtx', 'samples', name))) {
        for (const item of batch) if (item.kind === 'event' && !item.event.recovered) fromEvtx.push(item.event);
      }
      const keys = (events: NormalizedEvent[]) => new Map(events.map((e) => [e.system.recordId, Object.keys(e.data).join(' ')]));
      const xmlKeys = keys(fromXml);
      expect(xmlKeys.size).toBeGreaterThan(20);
      expect([...xmlKeys.values()].some((k) => k.includes('EventAuxInfo.ProcessName'))).toBe(true);
      // libevtx exports only part of these files; compare the records it did export.
      const evtxKeys = keys(fromEvtx);
      const differing = [...xmlKeys].filter(([id, k]) => evtxKeys.get(id) !== k).map(([id]) => id);
      expect(differing).toEqual([]);
    },
  );

  it('reads named Data, hex padding and System fields of a DNS Server event', async () => {
    const path = files.find((f) => f.endsWith(join('python-evtx', 'tests', 'data', 'dns_log_malformed.evtx.libevtx.xml')));
    if (!path) return expect.fail('dns_log_malformed reference is missing');
    const { events } = await readAll(path);
    const first = events[0]!;
    expect(first.system.recordId).toBe(101982);
    expect(first.system.provider).toBe('Microsoft-Windows-DNSServer');
    expect(first.system.providerGuid).toBe('{eb79061a-a566-4698-9119-3ed2807060e7}');
    expect(first.system.eventId).toBe(260);
    expect(first.system.keywords).toBe('0x8000000000000010');
    expect(first.system.processId).toBe(1176);
    expect(first.system.threadId).toBe(1492);
    expect(first.system.userSid).toBe('S-1-5-18');
    expect(first.system.channel).toBe('Microsoft-Windows-DNSServer/Analytical');
    expect(first.time).toBe('2016-11-09T10:17:08.9960883Z');
    expect(first.data['QNAME']).toBe('appexneuprodweather.blob.core.windows.net.');
    expect(first.data['Destination']).toBe('204.79.195.43');
  });

  it('reads unnamed Data, Binary and Qualifiers of a classic System event', async () => {
    const path = files.find((f) => f.endsWith(join('python-evtx', 'tests', 'data', 'system.evtx.libevtx.xml')));
    if (!path) return expect.fail('system reference is missing');
    const { events } = await readAll(path);
    const e = events.find((x) => x.system.recordId === 12091);
    expect(e).toBeDefined();
    expect(e!.system.eventId).toBe(6013);
    expect(e!.system.qualifiers).toBe(32768);
    expect(e!.system.keywords).toBe('0x80000000000000');
    expect(e!.data['Data1']).toBe('');
    expect(e!.data['Data5']).toBe('1039089');
    expect(e!.data['Data7']).toBe('300 Eastern Standard Time');
    expect(e!.data['Binary']?.startsWith('31002E0031')).toBe(true);
  });

  it('reads UserData leaves by element name (log cleared)', async () => {
    const path = files.find((f) => f.endsWith('DE_104_system_log_cleared.evtx.libevtx.xml'));
    if (!path) return expect.fail('DE_104 reference is missing');
    const { events } = await readAll(path);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.system.channel).toBe('System');
    expect(e.data['SubjectUserName']).toBe('user01');
    expect(e.data['SubjectDomainName']).toBe('EXAMPLE');
    expect(e.data['Channel']).toBe('System');
    expect(e.data['BackupPath']).toBe('');
  });

  it('normalizes libevtx hex padding in Security logon ids to Windows rendering', async () => {
    const path = files.find((f) => f.endsWith(join('evtx', 'samples', 'security.evtx.libevtx.xml')));
    if (!path) return expect.fail('security reference is missing');
    const text = readFileSync(path, 'utf8');
    const padded = /<Data Name="SubjectLogonId">(0x0+[0-9a-f]+)<\/Data>/.exec(text);
    expect(padded).not.toBeNull();
    const { events } = await readAll(path);
    const values = new Set(events.map((e) => e.data['SubjectLogonId']).filter((v) => v !== undefined));
    expect(values.has(normalizeHex(padded![1]!))).toBe(true);
    for (const v of values) expect(v).not.toMatch(/^0x0[0-9a-f]/);
  });
});
