// An event record: "**\0\0", size, record id, written time, BinXML, and the size again.
import { Cursor, EvtxFormatError } from './cursor.js';
import { parseFragment, type ChunkContext, type Node } from './binxml-tokens.js';
import { u32At } from './values.js';

export const RECORD_MAGIC = Buffer.from([0x2a, 0x2a, 0x00, 0x00]);
export const RECORD_HEADER_SIZE = 24;
/** Header, at least an end-of-stream token, and the trailing size copy. */
export const MIN_RECORD_SIZE = RECORD_HEADER_SIZE + 4 + 1;

/**
 * A record's frame. The 64-bit record id and written time are read when asked for: as
 * bigints they cost several allocations each, and most records need neither.
 */
export class RecordHead {
  constructor(
    private readonly buf: Buffer,
    /** Offset in the chunk. */
    readonly offset: number,
    readonly size: number,
  ) {}
  get recordId(): bigint {
    return this.buf.readBigUInt64LE(this.offset + 8);
  }
  /** The record id as a number (rounded like Number(recordId) past 2^53). */
  get recordNumber(): number {
    return u32At(this.buf, this.offset + 12) * 0x100000000 + u32At(this.buf, this.offset + 8);
  }
  get written(): bigint {
    return this.buf.readBigUInt64LE(this.offset + 16);
  }
}

/** Checks the record frame at `off`; returns the reason when it is not a record. */
export function readRecordHead(buf: Buffer, off: number, limit: number): RecordHead | string {
  if (off + RECORD_HEADER_SIZE > limit) return 'record header runs past the records area';
  // Element loads (u32At): the header lies within the limit, checked above.
  if (u32At(buf, off) !== 0x00002a2a) return 'no record signature';
  const size = u32At(buf, off + 4);
  if (size < MIN_RECORD_SIZE) return `record size ${size} is too small`;
  if (off + size > limit) return `record size ${size} runs past the chunk`;
  if (u32At(buf, off + size - 4) !== size) return `record size ${size} does not match its trailing copy`;
  return new RecordHead(buf, off, size);
}

/**
 * readRecordHead run at module load on a made-up frame of each kind it tells apart (it only
 * reads the buffer). Inlined where records and slack are scanned (chunk-reader.ts readChunk
 * and carve), each of its answers first met after those were optimized sent them back to the
 * interpreter to be compiled again.
 */
function primeReadRecordHead(): void {
  const buf = Buffer.alloc(64);
  const frame = (size: number, trailer: number): void => {
    buf.fill(0);
    buf.writeUInt32LE(0x2a2a, 0);
    buf.writeUInt32LE(size, 4);
    if (size >= 4 && size <= buf.length) buf.writeUInt32LE(trailer, size - 4);
  };
  // Eight rounds: V8 keeps no feedback for a function's first calls.
  for (let round = 0; round < 8; round++) {
    buf.fill(0);
    readRecordHead(buf, 0, 64); // no signature
    readRecordHead(buf, 60, 64); // past the records area
    frame(8, 8);
    readRecordHead(buf, 0, 64); // too small
    frame(128, 0);
    readRecordHead(buf, 0, 64); // past the chunk
    frame(48, 1);
    readRecordHead(buf, 0, 64); // trailing copy differs
    frame(48, 48);
    readRecordHead(buf, 0, 64); // a record frame
  }
}
primeReadRecordHead();

/** Parses the record's BinXML into nodes (templates come from the chunk's cache). */
export function parseRecordBody(ctx: ChunkContext, head: RecordHead): Node[] {
  ctx.where.record = head.recordNumber;
  const c = new Cursor(ctx.buf, head.offset + RECORD_HEADER_SIZE, head.offset + head.size - 4, ctx.where);
  const nodes = parseFragment(ctx, c, false, 0);
  if (nodes.length === 0) throw new EvtxFormatError('the record holds no XML', ctx.where.base + head.offset, ctx.where);
  return nodes;
}
