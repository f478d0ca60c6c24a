// The compiled-template fast path (compiled.ts) against the general parser, the template cache
// shared by a file's chunks, the value renderers' number fast paths, the file-header notes and
// the `<Element>.<Attr>` keys of UserData leaves.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent, ReadItem } from '../../../shared/events.js';
import { SHARED_DIR, SHARED_MISSING_REASON, sharedAvailable } from '../testing/shared-data.js';
import { newTemplateCache, type Template } from './binxml-tokens.js';
import { CHUNK_SIZE, hasChunkMagic } from './chunk.js';
import { readChunk, type ChunkInput } from './chunk-reader.js';
import { pathCounts, setFastPath } from './compiled.js';
import { ChunkCollector, IdIntervals, evtxReader } from './evtx-reader.js';
import { ChunkWriter, V, evtxFile, type WTemplate, type WValue } from './testing/evtx-writer.js';
import { guidText, scalarText, u16At, u32At, VT } from './values.js';

const dir = mkdtempSync(join(tmpdir(), 'chainline-evtx-fast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function save(buf: Buffer): string {
  const p = join(dir, `f${n++}.evtx`);
  writeFileSync(p, buf);
  return p;
}
async function readItems(path: string): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const batch of evtxReader.read(path)) items.push(...batch);
  return items;
}
const eventsOf = (items: ReadItem[]): NormalizedEvent[] => items.flatMap((i) => (i.kind === 'event' ? [i.event] : []));

/** Runs `f` with the fast path on, then off; returns both results. */
function bothPaths<T>(f: (fastPath: boolean) => T): { fast: T; general: T } {
  const fast = f(true);
  setFastPath(false);
  try {
    return { fast, general: f(false) };
  } finally {
    setFastPath(true);
  }
}

const FT_2020 = 132223104000000000n;

/** A minimal System section (EventID, TimeCreated, EventRecordID) then `rest`. */
function template(id: number, rest: (w: ChunkWriter) => void): WTemplate {
  return {
    id,
    build: (w) =>
      w.element('Event', [], (w) => {
        w.element('System', [], (w) => {
          w.element('Provider', [['Name', (x) => x.subst(0, 0x01)]]);
          w.element('EventID', [], (x) => x.subst(1, 0x06));
          w.element('TimeCreated', [['SystemTime', (x) => x.subst(2, 0x11)]]);
          w.element('EventRecordID', [], (x) => x.subst(3, 0x0a));
        });
        rest(w);
      }),
  };
}
const head = (eventId: number, recordId: bigint): WValue[] => [V.str('P'), V.u16(eventId), V.filetime(FT_2020), V.u64(recordId)];

describe('UserData leaf attributes', () => {
  const t = template(0x2001, (w) =>
    w.element('UserData', [], (w) =>
      w.element('CertVerify', [['xmlns', (x) => x.text('http://schemas.microsoft.com/win/2004/08/events')]], (w) => {
        w.element('EventAuxInfo', [['ProcessName', (x) => x.subst(4, 0x01)]]);
        w.element('Result', [['value', (x) => x.subst(5, 0x08)]], (x) => x.subst(6, 0x01));
        w.element('Opt', [['A', (x) => x.subst(7, 0x01, true)], ['xmlns:x', (x) => x.text('urn:x')]]);
        w.element('Result', [['value', (x) => x.text('1')]], (x) => x.text('again'));
      }),
    ),
  );

  it('keys them <Element>.<Attr>, before the element text, without namespace declarations or null values', async () => {
    const c = new ChunkWriter();
    c.record(1n, FT_2020, (w) => w.templateInstance(t, [...head(90, 1n), V.str('setup.exe'), V.u32(0), V.str('ok'), V.null()]));
    const path = save(evtxFile([c.finish()]));
    const { fast, general } = await (async () => {
      const f = await readItems(path);
      setFastPath(false);
      try {
        return { fast: f, general: await readItems(path) };
      } finally {
        setFastPath(true);
      }
    })();
    expect(fast).toEqual(general);
    const [e] = eventsOf(fast);
    expect(Object.entries(e!.data)).toEqual([
      ['EventAuxInfo.ProcessName', 'setup.exe'],
      ['EventAuxInfo', ''],
      ['Result.value', '0'],
      ['Result', 'ok'],
      ['Opt', ''],
      ['Result.value_2', '1'],
      ['Result_2', 'again'],
    ]);
  });
});

describe('EventData keys stored without a look for duplicates', () => {
  // Data Name="A" and Name="A_2" are unique in their template (stored directly); what comes
  // through an array, a nested template instance or a second run of that template is not,
  // and must get addKey's numbering as the general parser gives it.
  const inner: WTemplate = {
    id: 0x2011,
    // Walked as UserData: leaves keyed by their element names.
    build: (w) => {
      w.element('A_2', [], (x) => x.subst(0, 0x01));
      w.element('B', [], (x) => x.subst(1, 0x01));
    },
  };
  const t = template(0x2010, (w) =>
    w.element('EventData', [], (w) => {
      w.element('Data', [['Name', (x) => x.text('A')]], (x) => x.subst(4, 0x01));
      w.element('Data', [['Name', (x) => x.text('Nested')]], (x) => x.subst(5, 0x21));
      w.element('Data', [['Name', (x) => x.text('A_2')]], (x) => x.subst(6, 0x01));
      w.element('Data', [['Name', (x) => x.text('B')]], (x) => x.subst(7, 0x81));
      w.element('Data', [['Name', (x) => x.text('C')]], (x) => x.subst(8, 0x01));
    }),
  );
  const nested = (a: string, b: string): WValue => V.binxml((w) => w.templateInstance(inner, [V.str(a), V.str(b)]));

  it('keys them as the general parser does, whatever comes before', async () => {
    const c = new ChunkWriter();
    // 1: all plain. 2: a nested instance adds A and B first. 3: the array adds B, B_2 before C.
    c.record(1n, FT_2020, (w) => w.templateInstance(t, [...head(7, 1n), V.str('a'), V.null(), V.str('a2'), V.str('b'), V.str('c')]));
    c.record(2n, FT_2020, (w) => w.templateInstance(t, [...head(7, 2n), V.str('a'), nested('x', 'y'), V.str('a2'), V.str('b'), V.str('c')]));
    c.record(3n, FT_2020, (w) => w.templateInstance(t, [...head(7, 3n), V.str('a'), V.null(), V.str('a2'), V.strArray(['b1', 'b2']), V.str('c')]));
    const path = save(evtxFile([c.finish()]));
    const fast = await readItems(path);
    setFastPath(false);
    let general: ReadItem[];
    try {
      general = await readItems(path);
    } finally {
      setFastPath(true);
    }
    expect(fast).toEqual(general);
    const [e1, e2, e3] = eventsOf(fast);
    expect(Object.entries(e1!.data)).toEqual([['A', 'a'], ['Nested', ''], ['A_2', 'a2'], ['B', 'b'], ['C', 'c']]);
    expect(Object.entries(e2!.data)).toEqual([['A', 'a'], ['A_2', 'x'], ['B', 'y'], ['A_2_2', 'a2'], ['B_2', 'b'], ['C', 'c']]);
    expect(Object.entries(e3!.data)).toEqual([['A', 'a'], ['Nested', ''], ['A_2', 'a2'], ['B', 'b1'], ['B_2', 'b2'], ['C', 'c']]);
  });
});

describe('file header notes', () => {
  const t = template(0x2002, () => undefined);
  const chunk = (id: bigint): Buffer => {
    const c = new ChunkWriter();
    c.record(id, FT_2020, (w) => w.templateInstance(t, head(1, id)));
    return c.finish();
  };

  it('notes a dirty flag and a wrong chunk count, one error item each at offset 0, and reads on', async () => {
    const items = await readItems(save(evtxFile([chunk(1n), chunk(2n), chunk(3n)], { chunkCount: 1, dirty: true })));
    const notes = items.filter((i) => i.kind === 'error').map((i) => (i.kind === 'error' ? i.error : null));
    expect(notes.map((e) => [e!.offset, e!.message])).toEqual([
      [0, expect.stringMatching(/^file header: dirty flag set/)],
      [0, 'file header: chunk count says 1 but 3 chunks found'],
    ]);
    expect(eventsOf(items).map((e) => e.system.recordId)).toEqual([1, 2, 3]);
  });

  it('notes a header checksum mismatch', async () => {
    const file = evtxFile([chunk(1n)]);
    file.writeUInt32LE((file.readUInt32LE(124) ^ 1) >>> 0, 124);
    const items = await readItems(save(file));
    expect(items.filter((i) => i.kind === 'error')).toEqual([
      { kind: 'error', error: { file: expect.any(String), offset: 0, message: 'file header: checksum mismatch; the header is not trusted' } },
    ]);
    expect(eventsOf(items)).toHaveLength(1);
  });

  it('says nothing about a clean header', async () => {
    const items = await readItems(save(evtxFile([chunk(1n)])));
    expect(items.filter((i) => i.kind === 'error')).toEqual([]);
  });
});

describe('templates shared by the chunks of a file', () => {
  const data = (name: string): WTemplate =>
    template(0x2003, (w) => w.element('EventData', [], (w) => w.element('Data', [['Name', (x) => x.text(name)]], (x) => x.subst(4, 0x01))));
  /** A chunk whose template definition sits further in when `pad` records come first. */
  const chunk = (t: WTemplate, first: bigint, pad: number): Buffer => {
    const c = new ChunkWriter();
    const other = template(0x2004, () => undefined);
    for (let i = 0; i < pad; i++) c.record(first + BigInt(i), FT_2020, (w) => w.templateInstance(other, head(2, first + BigInt(i))));
    c.record(first + BigInt(pad), FT_2020, (w) => w.templateInstance(t, [...head(1, first + BigInt(pad)), V.str('v')]));
    return c.finish();
  };
  const run = (chunks: Buffer[], shared: boolean): { items: ReadItem[]; hits: number } => {
    const templates = newTemplateCache();
    const byId = new Map<number, Template>();
    const items: ReadItem[] = [];
    chunks.forEach((buf, index) => {
      const input: ChunkInput = { file: 'x.evtx', buf, index, fileOffset: 4096 + index * CHUNK_SIZE, templatesById: byId, ...(shared ? { templates } : {}) };
      items.push(...readChunk(input).items);
    });
    return { items, hits: templates.hits };
  };

  it('reuses a template defined at another offset in another chunk, with the same result', () => {
    const chunks = [chunk(data('Alpha'), 1n, 1), chunk(data('Alpha'), 10n, 3)];
    const withCache = run(chunks, true);
    expect(withCache.hits).toBeGreaterThan(0);
    expect(withCache.items).toEqual(run(chunks, false).items);
  });

  it('does not reuse a template of the same GUID and size whose names differ', () => {
    const chunks = [chunk(data('Alpha'), 1n, 1), chunk(data('Bravo'), 10n, 3)];
    const { items } = run(chunks, true);
    const keys = eventsOf(items).filter((e) => e.system.eventId === 1).map((e) => Object.keys(e.data));
    expect(keys).toEqual([['Alpha'], ['Bravo']]);
  });
});

describe('carved copies of records already read', () => {
  const t = template(0x2101, (w) => w.element('EventData', [], (w) => w.element('Data', [['Name', (x) => x.text('V')]], (x) => x.subst(4, 0x01))));
  const rec = (c: ChunkWriter, id: bigint, value: string, withEventId = true): void => {
    const values = withEventId ? head(1, id) : [V.str('P'), V.null(), V.filetime(FT_2020), V.u64(id)];
    c.record(id, FT_2020, (w) => w.templateInstance(t, [...values, V.str(value)], c.templateOffset(0x2101)));
  };
  /** Slack holding copies of live records (older values), a record never seen live, one twice, two without an event id. */
  const chunks = (): Buffer[] => {
    const a = new ChunkWriter();
    rec(a, 1n, 'live 1');
    rec(a, 2n, 'live 2');
    a.markFree();
    rec(a, 1n, 'old 1');
    rec(a, 7n, 'only in slack');
    rec(a, 7n, 'only in slack');
    rec(a, 9n, 'later live');
    const b = new ChunkWriter();
    rec(b, 9n, 'live 9');
    b.markFree();
    rec(b, 2n, 'old 2');
    rec(b, 7n, 'only in slack');
    rec(b, 8n, 'no event id', false);
    rec(b, 1n, 'old 1, no event id', false);
    return [a.finish(), b.finish()];
  };
  const read = (passOver: boolean): { items: ReadItem[]; passed: number } => {
    const collector = new ChunkCollector();
    const templatesById = new Map<number, Template>();
    const templates = newTemplateCache();
    let passed = 0;
    const dropsCarved = (id: number, ticks: bigint): boolean => {
      const drop = collector.dropsCarved(id, ticks);
      if (drop) passed++;
      return drop;
    };
    const items: ReadItem[] = [];
    chunks().forEach((buf, index) => {
      const input: ChunkInput = { file: 'x.evtx', buf, index, fileOffset: 4096 + index * CHUNK_SIZE, templatesById, templates, ...(passOver ? { dropsCarved } : {}) };
      items.push(...collector.take(readChunk(input)));
    });
    items.push(...collector.finish());
    return { items, passed };
  };

  it('are passed over after their System section, with the same items as when they are read in full', () => {
    const fast = read(true);
    const full = read(false);
    // 2 (seen live in chunk 0) and the second 7 in chunk 1 (carved before in chunk 0).
    expect(fast.passed).toBe(2);
    expect(fast.items).toEqual(full.items);
    expect(eventsOf(fast.items).map((e) => [e.system.recordId, e.recovered, e.data['V']])).toEqual([
      [1, false, 'live 1'],
      [2, false, 'live 2'],
      [9, false, 'live 9'],
      [7, true, 'only in slack'],
    ]);
    // Plain objects with only their own keys (the constructors are sized by assignments never run).
    for (const e of eventsOf(fast.items)) {
      expect(Object.getPrototypeOf(e.data)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(e.system)).toBe(Object.prototype);
      expect(Object.keys(e.data)).toEqual(['V']);
    }
    expect(fast.items.filter((i) => i.kind === 'error').map((i) => (i.kind === 'error' ? i.error.message : ''))).toEqual([
      // The copy of record 1 without an event id is an error, not passed over.
      expect.stringMatching(/chunk 1 record 8 \(recovered from slack\): the record has no EventID \(and 1 more in this chunk's slack\)/),
    ]);
  });
});

describe('live record ids as intervals', () => {
  it('answers like a set for runs, repeats and ids out of order', () => {
    const ids = new IdIntervals();
    const set = new Set<number>();
    let x = 7;
    const next = (): number => (x = (x * 1103515245 + 12345) % 2147483648);
    const add = (id: number): void => {
      ids.add(id);
      set.add(id);
    };
    for (let i = 1000; i < 50_000; i++) add(i);
    for (let i = 0; i < 20_000; i++) add(next() % 200_000);
    for (let i = 60_000; i < 61_000; i++) add(i);
    for (let i = 0; i < 10_000; i++) add(next() % 100);
    for (let probe = 0; probe < 210_000; probe++) expect(ids.has(probe)).toBe(set.has(probe));
  });
});

describe('value rendering', () => {
  const u64s = [0n, 1n, 0xffffffffn, 0x100000000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 0x8020000000000000n, 2n ** 64n - 1n];
  const i64s = [0n, -1n, -(2n ** 31n), -(2n ** 32n), -(2n ** 53n) + 1n, -(2n ** 53n), -(2n ** 63n), 2n ** 63n - 1n];
  const b = Buffer.alloc(8);

  it('renders 64-bit integers like their bigint', () => {
    for (const v of u64s) {
      b.writeBigUInt64LE(v);
      expect(scalarText(b, 0, 8, VT.UInt64)).toBe(v.toString());
      expect(scalarText(b, 0, 8, VT.HexInt64)).toBe('0x' + v.toString(16));
      expect(scalarText(b, 0, 8, VT.SizeT)).toBe('0x' + v.toString(16));
    }
    for (const v of i64s) {
      b.writeBigInt64LE(v);
      expect(scalarText(b, 0, 8, VT.Int64)).toBe(v.toString());
    }
  });

  it('reads little-endian words as Buffer does, signed and unsigned', () => {
    const b = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x7f, 0x01, 0x02, 0x03, 0x80, 0xff, 0xff, 0x7f]);
    for (let p = 0; p + 4 <= b.length; p++) expect(u32At(b, p)).toBe(b.readUInt32LE(p));
    for (let p = 0; p + 2 <= b.length; p++) expect(u16At(b, p)).toBe(b.readUInt16LE(p));
    for (let p = 0; p + 4 <= b.length; p++) {
      expect(scalarText(b, p, 1, VT.Int8)).toBe(String(b.readInt8(p)));
      expect(scalarText(b, p, 2, VT.Int16)).toBe(String(b.readInt16LE(p)));
      expect(scalarText(b, p, 4, VT.Int32)).toBe(String(b.readInt32LE(p)));
      expect(scalarText(b, p, 4, VT.UInt32)).toBe(String(b.readUInt32LE(p)));
      expect(scalarText(b, p, 4, VT.HexInt32)).toBe('0x' + b.readUInt32LE(p).toString(16));
    }
  });

  it('renders GUIDs as Windows does', () => {
    const g = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(guidText(g, 0)).toBe('{33221100-5544-7766-8899-AABBCCDDEEFF}');
  });

  it('drops only trailing NUL characters of strings', () => {
    const s = Buffer.from('a\0b\0\0', 'utf16le');
    expect(scalarText(s, 0, s.length, VT.String)).toBe('a\0b');
    expect(scalarText(s, 0, s.length - 1, VT.String)).toBe('a\0b');
    expect(scalarText(Buffer.from('\0\0', 'utf16le'), 0, 4, VT.String)).toBe('');
  });

  it('renders SIDs from its cache exactly as it renders them anew, whatever shares a slot', () => {
    let x = 777;
    const rnd = (n: number): number => Math.floor(((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32) * n);
    const sids = Array.from({ length: 3000 }, () => {
      const count = rnd(16);
      const b = Buffer.alloc(8 + count * 4);
      b[0] = 1;
      b[1] = count;
      b.writeUIntBE(rnd(2) === 0 ? 5 : rnd(2 ** 31) * 2 ** 16 + rnd(2 ** 16), 2, 6);
      for (let i = 0; i < count; i++) b.writeUInt32LE((rnd(2 ** 16) * 2 ** 16 + rnd(2 ** 16)) >>> 0, 8 + i * 4);
      let text = `S-1-${b.readUIntBE(2, 6)}`;
      for (let i = 0; i < count; i++) text += `-${b.readUInt32LE(8 + i * 4)}`;
      return { b, text };
    });
    for (let i = 0; i < 20_000; i++) {
      const { b, text } = sids[rnd(sids.length)]!;
      const pad = rnd(4);
      const at = Buffer.alloc(pad + b.length);
      b.copy(at, pad);
      expect(scalarText(at, pad, b.length, VT.Sid)).toBe(text);
    }
  });

  it('decodes short strings from its cache exactly as Buffer does, whatever shares a slot', () => {
    // Many distinct short strings (more than the cache has slots, so slots are shared and
    // overwritten), each met several times, at different offsets, in buffers that change.
    let x = 12345;
    const rnd = (n: number): number => Math.floor(((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32) * n);
    const alphabet = ['a', 'b', 'Z', '0', '\\', ' ', 'é', '한', '\u0000', '\ud800', '$'];
    const words = Array.from({ length: 6000 }, () => Array.from({ length: 1 + rnd(40) }, () => alphabet[rnd(alphabet.length)]).join(''));
    for (let i = 0; i < 30_000; i++) {
      const w = words[rnd(words.length)]!;
      const pad = rnd(5) * 2;
      const b = Buffer.alloc(pad + w.length * 2 + 4);
      b.write(w, pad, 'utf16le');
      const expected = Buffer.from(w, 'utf16le').toString('utf16le').replace(/\0+$/, '');
      expect(scalarText(b, pad, w.length * 2 + 4, VT.String)).toBe(expected);
    }
  });
});

const corpus = join(SHARED_DIR, 'corpus', 'evtx');
const available = sharedAvailable();
if (!available) console.warn(`EVTX fast-path corpus comparison skipped: ${SHARED_MISSING_REASON}`);

function listEvtx(d: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) out.push(...listEvtx(p));
    else if (e.name.endsWith('.evtx')) out.push(p);
  }
  return out.sort();
}

describe.skipIf(!available)('fast path on the corpus (../shared/corpus)', () => {
  it('yields exactly what the general parser yields, for most records', () => {
    let fast = 0;
    let slow = 0;
    let chunks = 0;
    for (const file of listEvtx(corpus)) {
      const buf = readFileSync(file);
      for (let off = 4096; off < buf.length; off += CHUNK_SIZE) {
        const chunk = buf.subarray(off, Math.min(off + CHUNK_SIZE, buf.length));
        if (!hasChunkMagic(chunk)) continue;
        chunks++;
        const input = (): ChunkInput => ({ file, buf: chunk, index: chunks, fileOffset: off });
        const results = bothPaths((fastPath) => {
          const before = { ...pathCounts };
          const result = readChunk(input());
          if (fastPath) {
            fast += pathCounts.fast - before.fast;
            slow += pathCounts.general - before.general;
          }
          return result;
        });
        expect(results.fast, `${file} chunk at 0x${off.toString(16)}`).toEqual(results.general);
      }
    }
    expect(chunks).toBeGreaterThan(300);
    // Left to the general path: the odd shape (BinXML values that are not a template
    // instance, tokens after the template instance).
    expect(fast / (fast + slow)).toBeGreaterThan(0.95);
  }, 300_000);
});
