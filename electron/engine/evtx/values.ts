// BinXML value types (MS-EVEN6 2.2.18 / libyal "value types") and how Windows renders them as
// text: hex as `0x3e7`, GUIDs `{…}` upper-case, SIDs `S-1-5-18`, times ISO with 7 digits,
// binary as upper-case hex.
import { filetimeToTicks, ticksToIso } from '../../../shared/time.js';
import type { Cursor } from './cursor.js';

export const VT = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SysTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  ArrayFlag: 0x80,
} as const;

/** Fixed element sizes of the scalar types (0 = variable). */
const FIXED_SIZE: Readonly<Record<number, number>> = {
  [VT.Int8]: 1,
  [VT.UInt8]: 1,
  [VT.Int16]: 2,
  [VT.UInt16]: 2,
  [VT.Int32]: 4,
  [VT.UInt32]: 4,
  [VT.Int64]: 8,
  [VT.UInt64]: 8,
  [VT.Real32]: 4,
  [VT.Real64]: 8,
  [VT.Bool]: 4,
  [VT.Guid]: 16,
  [VT.FileTime]: 8,
  [VT.SysTime]: 16,
  [VT.HexInt32]: 4,
  [VT.HexInt64]: 8,
};


/**
 * Whether buf[p, p+size) holds a value of `type` that decodes without error (scalarText or
 * arrayItems would not return null), without building its text. For a non-empty value that
 * is not BinXML.
 */
export function valueFits(buf: Buffer, p: number, size: number, type: number): boolean {
  if (type & VT.ArrayFlag) {
    const base = type & 0x7f;
    if (base === VT.String || base === VT.AnsiString) return true;
    if (base === VT.Sid) {
      const end = p + size;
      for (let q = p; q + 8 <= end; q += 8 + buf[q + 1]! * 4) if (q + 8 + buf[q + 1]! * 4 > end) return false;
      return true;
    }
    const el = base === VT.SizeT || base === VT.EvtHandle ? 8 : FIXED_SIZE[base];
    return el !== undefined && size % el === 0;
  }
  // Tables rather than a switch, for the reason given at RENDER.
  const min = FIT_MIN[type & 0x7f]!;
  if (min < 0 || size < min) return false;
  const check = FIT_CHECK[type & 0x7f]!;
  return check === 0 || (check === 1 ? size === 4 || size === 8 : 8 + buf[p + 1]! * 4 <= size);
}

/** valueFits for scalars: the least size of a type (-1: never fits), then FIT_CHECK (1 size_t, 2 SID). */
const FIT_MIN = new Int8Array(128).fill(-1);
const FIT_CHECK = new Uint8Array(128);
for (const [type, n] of Object.entries(FIXED_SIZE)) FIT_MIN[Number(type)] = n;
for (const type of [VT.String, VT.AnsiString, VT.Binary, VT.EvtXml]) FIT_MIN[type] = 0;
FIT_MIN[VT.Bool] = 1;
for (const type of [VT.SizeT, VT.EvtHandle]) {
  FIT_MIN[type] = 4;
  FIT_CHECK[type] = 1;
}
FIT_MIN[VT.Sid] = 8;
FIT_CHECK[VT.Sid] = 2;

/**
 * valueFits run at module load on every type byte and a few sizes (it reads only the bytes it
 * is given and keeps nothing). Inlined where substitution values are read (compiled.ts
 * loadFrame), each branch first met there by a log's first array, size_t or SID value, after
 * that was optimized, sent it back to the interpreter to be compiled again.
 */
function primeValueFits(): void {
  const buf = Buffer.alloc(64);
  buf[1] = 1;
  // Twice over: V8 keeps no feedback for a function's first calls.
  for (let round = 0; round < 2; round++) {
    for (let type = 0; type < 256; type++) for (const size of [0, 1, 4, 8, 12, 16]) valueFits(buf, 0, size, type);
  }
}
primeValueFits();

/**
 * Little-endian unsigned reads for offsets the caller has checked to lie in the buffer: plain
 * element loads, which V8 inlines, where Buffer's readUInt32LE is a call with its own checks
 * (and in the template lookup a method load that stayed generic).
 */
export function u16At(buf: Uint8Array, p: number): number {
  return buf[p]! | (buf[p + 1]! << 8);
}

export function u32At(buf: Uint8Array, p: number): number {
  return (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
}

function i32At(buf: Uint8Array, p: number): number {
  return buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
}

function i16At(buf: Uint8Array, p: number): number {
  return ((buf[p]! | (buf[p + 1]! << 8)) << 16) >> 16;
}

function i8At(buf: Uint8Array, p: number): number {
  return (buf[p]! << 24) >> 24;
}

// Buffer's own decoders, without toString()'s encoding dispatch (they exist on every Buffer),
// taken once and called with .call: loading them from each buffer was a generic (not inlined)
// property load in optimized code.
type Slice = (this: Buffer, start: number, end: number) => string;
const decoders = Buffer.prototype as unknown as { ucs2Slice: Slice; latin1Slice: Slice; hexSlice: Slice };
const ucs2Slice = decoders.ucs2Slice;
const latin1Slice = decoders.latin1Slice;
const hexSlice = decoders.hexSlice;

export function hexUpper(buf: Buffer, start: number, end: number): string {
  return hexSlice.call(buf, start, end).toUpperCase();
}

/**
 * Short strings decoded lately, by a hash of their bytes, with those bytes to compare: a log
 * repeats its account and domain names, logon types, process names and the like on every
 * record (the benchmark file: 0.9 million short strings, 4.5 thousand distinct). A hit costs
 * a hash and a compare of at most TEXT_CACHE_BYTES bytes, no decoding and no new string.
 */
const TEXT_CACHE_SLOTS = 4096;
const TEXT_CACHE_BYTES = 64;
const cachedText: string[] = new Array<string>(TEXT_CACHE_SLOTS).fill('');
/** Byte length of the slot's string; 0 for an empty slot. */
const cachedLength = new Int32Array(TEXT_CACHE_SLOTS);
const cachedBytes = new Uint8Array(TEXT_CACHE_SLOTS * TEXT_CACHE_BYTES);

/** UTF-16LE text of buf[p, p+size) without its trailing NUL characters. */
export function utf16Text(buf: Buffer, p: number, size: number): string {
  let e = p + (size & ~1);
  while (e > p && buf[e - 1] === 0 && buf[e - 2] === 0) e -= 2;
  return utf16Span(buf, p, e);
}

/**
 * UTF-16LE text of buf[p, e) as it is (e - p even), through the cache of short strings. Also
 * for element and attribute names: every template parse read the same few dozen ("Data",
 * "Name"...) as new strings, which the templates kept then held.
 */
export function utf16Span(buf: Buffer, p: number, e: number): string {
  const n = e - p;
  if (n === 0) return '';
  if (n > TEXT_CACHE_BYTES) return ucs2Slice.call(buf, p, e);
  let h = n;
  for (let i = p; i < e; i += 2) h = Math.imul(h ^ (buf[i]! | (buf[i + 1]! << 8)), 0x9e3779b1);
  const slot = (h >>> 20) & (TEXT_CACHE_SLOTS - 1);
  const at = slot * TEXT_CACHE_BYTES;
  if (cachedLength[slot] === n) {
    let i = 0;
    while (i < n && cachedBytes[at + i] === buf[p + i]) i++;
    if (i === n) return cachedText[slot]!;
  }
  const text = ucs2Slice.call(buf, p, e);
  cachedText[slot] = text;
  cachedLength[slot] = n;
  for (let i = 0; i < n; i++) cachedBytes[at + i] = buf[p + i]!;
  return text;
}

/**
 * utf16Text run at module load on strings of each kind it tells apart (with trailing NULs,
 * empty, short twice (a miss, then a hit), longer than the cache holds), then its cache
 * emptied again: called for most values of every record, it was compiled, sent back to the
 * interpreter by the first string it had not met (a late value with trailing NULs), and
 * compiled again.
 */
function primeUtf16Text(): void {
  const buf = Buffer.alloc(2 * TEXT_CACHE_BYTES + 8);
  buf.write('AB', 0, 'utf16le');
  buf.fill(0x41, 8);
  // Eight rounds: V8 keeps no feedback for a function's first calls.
  for (let round = 0; round < 8; round++) {
    utf16Text(buf, 0, 8);
    utf16Text(buf, 4, 4);
    utf16Text(buf, 0, 4);
    utf16Text(buf, 0, 4);
    utf16Text(buf, 8, buf.length - 8);
  }
  cachedText.fill('');
  cachedLength.fill(0);
  cachedBytes.fill(0);
}
primeUtf16Text();

function ansiText(buf: Buffer, p: number, size: number): string {
  let e = p + size;
  while (e > p && buf[e - 1] === 0) e--;
  return e === p ? '' : latin1Slice.call(buf, p, e);
}

/** Decimal text of small integers, made once: Level, Task, LogonType… repeat in every record. */
const SMALL = 4096;
const decimals: string[] = [];
const hexes: string[] = [];
function decimal(n: number): string {
  if (n >= 0 && n < SMALL) return (decimals[n] ??= String(n));
  return String(n);
}
function hex(n: number): string {
  if (n < SMALL) return (hexes[n] ??= '0x' + n.toString(16));
  return '0x' + n.toString(16);
}

const TWO_32 = 0x100000000;

/** Unsigned 64-bit decimal; numbers below 2^53 print the same as the bigint would. */
function u64Text(buf: Buffer, p: number): string {
  const hi = u32At(buf, p + 4);
  if (hi < 0x200000) return decimal(hi * TWO_32 + u32At(buf, p));
  return buf.readBigUInt64LE(p).toString();
}

function i64Text(buf: Buffer, p: number): string {
  const hi = i32At(buf, p + 4);
  if (hi >= -0x200000 && hi < 0x200000) return decimal(hi * TWO_32 + u32At(buf, p));
  return buf.readBigInt64LE(p).toString();
}

/** Keywords-like values (high bits only), made once. */
const highHexes = new Map<number, string>();

function hex64Text(buf: Buffer, p: number): string {
  const hi = u32At(buf, p + 4);
  const lo = u32At(buf, p);
  if (hi === 0) return hex(lo);
  if (lo === 0) {
    let s = highHexes.get(hi);
    if (s === undefined) {
      s = '0x' + hi.toString(16) + '00000000';
      if (highHexes.size < SMALL) highHexes.set(hi, s);
    }
    return s;
  }
  return '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

const HEX_DIGITS = '0123456789ABCDEF';
const HEX_CODES = Array.from({ length: 16 }, (_, i) => HEX_DIGITS.charCodeAt(i));
/** Byte order of a GUID's text: Data1–3 little-endian, Data4 in order; -1 for a dash. */
const GUID_ORDER = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];
/** The GUID's text is written here as bytes, then read back as one latin1 string. */
const guidBytes = Buffer.alloc(38);

/** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` as Windows prints GUIDs. */
export function guidText(buf: Buffer, p: number): string {
  const c = guidBytes;
  c[0] = 0x7b;
  let k = 1;
  for (let i = 0; i < GUID_ORDER.length; i++) {
    const b = GUID_ORDER[i]!;
    if (b < 0) {
      c[k++] = 0x2d;
      continue;
    }
    const v = buf[p + b]!;
    c[k++] = HEX_CODES[v >> 4]!;
    c[k++] = HEX_CODES[v & 15]!;
  }
  c[k] = 0x7d;
  return latin1Slice.call(c, 0, 38);
}

/**
 * SIDs seen lately, by a hash of their bytes, with those bytes to compare (as utf16Text's
 * cache): a log repeats a handful of accounts thousands of times. A SID of up to
 * SID_CACHE_BYTES bytes (revision, count, authority, 13 sub-authorities) can be held.
 */
const SID_CACHE_SLOTS = 1024;
const SID_CACHE_BYTES = 60;
const cachedSid: string[] = new Array<string>(SID_CACHE_SLOTS).fill('');
const cachedSidLength = new Int32Array(SID_CACHE_SLOTS);
const cachedSidBytes = new Uint8Array(SID_CACHE_SLOTS * SID_CACHE_BYTES);

export function sidText(buf: Buffer, p: number, end: number): string | null {
  if (p + 8 > end) return null;
  const revision = buf[p]!;
  const count = buf[p + 1]!;
  const n = 8 + count * 4;
  if (p + n > end) return null;
  const cacheable = n <= SID_CACHE_BYTES;
  let slot = 0;
  if (cacheable) {
    let h = n;
    for (let i = p; i < p + n; i++) h = Math.imul(h ^ buf[i]!, 0x9e3779b1);
    slot = (h >>> 22) & (SID_CACHE_SLOTS - 1);
    const at = slot * SID_CACHE_BYTES;
    if (cachedSidLength[slot] === n) {
      let i = 0;
      while (i < n && cachedSidBytes[at + i] === buf[p + i]) i++;
      if (i === n) return cachedSid[slot]!;
    }
  }
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + buf[p + i]!;
  let s = `S-${revision}-${authority}`;
  for (let i = 0; i < count; i++) s += '-' + u32At(buf, p + 8 + i * 4);
  if (cacheable) {
    const at = slot * SID_CACHE_BYTES;
    cachedSid[slot] = s;
    cachedSidLength[slot] = n;
    for (let i = 0; i < n; i++) cachedSidBytes[at + i] = buf[p + i]!;
  }
  return s;
}

export function filetimeText(ft: bigint): string {
  return ticksToIso(filetimeToTicks(ft));
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

export function systemtimeText(buf: Buffer, p: number): string {
  const year = u16At(buf, p);
  const month = u16At(buf, p + 2);
  const day = u16At(buf, p + 6);
  const hour = u16At(buf, p + 8);
  const minute = u16At(buf, p + 10);
  const second = u16At(buf, p + 12);
  const ms = u16At(buf, p + 14);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(ms, 3)}0000Z`;
}

/** Removes trailing NUL characters (strings in substitutions usually carry one). */
export function stripNuls(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0) e--;
  return e === s.length ? s : s.slice(0, e);
}

function realText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'INF' : '-INF';
  return String(v);
}

/** Renders one scalar held in buf[p, p+size) whose size fits its type (see scalarText). */
type Render = (buf: Buffer, p: number, size: number) => string | null;

const noRender: Render = () => null;

/**
 * The renderers by type, called through one call site rather than chosen by a switch: a
 * type met for the first time after the switch was optimized (a log's first SYSTEMTIME, size_t
 * or boolean) sent the whole function back to the interpreter, and its compilation was paid
 * again, about ten times in a read of the benchmark file.
 */
const RENDER: Render[] = new Array<Render>(256).fill(noRender);
RENDER[VT.Null] = () => '';
RENDER[VT.String] = utf16Text;
RENDER[VT.AnsiString] = ansiText;
RENDER[VT.Int8] = (buf, p) => decimal(i8At(buf, p));
RENDER[VT.UInt8] = (buf, p) => decimal(buf[p]!);
RENDER[VT.Int16] = (buf, p) => decimal(i16At(buf, p));
RENDER[VT.UInt16] = (buf, p) => decimal(u16At(buf, p));
RENDER[VT.Int32] = (buf, p) => decimal(i32At(buf, p));
RENDER[VT.UInt32] = (buf, p) => decimal(u32At(buf, p));
RENDER[VT.Int64] = (buf, p) => i64Text(buf, p);
RENDER[VT.UInt64] = (buf, p) => u64Text(buf, p);
RENDER[VT.Real32] = (buf, p) => realText(buf.readFloatLE(p));
RENDER[VT.Real64] = (buf, p) => realText(buf.readDoubleLE(p));
// Windows writes 4 bytes; some files carry 1, 2 or 8. Any non-zero byte is true.
RENDER[VT.Bool] = (buf, p, size) => {
  if (size === 0) return null;
  for (let i = 0; i < size; i++) if (buf[p + i] !== 0) return 'true';
  return 'false';
};
const binaryText: Render = (buf, p, size) => hexUpper(buf, p, p + size);
RENDER[VT.Binary] = binaryText;
RENDER[VT.EvtXml] = binaryText;
RENDER[VT.Guid] = (buf, p) => guidText(buf, p);
const sizeTText: Render = (buf, p, size) => {
  if (size === 4) return hex(u32At(buf, p));
  if (size === 8) return hex64Text(buf, p);
  return null;
};
RENDER[VT.SizeT] = sizeTText;
RENDER[VT.EvtHandle] = sizeTText;
RENDER[VT.FileTime] = (buf, p) => filetimeText(buf.readBigUInt64LE(p));
RENDER[VT.SysTime] = (buf, p) => systemtimeText(buf, p);
RENDER[VT.Sid] = (buf, p, size) => sidText(buf, p, p + size);
RENDER[VT.HexInt32] = (buf, p) => hex(u32At(buf, p));
RENDER[VT.HexInt64] = (buf, p) => hex64Text(buf, p);

/** FIXED_SIZE as a table by type (0 for variable sizes and unknown types). */
const MIN_SIZE = new Uint8Array(256);
for (const [type, n] of Object.entries(FIXED_SIZE)) MIN_SIZE[Number(type)] = n;

/**
 * Renders one scalar of `type` held in buf[p, p+size). Returns null when the size does not
 * fit the type (the caller reports it).
 */
export function scalarText(buf: Buffer, p: number, size: number, type: number): string | null {
  if (type !== (type & 0xff)) return null;
  if (size < MIN_SIZE[type]! && type !== VT.Bool) return null;
  return RENDER[type]!(buf, p, size);
}

/** Items of an array value (type has the 0x80 flag); null when malformed. */
export function arrayItems(buf: Buffer, p: number, size: number, type: number): string[] | null {
  const base = type & 0x7f;
  const items: string[] = [];
  if (base === VT.String) {
    // NUL-terminated UTF-16 strings one after another.
    const text = buf.toString('utf16le', p, p + (size & ~1));
    const parts = text.split('\0');
    if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  if (base === VT.AnsiString) {
    const parts = buf.toString('latin1', p, p + size).split('\0');
    if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  let el = FIXED_SIZE[base];
  if (base === VT.SizeT || base === VT.EvtHandle) el = 8;
  if (base === VT.Sid) {
    let q = p;
    const end = p + size;
    while (q + 8 <= end) {
      const n = 8 + buf[q + 1]! * 4;
      const s = sidText(buf, q, end);
      if (s === null) return null;
      items.push(s);
      q += n;
    }
    return items;
  }
  if (!el || size % el !== 0) return null;
  for (let q = p; q < p + size; q += el) {
    const s = scalarText(buf, q, el, base);
    if (s === null) return null;
    items.push(s);
  }
  return items;
}

/** Reads the text of a Value token (0x05): in practice always a length-prefixed UTF-16 string. */
export function readValueTokenText(c: Cursor, type: number): string {
  if (type === VT.String) {
    const n = c.u16('value text length');
    return c.utf16(n, 'value text');
  }
  const fixed = FIXED_SIZE[type];
  if (fixed === undefined) c.fail(`value token of unsupported type 0x${type.toString(16)}`);
  c.need(fixed, 'value token data');
  const s = scalarText(c.buf, c.pos, fixed, type);
  c.pos += fixed;
  return s ?? '';
}
