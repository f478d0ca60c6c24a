// Unit tests on EVTX files built by the project's own writer (testing/evtx-writer.ts): every
// token and value type, template reuse, arrays, nested BinXML, WEC records without dependency
// ids, damaged chunks, truncation, slack-space recovery, wrapped logs and the XML rendering.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent, ReadError, ReadItem } from '../../../shared/events.js';
import { slackCounts } from './chunk-reader.js';
import { evtxReader, listChunks, looksLikeEvtx } from './evtx-reader.js';
import { ChunkWriter, V, evtxFile, type WTemplate, type WValue } from './testing/evtx-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'chainline-evtx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function save(buf: Buffer): string {
  const p = join(dir, `t${n++}.evtx`);
  writeFileSync(p, buf);
  return p;
}

async function readItems(path: string): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const batch of evtxReader.read(path)) items.push(...batch);
  return items;
}
const eventsOf = (items: ReadItem[]): NormalizedEvent[] => items.flatMap((i) => (i.kind === 'event' ? [i.event] : []));
const errorsOf = (items: ReadItem[]): ReadError[] => items.flatMap((i) => (i.kind === 'error' ? [i.error] : []));

// 2020-01-01T00:00:00Z as FILETIME.
const FT_2020 = 132223104000000000n;
const PROVIDER_GUID = '{54849625-5478-4994-A5BA-3E3B0328C30D}';

/** The System section of a template: substitutions 0–16; EventData content from `data`. */
function systemTemplate(id: number, data: (w: ChunkWriter) => void): WTemplate {
  return {
    id,
    build: (w) =>
      w.element('Event', [['xmlns', (x) => x.text('http://schemas.microsoft.com/win/2004/08/events/event')]], (w) => {
        w.element('System', [], (w) => {
          w.element('Provider', [
            ['Name', (x) => x.subst(0, 0x01)],
            ['Guid', (x) => x.subst(1, 0x0f)],
          ]);
          w.element('EventID', [['Qualifiers', (x) => x.subst(2, 0x06, true)]], (x) => x.subst(3, 0x06));
          w.element('Version', [], (x) => x.subst(4, 0x04));
          w.element('Level', [], (x) => x.subst(5, 0x04));
          w.element('Task', [], (x) => x.subst(6, 0x06));
          w.element('Opcode', [], (x) => x.subst(7, 0x04));
          w.element('Keywords', [], (x) => x.subst(8, 0x15));
          w.element('TimeCreated', [['SystemTime', (x) => x.subst(9, 0x11)]]);
          w.element('EventRecordID', [], (x) => x.subst(10, 0x0a));
          w.element('Correlation', [['ActivityID', (x) => x.subst(11, 0x0f, true)]]);
          w.element('Execution', [
            ['ProcessID', (x) => x.subst(12, 0x08)],
            ['ThreadID', (x) => x.subst(13, 0x08)],
          ]);
          w.element('Channel', [], (x) => x.subst(14, 0x01));
          w.element('Computer', [], (x) => x.subst(15, 0x01));
          w.element('Security', [['UserID', (x) => x.subst(16, 0x13, true)]]);
        });
        data(w);
      }),
  };
}

function systemValues(eventId: number, recordId: bigint, extra: readonly WValue[] = [], time = FT_2020): WValue[] {
  return [
    V.str('Test-Provider'),
    V.guid(PROVIDER_GUID),
    V.null(),
    V.u16(eventId),
    V.u8(1),
    V.u8(4),
    V.u16(12544),
    V.u8(0),
    V.hex64(0x8020000000000000n),
    V.filetime(time),
    V.u64(recordId),
    V.null(),
    V.u32(600),
    V.u32(604),
    V.str('Security'),
    V.str('HOST-1'),
    V.sid('S-1-5-18'),
    ...extra,
  ];
}

const named = (name: string, index: number, type: number, optional = false) => (w: ChunkWriter) =>
  w.element('Data', [['Name', (x) => x.text(name)]], (x) => x.subst(index, type, optional));

const TYPES: readonly (readonly [string, WValue, string])[] = [
  ['Str', V.str('héllo <world>'), 'héllo <world>'],
  ['Ansi', V.ansi('plain'), 'plain'],
  ['I8', V.i8(-5), '-5'],
  ['U8', V.u8(200), '200'],
  ['I16', V.i16(-300), '-300'],
  ['U16', V.u16(65000), '65000'],
  ['I32', V.i32(-70000), '-70000'],
  ['U32', V.u32(4000000000), '4000000000'],
  ['I64', V.i64(-9000000000n), '-9000000000'],
  ['U64', V.u64(18000000000000000000n), '18000000000000000000'],
  ['F32', V.f32(1.5), '1.5'],
  ['F64', V.f64(-2.25), '-2.25'],
  ['BoolT', V.bool(true), 'true'],
  ['BoolF', V.bool(false), 'false'],
  ['Bin', V.binary(Buffer.from([0xde, 0xad, 0x01])), 'DEAD01'],
  ['Guid', V.guid('{01234567-89ab-cdef-0123-456789abcdef}'), '{01234567-89AB-CDEF-0123-456789ABCDEF}'],
  ['SizeT', V.sizeT(0x1a2cn), '0x1a2c'],
  ['FileTime', V.filetime(FT_2020 + 1234567n), '2020-01-01T00:00:00.1234567Z'],
  ['SysTime', V.systemtime(2021, 2, 3, 4, 5, 6, 789), '2021-02-03T04:05:06.7890000Z'],
  ['Sid', V.sid('S-1-5-21-1-2-3-500'), 'S-1-5-21-1-2-3-500'],
  ['Hex32', V.hex32(0x3e7), '0x3e7'],
  ['Hex64', V.hex64(0x2da8840n), '0x2da8840'],
  ['Empty', V.null(), ''],
];

describe('evtxReader on written files', () => {
  it('recognizes the file magic', () => {
    expect(looksLikeEvtx(Buffer.from('ElfFile\0rest'))).toBe(true);
    expect(looksLikeEvtx(Buffer.from('<Events>'))).toBe(false);
  });

  it('reads System fields and renders every value type as Windows does', async () => {
    const t = systemTemplate(0x1001, (w) =>
      w.element('EventData', [], (w) => TYPES.forEach(([name], i) => named(name, 17 + i, TYPES[i]![1].type)(w))),
    );
    const c = new ChunkWriter();
    c.record(1n, FT_2020, (w) => w.templateInstance(t, systemValues(4624, 1n, TYPES.map((x) => x[1]))));
    const items = await readItems(save(evtxFile([c.finish()])));
    expect(errorsOf(items)).toEqual([]);
    const [e] = eventsOf(items);
    expect(e).toBeDefined();
    expect(e!.time).toBe('2020-01-01T00:00:00.0000000Z');
    expect(e!.ticks).toBe(15778368000000000n);
    expect(e!.timePrecision).toBe('100ns');
    expect(e!.timeSource).toBe('SystemTime');
    expect(e!.system).toEqual({
      provider: 'Test-Provider',
      providerGuid: PROVIDER_GUID,
      eventId: 4624,
      version: 1,
      level: 4,
      task: 12544,
      opcode: 0,
      keywords: '0x8020000000000000',
      recordId: 1,
      processId: 600,
      threadId: 604,
      channel: 'Security',
      computer: 'HOST-1',
      userSid: 'S-1-5-18',
    });
    for (const [name, , expected] of TYPES) expect([name, e!.data[name]]).toEqual([name, expected]);
    expect(e!.source).toEqual({ file: e!.source.file, format: 'evtx', offset: 4096 + 512, length: e!.source.length, chunk: 0 });
    expect(e!.recovered).toBe(false);
    expect(e!.suspect).toBeUndefined();
  });

  it('reuses a template across records with their own values', async () => {
    const t = systemTemplate(0x1002, (w) => w.element('EventData', [], named('User', 17, 0x01)));
    const c = new ChunkWriter();
    c.record(7n, FT_2020, (w) => w.templateInstance(t, systemValues(4688, 7n, [V.str('alice')])));
    c.record(8n, FT_2020, (w) => w.templateInstance(t, systemValues(4689, 8n, [V.str('bob')], FT_2020 + 10n)));
    const events = eventsOf(await readItems(save(evtxFile([c.finish()]))));
    expect(events.map((e) => [e.system.recordId, e.system.eventId, e.data['User'], e.ticks - 15778368000000000n])).toEqual([
      [7, 4688, 'alice', 0n],
      [8, 4689, 'bob', 10n],
    ]);
  });

  it('repeats elements for array values and keys unnamed Data as Data1, Data2…', async () => {
    const t = systemTemplate(0x1003, (w) =>
      w.element('EventData', [], (w) => {
        w.element('Data', [], (x) => x.subst(17, 0x81));
        w.element('Data', [], (x) => x.subst(18, 0x01));
        named('Ports', 19, 0x86)(w);
        w.element('Binary', [], (x) => x.subst(20, 0x0e, true));
      }),
    );
    const c = new ChunkWriter();
    c.record(1n, FT_2020, (w) =>
      w.templateInstance(t, systemValues(7036, 1n, [V.strArray(['a', '', 'c']), V.str('d'), V.u16Array([80, 443]), V.null()])),
    );
    const path = save(evtxFile([c.finish()]));
    const [e] = eventsOf(await readItems(path));
    expect(e!.data).toEqual({ Data1: 'a', Data2: '', Data3: 'c', Data4: 'd', Ports: '80', Ports_2: '443' });
    const raw = await evtxReader.readRaw(e!.source, 100_000);
    expect(raw.text).toContain('<Data>a</Data>\n');
    expect(raw.text).toContain('<Data Name="Ports">443</Data>');
    expect(raw.text).not.toContain('<Binary');
  });

  it('reads nested BinXML (type 0x21) UserData leaves by element name, repeats suffixed', async () => {
    const inner: WTemplate = {
      id: 0x2001,
      build: (w) =>
        w.element('LogFileCleared', [['xmlns', (x) => x.text('http://manifests.microsoft.com/win/2004/08/windows/eventlog')]], (w) => {
          w.element('SubjectUserName', [], (x) => x.subst(0, 0x01));
          w.element('Item', [], (x) => x.subst(1, 0x01));
          w.element('Item', [], (x) => x.subst(2, 0x01));
        }),
    };
    const t = systemTemplate(0x1004, (w) => w.element('UserData', [], (x) => x.subst(17, 0x21)));
    const c = new ChunkWriter();
    c.record(1n, FT_2020, (w) =>
      w.templateInstance(t, systemValues(1102, 1n, [V.binxml((x) => x.templateInstance(inner, [V.str('admin'), V.str('x'), V.str('y')]))])),
    );
    const [e] = eventsOf(await readItems(save(evtxFile([c.finish()]))));
    expect(e!.data).toEqual({ SubjectUserName: 'admin', Item: 'x', Item_2: 'y' });
    const raw = await evtxReader.readRaw(e!.source, 100_000);
    expect(raw.text).toContain('    <LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog">\n');
    expect(raw.text).toContain('<SubjectUserName>admin</SubjectUserName>');
  });

  it('reads records without a template whose start elements lack the dependency id (WEC), with char/entity refs, CDATA and PIs', async () => {
    const c = new ChunkWriter();
    c.noDependencyId = true;
    c.record(5n, FT_2020, (w) =>
      w.element('Event', [], (w) => {
        w.pi('xml-stylesheet', 'href="a.xsl"');
        w.element('System', [], (w) => {
          w.element('Provider', [['Name', (x) => x.text('MSExchange CmdletLogs')]]);
          w.element('EventID', [['Qualifiers', (x) => x.text('16384')]], (x) => x.text('1'));
          w.element('TimeCreated', [['SystemTime', (x) => x.text('2021-11-22T10:00:00.1234567Z')]]);
          w.element('Channel', [], (x) => x.text('MSExchange Management'));
          w.element('Computer', [], (x) => x.text('EXCH'));
        });
        w.element('EventData', [], (w) => {
          w.element('Data', [], (x) => {
            x.text('a');
            x.entityRef('amp');
            x.text('b');
            x.charRef(0x41);
          });
          w.element('Data', [], (x) => x.cdata('<raw>'));
        });
      }),
    );
    const items = await readItems(save(evtxFile([c.finish()])));
    expect(errorsOf(items)).toEqual([]);
    const [e] = eventsOf(items);
    expect(e!.system.provider).toBe('MSExchange CmdletLogs');
    expect(e!.system.qualifiers).toBe(16384);
    expect(e!.time).toBe('2021-11-22T10:00:00.1234567Z');
    expect(e!.data).toEqual({ Data1: 'a&bA', Data2: '<raw>' });
    const raw = await evtxReader.readRaw(e!.source, 100_000);
    expect(raw.text).toContain('<Data>a&amp;b&#65;</Data>');
    expect(raw.text).toContain('<?xml-stylesheet href="a.xsl"?>');
    expect(raw.text).toContain('<EventID Qualifiers="16384">1</EventID>');
  });

  it('parses a chunk whose checksum fails and marks its events suspect', async () => {
    const t = systemTemplate(0x1005, () => undefined);
    const c = new ChunkWriter();
    c.record(1n, FT_2020, (w) => w.templateInstance(t, systemValues(1, 1n)));
    const [e] = eventsOf(await readItems(save(evtxFile([c.finish({ badRecordsChecksum: true })]))));
    expect(e!.suspect).toMatch(/chunk 0: records checksum mismatch/);
  });

  it('reports a truncated record with its offset and goes on with the next chunk', async () => {
    const t = systemTemplate(0x1006, () => undefined);
    const a = new ChunkWriter();
    const start = a.record(1n, FT_2020, (w) => w.templateInstance(t, systemValues(1, 1n)));
    a.record(2n, FT_2020, (w) => w.templateInstance(t, systemValues(2, 2n)));
    const chunkA = a.finish();
    // Cut record 1 short: its size now runs into record 2 and no longer matches its copy.
    chunkA.writeUInt32LE(chunkA.readUInt32LE(start + 4) + 8, start + 4);
    const b = new ChunkWriter();
    b.record(3n, FT_2020, (w) => w.templateInstance(t, systemValues(3, 3n)));
    const items = await readItems(save(evtxFile([chunkA, b.finish()])));
    const errors = errorsOf(items);
    expect(errors[0]?.offset).toBe(4096 + start);
    expect(errors[0]?.message).toMatch(/does not match its trailing copy/);
    expect(eventsOf(items).map((e) => e.system.recordId)).toEqual([2, 3]);
  });

  it('survives a file cut in the middle of a chunk', async () => {
    const t = systemTemplate(0x1007, () => undefined);
    const c = new ChunkWriter();
    c.record(1n, FT_2020, (w) => w.templateInstance(t, systemValues(1, 1n)));
    c.record(2n, FT_2020, (w) => w.templateInstance(t, systemValues(2, 2n)));
    const file = evtxFile([c.finish()]);
    const cut = file.subarray(0, 4096 + c.pos - 40);
    const items = await readItems(save(cut));
    expect(eventsOf(items).map((e) => e.system.recordId)).toEqual([1]);
    expect(eventsOf(items)[0]!.suspect).toMatch(/truncated/);
  });

  it('carves records from slack space and marks them recovered', async () => {
    const t = systemTemplate(0x1008, () => undefined);
    const c = new ChunkWriter();
    c.record(10n, FT_2020, (w) => w.templateInstance(t, systemValues(1, 10n)));
    c.markFree();
    c.record(4n, FT_2020, (w) => w.templateInstance(t, systemValues(2, 4n), c.templateOffset(0x1008)));
    const events = eventsOf(await readItems(save(evtxFile([c.finish()]))));
    expect(events.map((e) => [e.system.recordId, e.recovered])).toEqual([
      [10, false],
      [4, true],
    ]);
  });

  it('counts what it met in slack: copies passed over, records recovered, records it cannot read', async () => {
    const t = systemTemplate(0x100a, () => undefined);
    const gone = systemTemplate(0x100b, () => undefined);
    const first = new ChunkWriter();
    first.record(10n, FT_2020, (w) => w.templateInstance(t, systemValues(1, 10n)));
    const c = new ChunkWriter();
    c.record(11n, FT_2020, (w) => w.templateInstance(t, systemValues(1, 11n)));
    c.markFree();
    // A copy of a record read live in an earlier chunk, one not read live, and one whose
    // template definition lies where the chunk header is (overwritten, as slack's templates
    // often are).
    c.record(10n, FT_2020, (w) => w.templateInstance(t, systemValues(1, 10n), c.templateOffset(0x100a)));
    c.record(4n, FT_2020, (w) => w.templateInstance(t, systemValues(2, 4n), c.templateOffset(0x100a)));
    c.record(5n, FT_2020, (w) => w.templateInstance(gone, systemValues(3, 5n), 0x40));
    const before = { ...slackCounts };
    const items = await readItems(save(evtxFile([first.finish(), c.finish()])));
    expect(eventsOf(items).map((e) => [e.system.recordId, e.recovered])).toEqual([
      [10, false],
      [11, false],
      [4, true],
    ]);
    expect(items.filter((i) => i.kind === 'error').map((i) => i.error.message)).toEqual([expect.stringMatching(/recovered from slack.*template/)]);
    const delta = Object.fromEntries(Object.entries(slackCounts).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
    expect(delta).toEqual({ frames: 3, passedOver: 1, events: 1, failed: 1 });
  });

  it('finds chunks by magic despite a wrong header count, in record-id order (wrapped log)', async () => {
    const t = systemTemplate(0x1009, () => undefined);
    const newer = new ChunkWriter();
    newer.record(100n, FT_2020, (w) => w.templateInstance(t, systemValues(1, 100n)));
    const older = new ChunkWriter();
    older.record(50n, FT_2020, (w) => w.templateInstance(t, systemValues(1, 50n)));
    const items = await readItems(save(evtxFile([newer.finish(), older.finish()], { chunkCount: 1, dirty: true })));
    expect(eventsOf(items).map((e) => [e.system.recordId, e.source.chunk])).toEqual([
      [50, 1],
      [100, 0],
    ]);
  });

  it('lists chunks by first record id (ties in file order, ids past 2^53 exact), then those without a magic', async () => {
    // Only the first 40 bytes of each 64 KiB chunk are read: magic, first and last record id.
    const ids = [2n ** 60n + 5n, null, 7n, 2n ** 60n + 4n, 7n];
    const file = Buffer.alloc(4096 + ids.length * 0x10000);
    ids.forEach((id, i) => {
      const at = 4096 + i * 0x10000;
      if (id === null) return;
      file.write('ElfChnk\0', at, 'latin1');
      file.writeBigUInt64LE(id, at + 24);
      file.writeBigUInt64LE(id + 1n, at + 32);
    });
    const fh = await open(save(file), 'r');
    try {
      const slots = await listChunks(fh, file.length);
      expect(slots.map((s) => [s.index, s.magic, s.firstRecordId, s.lastRecordId])).toEqual([
        [2, true, 7n, 8n],
        [4, true, 7n, 8n],
        [3, true, 2n ** 60n + 4n, 2n ** 60n + 5n],
        [0, true, 2n ** 60n + 5n, 2n ** 60n + 6n],
        [1, false, 0n, 0n],
      ]);
    } finally {
      await fh.close();
    }
  });

  it('reports a self-referencing template instead of looping', async () => {
    const c = new ChunkWriter();
    let self = 0;
    const t: WTemplate = {
      id: 0x3001,
      build: (w) => w.element('Event', [], (x) => x.templateInstance(t, [], self)),
    };
    c.record(1n, FT_2020, (w) => {
      self = w.pos + 10;
      w.templateInstance(t, []);
    });
    const items = await readItems(save(evtxFile([c.finish()])));
    expect(eventsOf(items)).toEqual([]);
    expect(errorsOf(items)[0]?.message).toMatch(/refers to itself/);
  });

  it('reports records without an EventID and keeps reading', async () => {
    const c = new ChunkWriter();
    c.record(1n, FT_2020, (w) => w.element('Event', [], (x) => x.element('System')));
    const t = systemTemplate(0x100a, () => undefined);
    c.record(2n, FT_2020, (w) => w.templateInstance(t, systemValues(9, 2n)));
    const items = await readItems(save(evtxFile([c.finish()])));
    expect(errorsOf(items).map((e) => e.message)).toEqual([expect.stringMatching(/record 1: the record has no EventID/)]);
    expect(eventsOf(items).map((e) => e.system.eventId)).toEqual([9]);
  });

  it('stops promptly when aborted', async () => {
    const t = systemTemplate(0x100b, () => undefined);
    const chunks = [1, 2, 3].map((k) => {
      const c = new ChunkWriter();
      c.record(BigInt(k), FT_2020, (w) => w.templateInstance(t, systemValues(1, BigInt(k))));
      return c.finish();
    });
    const controller = new AbortController();
    const seen: ReadItem[] = [];
    for await (const batch of evtxReader.read(save(evtxFile(chunks)), { signal: controller.signal, batchSize: 1 })) {
      seen.push(...batch);
      controller.abort();
    }
    expect(seen.length).toBe(1);
  });
});

describe('readEvtxPooled', () => {
  it('yields the same items as the single-threaded reader, in the same order', async () => {
    const { readEvtxPooled } = await import('./pool.js');
    const t = systemTemplate(0x100c, (w) => w.element('EventData', [], named('N', 17, 0x08)));
    const chunks = Array.from({ length: 5 }, (_, k) => {
      const c = new ChunkWriter();
      for (let r = 0; r < 3; r++) {
        const id = BigInt(k * 3 + r + 1);
        c.record(id, FT_2020, (w) => w.templateInstance(t, systemValues(4000 + r, id, [V.u32(k * 10 + r)])));
      }
      return c.finish({ badRecordsChecksum: k === 2 });
    });
    const path = save(evtxFile(chunks.reverse()));
    const pooled: ReadItem[] = [];
    for await (const batch of readEvtxPooled(path, { workers: 2, minChunks: 1 })) pooled.push(...batch);
    const inline = await readItems(path);
    expect(eventsOf(pooled).map((e) => e.system.recordId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(pooled).toEqual(inline);
  });
});
