// Test support: writes small EVTX files token by token, so unit tests can cover every token,
// value type and damage the reader must handle without depending on real evidence.
import { nameHash } from '../binxml-tokens.js';
import { crc32 } from '../crc32.js';

export interface WValue {
  readonly type: number;
  /** Writes the value's bytes at w.pos (nested BinXML needs its real chunk position). */
  readonly write: (w: ChunkWriter) => void;
}

export interface WTemplate {
  readonly id: number;
  readonly build: (w: ChunkWriter) => void;
}

export type WAttr = readonly [name: string, content: (w: ChunkWriter) => void];

const bytes = (type: number, b: Buffer): WValue => ({ type, write: (w) => w.raw(b) });

/** Value constructors for substitutions. */
export const V = {
  null: (): WValue => bytes(0x00, Buffer.alloc(0)),
  str: (s: string): WValue => bytes(0x01, Buffer.from(s, 'utf16le')),
  ansi: (s: string): WValue => bytes(0x02, Buffer.from(s + '\0', 'latin1')),
  i8: (n: number): WValue => { const b = Buffer.alloc(1); b.writeInt8(n); return bytes(0x03, b); },
  u8: (n: number): WValue => bytes(0x04, Buffer.from([n])),
  i16: (n: number): WValue => { const b = Buffer.alloc(2); b.writeInt16LE(n); return bytes(0x05, b); },
  u16: (n: number): WValue => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return bytes(0x06, b); },
  i32: (n: number): WValue => { const b = Buffer.alloc(4); b.writeInt32LE(n); return bytes(0x07, b); },
  u32: (n: number): WValue => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return bytes(0x08, b); },
  i64: (n: bigint): WValue => { const b = Buffer.alloc(8); b.writeBigInt64LE(n); return bytes(0x09, b); },
  u64: (n: bigint): WValue => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return bytes(0x0a, b); },
  f32: (n: number): WValue => { const b = Buffer.alloc(4); b.writeFloatLE(n); return bytes(0x0b, b); },
  f64: (n: number): WValue => { const b = Buffer.alloc(8); b.writeDoubleLE(n); return bytes(0x0c, b); },
  bool: (v: boolean): WValue => { const b = Buffer.alloc(4); b.writeUInt32LE(v ? 1 : 0); return bytes(0x0d, b); },
  binary: (b: Buffer): WValue => bytes(0x0e, b),
  /** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` to its mixed-endian bytes. */
  guid: (text: string): WValue => bytes(0x0f, guidBytes(text)),
  sizeT: (n: bigint): WValue => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return bytes(0x10, b); },
  filetime: (ft: bigint): WValue => { const b = Buffer.alloc(8); b.writeBigUInt64LE(ft); return bytes(0x11, b); },
  systemtime: (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): WValue => {
    const b = Buffer.alloc(16);
    [y, mo, 0, d, h, mi, s, ms].forEach((v, i) => b.writeUInt16LE(v, i * 2));
    return bytes(0x12, b);
  },
  sid: (text: string): WValue => bytes(0x13, sidBytes(text)),
  hex32: (n: number): WValue => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return bytes(0x14, b); },
  hex64: (n: bigint): WValue => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return bytes(0x15, b); },
  strArray: (items: readonly string[]): WValue => bytes(0x81, Buffer.from(items.map((s) => s + '\0').join(''), 'utf16le')),
  u16Array: (items: readonly number[]): WValue => {
    const b = Buffer.alloc(items.length * 2);
    items.forEach((v, i) => b.writeUInt16LE(v, i * 2));
    return bytes(0x86, b);
  },
  binxml: (build: (w: ChunkWriter) => void): WValue => ({
    type: 0x21,
    write: (w) => {
      w.fragmentHeader();
      build(w);
      w.eof();
    },
  }),
  raw: (type: number, b: Buffer): WValue => bytes(type, b),
};

export function guidBytes(text: string): Buffer {
  const h = text.replace(/[{}-]/g, '');
  const b = Buffer.alloc(16);
  b.writeUInt32LE(parseInt(h.slice(0, 8), 16), 0);
  b.writeUInt16LE(parseInt(h.slice(8, 12), 16), 4);
  b.writeUInt16LE(parseInt(h.slice(12, 16), 16), 6);
  Buffer.from(h.slice(16), 'hex').copy(b, 8);
  return b;
}

export function sidBytes(text: string): Buffer {
  const parts = text.split('-').slice(1).map(Number);
  const [rev, auth, ...subs] = parts as [number, number, ...number[]];
  const b = Buffer.alloc(8 + subs.length * 4);
  b[0] = rev;
  b[1] = subs.length;
  b.writeUIntBE(auth, 2, 6);
  subs.forEach((s, i) => b.writeUInt32LE(s, 8 + i * 4));
  return b;
}

export const CHUNK = 0x10000;

/** One 64 KiB chunk being written; methods write tokens at `pos`. */
export class ChunkWriter {
  readonly buf = Buffer.alloc(CHUNK);
  pos = 512;
  private readonly names = new Map<string, number>();
  private readonly templates = new Map<number, number>();
  private readonly ids: bigint[] = [];
  private lastRecord = 0;
  private free: number | null = null;
  /** Omit the dependency id of start elements (WEC-forwarded records). */
  noDependencyId = false;

  raw(b: Buffer): void {
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
  u8(n: number): void { this.buf[this.pos++] = n; }
  u16(n: number): void { this.buf.writeUInt16LE(n, this.pos); this.pos += 2; }
  u32(n: number): void { this.buf.writeUInt32LE(n >>> 0, this.pos); this.pos += 4; }
  u64(n: bigint): void { this.buf.writeBigUInt64LE(n, this.pos); this.pos += 8; }

  name(s: string): void {
    const known = this.names.get(s);
    if (known !== undefined) return this.u32(known);
    this.u32(this.pos + 4);
    this.defineName(s);
  }

  /**
   * Writes a name structure at `pos` (next-name offset, hash, length, characters, NUL) and
   * returns its offset; names written later refer to it rather than defining it inline.
   */
  defineName(s: string): number {
    const off = this.pos;
    this.names.set(s, off);
    const chars = Buffer.from(s, 'utf16le');
    this.u32(0);
    this.u16(nameHash(chars, 0, chars.length));
    this.u16(s.length);
    this.raw(chars);
    this.u16(0);
    return off;
  }

  fragmentHeader(): void { this.raw(Buffer.from([0x0f, 0x01, 0x01, 0x00])); }
  eof(): void { this.u8(0x00); }

  element(name: string, attrs: readonly WAttr[] = [], children?: (w: ChunkWriter) => void): void {
    this.u8(attrs.length > 0 ? 0x41 : 0x01);
    if (!this.noDependencyId) this.u16(0xffff);
    const sizeAt = this.pos;
    this.u32(0);
    this.name(name);
    let listAt = -1;
    if (attrs.length > 0) {
      listAt = this.pos;
      this.u32(0);
    }
    attrs.forEach(([attrName, content], i) => {
      this.u8(i < attrs.length - 1 ? 0x46 : 0x06);
      this.name(attrName);
      content(this);
    });
    if (listAt >= 0) this.buf.writeUInt32LE(this.pos - listAt - 4, listAt);
    if (children) {
      this.u8(0x02);
      children(this);
      this.u8(0x04);
    } else this.u8(0x03);
    this.buf.writeUInt32LE(this.pos - sizeAt - 4, sizeAt);
  }

  text(s: string): void {
    this.u8(0x05);
    this.u8(0x01);
    this.u16(s.length);
    this.raw(Buffer.from(s, 'utf16le'));
  }
  subst(index: number, type: number, optional = false): void {
    this.u8(optional ? 0x0e : 0x0d);
    this.u16(index);
    this.u8(type);
  }
  charRef(code: number): void { this.u8(0x08); this.u16(code); }
  entityRef(name: string): void { this.u8(0x49); this.name(name); }
  cdata(s: string): void { this.u8(0x07); this.u16(s.length); this.raw(Buffer.from(s, 'utf16le')); }
  pi(target: string, data: string): void {
    this.u8(0x0a);
    this.name(target);
    this.u8(0x0b);
    this.u16(data.length);
    this.raw(Buffer.from(data, 'utf16le'));
  }

  /** A template instance; the definition is written inline the first time in this chunk. */
  templateInstance(t: WTemplate, values: readonly WValue[], definitionOffset?: number): void {
    this.u8(0x0c);
    this.u8(0x01);
    this.u32(t.id);
    const known = definitionOffset ?? this.templates.get(t.id);
    if (known !== undefined) this.u32(known);
    else {
      const off = this.pos + 4;
      this.u32(off);
      this.templates.set(t.id, off);
      this.u32(0);
      const guid = Buffer.alloc(16, 0xab);
      guid.writeUInt32LE(t.id >>> 0, 0);
      this.raw(guid);
      const sizeAt = this.pos;
      this.u32(0);
      this.fragmentHeader();
      t.build(this);
      this.eof();
      this.buf.writeUInt32LE(this.pos - sizeAt - 4, sizeAt);
    }
    this.u32(values.length);
    const descAt = this.pos;
    for (const v of values) {
      this.u16(0);
      this.u8(v.type);
      this.u8(0);
    }
    values.forEach((v, i) => {
      const start = this.pos;
      v.write(this);
      this.buf.writeUInt16LE(this.pos - start, descAt + i * 4);
    });
  }

  /** Where the template with this id was defined in this chunk. */
  templateOffset(id: number): number | undefined {
    return this.templates.get(id);
  }

  /** A record whose BinXML `body` writes (fragment header and end-of-stream are added). */
  record(id: bigint, written: bigint, body: (w: ChunkWriter) => void): number {
    const start = this.pos;
    this.u32(0x00002a2a);
    this.u32(0);
    this.u64(id);
    this.u64(written);
    this.fragmentHeader();
    body(this);
    this.eof();
    while ((this.pos - start + 4) % 8 !== 0) this.u8(0);
    this.u32(this.pos - start + 4);
    this.buf.writeUInt32LE(this.pos - start, start + 4);
    if (this.free === null) {
      this.ids.push(id);
      this.lastRecord = start;
    }
    return start;
  }

  /** Records written after this call lie in slack space, past the free-space offset. */
  markFree(): void {
    this.free = this.pos;
  }

  finish(options: { readonly badRecordsChecksum?: boolean } = {}): Buffer {
    const b = this.buf;
    const free = this.free ?? this.pos;
    b.write('ElfChnk\0', 0, 'latin1');
    const first = this.ids[0] ?? 0n;
    const last = this.ids[this.ids.length - 1] ?? 0n;
    b.writeBigUInt64LE(first, 8);
    b.writeBigUInt64LE(last, 16);
    b.writeBigUInt64LE(first, 24);
    b.writeBigUInt64LE(last, 32);
    b.writeUInt32LE(128, 40);
    b.writeUInt32LE(this.lastRecord, 44);
    b.writeUInt32LE(free, 48);
    const recordsCrc = crc32(b, 512, free);
    b.writeUInt32LE(options.badRecordsChecksum ? (recordsCrc ^ 1) >>> 0 : recordsCrc, 52);
    b.writeUInt32LE(crc32(b, 128, 512, crc32(b, 0, 120)), 124);
    return b;
  }
}

/** Assembles a file: header then chunks. `chunkCount` can be given wrong on purpose. */
export function evtxFile(chunks: readonly Buffer[], options: { readonly chunkCount?: number; readonly dirty?: boolean } = {}): Buffer {
  const h = Buffer.alloc(4096);
  h.write('ElfFile\0', 0, 'latin1');
  h.writeBigUInt64LE(0n, 8);
  h.writeBigUInt64LE(BigInt(Math.max(0, chunks.length - 1)), 16);
  h.writeUInt32LE(128, 32);
  h.writeUInt16LE(1, 36);
  h.writeUInt16LE(3, 38);
  h.writeUInt16LE(4096, 40);
  h.writeUInt16LE(options.chunkCount ?? chunks.length, 42);
  h.writeUInt32LE(options.dirty ? 1 : 0, 120);
  h.writeUInt32LE(crc32(h, 0, 120), 124);
  return Buffer.concat([h, ...chunks]);
}
