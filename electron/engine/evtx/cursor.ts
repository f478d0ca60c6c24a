// A bounds-checked little-endian reader over one buffer. Every read names what it reads, so
// that a failure says what was being read and where: `… offset 0x1a40: substitution 7 points
// past the record`. Positions are indexes into the buffer; `base` maps them to file offsets.

/** The place a parse is at, for error messages: file, chunk, record. */
export interface ParseWhere {
  readonly file: string;
  /** File offset of buffer index 0. */
  readonly base: number;
  chunk?: number;
  record?: number;
}

/** A structural error in the evidence, with the file offset where it was found. */
export class EvtxFormatError extends Error {
  override readonly name = 'EvtxFormatError';
  readonly detail: string;
  readonly fileOffset: number;
  constructor(detail: string, fileOffset: number, where: ParseWhere | null) {
    // No stack trace: the message says where in the evidence, and slack space full of
    // overwritten records throws thousands of these.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(describe(where, fileOffset, detail));
    Error.stackTraceLimit = limit;
    this.detail = detail;
    this.fileOffset = fileOffset;
  }
}

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(cut + 1);
}

function describe(where: ParseWhere | null, fileOffset: number, detail: string): string {
  if (!where) return `offset 0x${fileOffset.toString(16)}: ${detail}`;
  const parts = [baseName(where.file)];
  if (where.chunk !== undefined) parts.push(`chunk ${where.chunk}`);
  if (where.record !== undefined) parts.push(`record ${where.record}`);
  parts.push(`offset 0x${fileOffset.toString(16)}`);
  return `${parts.join(' ')}: ${detail}`;
}

export class Cursor {
  pos: number;
  constructor(
    readonly buf: Buffer,
    pos: number,
    /** One past the last readable index. */
    public end: number,
    readonly where: ParseWhere | null,
  ) {
    this.pos = pos;
    if (end > buf.length) this.end = buf.length;
  }

  fail(detail: string, at = this.pos): never {
    throw new EvtxFormatError(detail, (this.where?.base ?? 0) + at, this.where);
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      this.fail(`${what}: needs ${n} bytes, ${Math.max(0, this.end - this.pos)} left`);
    }
  }

  u8(what: string): number {
    if (this.pos + 1 > this.end) this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what: string): number {
    if (this.pos + 2 > this.end) this.need(2, what);
    const v = this.buf[this.pos]! | (this.buf[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    if (this.pos + 4 > this.end) this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    const v = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    this.pos += 4;
    return v;
  }

  u64(what: string): bigint {
    if (this.pos + 8 > this.end) this.need(8, what);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  /** UTF-16LE text of `chars` code units. */
  utf16(chars: number, what: string): string {
    const n = chars * 2;
    if (this.pos + n > this.end) this.need(n, what);
    const s = this.buf.toString('utf16le', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
