// The 4,096-byte file header ("ElfFile\0"). Recovery does not trust it: chunks are found by
// their own magic, and a dirty or wrong header only yields a note.
import { crc32 } from './crc32.js';

export const FILE_HEADER_SIZE = 4096;
export const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');

export interface FileHeader {
  readonly firstChunk: bigint;
  readonly lastChunk: bigint;
  readonly nextRecordId: bigint;
  readonly headerSize: number;
  readonly minorVersion: number;
  readonly majorVersion: number;
  readonly blockSize: number;
  readonly chunkCount: number;
  readonly flags: number;
  readonly dirty: boolean;
  readonly full: boolean;
  readonly checksum: number;
  readonly checksumOk: boolean;
}

/** True when the first bytes are an EVTX file header. */
export function looksLikeEvtx(head: Buffer): boolean {
  return head.length >= 8 && head.subarray(0, 8).equals(FILE_MAGIC);
}

/** Parses the file header; null when the magic is absent (the file may still hold chunks). */
export function parseFileHeader(buf: Buffer): FileHeader | null {
  if (buf.length < 128 || !looksLikeEvtx(buf)) return null;
  const flags = buf.readUInt32LE(120);
  const checksum = buf.readUInt32LE(124);
  return {
    firstChunk: buf.readBigUInt64LE(8),
    lastChunk: buf.readBigUInt64LE(16),
    nextRecordId: buf.readBigUInt64LE(24),
    headerSize: buf.readUInt32LE(32),
    minorVersion: buf.readUInt16LE(36),
    majorVersion: buf.readUInt16LE(38),
    blockSize: buf.readUInt16LE(40),
    chunkCount: buf.readUInt16LE(42),
    flags,
    dirty: (flags & 1) !== 0,
    full: (flags & 2) !== 0,
    checksum,
    checksumOk: crc32(buf, 0, 120) === checksum,
  };
}
