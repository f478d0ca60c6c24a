// A chunk: 64 KiB with a 512-byte header ("ElfChnk\0"), a string table (64 offsets) and a
// template table (32 offsets) in the header, then event records up to the free-space offset.
// Two CRC-32s guard it: one of the header (bytes 0–120 and 128–512), one of the records.
import { crc32 } from './crc32.js';

export const CHUNK_SIZE = 0x10000;
export const CHUNK_HEADER_SIZE = 512;
export const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');

export interface ChunkHeader {
  readonly firstRecordNumber: bigint;
  readonly lastRecordNumber: bigint;
  readonly firstRecordId: bigint;
  readonly lastRecordId: bigint;
  readonly headerSize: number;
  readonly lastRecordOffset: number;
  readonly freeSpaceOffset: number;
  readonly recordsChecksum: number;
  readonly flags: number;
  readonly headerChecksum: number;
}

/**
 * Whether buf[at, at+8) is the chunk magic. By element loads: listChunks calls it once per
 * 64 KiB of a file before the first record is read, mostly before V8 has compiled it, and a
 * Buffer.compare call there cost more than the read.
 */
export function hasChunkMagic(buf: Buffer, at = 0): boolean {
  if (buf.length < at + 8) return false;
  for (let i = 0; i < 8; i++) if (buf[at + i] !== CHUNK_MAGIC[i]) return false;
  return true;
}

export function parseChunkHeader(buf: Buffer): ChunkHeader | null {
  if (buf.length < CHUNK_HEADER_SIZE || !hasChunkMagic(buf)) return null;
  return {
    firstRecordNumber: buf.readBigUInt64LE(8),
    lastRecordNumber: buf.readBigUInt64LE(16),
    firstRecordId: buf.readBigUInt64LE(24),
    lastRecordId: buf.readBigUInt64LE(32),
    headerSize: buf.readUInt32LE(40),
    lastRecordOffset: buf.readUInt32LE(44),
    freeSpaceOffset: buf.readUInt32LE(48),
    recordsChecksum: buf.readUInt32LE(52),
    flags: buf.readUInt32LE(120),
    headerChecksum: buf.readUInt32LE(124),
  };
}

/** Which of the chunk's checksums fail; empty when both hold. */
export function chunkChecksumProblems(buf: Buffer, header: ChunkHeader): string[] {
  const problems: string[] = [];
  const h = crc32(buf, 128, CHUNK_HEADER_SIZE, crc32(buf, 0, 120));
  if (h !== header.headerChecksum) problems.push('header checksum mismatch');
  const end = header.freeSpaceOffset;
  if (end < CHUNK_HEADER_SIZE || end > buf.length) problems.push('free-space offset out of the chunk');
  else if (crc32(buf, CHUNK_HEADER_SIZE, end) !== header.recordsChecksum) problems.push('records checksum mismatch');
  return problems;
}
