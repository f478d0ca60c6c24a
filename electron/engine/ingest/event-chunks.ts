// Appends prepared rows (prepared-rows.ts) to the events table a data chunk at a time: the
// numbers are copied into the chunk's vectors in one call per column, and the string values
// are handed to DuckDB as the UTF-8 bytes the reading thread wrote. Appending value by value
// (twelve calls and a UTF-16 → UTF-8 conversion per string, plus endRow, per event) was the
// largest cost of the engine thread during an import.
//
// The strings of a chunk go in with one copy of their text and one call per column, not one
// call per value: the chunk's text (contiguous in PreparedRows) is copied into DuckDB's memory
// as one value of a scratch BLOB vector, and each string column's vector receives, in one
// copy, the duckdb_string_t of each value (duckdb.h: length, then 12 bytes inline, or a
// 4-byte prefix and a pointer), pointing into that text. The appender copies the strings
// into its own buffers while appending the chunk, and the scratch value lives until the
// next chunk. A call per value (vector_assign_string_element_len: an N-API call, a typed
// array view and a UTF-8 validation each, 7 values per event) was ~17% of the engine thread's
// samples (perf): store-only appends of the 200 MB bench file took 2.22-2.35 CPU s with it,
// 1.83-1.90 without. No check is lost: the text is what Buffer.write made of JS strings, valid
// UTF-8 by construction (a lone surrogate becomes U+FFFD), and DuckDB copies each value anew
// (recomputing its prefix) as the appender takes the chunk.
//
// The low-level calls come from @duckdb/node-bindings, the package @duckdb/node-api is built
// on (same version): node-api's vectors offer no way to assign a string from bytes.

import { endianness } from 'node:os';
import duckdb from '@duckdb/node-bindings';
import { BIGINT, BLOB, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
import { valueStart } from '../../../shared/value-ends.js';
import { STRINGS_PER_EVENT, StringSlot, type PreparedRows } from './prepared-rows.js';

/** The events table's columns, in order (schema.ts). */
const EVENT_COLUMN_TYPES = [BIGINT, INTEGER, BIGINT, VARCHAR, VARCHAR, VARCHAR, INTEGER, BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR];

const Column = {
  Id: 0,
  EvidenceId: 1,
  Ts: 2,
  Host: 3,
  Channel: 4,
  Provider: 5,
  EventId: 6,
  RecordId: 7,
  Summary: 8,
  System: 9,
  Data: 10,
  Meta: 11,
} as const;

/** sizeof(duckdb_string_t), and the longest string it holds inline (duckdb.h). */
const STRING_T_BYTES = 16;
const STRING_INLINE_MAX = 12;
const TWO_32 = 2 ** 32;
const LITTLE_ENDIAN = endianness() === 'LE';

/** Which string slot fills which column. */
const STRING_COLUMNS: readonly (readonly [column: number, slot: number])[] = [
  [Column.Host, StringSlot.Host],
  [Column.Channel, StringSlot.Channel],
  [Column.Provider, StringSlot.Provider],
  [Column.Summary, StringSlot.Summary],
  [Column.System, StringSlot.System],
  [Column.Data, StringSlot.Data],
  [Column.Meta, StringSlot.Meta],
];

export class EventChunkWriter {
  private readonly chunk = DuckDBDataChunk.create(EVENT_COLUMN_TYPES);
  private readonly size = duckdb.vector_size();
  private readonly ids = new BigInt64Array(this.size);
  private readonly evidenceIds = new Int32Array(this.size);
  private readonly recordIds = new BigInt64Array(this.size);
  /** One bit per row, set when the row has a record id. */
  private readonly recordValid = new Uint8Array(Math.ceil(this.size / 64) * 8);
  /** A chunk's text, as the one value of a BLOB vector (BLOB: DuckDB does not validate it again). */
  private readonly scratch = DuckDBDataChunk.create([BLOB]);
  /** The duckdb_string_t of one string column of a chunk. */
  private readonly strings = new Uint8Array(this.size * STRING_T_BYTES);
  private readonly stringWords = new Uint32Array(this.strings.buffer);

  /** Appends rows `from` to `to` (all by default) with ids from `firstId`; returns the next free id. */
  append(appender: DuckDBAppender, evidenceId: number, rows: PreparedRows, firstId: number, from = 0, to = rows.count): number {
    let nextId = firstId;
    const raw = this.chunk.chunk;
    const { text, ends } = rows;
    for (let start = from; start < to; start += this.size) {
      const n = Math.min(this.size, to - start);
      duckdb.data_chunk_reset(raw);
      duckdb.data_chunk_set_size(raw, n);
      const vector = (column: number): duckdb.Vector => duckdb.data_chunk_get_vector(raw, column);
      const copy = (column: number, values: BigInt64Array | Int32Array, from: number): void => {
        const bytes = values.BYTES_PER_ELEMENT;
        duckdb.copy_data_to_vector(vector(column), 0, values.buffer as ArrayBuffer, values.byteOffset + from * bytes, n * bytes);
      };
      for (let i = 0; i < n; i++) this.ids[i] = BigInt(nextId++);
      copy(Column.Id, this.ids, 0);
      this.evidenceIds.fill(evidenceId, 0, n);
      copy(Column.EvidenceId, this.evidenceIds, 0);
      copy(Column.Ts, rows.ticks, start);
      copy(Column.EventId, rows.eventIds, start);
      this.recordValid.fill(0);
      for (let i = 0; i < n; i++) {
        const recordId = rows.recordIds[start + i] as number;
        if (Number.isNaN(recordId)) {
          this.recordIds[i] = 0n;
        } else {
          this.recordIds[i] = BigInt(recordId);
          // DuckDB's validity mask is little-endian 64-bit words: bit i of the mask is bit i & 7 of byte i >> 3.
          this.recordValid[i >> 3] = (this.recordValid[i >> 3] as number) | (1 << (i & 7));
        }
      }
      copy(Column.RecordId, this.recordIds, 0);
      const recordVector = vector(Column.RecordId);
      duckdb.vector_ensure_validity_writable(recordVector);
      duckdb.copy_data_to_vector_validity(recordVector, 0, this.recordValid.buffer as ArrayBuffer, 0, Math.ceil(n / 64) * 8);
      // The chunk's text, rows start..start+n, is one range of `text`.
      const k0 = start * STRINGS_PER_EVENT;
      const textBegin = valueStart(ends, k0);
      const textEnd = ends[(start + n) * STRINGS_PER_EVENT - 1] as number;
      if (LITTLE_ENDIAN) {
        const base = this.scratchText(text.subarray(textBegin, textEnd));
        for (const [column, slot] of STRING_COLUMNS) {
          this.writeStrings(text, ends, start, n, slot, textBegin, base);
          duckdb.copy_data_to_vector(vector(column), 0, this.strings.buffer as ArrayBuffer, 0, n * STRING_T_BYTES);
        }
      } else {
        // (The pointers are written as two little-endian halves.)
        for (const [column, slot] of STRING_COLUMNS) {
          const v = vector(column);
          for (let i = 0; i < n; i++) {
            const k = (start + i) * STRINGS_PER_EVENT + slot;
            duckdb.vector_assign_string_element_len(v, i, text.subarray(valueStart(ends, k), ends[k] as number));
          }
        }
      }
      appender.appendDataChunk(this.chunk);
    }
    return nextId;
  }

  /**
   * Copies `bytes` into DuckDB's memory as the one value of the scratch vector (replacing the
   * previous chunk's) and returns its address, or -1 when it is short enough to be held inline
   * (then no value of the chunk is long enough to need it).
   */
  private scratchText(bytes: Uint8Array): number {
    const raw = this.scratch.chunk;
    duckdb.data_chunk_reset(raw);
    duckdb.data_chunk_set_size(raw, 1);
    const v = duckdb.data_chunk_get_vector(raw, 0);
    duckdb.vector_assign_string_element_len(v, 0, bytes);
    if (bytes.length <= STRING_INLINE_MAX) return -1;
    const t = duckdb.vector_get_data(v, STRING_T_BYTES);
    const view = new DataView(t.buffer, t.byteOffset, STRING_T_BYTES);
    return view.getUint32(8, true) + view.getUint32(12, true) * TWO_32;
  }

  /** Fills `this.strings` with the duckdb_string_t of string slot `slot` of rows start..start+n. */
  private writeStrings(text: Uint8Array, ends: Float64Array, start: number, n: number, slot: number, textBegin: number, base: number): void {
    const bytes = this.strings;
    const words = this.stringWords;
    for (let i = 0; i < n; i++) {
      const k = (start + i) * STRINGS_PER_EVENT + slot;
      const begin = valueStart(ends, k);
      const length = (ends[k] as number) - begin;
      const o = i * STRING_T_BYTES;
      const w = o >> 2;
      words[w] = length;
      if (length <= STRING_INLINE_MAX) {
        // Inline: the bytes, then zeros (DuckDB compares inline strings as 16 bytes).
        words[w + 1] = 0;
        words[w + 2] = 0;
        words[w + 3] = 0;
        for (let j = 0; j < length; j++) bytes[o + 4 + j] = text[begin + j] as number;
      } else {
        bytes[o + 4] = text[begin] as number;
        bytes[o + 5] = text[begin + 1] as number;
        bytes[o + 6] = text[begin + 2] as number;
        bytes[o + 7] = text[begin + 3] as number;
        const address = base + (begin - textBegin);
        const high = Math.floor(address / TWO_32);
        words[w + 2] = address - high * TWO_32;
        words[w + 3] = high;
      }
    }
  }
}
