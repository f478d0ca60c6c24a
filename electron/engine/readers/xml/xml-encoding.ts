// Text encodings of XML event exports. Event Viewer writes UTF-8 (often with a BOM); wevtutil
// redirected by PowerShell writes UTF-16LE with a BOM; some tools drop the BOM. The scanner
// works on raw bytes in the file's encoding so every event keeps its exact byte offset, and
// only the bytes of one event are decoded at a time.

import { isUtf8 } from 'node:buffer';

export type XmlEncoding = 'utf8' | 'utf16le' | 'utf16be';

export interface DetectedEncoding {
  readonly encoding: XmlEncoding;
  /** Bytes of byte-order mark at the start of the file (0, 2 or 3). */
  readonly bomLength: number;
}

/**
 * Detects the encoding from the first bytes of a file: a BOM when there is one, else the
 * pattern of NUL bytes (ASCII markup in UTF-16 has a NUL in every other byte), else UTF-8.
 */
export function detectEncoding(head: Buffer): DetectedEncoding {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: 'utf8', bomLength: 3 };
  }
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bomLength: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', bomLength: 2 };
  // BOM-less UTF-16: count NULs at even and odd positions of the first few hundred bytes.
  const n = Math.min(head.length, 512) & ~1;
  if (n >= 4) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    // Markup is mostly ASCII: well over half of the code units have a zero high byte.
    if (oddNul >= pairs * 0.4 && evenNul <= pairs * 0.1) return { encoding: 'utf16le', bomLength: 0 };
    if (evenNul >= pairs * 0.4 && oddNul <= pairs * 0.1) return { encoding: 'utf16be', bomLength: 0 };
  }
  return { encoding: 'utf8', bomLength: 0 };
}

/** Bytes per code unit of the markup characters (`<`, `>` …). */
export function unitWidth(encoding: XmlEncoding): 1 | 2 {
  return encoding === 'utf8' ? 1 : 2;
}

/** Encodes ASCII text (markup patterns) in the given encoding. */
export function encodeAscii(text: string, encoding: XmlEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'latin1');
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'utf16be':
      return Buffer.from(text, 'utf16le').swap16();
    default: {
      const never: never = encoding;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

/** The outcome of decoding one event's bytes. */
export type DecodeResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; /** Offset of the first bad byte, relative to the decoded bytes. */ readonly badOffset: number };

/** String.prototype.isWellFormed (Node 20; ES2024 lib is not in the project's tsconfig). */
interface WellFormedCheck {
  isWellFormed(): boolean;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Decodes strictly: an invalid sequence is reported with its position instead of replaced. */
export function decodeStrict(bytes: Buffer, encoding: XmlEncoding): DecodeResult {
  switch (encoding) {
    case 'utf8':
      if (isUtf8(bytes)) return { ok: true, text: bytes.toString('utf8') };
      return { ok: false, badOffset: firstInvalidUtf8(bytes) };
    case 'utf16le':
    case 'utf16be': {
      const le = encoding === 'utf16le' ? bytes : Buffer.from(bytes).swap16();
      if (le.length % 2 !== 0) return { ok: false, badOffset: le.length - 1 };
      const text = le.toString('utf16le');
      if ((text as unknown as WellFormedCheck).isWellFormed()) return { ok: true, text };
      const m = LONE_SURROGATE.exec(text);
      return { ok: false, badOffset: (m?.index ?? 0) * 2 };
    }
    default: {
      const never: never = encoding;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

/** Decodes leniently (U+FFFD for bad sequences), for showing raw text. */
export function decodeLenient(bytes: Buffer, encoding: XmlEncoding): string {
  switch (encoding) {
    case 'utf8':
      return bytes.toString('utf8');
    case 'utf16le':
      return bytes.subarray(0, bytes.length & ~1).toString('utf16le');
    case 'utf16be':
      return Buffer.from(bytes.subarray(0, bytes.length & ~1)).swap16().toString('utf16le');
    default: {
      const never: never = encoding;
      throw new Error(`unknown encoding ${String(never)}`);
    }
  }
}

/** Position of the first byte that starts an invalid UTF-8 sequence (bytes.length when none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}
