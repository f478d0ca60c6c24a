// Appends prepared rows (prepared-rows.ts) to the events table a data chunk at a time: the
// numbers are copied into the chunk's vectors in one call per column, and each string value
// is handed to DuckDB as the UTF-8 bytes the reading thread wrote. Appending value by value
// (twelve calls and a UTF-16 → UTF-8 conversion per string, plus endRow, per event) was the
// largest cost of the engine thread during an import.
//
// The low-level calls come from @duckdb/node-bindings, the package @duckdb/node-api is built
// on (same version): node-api's vectors offer no way to assign a string from bytes.

import duckdb from '@duckdb/node-bindings';
import { BIGINT, DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
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
      for (const [column, slot] of STRING_COLUMNS) {
        const v = vector(column);
        for (let i = 0; i < n; i++) {
          const k = (start + i) * STRINGS_PER_EVENT + slot;
          const begin = k === 0 ? 0 : (ends[k - 1] as number);
          duckdb.vector_assign_string_element_len(v, i, text.subarray(begin, ends[k] as number));
        }
      }
      appender.appendDataChunk(this.chunk);
    }
    return nextId;
  }
}
