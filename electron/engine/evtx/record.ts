// An event record: "**\0\0", size, record id, written time, BinXML, and the size again.
import { Cursor, EvtxFormatError } from './cursor.js';
import { parseFragment, type ChunkContext, type Node } from './binxml-tokens.js';

export const RECORD_MAGIC = Buffer.from([0x2a, 0x2a, 0x00, 0x00]);
export const RECORD_HEADER_SIZE = 24;
/** Header, at least an end-of-stream token, and the trailing size copy. */
export const MIN_RECORD_SIZE = RECORD_HEADER_SIZE + 4 + 1;

export interface RecordHead {
  /** Offset in the chunk. */
  readonly offset: number;
  readonly size: number;
  readonly recordId: bigint;
  readonly written: bigint;
}

/** Checks the record frame at `off`; returns the reason when it is not a record. */
export function readRecordHead(buf: Buffer, off: number, limit: number): RecordHead | string {
  if (off + RECORD_HEADER_SIZE > limit) return 'record header runs past the records area';
  if (buf.readUInt32LE(off) !== 0x00002a2a) return 'no record signature';
  const size = buf.readUInt32LE(off + 4);
  if (size < MIN_RECORD_SIZE) return `record size ${size} is too small`;
  if (off + size > limit) return `record size ${size} runs past the chunk`;
  if (buf.readUInt32LE(off + size - 4) !== size) return `record size ${size} does not match its trailing copy`;
  return {
    offset: off,
    size,
    recordId: buf.readBigUInt64LE(off + 8),
    written: buf.readBigUInt64LE(off + 16),
  };
}

/** Parses the record's BinXML into nodes (templates come from the chunk's cache). */
export function parseRecordBody(ctx: ChunkContext, head: RecordHead): Node[] {
  ctx.where.record = Number(head.recordId);
  const c = new Cursor(ctx.buf, head.offset + RECORD_HEADER_SIZE, head.offset + head.size - 4, ctx.where);
  const nodes = parseFragment(ctx, c, false, 0);
  if (nodes.length === 0) throw new EvtxFormatError('the record holds no XML', ctx.where.base + head.offset, ctx.where);
  return nodes;
}
