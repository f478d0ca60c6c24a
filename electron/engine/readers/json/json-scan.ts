// Splits a JSON evidence file into records without reading it whole: either one record per
// line (JSON lines, the fast path: split on \n), or top-level JSON values found by a
// string/escape-aware brace/bracket depth scanner (pretty-printed objects back to back, a
// JSON array of events, evtx_dump's "Record N" output). Every record carries its byte offset,
// byte length and 1-based start line, so that errors and SourcePointers name the position.

import { isUtf8 } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';

export type ScanMode = 'lines' | 'values';

/**
 * One top-level JSON value (or line) of the file, or a problem found while splitting.
 * Handed to the sink synchronously: the bytes are `buf[start, end)` and stay valid only
 * until the sink returns (the sink decodes what it keeps).
 */
export interface RawRecord {
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  /** Holds the record's bytes at [start, end); null when `problem` says why there are none. */
  readonly buf: Buffer | null;
  readonly start: number;
  readonly end: number;
  /** True when the bytes already passed a UTF-8 check (with the rest of their chunk). */
  readonly utf8: boolean;
  readonly problem?: string;
}

export type RecordSink = (record: RawRecord) => void;

export interface ScanOptions {
  readonly signal?: AbortSignal;
  /** Where to start (after a BOM, or at the start of a line for a segment of JSON lines). */
  readonly startOffset: number;
  /** The 1-based line number at startOffset (a segment of JSON lines read on its own). */
  readonly startLine?: number;
  /**
   * Stop at this file offset (the offset pre-scan reads only the head; a segment ends where
   * the next begins). The record cut there is not reported: a segment ends after a line feed.
   */
  readonly limitBytes?: number;
  readonly chunkBytes?: number;
  readonly maxRecordBytes?: number;
}

/** Reads of 1 MiB: larger chunks keep more records alive at once and measured slower (GC). */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** A record larger than this is reported and skipped rather than buffered. */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;

function isBlank(b: number): boolean {
  return b === SPACE || b === TAB || b === CR || b === LF || b === 0x0c || b === 0x0b;
}

function tooLarge(max: number): string {
  return `record larger than ${Math.round(max / (1024 * 1024))} MiB, skipped`;
}

/** Fills `buf` from `position`; returns the filled part (empty at the end of the file). */
async function readChunk(fh: FileHandle, buf: Buffer, position: number, size: number): Promise<Buffer> {
  let filled = 0;
  while (filled < size) {
    const { bytesRead } = await fh.read(buf, filled, size - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buf.subarray(0, filled);
}

function problemRecord(offset: number, length: number, line: number, problem: string): RawRecord {
  return { offset, length, line, buf: null, start: 0, end: 0, utf8: false, problem };
}

/**
 * Splits the file into records, handing each to `sink` as it is found; yields the number of
 * bytes consumed after each chunk, so the caller can pass on what the sink collected, report
 * progress and stop.
 */
export async function* scanRecords(path: string, mode: ScanMode, options: ScanOptions, sink: RecordSink): AsyncGenerator<number> {
  const fh = await open(path, 'r');
  try {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    const splitter: Splitter =
      mode === 'lines' ? new LineSplitter(options.startOffset, max, sink, options.startLine ?? 1) : new ValueScanner(options.startOffset, max, sink);
    let position = options.startOffset;
    const end = options.limitBytes === undefined ? Infinity : options.limitBytes;
    // One read buffer for the whole file: records are handed out synchronously, and the
    // splitters copy the bytes they carry over to the next chunk.
    const buffer = Buffer.allocUnsafe(chunkBytes);
    while (position < end) {
      if (options.signal?.aborted) return;
      const want = Math.min(chunkBytes, end - position);
      const data = await readChunk(fh, buffer, position, want);
      if (data.length === 0) break;
      splitter.feed(data, position);
      position += data.length;
      yield position;
    }
    if (options.signal?.aborted) return;
    // A head-only pass (limitBytes) must not report the cut as a truncated record.
    if (position < end) {
      splitter.finish();
      yield position;
    }
  } finally {
    await fh.close();
  }
}

interface Splitter {
  feed(data: Buffer, chunkStart: number): void;
  finish(): void;
}

/** JSON lines: a record per \n-terminated line; CR and surrounding blanks trimmed; blank lines skipped. */
class LineSplitter implements Splitter {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private pendingStart: number;
  private overflow = false;

  constructor(
    start: number,
    private readonly maxRecordBytes: number,
    private readonly sink: RecordSink,
    private lineNo: number,
  ) {
    this.pendingStart = start;
  }

  feed(data: Buffer, chunkStart: number): void {
    let i = 0;
    if (this.pendingLen > 0 || this.overflow) {
      const nl = data.indexOf(LF, 0);
      if (nl < 0) {
        this.append(data);
        return;
      }
      const head = data.subarray(0, nl);
      if (this.overflow || this.pendingLen + head.length > this.maxRecordBytes) {
        this.sink(problemRecord(this.pendingStart, this.pendingLen + head.length, this.lineNo, tooLarge(this.maxRecordBytes)));
      } else {
        const line = Buffer.concat([...this.pending, head]);
        this.emit(line, 0, line.length, this.pendingStart, false);
      }
      this.pending = [];
      this.pendingLen = 0;
      this.overflow = false;
      this.lineNo++;
      i = nl + 1;
    }
    const lastNl = data.lastIndexOf(LF);
    if (lastNl >= i) {
      // One UTF-8 check for all the complete lines of the chunk; per line only when it fails.
      const utf8 = isUtf8(data.subarray(i, lastNl));
      let b = i;
      for (;;) {
        const e = data.indexOf(LF, b);
        this.emit(data, b, e, chunkStart + b, utf8);
        this.lineNo++;
        if (e >= lastNl) break;
        b = e + 1;
      }
      i = lastNl + 1;
    }
    if (i < data.length) {
      this.pendingStart = chunkStart + i;
      this.append(data.subarray(i));
    }
  }

  finish(): void {
    if (this.overflow) {
      this.sink(problemRecord(this.pendingStart, this.pendingLen, this.lineNo, tooLarge(this.maxRecordBytes)));
    } else if (this.pendingLen > 0) {
      const line = Buffer.concat(this.pending);
      this.emit(line, 0, line.length, this.pendingStart, false);
    }
    this.pending = [];
    this.pendingLen = 0;
    this.overflow = false;
  }

  private append(piece: Buffer): void {
    if (this.overflow) {
      this.pendingLen += piece.length;
      return;
    }
    this.pending.push(Buffer.from(piece)); // a copy: the read buffer is reused
    this.pendingLen += piece.length;
    if (this.pendingLen > this.maxRecordBytes) {
      this.overflow = true;
      this.pending = [];
    }
  }

  /** The line buf[start, end) that begins at file offset `offset`, trimmed of blanks (CR too). */
  private emit(buf: Buffer, start: number, end: number, offset: number, utf8: boolean): void {
    let s = start;
    let e = end;
    while (s < e && isBlank(buf[s]!)) s++;
    while (e > s && isBlank(buf[e - 1]!)) e--;
    if (s === e) return;
    this.sink({ offset: offset + (s - start), length: e - s, line: this.lineNo, buf, start: s, end: e, utf8 });
  }
}

const KIND_NONE = 0;
const KIND_VALUE = 1;
const KIND_JUNK = 2;

/**
 * Top-level JSON values by depth: objects back to back (pretty-printed or not), the elements
 * of a top-level array (unwrapped, so a huge array streams), anything else up to the end of
 * its line as a "junk" record (evtx_dump's `Record 12` separator lines are skipped).
 *
 * Resynchronisation: a pretty-printed value that is cut short would swallow every following
 * value. When a value that started at column C has had indented lines, a line whose first
 * non-blank byte is `{` at column C starts a new value, and the open one is reported as cut.
 * A raw line feed inside a string (never valid JSON) ends the string for the same reason.
 */
class ValueScanner implements Splitter {
  private lineNo = 1;
  private lineStart: number;
  private kind = KIND_NONE;
  private depth = 0;
  private inString = false;
  private escape = false;
  private inArray = false;
  private arrayLine = 0;
  private arrayOffset = 0;
  private valueStart = 0;
  private valueLine = 0;
  private valueCol = 0;
  private sawIndent = false;
  private measuringIndent = false;
  private lineIndent = 0;
  private pieces: Buffer[] = [];
  private piecesLen = 0;
  private overflow = false;
  private lastEnd = 0;

  constructor(
    start: number,
    private readonly maxRecordBytes: number,
    private readonly sink: RecordSink,
  ) {
    this.lineStart = start;
  }

  feed(data: Buffer, chunkStart: number): void {
    const n = data.length;
    let pieceFrom = 0;
    for (let i = 0; i < n; i++) {
      const b = data[i]!;
      if (this.kind === KIND_VALUE) {
        if (this.inString) {
          if (this.escape) this.escape = false;
          else if (b === BACKSLASH) this.escape = true;
          else if (b === QUOTE) this.inString = false;
          else if (b === LF) {
            this.inString = false;
            this.newLine(chunkStart + i);
          }
          continue;
        }
        if (b === LF) {
          this.newLine(chunkStart + i);
          continue;
        }
        if (this.measuringIndent) {
          if (b === SPACE || b === TAB) {
            this.lineIndent++;
            continue;
          }
          this.measuringIndent = false;
          if (b === CR) continue;
          if (this.lineIndent > this.valueCol) this.sawIndent = true;
          else if (b === LBRACE && this.lineIndent === this.valueCol && this.sawIndent) {
            // The open value never closed; a new one starts here.
            const cutEnd = this.lineStart - 1;
            this.sink(
              problemRecord(
                this.valueStart,
                Math.max(0, cutEnd - this.valueStart),
                this.valueLine,
                `JSON value cut short: a new value starts at line ${this.lineNo} before it closes`,
              ),
            );
            this.resetValue();
            pieceFrom = i;
            this.startValue(chunkStart + i, true);
            this.depth = 1;
            continue;
          }
        }
        if (b === QUOTE) this.inString = true;
        else if (b === LBRACE || b === LBRACKET) this.depth++;
        else if (b === RBRACE || b === RBRACKET) {
          this.depth--;
          if (this.depth === 0) {
            this.endValue(data, pieceFrom, i + 1, chunkStart);
          }
        }
        continue;
      }
      if (this.kind === KIND_JUNK) {
        if (b === LF || (this.inArray && (b === COMMA || b === RBRACKET))) {
          this.endValue(data, pieceFrom, i, chunkStart);
          if (b === LF) this.newLine(chunkStart + i);
          else if (b === RBRACKET) this.inArray = false;
        }
        continue;
      }
      // Between values.
      if (b === LF) {
        this.newLine(chunkStart + i);
        continue;
      }
      if (isBlank(b)) continue;
      if (this.inArray) {
        if (b === COMMA) continue;
        if (b === RBRACKET) {
          this.inArray = false;
          continue;
        }
      } else if (b === LBRACKET) {
        this.inArray = true;
        this.arrayLine = this.lineNo;
        this.arrayOffset = chunkStart + i;
        continue;
      }
      pieceFrom = i;
      this.startValue(chunkStart + i, b === LBRACE || b === LBRACKET);
      if (this.kind === KIND_VALUE) {
        this.depth = 1;
        if (b === QUOTE) this.inString = true;
      }
    }
    if (this.kind !== KIND_NONE && pieceFrom < n) this.append(data.subarray(pieceFrom));
  }

  finish(): void {
    if (this.kind === KIND_VALUE) {
      this.sink(problemRecord(this.valueStart, this.lastEnd - this.valueStart, this.valueLine, 'the file ends inside a JSON value (truncated record)'));
    } else if (this.kind === KIND_JUNK) {
      this.endValue(Buffer.alloc(0), 0, 0, this.lastEnd);
    } else if (this.inArray) {
      this.sink(problemRecord(this.arrayOffset, this.lastEnd - this.arrayOffset, this.arrayLine, 'the file ends before the JSON array is closed (truncated)'));
    }
    this.resetValue();
  }

  /** Tracks where the file has got to, for the length of a truncated last value. */
  private newLine(lfOffset: number): void {
    this.lineNo++;
    this.lineStart = lfOffset + 1;
    if (this.kind === KIND_VALUE) {
      this.measuringIndent = true;
      this.lineIndent = 0;
    }
  }

  private startValue(offset: number, structured: boolean): void {
    this.kind = structured ? KIND_VALUE : KIND_JUNK;
    this.valueStart = offset;
    this.valueLine = this.lineNo;
    this.valueCol = offset - this.lineStart;
    this.sawIndent = false;
    this.measuringIndent = false;
    this.inString = false;
    this.escape = false;
  }

  private resetValue(): void {
    this.kind = KIND_NONE;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.pieces = [];
    this.piecesLen = 0;
    this.overflow = false;
  }

  private append(piece: Buffer): void {
    this.lastEnd = this.valueStart + this.piecesLen + piece.length;
    if (this.overflow) {
      this.piecesLen += piece.length;
      return;
    }
    this.pieces.push(Buffer.from(piece)); // a copy: the read buffer is reused
    this.piecesLen += piece.length;
    if (this.piecesLen > this.maxRecordBytes) {
      this.overflow = true;
      this.pieces = [];
    }
  }

  /** Ends the value (or junk) at data[end) exclusive. */
  private endValue(data: Buffer, from: number, end: number, chunkStart: number): void {
    const total = this.piecesLen + (end - from);
    const kind = this.kind;
    if (this.overflow || total > this.maxRecordBytes) {
      this.sink(problemRecord(this.valueStart, total, this.valueLine, tooLarge(this.maxRecordBytes)));
    } else {
      let buf = data;
      let s = from;
      let e = end;
      if (this.pieces.length) {
        buf = Buffer.concat([...this.pieces, data.subarray(from, end)]);
        s = 0;
        e = buf.length;
      }
      if (kind === KIND_JUNK) {
        while (e > s && isBlank(buf[e - 1]!)) e--;
      }
      // evtx_dump -o json prints "Record 12" before each record.
      const separator = kind === KIND_JUNK && /^Record \d+$/.test(buf.toString('latin1', s, Math.min(e, s + 32)));
      if (!separator && e > s) {
        this.sink({ offset: this.valueStart, length: e - s, line: this.valueLine, buf, start: s, end: e, utf8: false });
      }
    }
    this.lastEnd = chunkStart + end;
    this.resetValue();
  }
}
