// A CorrelationResult kept with the case, so that reopening a case does not correlate it again.
//
// Row-wise JSON of a 1M-event result is 367 MB (mostly the same keys repeated 300,000 times)
// and took 12–17 s to JSON.parse here; this codec stores each list of records column by
// column, every string once in one table, so the stored text is a few arrays of small
// integers that V8 parses quickly, and decoding rebuilds the records in one pass.
//
// It is generic over the records (keys and value types are read from the data, not listed
// here), so a field added to the model is kept without a change here. What it cannot keep
// (undefined inside a list, bigint, functions, a class instance) makes encoding throw: the
// caller then does not store the result and the case is simply correlated again next time.
// A key whose value is `undefined` comes back absent (the same for every reader of the model).

import type { CorrelationResult } from './model.js';

/** What the stored value is; anything else is not read. */
export const CORRELATION_CODEC_FORMAT = 'chainline-correlation-columns';

/**
 * Bump when the codec changes OR when correlation's output changes for the same events (a
 * fixed rule, a new field's meaning): results stored by other versions are then recomputed.
 */
export const CORRELATION_CODEC_VERSION = 1;

/** The lists of a CorrelationResult, in the order they are stored. */
const RESULT_LISTS = ['hosts', 'sessions', 'processes', 'scripts', 'services', 'lateral'] as const;

export class ResultCodecError extends Error {}

/**
 * A column: the values one key takes in the records of a table that have that key.
 *  s: string table indexes (-1 null) · n: numbers (null, or 'NaN' 'Inf' '-Inf' '-0') ·
 *  d: whole numbers (null), each stored as its difference from the last one (row ids, times) ·
 *  b: 0 false, 1 true, 2 null · o: records or null (nulls: row positions of null; the table
 *  holds the others) · a: lists or null (len: -1 null, else the length; items: the elements
 *  of all lists in a row, as one column) · z: a column of only nulls (or only empty lists:
 *  see `a`), stored as its length.
 */
type Column =
  | { readonly t: 's'; readonly v: number[] }
  | { readonly t: 'n'; readonly v: (number | string | null)[] }
  | { readonly t: 'd'; readonly v: (number | null)[] }
  | { readonly t: 'b'; readonly v: number[] }
  | { readonly t: 'o'; readonly nulls: number[]; readonly table: Table }
  | { readonly t: 'a'; readonly len: number[]; readonly items: Column }
  | { readonly t: 'z'; readonly n: number };

/** Records: `keys` the union of their keys; each record has one shape (the keys it has). */
interface Table {
  readonly n: number;
  readonly keys: string[];
  /** Key indexes per shape, in the record's own key order. */
  readonly shapes: number[][];
  /** Shape of each record; omitted when there is one shape. */
  readonly shape?: number[];
  readonly cols: Column[];
}

export interface EncodedResult {
  readonly format: typeof CORRELATION_CODEC_FORMAT;
  readonly version: number;
  readonly strings: string[];
  readonly lists: Record<string, Column>;
}

// ---- encoding ----

class Encoder {
  private strings: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly uses: number[] = [];
  private readonly stringColumns: number[][] = [];

  str(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
      this.uses.push(0);
    }
    (this.uses[i] as number)++;
    return i;
  }

  /**
   * The string table, most used first: the indexes written most often are the shortest
   * (image names, users, integrity levels repeat hundreds of thousands of times).
   */
  finish(): string[] {
    const order = this.strings.map((_, i) => i).sort((a, b) => (this.uses[b] as number) - (this.uses[a] as number) || a - b);
    const rank = new Array<number>(order.length);
    order.forEach((old, i) => (rank[old] = i));
    for (const v of this.stringColumns) for (let i = 0; i < v.length; i++) if ((v[i] as number) >= 0) v[i] = rank[v[i] as number] as number;
    this.strings = order.map((i) => this.strings[i] as string);
    return this.strings;
  }

  /** One column of arbitrary values (every value the same kind, or null). */
  column(values: readonly unknown[], where: string): Column {
    let kind: 'string' | 'number' | 'boolean' | 'object' | 'array' | null = null;
    for (const v of values) {
      if (v === null) continue;
      const k = Array.isArray(v) ? 'array' : typeof v;
      if (k !== 'string' && k !== 'number' && k !== 'boolean' && k !== 'object' && k !== 'array') {
        throw new ResultCodecError(`${where}: cannot store a value of type ${k}`);
      }
      if (kind === null) kind = k;
      else if (kind !== k) throw new ResultCodecError(`${where}: mixed value types (${kind} and ${k})`);
    }
    switch (kind) {
      case null:
        return { t: 'z', n: values.length };
      case 'string': {
        const v = values.map((x) => (x === null ? -1 : this.str(x as string)));
        this.stringColumns.push(v);
        return { t: 's', v };
      }
      case 'number': {
        if (values.every((x) => x === null || (Number.isSafeInteger(x) && !Object.is(x, -0)))) {
          // The difference of two safe integers need not be one: a column where it is not
          // is stored as plain numbers instead.
          let last = 0;
          let ok = true;
          const v = values.map((x) => {
            if (x === null) return null;
            const d = (x as number) - last;
            if (!Number.isSafeInteger(d)) ok = false;
            last = x as number;
            return d;
          });
          if (ok) return { t: 'd', v };
        }
        return { t: 'n', v: values.map((x) => (x === null ? null : numberOut(x as number))) };
      }
      case 'boolean':
        return { t: 'b', v: values.map((v) => (v === null ? 2 : v ? 1 : 0)) };
      case 'object': {
        const nulls: number[] = [];
        const records: object[] = [];
        values.forEach((v, i) => {
          if (v === null) nulls.push(i);
          else records.push(v as object);
        });
        return { t: 'o', nulls, table: this.table(records, where) };
      }
      case 'array': {
        const len: number[] = [];
        const items: unknown[] = [];
        for (const v of values) {
          if (v === null) {
            len.push(-1);
            continue;
          }
          const list = v as readonly unknown[];
          len.push(list.length);
          for (const item of list) items.push(item);
        }
        return { t: 'a', len, items: this.column(items, `${where}[]`) };
      }
      default: {
        const never: never = kind;
        throw new ResultCodecError(`${where}: ${String(never)}`);
      }
    }
  }

  table(records: readonly object[], where: string): Table {
    const keys: string[] = [];
    const keyIndex = new Map<string, number>();
    const shapes: number[][] = [];
    const shapeIndex = new Map<string, number>();
    const shape: number[] = [];
    // First the shape of each record; records come in runs of one shape, so each key is first
    // compared with the last record's key at that position before any hashing.
    let last: number[] = [];
    let lastShape = -1;
    const ks: number[] = [];
    for (const record of records) {
      const proto = Object.getPrototypeOf(record) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new ResultCodecError(`${where}: not a plain record`);
      ks.length = 0;
      const fields = record as Record<string, unknown>;
      for (const key in fields) {
        if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
        if (fields[key] === undefined) continue;
        const guess = last[ks.length];
        let k = guess !== undefined && keys[guess] === key ? guess : keyIndex.get(key);
        if (k === undefined) {
          if (key === '__proto__') throw new ResultCodecError(`${where}: a key named __proto__`);
          k = keys.length;
          keys.push(key);
          keyIndex.set(key, k);
        }
        ks.push(k);
      }
      let same = ks.length === last.length;
      for (let i = 0; same && i < ks.length; i++) same = ks[i] === last[i];
      if (!same) {
        const sig = ks.join(',');
        let s = shapeIndex.get(sig);
        if (s === undefined) {
          s = shapes.length;
          shapes.push(ks.slice());
          shapeIndex.set(sig, s);
        }
        lastShape = s;
        last = shapes[s] as number[];
      }
      shape.push(lastShape);
    }
    // Then each key's column: the values of the records whose shape has the key.
    const cols = keys.map((key, k) => {
      let values: unknown[];
      if (shapes.length === 1) values = records.map((r) => (r as Record<string, unknown>)[key]);
      else {
        const has = shapes.map((ks2) => ks2.includes(k));
        values = [];
        for (let i = 0; i < records.length; i++) if (has[shape[i] as number]) values.push((records[i] as Record<string, unknown>)[key]);
      }
      return this.column(values, `${where}.${key}`);
    });
    return { n: records.length, keys, shapes, ...(shapes.length > 1 ? { shape } : {}), cols };
  }
}

function numberOut(n: number): number | string {
  if (Number.isFinite(n)) return Object.is(n, -0) ? '-0' : n;
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Inf' : '-Inf';
}

function numberIn(v: number | string | null): number | null {
  if (typeof v === 'number' || v === null) return v;
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case '-0':
      return -0;
    default:
      throw new ResultCodecError(`not a stored number: ${JSON.stringify(v)}`);
  }
}

/** Named lists of records as plain JSON-able columns (throws ResultCodecError on what it cannot keep). */
export function encodeLists(lists: Readonly<Record<string, readonly unknown[]>>): EncodedResult {
  const encoder = new Encoder();
  const columns: Record<string, Column> = {};
  for (const [name, list] of Object.entries(lists)) columns[name] = encoder.column([list], name);
  return { format: CORRELATION_CODEC_FORMAT, version: CORRELATION_CODEC_VERSION, strings: encoder.finish(), lists: columns };
}

/** The result as plain JSON-able columns (throws ResultCodecError on what it cannot keep). */
export function encodeResult(result: CorrelationResult): EncodedResult {
  const lists: Record<string, readonly unknown[]> = {};
  for (const name of RESULT_LISTS) lists[name] = result[name];
  return encodeLists(lists);
}

/**
 * JSON text of an encoded value in ASCII only (every other character as a \u escape): read
 * back as latin1 it is a one-byte string, with no UTF-8 decoding, which V8 also parses faster.
 */
export function toAsciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

// ---- decoding ----

// Lists that were empty come back as this one list: most processes have no candidates, exit
// rows or activity (correlation shares one empty list the same way). Frozen: nothing may
// push into a result, and if something tried it would fail loudly instead of filling every
// empty list at once.
const EMPTY: readonly never[] = Object.freeze([]);

function fail(message: string): never {
  throw new ResultCodecError(message);
}

function isArray(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

type RecordMaker = (columns: readonly unknown[][], row: number, at: number[] | null) => object;

const makerCache = new Map<string, RecordMaker>();

/**
 * A function building one record of a shape as an object literal: V8 then gives every record
 * of the shape one layout at once, where assigning keys one by one from data was the slowest
 * part of decoding (6 s for a 1M-event result). Keys are written as JSON string literals, so
 * no stored key can be anything but a property name. `counted`: the table has several shapes,
 * and each column is read at its own position (`at`), else every column at `row`.
 */
function recordMaker(keys: readonly string[], shape: readonly number[], counted: boolean): RecordMaker {
  const cacheKey = JSON.stringify([counted, shape.map((k) => keys[k])]);
  let maker = makerCache.get(cacheKey);
  if (!maker) {
    const fields = shape.map((k) => `${JSON.stringify(keys[k])}: c[${k}][${counted ? `at[${k}]++` : 'i'}]`);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the comment above
    maker = new Function('c', 'i', 'at', `return { ${fields.join(', ')} };`) as RecordMaker;
    if (makerCache.size < 1000) makerCache.set(cacheKey, maker);
  }
  return maker;
}

class Decoder {
  constructor(private readonly strings: readonly string[]) {}

  /** The column's `n` values (throws on anything malformed: a stored value is not trusted). */
  column(c: unknown, n: number, where: string): unknown[] {
    if (typeof c !== 'object' || c === null) fail(`${where}: not a column`);
    const col = c as Record<string, unknown>;
    switch (col['t']) {
      case 'z': {
        if (col['n'] !== n) fail(`${where}: ${String(col['n'])} values, expected ${n}`);
        return new Array<unknown>(n).fill(null);
      }
      case 's': {
        const v = this.values(col['v'], n, where);
        const strings = this.strings;
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
          const x = v[i];
          if (x === -1) out[i] = null;
          else {
            const s = isInt(x) ? strings[x] : undefined;
            if (s === undefined) fail(`${where}: bad string index ${String(x)}`);
            out[i] = s;
          }
        }
        return out;
      }
      case 'n': {
        const v = this.values(col['v'], n, where);
        for (let i = 0; i < n; i++) {
          const x = v[i];
          if (typeof x !== 'number') v[i] = numberIn(x as string | null);
        }
        return v;
      }
      case 'd': {
        const v = this.values(col['v'], n, where);
        let last = 0;
        for (let i = 0; i < n; i++) {
          const x = v[i];
          if (x === null) continue;
          if (typeof x !== 'number') fail(`${where}: bad number ${String(x)}`);
          last += x;
          v[i] = last;
        }
        return v;
      }
      case 'b': {
        const v = this.values(col['v'], n, where);
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
          const x = v[i];
          out[i] = x === 1 ? true : x === 0 ? false : x === 2 ? null : fail(`${where}: bad boolean ${String(x)}`);
        }
        return out;
      }
      case 'o': {
        const nulls = col['nulls'];
        if (!isArray(nulls)) fail(`${where}: no null list`);
        const records = this.table(col['table'], n - nulls.length, where);
        if (nulls.length === 0) return records;
        const out = new Array<unknown>(n);
        let r = 0;
        let next = 0;
        for (let i = 0; i < n; i++) {
          if (next < nulls.length && nulls[next] === i) {
            out[i] = null;
            next++;
          } else out[i] = records[r++];
        }
        if (next !== nulls.length || r !== records.length) fail(`${where}: null positions do not fit`);
        return out;
      }
      case 'a': {
        const len = this.values(col['len'], n, where);
        let total = 0;
        for (const l of len) {
          if (!isInt(l) || l < -1) fail(`${where}: bad list length`);
          if (l > 0) total += l;
        }
        const items = this.column(col['items'], total, `${where}[]`);
        const out = new Array<unknown>(n);
        let at = 0;
        for (let i = 0; i < n; i++) {
          const l = len[i] as number;
          if (l === -1) out[i] = null;
          else if (l === 0) out[i] = EMPTY;
          else {
            out[i] = items.slice(at, at + l);
            at += l;
          }
        }
        return out;
      }
      default:
        return fail(`${where}: unknown column type ${JSON.stringify(col['t'])}`);
    }
  }

  private values(v: unknown, n: number, where: string): unknown[] {
    if (!isArray(v) || v.length !== n) fail(`${where}: ${isArray(v) ? v.length : 'no'} values, expected ${n}`);
    return v;
  }

  table(t: unknown, n: number, where: string): object[] {
    if (typeof t !== 'object' || t === null) fail(`${where}: not a table`);
    const table = t as Record<string, unknown>;
    const keys = table['keys'];
    const shapes = table['shapes'];
    const cols = table['cols'];
    if (table['n'] !== n) fail(`${where}: ${String(table['n'])} records, expected ${n}`);
    // An object literal key `__proto__` would set the prototype, not a property.
    if (!isArray(keys) || !keys.every((k) => typeof k === 'string' && k !== '__proto__')) fail(`${where}: bad keys`);
    if (!isArray(cols) || cols.length !== keys.length) fail(`${where}: bad columns`);
    if (!isArray(shapes) || shapes.length === 0 && n > 0) fail(`${where}: bad shapes`);
    for (const s of shapes) {
      if (!isArray(s) || !s.every((k) => isInt(k) && k >= 0 && k < keys.length)) fail(`${where}: bad shape`);
    }
    const shapeList = shapes as number[][];
    let shapeOf: unknown[] | null = null;
    if (shapeList.length > 1) {
      shapeOf = this.values(table['shape'], n, where);
      for (const s of shapeOf) if (!isInt(s) || s < 0 || s >= shapeList.length) fail(`${where}: bad shape index`);
    }
    // How many records have each key: its column holds that many values.
    const counts = new Array<number>(keys.length).fill(0);
    if (shapeOf) for (const s of shapeOf) for (const k of shapeList[s as number] as number[]) counts[k] = (counts[k] ?? 0) + 1;
    else if (n > 0) for (const k of shapeList[0] as number[]) counts[k] = n;
    const columns = (keys as string[]).map((key, k) => this.column(cols[k], counts[k] as number, `${where}.${key}`));
    const out = new Array<object>(n);
    if (!shapeOf) {
      const make = recordMaker(keys as string[], shapeList[0] ?? [], false);
      for (let i = 0; i < n; i++) out[i] = make(columns, i, null);
    } else {
      const makers = shapeList.map((ks) => recordMaker(keys as string[], ks, true));
      const at = new Array<number>(keys.length).fill(0);
      for (let i = 0; i < n; i++) out[i] = (makers[shapeOf[i] as number] as RecordMaker)(columns, 0, at);
    }
    return out;
  }
}

/**
 * The result from its stored form. Throws ResultCodecError when the value is not one this
 * version wrote or does not hold together (the caller then correlates again).
 */
export function decodeResult(value: unknown): CorrelationResult {
  return decodeLists(value, RESULT_LISTS) as unknown as CorrelationResult;
}

/** Named lists from encodeLists (throws ResultCodecError like decodeResult). */
export function decodeLists(value: unknown, names: readonly string[]): Record<string, unknown[]> {
  if (typeof value !== 'object' || value === null) fail('not a stored correlation result');
  const v = value as Record<string, unknown>;
  if (v['format'] !== CORRELATION_CODEC_FORMAT) fail(`not a stored correlation result (format ${JSON.stringify(v['format'])})`);
  if (v['version'] !== CORRELATION_CODEC_VERSION) fail(`stored by another version (${String(v['version'])}, now ${CORRELATION_CODEC_VERSION})`);
  const strings = v['strings'];
  if (!isArray(strings) || !strings.every((s) => typeof s === 'string')) fail('bad string table');
  const lists = v['lists'];
  if (typeof lists !== 'object' || lists === null) fail('no lists');
  const decoder = new Decoder(strings as string[]);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const [list] = decoder.column((lists as Record<string, unknown>)[name], 1, name);
    if (!isArray(list)) fail(`${name}: not a list`);
    out[name] = list;
  }
  return out as Record<string, unknown[]>;
}
