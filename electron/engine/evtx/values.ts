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


export function hexUpper(buf: Buffer, start: number, end: number): string {
  return buf.toString('hex', start, end).toUpperCase();
}

/** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` as Windows prints GUIDs. */
export function guidText(buf: Buffer, p: number): string {
  const h = buf.toString('hex', p, p + 16).toUpperCase();
  // Data1–3 are little-endian, Data4 is bytes in order.
  return (
    '{' + h.slice(6, 8) + h.slice(4, 6) + h.slice(2, 4) + h.slice(0, 2) + '-' + h.slice(10, 12) + h.slice(8, 10) + '-' +
    h.slice(14, 16) + h.slice(12, 14) + '-' + h.slice(16, 20) + '-' + h.slice(20, 32) + '}'
  );
}

export function sidText(buf: Buffer, p: number, end: number): string | null {
  if (p + 8 > end) return null;
  const revision = buf[p]!;
  const count = buf[p + 1]!;
  if (p + 8 + count * 4 > end) return null;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + buf[p + i]!;
  let s = `S-${revision}-${authority}`;
  for (let i = 0; i < count; i++) s += '-' + buf.readUInt32LE(p + 8 + i * 4);
  return s;
}

export function filetimeText(ft: bigint): string {
  return ticksToIso(filetimeToTicks(ft));
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

export function systemtimeText(buf: Buffer, p: number): string {
  const year = buf.readUInt16LE(p);
  const month = buf.readUInt16LE(p + 2);
  const day = buf.readUInt16LE(p + 6);
  const hour = buf.readUInt16LE(p + 8);
  const minute = buf.readUInt16LE(p + 10);
  const second = buf.readUInt16LE(p + 12);
  const ms = buf.readUInt16LE(p + 14);
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

/**
 * Renders one scalar of `type` held in buf[p, p+size). Returns null when the size does not
 * fit the type (the caller reports it).
 */
export function scalarText(buf: Buffer, p: number, size: number, type: number): string | null {
  const fixed = FIXED_SIZE[type];
  if (fixed !== undefined && size < fixed && type !== VT.Bool) return null;
  switch (type) {
    case VT.Null:
      return '';
    case VT.String:
      return stripNuls(buf.toString('utf16le', p, p + (size & ~1)));
    case VT.AnsiString:
      return stripNuls(buf.toString('latin1', p, p + size));
    case VT.Int8:
      return String(buf.readInt8(p));
    case VT.UInt8:
      return String(buf[p]!);
    case VT.Int16:
      return String(buf.readInt16LE(p));
    case VT.UInt16:
      return String(buf.readUInt16LE(p));
    case VT.Int32:
      return String(buf.readInt32LE(p));
    case VT.UInt32:
      return String(buf.readUInt32LE(p));
    case VT.Int64:
      return buf.readBigInt64LE(p).toString();
    case VT.UInt64:
      return buf.readBigUInt64LE(p).toString();
    case VT.Real32:
      return realText(buf.readFloatLE(p));
    case VT.Real64:
      return realText(buf.readDoubleLE(p));
    case VT.Bool: {
      // Windows writes 4 bytes; some files carry 1, 2 or 8. Any non-zero byte is true.
      if (size === 0) return null;
      for (let i = 0; i < size; i++) if (buf[p + i] !== 0) return 'true';
      return 'false';
    }
    case VT.Binary:
    case VT.EvtXml:
      return hexUpper(buf, p, p + size);
    case VT.Guid:
      return guidText(buf, p);
    case VT.SizeT:
    case VT.EvtHandle:
      if (size === 4) return '0x' + buf.readUInt32LE(p).toString(16);
      if (size === 8) return '0x' + buf.readBigUInt64LE(p).toString(16);
      return null;
    case VT.FileTime:
      return filetimeText(buf.readBigUInt64LE(p));
    case VT.SysTime:
      return systemtimeText(buf, p);
    case VT.Sid:
      return sidText(buf, p, p + size);
    case VT.HexInt32:
      return '0x' + buf.readUInt32LE(p).toString(16);
    case VT.HexInt64:
      return '0x' + buf.readBigUInt64LE(p).toString(16);
    default:
      return null;
  }
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
