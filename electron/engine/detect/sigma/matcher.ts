// Matching events against a rule pack. Rules are compiled once per (channel, event id) bucket —
// the bucket fixes the field mapping (Sysmon 1 and Security 4688 read `Image` differently) —
// and an event only meets the rules whose log source covers its channel and id.
//
// Inside a bucket a literal prefilter keeps most rules from running at all: from each rule's
// condition we derive up to three groups of "atoms", each group having an atom that holds
// whenever the rule matches (a field equal to a value, a path ending in a file name, a field
// containing a needle). Per event the equality atoms are looked up in hash maps and each
// field's substring atoms are found in one pass over the lower-cased field (an Aho–Corasick
// automaton of its ASCII needles, aho-corasick.ts, one table load per character; a GramIndex —
// needles filed under a rare 3- or 4-character gram, every gram hit verified in place — for
// non-ASCII needles, for hashes, and when the automaton would be too big); only the rules
// all of whose groups were hit (plus the few whose condition yields no atoms, e.g. pure
// negations) are evaluated. Groups are chosen by estimated selectivity (atomCost), so a rule
// with `Image|endswith: '.exe'` and a rare `contains` is guarded by the rare one.
//
// Field values repeat (images, parents, users, labels), so each bucket remembers recent distinct
// values per field (EvalContext.entry: until a field proves not to repeat, like command lines):
// a remembered value carries its lower case, its prefilter hits, the result of every one-field
// test of the bucket on it (identical tests of different rules share one), and a number; a rule
// that reads only remembered fields keeps its result per combination of those numbers. Indexes
// whose needles are all long (hashes) look up only every step-th gram (finishStrided).

import type { NormalizedEvent } from '../../../../shared/events.js';
import { cidrContains } from './cidr.js';
import type { CondNode } from './condition.js';
import type { Search } from './detection.js';
import { fieldAccessor, resolveLogsource, type FieldGetter } from './logsource.js';
import type { FieldItem, ValueTest } from './modifiers.js';
import type { Rule, RulePack } from './types.js';
import { regexLiterals } from './regex-literals.js';
import { AhoCorasick, ANYWHERE, AT_END, AT_START } from './aho-corasick.js';
import { stringTestFn, type StringTest } from './wildcard.js';

/**
 * One distinct value of a field, remembered across events: its lower case (computed once, not
 * per event), the prefilter's hit codes for it, and a number standing for it in the per-rule
 * result memo (numbers are never reused, so a memo entry of a forgotten value is never hit).
 */
interface ValueEntry {
  readonly id: number;
  readonly low: string;
  codes: readonly number[] | undefined;
  /** Per distinct one-field test of the slot: 0 not run yet, 1 false, 2 true. */
  results: Uint8Array | null;
}

/** Per field: values remembered (the map is emptied when full), longest value remembered, and
 *  lookups after which a field missing more than 3 in 4 stops being cached. */
const CACHE_ENTRIES = 4096;
const CACHE_VALUE_MAX = 1024;
const CACHE_PROBATION = 2048;
/** Value numbers stay below this (a pair of them is one exact double); past it every cache is
 *  emptied and numbering starts again. */
const ID_LIMIT = 1 << 26;

/** Per-event cache of field values, shared by the rules of a bucket (slots are per bucket). */
class EvalContext {
  event!: NormalizedEvent;
  gen = 1;
  private rawStamp: Uint32Array;
  private lowStamp: Uint32Array;
  private entryStamp: Uint32Array;
  private raws: (string | undefined)[];
  private lows: (string | undefined)[];
  private entries: (ValueEntry | null)[];
  /** Per slot: remembered values (null once the field proved not to repeat). */
  private caches: (Map<string, ValueEntry> | null)[];
  private lookups: Uint32Array;
  private misses: Uint32Array;
  private nextId = 1;
  /** Bumped whenever value numbers restart (memos keyed by them must be emptied). */
  idEpoch = 0;
  private allStamp = 0;
  private allRaw: string[] = [];
  private allLow: string[] = [];

  private spacedStamp = 0;
  private spacedMap: Map<string, string> | null = null;

  /** `plain[slot]`: the slot reads EventData by this name, and may fall back to a spaced name. */
  constructor(
    private readonly getters: FieldGetter[],
    private readonly plain: (string | null)[],
    /** Per slot, its distinct one-field tests (see memoItem). */
    private readonly itemCounts: readonly number[] = [],
  ) {
    const n = getters.length;
    this.rawStamp = new Uint32Array(n);
    this.lowStamp = new Uint32Array(n);
    this.entryStamp = new Uint32Array(n);
    this.raws = new Array<string | undefined>(n);
    this.lows = new Array<string | undefined>(n);
    this.entries = new Array<ValueEntry | null>(n).fill(null);
    this.caches = Array.from({ length: n }, () => new Map<string, ValueEntry>());
    this.lookups = new Uint32Array(n);
    this.misses = new Uint32Array(n);
  }

  reset(event: NormalizedEvent): void {
    this.event = event;
    this.gen = (this.gen + 1) >>> 0 || 1;
    if (this.gen === 1) {
      // Stamps wrapped around: forget them all rather than trust a stale one.
      this.rawStamp.fill(0);
      this.lowStamp.fill(0);
      this.entryStamp.fill(0);
      this.allStamp = 0;
      this.spacedStamp = 0;
      this.gen = 2;
    }
    // Between events, so that no memo key mixes numbers from before and after.
    if (this.nextId > ID_LIMIT - 65536) this.restartIds();
  }

  /** The slot's value, read by the caller exactly as the slot's getter reads it. */
  setRaw(slot: number, v: string): string {
    this.rawStamp[slot] = this.gen;
    this.raws[slot] = v;
    return v;
  }

  raw(slot: number): string | undefined {
    if (this.rawStamp[slot] !== this.gen) {
      this.rawStamp[slot] = this.gen;
      let v = (this.getters[slot] as FieldGetter)(this.event);
      if (v === undefined) {
        const name = this.plain[slot];
        if (name) v = this.spaced(name);
      }
      this.raws[slot] = v;
    }
    return this.raws[slot];
  }

  /**
   * The remembered entry of the slot's value this event; null when the value is absent, too
   * long, or the field does not repeat enough to be worth remembering. Field values repeat
   * (images, parents, users, directories, labels): a Map lookup on the raw value then replaces
   * lower-casing it, scanning it and running the rules that read only such fields.
   */
  entry(slot: number): ValueEntry | null {
    if (this.entryStamp[slot] === this.gen) return this.entries[slot] as ValueEntry | null;
    this.entryStamp[slot] = this.gen;
    let e: ValueEntry | null = null;
    const raw = this.raw(slot);
    const cache = this.caches[slot];
    if (raw !== undefined && cache && raw.length <= CACHE_VALUE_MAX) {
      const lookups = ++(this.lookups[slot] as number);
      e = cache.get(raw) ?? null;
      if (e === null) {
        const misses = ++(this.misses[slot] as number);
        e = { id: this.nextId++, low: raw.toLowerCase(), codes: undefined, results: null };
        if (cache.size >= CACHE_ENTRIES) cache.clear();
        cache.set(raw, e);
        // Values that hardly repeat (command lines, script blocks) are not worth remembering.
        if (lookups >= CACHE_PROBATION && misses > lookups * 0.75) this.caches[slot] = null;
      }
    }
    this.entries[slot] = e;
    return e;
  }

  /** Test `k` of the slot on this event's value: remembered with the value when it is. */
  memoItem(slot: number, k: number, pred: Pred): boolean {
    const e = this.entry(slot);
    if (e === null) return pred(this);
    let r = e.results;
    if (r === null) r = e.results = new Uint8Array(this.itemCounts[slot] as number);
    let v = r[k] as number;
    if (v === 0) {
      v = pred(this) ? 2 : 1;
      r[k] = v;
    }
    return v === 2;
  }

  /** False once the slot's values proved not to repeat (for good). */
  remembers(slot: number): boolean {
    return this.caches[slot] !== null;
  }

  /** The number of the slot's value this event: 0 when absent, -1 when not remembered. */
  valueId(slot: number): number {
    const e = this.entry(slot);
    if (e !== null) return e.id;
    return this.raw(slot) === undefined ? 0 : -1;
  }

  private restartIds(): void {
    for (const c of this.caches) c?.clear();
    this.entries.fill(null);
    this.nextId = 1;
    this.idEpoch++;
  }

  low(slot: number): string | undefined {
    if (this.lowStamp[slot] !== this.gen) {
      this.lowStamp[slot] = this.gen;
      const e = this.entry(slot);
      if (e !== null) this.lows[slot] = e.low;
      else {
        const r = this.raw(slot);
        this.lows[slot] = r === undefined ? undefined : r.toLowerCase();
      }
    }
    return this.lows[slot];
  }

  /**
   * Sigma writes field names without their spaces (`Source Name` → `SourceName`, Defender and
   * other classic logs): the event's spaced names, keyed without spaces, built once per event.
   */
  private spaced(name: string): string | undefined {
    return this.spacedNames()?.get(name);
  }

  /** The event's spaced names (keyed without spaces), null when it has none; once per event.
   *  Object.keys, not for…in: event data with many fields is a dictionary-mode object, whose
   *  for…in re-checks every key. */
  spacedNames(): ReadonlyMap<string, string> | null {
    if (this.spacedStamp !== this.gen) {
      this.spacedStamp = this.gen;
      this.spacedMap = null;
      const data = this.event.data;
      const keys = Object.keys(data);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        if (key.includes(' ')) (this.spacedMap ??= new Map()).set(key.replace(/ /g, ''), data[key] as string);
      }
    }
    return this.spacedMap;
  }

  /** Every EventData value, for keyword searches. */
  values(lower: boolean): readonly string[] {
    if (this.allStamp !== this.gen) {
      this.allStamp = this.gen;
      this.allRaw = Object.values(this.event.data);
      this.allLow = this.allRaw.map((v) => v.toLowerCase());
    }
    return lower ? this.allLow : this.allRaw;
  }
}

type Pred = (ctx: EvalContext) => boolean;

/** Necessary literal atoms (see the file comment). `sub` atoms become 3-grams per bucket. */
type Atom =
  | { readonly k: 'eq'; readonly slot: number; readonly v: string; readonly weak: boolean }
  | { readonly k: 'base'; readonly slot: number; readonly v: string }
  | { readonly k: 'sub'; readonly slot: number; readonly v: string };

/** Substring atoms are verified in the lower-cased field, which is sound when lower-casing
 *  commutes with taking substrings: always for an uncased test (it compares exactly that), and
 *  for an ASCII needle. Otherwise (a cased or regex needle with, say, a capital sigma, whose
 *  lower case depends on its neighbours) no atom. */
const ASCII = /^[\x00-\x7f]*$/;
function subAtom(slot: number, v: string, cased: boolean): Atom | null {
  return !cased || ASCII.test(v) ? { k: 'sub', slot, v } : null;
}

function parseNumber(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  return undefined;
}

function timePart(s: string | undefined, part: NonNullable<Extract<ValueTest, { kind: 'num' }>['timePart']>): number | undefined {
  if (s === undefined) return undefined;
  const d = new Date(s.trim());
  if (Number.isNaN(d.getTime())) return undefined;
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week': {
      // ISO week number.
      const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const day = t.getUTCDay() || 7;
      t.setUTCDate(t.getUTCDate() + 4 - day);
      const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
      return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
    }
  }
}

function compare(op: 'lt' | 'lte' | 'gt' | 'gte' | 'eq', a: number, b: number): boolean {
  switch (op) {
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'eq':
      return a === b;
  }
}

function or(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0] as Pred;
  return (ctx) => {
    for (let i = 0; i < preds.length; i++) if ((preds[i] as Pred)(ctx)) return true;
    return false;
  };
}

function and(preds: Pred[]): Pred {
  if (preds.length === 1) return preds[0] as Pred;
  return (ctx) => {
    for (let i = 0; i < preds.length; i++) if (!(preds[i] as Pred)(ctx)) return false;
    return true;
  };
}

/** Tests on one string, fused: equality needles go into a Set, many substring needles into a
 *  3-gram index (only needles whose gram occurs in the string are tried), the rest run in order. */
function fuseStringTests(tests: readonly StringTest[]): (s: string) => boolean {
  const eq = new Set<string>();
  const fns: ((s: string) => boolean)[] = [];
  const subs: StringTest[] = [];
  for (const t of tests) {
    if (t.op === 'eq') eq.add(t.needle);
    else if ((t.op === 'ct' || t.op === 'sw' || t.op === 'ew') && t.needle.length >= 1) subs.push(t);
    else fns.push(stringTestFn(t));
  }
  if (subs.length < 12) for (const t of subs) fns.push(stringTestFn(t));
  else fns.push(gramIndexed(subs));
  // A loop, not fns.some(f => f(s)): no closure made per call.
  const any = (s: string): boolean => {
    for (let i = 0; i < fns.length; i++) if ((fns[i] as (s: string) => boolean)(s)) return true;
    return false;
  };
  if (eq.size === 0) return fns.length === 1 ? (fns[0] as (s: string) => boolean) : any;
  if (fns.length === 0) return eq.size === 1 ? ((n) => (s: string) => s === n)([...eq][0] as string) : (s) => eq.has(s);
  return (s) => eq.has(s) || any(s);
}

/** Many contains/startswith/endswith needles (windash and base64offset fan-outs, long lists) on one string. */
function gramIndexed(tests: readonly StringTest[]): (s: string) => boolean {
  const index = new GramIndex();
  for (const t of tests) index.add((t as { needle: string }).needle, 0, t.op === 'sw' ? AT_START : t.op === 'ew' ? AT_END : ANYWHERE);
  index.finish();
  const fns = tests.map(stringTestFn);
  return (s) => {
    if (s.length > GRAM_SCAN_LIMIT) {
      for (let i = 0; i < fns.length; i++) if ((fns[i] as (s: string) => boolean)(s)) return true;
      return false;
    }
    return index.scan(s, null);
  };
}

/** Strided scanning (GramIndex.finishStrided) when every keyed needle is at least this long; the
 *  stride is capped so that a needle is filed under at most MAX_STRIDE grams. */
const STRIDE_MIN_NEEDLE = 12;
const MAX_STRIDE = 16;

/** Longest gram used as a key: four characters tell `.exe` from `exe` and `\sys` from `sys`. */
const MAX_GRAM = 4;

/** A needle before GramIndex.finish. */
interface Pending {
  readonly needle: string;
  readonly item: number;
  readonly anchor: number;
}

/** Needles placed in a GramIndex table, column by column: needle `of` (an index into the
 *  pending list) in slot h, keyed by its gram g of length k found at offset `off`. */
class Placed {
  readonly of: number[] = [];
  readonly h: number[] = [];
  readonly g: number[] = [];
  readonly k: number[] = [];
  readonly off: number[] = [];
  add(of: number, h: number, g: number, k: number, off: number): void {
    this.of.push(of);
    this.h.push(h);
    this.g.push(g);
    this.k.push(k);
    this.off.push(off);
  }
}

/** Needles too short for a gram key, with every item filed under each (found with indexOf). */
interface ShortNeedle {
  readonly needle: string;
  readonly items: Int32Array;
  readonly anchors: Uint8Array;
}

/**
 * Needles indexed by one of their substrings of three or four characters: the one the fewest
 * needles share (shorter needles are few and simply searched for). One pass over a string's 3-
 * and 4-grams then finds every needle that occurs in it: a gram hit is verified in place
 * (`startsWith` at the needle's would-be start), never by searching the whole string again.
 * Grams are hashed straight into an open table; characters are folded to 10 bits with ASCII
 * kept apart from the rest, and every collision only costs a failed comparison.
 *
 * Items are numbers and hits are pushed into an array (or answered at the first one), and the
 * table is a few typed arrays with each slot's entries side by side: the scan runs per
 * character of every command line and script block, and the same code then serves every index
 * (one shape, no visitor closure), which V8 compiles far better than a generic one.
 */
class GramIndex {
  private readonly pending: Pending[] = [];
  /** Slot h's entries are start[h] … start[h+1]-1 of the entry arrays below. */
  private start = new Int32Array(2);
  private eGram = new Int32Array(0);
  private eLen = new Uint8Array(0);
  private eOff = new Int32Array(0);
  private eItem = new Int32Array(0);
  private eAnchor = new Uint8Array(0);
  private eNeedle: string[] = [];
  /** Bit per table slot, set when the slot holds needles: most grams of a string key an empty
   *  slot, and this 1/32 the size of the table answers that from the nearest cache. */
  private occupied = new Int32Array(2);
  /** > 0: every keyed needle is long, and only every stride-th position is looked up. */
  private stride = 0;
  private shift = 32;
  /** Bit k set: some needle is keyed by a k-gram. */
  private lengths = 0;
  /** Needles too short for a 3- or 4-gram key (few distinct ones), found with indexOf: ASCII
   *  ones on every string, the others only on strings that have a non-ASCII character. */
  private short: ShortNeedle[] = [];
  private shortWide: ShortNeedle[] = [];
  readonly all: number[] = [];

  add(needle: string, item: number, anchor: number = ANYWHERE): void {
    if (needle.length === 0) throw new Error('empty needle');
    this.pending.push({ needle, item, anchor });
    this.all.push(item);
  }

  finish(): void {
    const shortNeedles = new Map<string, Pending[]>();
    const threes = new Set<string>();
    for (const p of this.pending) if (p.needle.length === 3) threes.add(p.needle);
    // 3-character needles go to the table only when there are many of them (a lookup per
    // character then beats an indexOf per needle).
    const distinct = new Set(this.pending.map((p) => p.needle)).size;
    // A handful of needles in all: indexOf each beats a table lookup per character.
    const shortLen = distinct <= 6 ? Infinity : threes.size <= 12 ? 3 : 2;
    const long = this.pending.filter((p) => {
      if (p.needle.length > shortLen) return true;
      const list = shortNeedles.get(p.needle);
      if (list) list.push(p);
      else shortNeedles.set(p.needle, [p]);
      return false;
    });
    for (const [needle, list] of shortNeedles)
      (ASCII.test(needle) ? this.short : this.shortWide).push({
        needle,
        items: Int32Array.from(list, (p) => p.item),
        anchors: Uint8Array.from(list, (p) => p.anchor),
      });
    this.pending.length = 0;
    let minLen = Infinity;
    for (const p of long) minLen = Math.min(minLen, p.needle.length);
    if (long.length > 0 && minLen >= STRIDE_MIN_NEEDLE) {
      this.finishStrided(long, Math.min(minLen - MAX_GRAM + 1, MAX_STRIDE));
      return;
    }
    this.size(long.length * 4);
    const keysOf = (n: string): Map<number, number> => {
      const k = Math.min(MAX_GRAM, n.length);
      const keys = new Map<number, number>();
      for (let i = 0; i + k <= n.length; i++) {
        const g = gramAt(n, i, k);
        if (!keys.has(g)) keys.set(g, i);
      }
      return keys;
    };
    const keyed = long.map((p) => keysOf(p.needle));
    const freq = new Map<number, number>();
    const fkey = (g: number, k: number): number => (g >>> 0) * 8 + k;
    long.forEach(({ needle }, n) => {
      const k = Math.min(MAX_GRAM, needle.length);
      for (const g of (keyed[n] as Map<number, number>).keys()) freq.set(fkey(g, k), (freq.get(fkey(g, k)) ?? 0) + 1);
    });
    const placed = new Placed();
    long.forEach((p, n) => {
      const k = Math.min(MAX_GRAM, p.needle.length);
      let best = 0;
      let off = 0;
      let bestF = Infinity;
      for (const [g, at] of keyed[n] as Map<number, number>) {
        const f = freq.get(fkey(g, k)) ?? 0;
        if (f < bestF) {
          bestF = f;
          best = g;
          off = at;
        }
      }
      this.lengths |= 1 << k;
      placed.add(n, slotOf(best, k, this.shift), best, k, off);
    });
    this.place(long, placed);
  }

  /** A table of at least `min` slots (a power of two, at least 64, at most 2^20). */
  private size(min: number): void {
    let size = 64;
    while (size < min && size < 1 << 20) size *= 2;
    this.occupied = new Int32Array(size >>> 5);
    this.shift = 32 - Math.log2(size);
    this.start = new Int32Array(size + 1);
  }

  /** Lays the entries out slot by slot, in the order given within a slot. */
  private place(needles: readonly Pending[], placed: Placed): void {
    const start = this.start;
    const slots = start.length - 1;
    const n = placed.h.length;
    for (let i = 0; i < n; i++) {
      const h = placed.h[i] as number;
      start[h + 1] = (start[h + 1] as number) + 1;
    }
    for (let h = 0; h < slots; h++) start[h + 1] = (start[h + 1] as number) + (start[h] as number);
    this.eGram = new Int32Array(n);
    this.eLen = new Uint8Array(n);
    this.eOff = new Int32Array(n);
    this.eItem = new Int32Array(n);
    this.eAnchor = new Uint8Array(n);
    this.eNeedle = new Array<string>(n).fill('');
    const fill = start.slice(0, slots);
    for (let i = 0; i < n; i++) {
      const h = placed.h[i] as number;
      const p = needles[placed.of[i] as number] as Pending;
      const at = (fill[h] as number)++;
      this.eGram[at] = placed.g[i] as number;
      this.eLen[at] = placed.k[i] as number;
      this.eOff[at] = placed.off[i] as number;
      this.eItem[at] = p.item;
      this.eAnchor[at] = p.anchor;
      this.eNeedle[at] = p.needle;
      this.occupied[h >>> 5] = (this.occupied[h >>> 5] as number) | (1 << (h & 31));
    }
  }


  /**
   * Every needle at least `step + 3` long (hashes, long paths): filed under its 4-grams at
   * `step` consecutive offsets j … j+step-1, so that the scan only looks up the 4-gram at every
   * step-th position. An occurrence starting at `a` has exactly one multiple `p` of `step` among
   * a+j … a+j+step-1, and the 4-gram there is the needle's at offset p-a. Per needle, j is the
   * window whose grams the fewest needles share (not the `sha256=` every SHA-256 needle starts with).
   */
  private finishStrided(long: readonly Pending[], step: number): void {
    this.stride = step;
    const freq = new Map<number, number>();
    const gramsOf = long.map(({ needle }) => {
      const gs: number[] = [];
      for (let i = 0; i + MAX_GRAM <= needle.length; i++) gs.push(gramAt(needle, i, MAX_GRAM));
      for (const g of new Set(gs)) freq.set(g, (freq.get(g) ?? 0) + 1);
      return gs;
    });
    this.size(long.length * step * 2);
    const placed = new Placed();
    long.forEach((_p, n) => {
      const gs = gramsOf[n] as number[];
      const cost = gs.map((g) => freq.get(g) ?? 0);
      // Sliding sum of `step` costs; windows j = 0 … gs.length - step.
      let sum = 0;
      for (let i = 0; i < step; i++) sum += cost[i] as number;
      let best = 0;
      let bestSum = sum;
      for (let j = 1; j + step <= gs.length; j++) {
        sum += (cost[j + step - 1] as number) - (cost[j - 1] as number);
        if (sum < bestSum) {
          bestSum = sum;
          best = j;
        }
      }
      for (let off = best; off < best + step; off++) {
        const g = gs[off] as number;
        placed.add(n, slotOf(g, MAX_GRAM, this.shift), g, MAX_GRAM, off);
      }
    });
    this.place(long, placed);
  }

  /**
   * The needles keyed by slot h's gram `g` of length `k` that occur in `s` with that gram at
   * `gramStart` (and their anchoring holds): pushed to `out`, or true at the first when `out` is null.
   */
  private slotHits(h: number, k: number, g: number, s: string, gramStart: number, out: number[] | null): boolean {
    const end = this.start[h + 1] as number;
    for (let j = this.start[h] as number; j < end; j++) {
      if (this.eGram[j] !== g || this.eLen[j] !== k) continue;
      const at = gramStart - (this.eOff[j] as number);
      if (at < 0) continue;
      const needle = this.eNeedle[j] as string;
      if (!s.startsWith(needle, at)) continue;
      const anchor = this.eAnchor[j] as number;
      if (anchor !== ANYWHERE && (anchor === AT_START ? at !== 0 : at + needle.length !== s.length)) continue;
      if (out === null) return true;
      out.push(this.eItem[j] as number);
    }
    return false;
  }

  /** Strided scan (see finishStrided); short needles as in scan. */
  private scanStrided(s: string, out: number[] | null): boolean {
    const occupied = this.occupied;
    const shift = this.shift;
    const step = this.stride;
    for (let p = 0; p + MAX_GRAM <= s.length; p += step) {
      const g = gramAt(s, p, MAX_GRAM);
      const h = slotOf(g, MAX_GRAM, shift);
      if (((occupied[h >>> 5] as number) & (1 << (h & 31))) !== 0 && this.slotHits(h, MAX_GRAM, g, s, p, out)) return true;
    }
    if (shortHits(this.short, s, out)) return true;
    return this.shortWide.length > 0 && NON_ASCII.test(s) && shortHits(this.shortWide, s, out);
  }

  /**
   * Pushes the item of every needle occurrence in `s` (whose anchoring holds) to `out`; with
   * `out` null, true at the first one. The caller keeps `s` within GRAM_SCAN_LIMIT.
   */
  scan(s: string, out: number[] | null): boolean {
    if (this.stride > 0) return this.scanStrided(s, out);
    const occupied = this.occupied;
    const shift = this.shift;
    const has3 = (this.lengths & 8) !== 0;
    const has4 = (this.lengths & 16) !== 0;
    let wide = 0;
    if (has3 || has4) {
      let p1 = 0;
      let p2 = 0;
      let p3 = 0;
      for (let i = 0; i < s.length; i++) {
        const ch = s.charCodeAt(i);
        wide |= ch;
        const c = KEY[ch] as number;
        if (i >= 2) {
          const g3 = (p2 << 20) | (p1 << 10) | c;
          if (has3) {
            const h = slotOf(g3, 3, shift);
            if (((occupied[h >>> 5] as number) & (1 << (h & 31))) !== 0 && this.slotHits(h, 3, g3, s, i - 2, out)) return true;
          }
          if (has4 && i >= 3) {
            const g = gram4(p3, g3);
            const h = slotOf(g, 4, shift);
            if (((occupied[h >>> 5] as number) & (1 << (h & 31))) !== 0 && this.slotHits(h, 4, g, s, i - 3, out)) return true;
          }
        }
        p3 = p2;
        p2 = p1;
        p1 = c;
      }
    } else if (this.shortWide.length > 0) wide = NON_ASCII.test(s) ? 0x80 : 0;
    if (shortHits(this.short, s, out)) return true;
    // A lower-cased string without non-ASCII characters cannot hold a needle whose lower case has one.
    return wide >= 0x80 && shortHits(this.shortWide, s, out);
  }
}

const NON_ASCII = /[^\x00-\x7f]/;

function shortHits(list: readonly ShortNeedle[], s: string, out: number[] | null): boolean {
  for (let n = 0; n < list.length; n++) {
    const { needle, items, anchors } = list[n] as ShortNeedle;
    for (let at = s.indexOf(needle); at !== -1; at = s.indexOf(needle, at + 1))
      for (let j = 0; j < items.length; j++) {
        const anchor = anchors[j] as number;
        if (anchor !== ANYWHERE && (anchor === AT_START ? at !== 0 : at + needle.length !== s.length)) continue;
        if (out === null) return true;
        out.push(items[j] as number);
      }
  }
  return false;
}

function slotOf(g: number, k: number, shift: number): number {
  return Math.imul(g ^ Math.imul(k, 0x27d4eb2d), 0x9e3779b1) >>> shift;
}

function gram4(a: number, g3: number): number {
  return Math.imul(a, 0x01000193) ^ g3;
}

/** 10-bit key of a UTF-16 unit: ASCII as is, the rest hashed onto 0x80..0x3ff (so a Cyrillic
 *  or control character in a needle never shares a key with an ASCII digit or letter). */
const KEY = ((): Uint16Array => {
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) t[c] = c < 0x80 ? c : 0x80 + (c % 0x380);
  return t;
})();

function gramAt(s: string, i: number, k: number): number {
  const a = KEY[s.charCodeAt(i)] as number;
  if (k === 1) return a;
  const b = KEY[s.charCodeAt(i + 1)] as number;
  if (k === 2) return (a << 10) | b;
  const g3 = (a << 20) | (b << 10) | (KEY[s.charCodeAt(i + 2)] as number);
  if (k === 3) return g3;
  return gram4(a, (b << 20) | ((KEY[s.charCodeAt(i + 2)] as number) << 10) | (KEY[s.charCodeAt(i + 3)] as number));
}

interface BindEnv {
  slotOf(field: string): number;
  /** Told when a keyword search (over every value of the event) is bound. */
  keywords?(): void;
  /** The memo index of a one-field test among the slot's distinct tests. */
  itemIndex?(slot: number, key: string): number;
}

function bindValue(v: ValueTest, slot: number, env: BindEnv): Pred {
  switch (v.kind) {
    case 'string': {
      const f = stringTestFn(v.test);
      return v.test.cased
        ? (ctx) => {
            const s = ctx.raw(slot);
            return s !== undefined && f(s);
          }
        : (ctx) => {
            const s = ctx.low(slot);
            return s !== undefined && f(s);
          };
    }
    case 'null':
      return (ctx) => {
        const s = ctx.raw(slot);
        return s === undefined || s === '';
      };
    case 'exists':
      return v.exists ? (ctx) => ctx.raw(slot) !== undefined : (ctx) => ctx.raw(slot) === undefined;
    case 'num': {
      const { op, value } = v;
      const part = v.timePart;
      return (ctx) => {
        const n = part ? timePart(ctx.raw(slot), part) : parseNumber(ctx.raw(slot));
        return n !== undefined && compare(op, n, value);
      };
    }
    case 'cidr': {
      const c = v.cidr;
      return (ctx) => {
        const s = ctx.raw(slot);
        return s !== undefined && cidrContains(c, s);
      };
    }
    case 'fieldref': {
      const other = env.slotOf(v.ref);
      const get = v.cased ? (ctx: EvalContext, s: number) => ctx.raw(s) : (ctx: EvalContext, s: number) => ctx.low(s);
      const op = v.op;
      return (ctx) => {
        const a = get(ctx, slot);
        const b = get(ctx, other);
        if (a === undefined || b === undefined) return false;
        return op === 'eq' ? a === b : op === 'sw' ? a.startsWith(b) : op === 'ew' ? a.endsWith(b) : a.includes(b);
      };
    }
  }
}

function bindKeywords(item: FieldItem): Pred {
  const groups = item.values.map((group) => {
    const tests = group.map((v) => {
      if (v.kind !== 'string') return (): boolean => false;
      const f = stringTestFn(v.test);
      const cased = v.test.cased;
      return (ctx: EvalContext): boolean => ctx.values(!cased).some(f);
    });
    return or(tests);
  });
  return item.all ? and(groups) : or(groups);
}

function bindItem(item: FieldItem, env: BindEnv): Pred {
  if (item.field === null) {
    env.keywords?.();
    return bindKeywords(item);
  }
  const slot = env.slotOf(item.field);
  let pred: Pred;
  const flat = item.values.flat();
  const allStrings = flat.every((v) => v.kind === 'string');
  if (allStrings && !item.all) {
    // The common shape: one field, any of several strings. One lookup, fused tests.
    const lowTests = flat.filter((v): v is Extract<ValueTest, { kind: 'string' }> => v.kind === 'string' && !v.test.cased).map((v) => v.test);
    const rawTests = flat.filter((v): v is Extract<ValueTest, { kind: 'string' }> => v.kind === 'string' && v.test.cased).map((v) => v.test);
    const fl = lowTests.length ? fuseStringTests(lowTests) : null;
    const fr = rawTests.length ? fuseStringTests(rawTests) : null;
    pred = (ctx) => {
      if (fl) {
        const s = ctx.low(slot);
        if (s === undefined) return false;
        if (fl(s)) return true;
      }
      if (fr) {
        const s = ctx.raw(slot);
        if (s !== undefined && fr(s)) return true;
      }
      return false;
    };
  } else {
    const groups = item.values.map((g) => or(g.map((v) => bindValue(v, slot, env))));
    pred = item.all ? and(groups) : or(groups);
  }
  if (item.neq) {
    const inner = pred;
    pred = (ctx) => !inner(ctx);
  }
  // A test of one field (no fieldref, which reads a second one) is a function of that field's
  // value: remembered per value while the value is.
  if (env.itemIndex && !flat.some((v) => v.kind === 'fieldref')) {
    const k = env.itemIndex(slot, itemKey(item));
    const inner = pred;
    return (ctx) => ctx.memoItem(slot, k, inner);
  }
  return pred;
}

let uniqueItems = 0;

/** Equal keys: the same tests (a RegExp by source and flags), so one result serves both items. */
function itemKey(item: FieldItem): string {
  try {
    return JSON.stringify([item.all, item.neq, item.values], (_k, v: unknown) =>
      v instanceof RegExp ? `re:/${v.source}/${v.flags}` : typeof v === 'bigint' ? `big:${v}` : typeof v === 'number' && !Number.isFinite(v) ? `num:${v}` : v,
    );
  } catch {
    return `unique:${++uniqueItems}`;
  }
}

function bindSearch(s: Search, env: BindEnv): Pred {
  switch (s.t) {
    case 'map':
      return and(s.items.map((i) => bindItem(i, env)));
    case 'or':
      return or(s.alts.map((a) => bindSearch(a, env)));
    case 'keywords':
      env.keywords?.();
      return bindKeywords(s.item);
  }
}

function bindCondition(node: CondNode, searches: ReadonlyMap<string, Pred>): Pred {
  switch (node.t) {
    case 'id':
      return searches.get(node.name) as Pred;
    case 'and':
      return and(node.c.map((c) => bindCondition(c, searches)));
    case 'or':
      return or(node.c.map((c) => bindCondition(c, searches)));
    case 'not': {
      const inner = bindCondition(node.c, searches);
      return (ctx) => !inner(ctx);
    }
  }
}

// ---- necessary atoms ----

/**
 * How likely an OR-group of atoms is to hold on an ordinary event (lower: rarer, a better
 * filter). A substring's cost falls with its length; a file extension (`.exe`) or a path
 * fragment every Windows path has (`\windows\`) costs as much as a 2-character one, so that
 * `Image|contains: '\EDR-Freeze'` rather than `Image|endswith: '.exe'` guards a rule with both.
 */
function atomCost(atoms: readonly Atom[]): number {
  let c = 0;
  for (const a of atoms) c += a.k === 'eq' ? (a.weak ? 20 : 1) : a.k === 'base' ? 1 : subCost(a.v);
  return c;
}

const COMMON_FRAGMENTS = new Set([
  '\\windows\\', ':\\windows\\', 'c:\\windows\\', '\\system32\\', '\\windows\\system32\\', ':\\windows\\system32\\', 'c:\\windows\\system32\\',
  '\\syswow64\\', '\\program files', ':\\program files', '\\program files\\', ':\\program files\\', '\\program files (x86)\\',
  '\\users\\', ':\\users\\', 'c:\\users\\', '\\appdata\\', '\\appdata\\local\\', '\\appdata\\roaming\\', 'c:\\', ':\\',
]);

function subCost(v: string): number {
  if (/^\.[a-z0-9]{1,4}$/.test(v) || COMMON_FRAGMENTS.has(v)) return 12;
  const n = v.length;
  return n >= 8 ? 1 : n >= 6 ? 2 : n >= 4 ? 4 : n === 3 ? 6 : n === 2 ? 12 : 20;
}

function stringAtom(t: StringTest, slot: number, weakSlot: boolean): Atom[] | null {
  if (t.op === 're') {
    const lits = regexLiterals(t.re.source);
    if (!lits) return null;
    const atoms: Atom[] = [];
    for (const v of lits) {
      const a = subAtom(slot, v.toLowerCase(), true);
      if (!a) return null;
      atoms.push(a);
    }
    return atoms;
  }
  const a = plainAtom(t, slot, weakSlot);
  return a ? [a] : null;
}

function plainAtom(t: StringTest, slot: number, weakSlot: boolean): Atom | null {
  switch (t.op) {
    case 'eq':
      return { k: 'eq', slot, v: t.needle.toLowerCase(), weak: weakSlot };
    case 'ew': {
      const n = t.needle.toLowerCase();
      if (n.length > 1 && n.startsWith('\\') && !n.includes('\\', 1)) return { k: 'base', slot, v: n.slice(1) };
      return n.length >= 1 ? subAtom(slot, n, t.cased) : null;
    }
    case 'sw':
    case 'ct': {
      const n = t.needle.toLowerCase();
      return n.length >= 1 ? subAtom(slot, n, t.cased) : null;
    }
    case 'glob': {
      let best = '';
      for (const s of t.segments) if (s.length > best.length) best = s;
      return best.length >= 1 ? subAtom(slot, best.toLowerCase(), t.cased) : null;
    }
    case 're':
      return null;
  }
}

/**
 * Necessary atoms as an AND of OR-groups: whenever the rule matches, every group has an atom
 * that holds. Several groups make the prefilter sharper (`Image|endswith: \cmd.exe` and
 * `CommandLine|contains: ' /c '` must both be seen). null: nothing can be said.
 */
type Groups = Atom[][];

/** At most this many groups per rule (a bit each in the hit mask). */
const MAX_GROUPS = 3;

/** Whether an atom is worth a group of its own beyond the first (see the Bucket constructor). */
function sharpAtom(a: Atom): boolean {
  return a.k === 'base' || (a.k === 'eq' && !a.weak) || (a.k === 'sub' && a.v.length >= 3);
}

function cheapest(groups: Groups): Groups {
  return [...groups].sort((x, y) => atomCost(x) - atomCost(y)).slice(0, MAX_GROUPS);
}

/**
 * OR of alternatives. Group k is the union of every alternative's k-th cheapest group (its last
 * one when it has fewer): each alternative that matches makes its own k-th group hold, so every
 * such union holds whenever the OR does. With several groups, a rule made of many selections
 * (`1 of selection_*`, each a `contains|all`) is a candidate only when one atom of each rank is
 * seen, not whenever the cheapest atom of any selection is.
 */
function orGroups(alts: (Groups | null)[]): Groups | null {
  const sorted: Groups[] = [];
  let most = 0;
  for (const g of alts) {
    if (!g || g.length === 0) return null;
    const c = cheapest(g);
    sorted.push(c);
    most = Math.max(most, c.length);
  }
  const out: Groups = [];
  for (let k = 0; k < most; k++) {
    const group: Atom[] = [];
    for (const c of sorted) group.push(...(c[Math.min(k, c.length - 1)] as Atom[]));
    out.push(group);
  }
  return out;
}

function andGroups(parts: (Groups | null)[]): Groups | null {
  const all: Atom[][] = [];
  for (const p of parts) if (p) all.push(...p);
  return all.length === 0 ? null : cheapest(all);
}

function itemGroups(item: FieldItem, env: BindEnv, weak: (slot: number) => boolean): Groups | null {
  if (item.field === null || item.neq) return null;
  const slot = env.slotOf(item.field);
  const groupAtoms = (g: readonly ValueTest[]): Atom[] | null => {
    const out: Atom[] = [];
    for (const v of g) {
      if (v.kind !== 'string') return null;
      const a = stringAtom(v.test, slot, weak(slot));
      if (!a) return null;
      out.push(...a);
    }
    return out;
  };
  if (item.all) return andGroups(item.values.map((g) => {
    const a = groupAtoms(g);
    return a ? [a] : null;
  }));
  return orGroups(item.values.map((g) => {
    const a = groupAtoms(g);
    return a ? [a] : null;
  }));
}

function searchGroups(s: Search, env: BindEnv, weak: (slot: number) => boolean): Groups | null {
  switch (s.t) {
    case 'map':
      return andGroups(s.items.map((i) => itemGroups(i, env, weak)));
    case 'or':
      return orGroups(s.alts.map((alt) => searchGroups(alt, env, weak)));
    case 'keywords':
      return null;
  }
}

function conditionGroups(node: CondNode, searches: ReadonlyMap<string, Groups | null>): Groups | null {
  switch (node.t) {
    case 'id':
      return searches.get(node.name) ?? null;
    case 'and':
      return andGroups(node.c.map((c) => conditionGroups(c, searches)));
    case 'or':
      return orGroups(node.c.map((c) => conditionGroups(c, searches)));
    case 'not':
      return null;
  }
}

// ---- buckets ----

/** Past this length a field is not scanned for n-grams; its rules are simply run. */
const GRAM_SCAN_LIMIT = 4096;

function push<K>(map: Map<K, number[]>, key: K, idx: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [idx]);
  else if (list[list.length - 1] !== idx) list.push(idx);
}

/**
 * One field the prefilter reads, with its equality, file-name and substring atoms (the hit codes
 * of a remembered value are kept in its ValueEntry).
 */
interface SlotFilter {
  readonly index: number;
  readonly slot: number;
  readonly eq: Map<string, number[]> | undefined;
  readonly base: Map<string, number[]> | undefined;
  /** Substring atoms: a gram index, or an Aho–Corasick automaton for the ASCII needles with a
   *  gram index of the others (run only on strings that have a non-ASCII character). */
  readonly gram: GramIndex | undefined;
  readonly ac: AhoCorasick | undefined;
  readonly wide: GramIndex | undefined;
}

/**
 * The substring index of one field: a strided gram index when every needle is long (hashes: it
 * looks at every step-th position only), else an Aho–Corasick automaton of the ASCII needles
 * (one table load per character, no verification) with the rest in a gram index, else (a
 * table too large) one gram index.
 */
function substringIndex(needles: readonly { needle: string; item: number }[]): Pick<SlotFilter, 'gram' | 'ac' | 'wide'> {
  const gramOf = (list: readonly { needle: string; item: number }[]): GramIndex => {
    const g = new GramIndex();
    for (const n of list) g.add(n.needle, n.item);
    g.finish();
    return g;
  };
  if (needles.every((n) => n.needle.length >= STRIDE_MIN_NEEDLE)) return { gram: gramOf(needles), ac: undefined, wide: undefined };
  const ascii = needles.filter((n) => ASCII.test(n.needle));
  const ac = AhoCorasick.build(ascii.map((n) => ({ needle: n.needle, item: n.item, anchor: ANYWHERE })));
  if (!ac) return { gram: gramOf(needles), ac: undefined, wide: undefined };
  const rest = needles.filter((n) => !ASCII.test(n.needle));
  return { gram: undefined, ac, wide: rest.length > 0 ? gramOf(rest) : undefined };
}

const NO_CODES: readonly number[] = Object.freeze([]);

/**
 * A rule whose condition reads only fields (no keyword search over every value) is a function of
 * those fields' values: while they are all remembered values, its result is remembered per
 * combination of value numbers. Up to MEMO_ENTRIES combinations per rule (then emptied); a rule
 * missing more than 3 in 4 after MEMO_PROBATION lookups stops remembering.
 */
const MEMO_ENTRIES = 8192;
const MEMO_PROBATION = 1024;

interface RuleMemo {
  readonly slots: Int32Array;
  map: Map<number | string, boolean> | null;
  lookups: number;
  misses: number;
}

class Bucket {
  readonly rules: Rule[] = [];
  private readonly preds: Pred[] = [];
  private readonly memos: (RuleMemo | null)[] = [];
  /** Per slot: distinct one-field tests → memo index. */
  private readonly items = new Map<number, Map<string, number>>();
  private memoEpoch = 0;
  private readonly getters: FieldGetter[] = [];
  private readonly plain: (string | null)[] = [];
  private readonly slots = new Map<string, number>();
  private readonly ctx: EvalContext;
  private readonly always: number[] = [];
  private readonly eq = new Map<number, Map<string, number[]>>();
  private readonly base = new Map<number, Map<string, number[]>>();
  private readonly subs = new Map<number, { needle: string; item: number }[]>();
  private readonly filters: readonly SlotFilter[];
  /** Per slot: the EventData name its getter reads as is, if so. */
  private readonly dataName: (string | null)[] = [];
  /** Filters read straight from the event's data: by EventData name, by name without spaces
   *  (slots that fall back to a spaced name), and the rest (mapped and System fields). */
  private readonly byData = new Map<string, SlotFilter>();
  private readonly bySpaced = new Map<string, SlotFilter>();
  private readonly otherFilters: SlotFilter[] = [];
  /** byData as arrays for the per-event loop: name, filter, and 1 when the slot falls back to a
   *  spaced name in the event (see EvalContext.raw). */
  private dataNames: string[] = [];
  private dataFilters: SlotFilter[] = [];
  private dataFallback = new Uint8Array(0);
  /** How many of dataFilters fall back to a spaced name. */
  private fallbackCount = 0;
  /** Walk the next event's keys rather than look the names up (see lookUpData). */
  private walk = false;
  private readonly filterStamp: Uint32Array;
  private readonly mark: Uint32Array;
  /** Group bits seen this event, per rule (valid where mark === epoch). */
  private readonly hit: Uint8Array;
  private readonly fullMask: Uint8Array;
  private epoch = 0;
  private readonly cand: number[] = [];
  /** Counters for the benchmark: events matched and candidate rules run on them. */
  events = 0;
  candidates = 0;

  constructor(rules: readonly Rule[], channel: string, eventId: number) {
    const groupsPerRule: (Groups | null)[] = [];
    for (const rule of rules) {
      const read = new Set<number>();
      let keywords = false;
      const env: BindEnv = {
        keywords: () => {
          keywords = true;
        },
        itemIndex: (slot, key) => {
          let m = this.items.get(slot);
          if (!m) this.items.set(slot, (m = new Map()));
          let k = m.get(key);
          if (k === undefined) m.set(key, (k = m.size));
          return k;
        },
        slotOf: (field) => {
          const acc = fieldAccessor(field, rule.logsource, channel, eventId);
          let slot = this.slots.get(acc.key);
          if (slot === undefined) {
            slot = this.getters.length;
            this.getters.push(acc.get);
            this.plain.push(acc.key === field ? field : null);
            this.dataName.push(acc.data ?? null);
            this.slots.set(acc.key, slot);
          }
          read.add(slot);
          return slot;
        },
      };
      const eventIdSlot = env.slotOf('EventID');
      const weak = (slot: number): boolean => slot === eventIdSlot;
      const det = rule.detection;
      const searchPreds = new Map<string, Pred>();
      const searchGroupMap = new Map<string, Groups | null>();
      for (const [name, s] of det.searches) {
        searchPreds.set(name, bindSearch(s, env));
        searchGroupMap.set(name, searchGroups(s, env, weak));
      }
      this.rules.push(rule);
      this.preds.push(bindCondition(det.condition, searchPreds));
      groupsPerRule.push(conditionGroups(det.condition, searchGroupMap));
      // The event id is the bucket's own: no need to key the memo by it.
      read.delete(eventIdSlot);
      this.memos.push(keywords ? null : { slots: Int32Array.from([...read].sort((a, b) => a - b)), map: new Map(), lookups: 0, misses: 0 });
    }
    this.fullMask = new Uint8Array(rules.length);
    groupsPerRule.forEach((all, idx) => {
      if (!all) {
        this.always.push(idx);
        this.fullMask[idx] = 0;
        return;
      }
      // The first (cheapest) group is enough to be correct; further groups only sharpen, and a
      // group with 1- or 2-character substrings hardly does while costing hits on most values.
      // Longer ones are kept even when common in paths (`.pass`, `.kdb`, `\windows\`): in
      // a script block or command line they still tell most events apart, and a rule that gets
      // through to evaluation costs far more than a few hits more.
      const groups = all.filter((g, i) => i === 0 || g.every(sharpAtom));
      this.fullMask[idx] = (1 << groups.length) - 1;
      groups.forEach((atoms, gi) => {
        // A hit is the rule index with its group bit in the low bits: idx * 4 + bit.
        const code = idx * 4 + gi;
        for (const a of atoms) {
          if (a.k === 'eq' || a.k === 'base') {
            const target = a.k === 'eq' ? this.eq : this.base;
            let m = target.get(a.slot);
            if (!m) target.set(a.slot, (m = new Map()));
            push(m, a.v, code);
          } else {
            let list = this.subs.get(a.slot);
            if (!list) this.subs.set(a.slot, (list = []));
            list.push({ needle: a.v, item: code });
          }
        }
      });
    });
    // Arrays, not Map iteration, on the per-event path.
    this.filters = [...new Set([...this.eq.keys(), ...this.base.keys(), ...this.subs.keys()])].map((slot, index) => {
      const subs = this.subs.get(slot);
      return {
        index,
        slot,
        eq: this.eq.get(slot),
        base: this.base.get(slot),
        ...(subs ? substringIndex(subs) : { gram: undefined, ac: undefined, wide: undefined }),
      };
    });
    this.subs.clear();
    this.filterStamp = new Uint32Array(this.filters.length);
    for (const f of this.filters) {
      const name = this.dataName[f.slot];
      if (name == null || this.byData.has(name)) this.otherFilters.push(f);
      else {
        this.byData.set(name, f);
        const plain = this.plain[f.slot];
        if (plain) this.bySpaced.set(plain, f);
      }
    }
    this.dataNames = [...this.byData.keys()];
    this.dataFilters = [...this.byData.values()];
    this.dataFallback = Uint8Array.from(this.dataFilters, (f) => (this.plain[f.slot] ? 1 : 0));
    this.fallbackCount = this.dataFallback.reduce((a, b) => a + b, 0);
    this.mark = new Uint32Array(rules.length);
    this.hit = new Uint8Array(rules.length);
    this.ctx = new EvalContext(
      this.getters,
      this.plain,
      this.getters.map((_g, slot) => this.items.get(slot)?.size ?? 0),
    );
  }

  /** Records a hit (rule index * 4 + group bit). */
  private visit(code: number): void {
    const idx = code >>> 2;
    const bit = 1 << (code & 3);
    if (this.mark[idx] !== this.epoch) {
      this.mark[idx] = this.epoch;
      this.hit[idx] = bit;
      this.cand.push(idx);
    } else this.hit[idx] = (this.hit[idx] as number) | bit;
  }

  /** Hit codes of the field being filtered (reused: one field at a time). */
  private readonly collected: number[] = [];

  /** Every prefilter hit code of one field's value (a function of the value alone), to `out`. */
  private runFilter(f: SlotFilter, out: number[]): void {
    const s = this.ctx.low(f.slot) as string;
    if (f.eq) {
      const list = f.eq.get(s);
      if (list) for (let i = 0; i < list.length; i++) out.push(list[i] as number);
    }
    if (f.base) {
      const list = f.base.get(s.slice(s.lastIndexOf('\\') + 1));
      if (list) for (let i = 0; i < list.length; i++) out.push(list[i] as number);
    }
    if (s.length === 0) return;
    if (f.ac) {
      // Linear in the string, so scanned whatever its length.
      f.ac.scan(s, out);
      if (f.wide && f.ac.sawNonAscii) {
        if (s.length > GRAM_SCAN_LIMIT) for (const code of f.wide.all) out.push(code);
        else f.wide.scan(s, out);
      }
    } else if (f.gram) {
      if (s.length > GRAM_SCAN_LIMIT) for (const code of f.gram.all) out.push(code);
      else f.gram.scan(s, out);
    }
  }

  /** The prefilter on one field this event (once, however many keys lead to it); `value` is the
   *  field's value when already read from the event's data, else the getter reads it. */
  private filterSlot(f: SlotFilter, value: string | undefined): void {
    const stamp = this.filterStamp;
    if (stamp[f.index] === this.epoch) return;
    stamp[f.index] = this.epoch;
    const ctx = this.ctx;
    const raw = value !== undefined ? ctx.setRaw(f.slot, value) : ctx.raw(f.slot);
    if (raw === undefined) return;
    const e = ctx.entry(f.slot);
    const got = this.collected;
    if (e === null) {
      got.length = 0;
      this.runFilter(f, got);
      this.add(got);
      return;
    }
    let codes = e.codes;
    if (codes === undefined) {
      got.length = 0;
      this.runFilter(f, got);
      codes = e.codes = got.length === 0 ? NO_CODES : [...new Set(got)];
    }
    this.add(codes);
  }

  /**
   * The indexed EventData fields, each looked up by name (a bucket indexes a dozen or so): when
   * the event has them all, cheaper than enumerating its keys, since event data with many
   * fields is a dictionary-mode object. A field the event lacks may still be there under a
   * spaced name (`Command Line`), which takes enumerating the keys (EvalContext.spacedNames,
   * as its getter would); then the next event of the bucket is walked instead (walkData), its
   * kind likely lacking the same fields. A value that is not a string (an inherited
   * `constructor`, say) is no EventData value, as for the walk, which sees own keys only.
   */
  private lookUpData(data: Readonly<Record<string, string>>): void {
    const names = this.dataNames;
    let missing = false;
    for (let i = 0; i < names.length; i++) {
      const v = data[names[i] as string];
      if (typeof v === 'string') this.filterSlot(this.dataFilters[i] as SlotFilter, v);
      else if (this.dataFallback[i] === 1) missing = true;
    }
    if (!missing) return;
    this.walk = true;
    const spaced = this.ctx.spacedNames();
    if (spaced !== null)
      for (const key of spaced.keys()) {
        const g = this.bySpaced.get(key);
        if (g !== undefined) this.filterSlot(g, undefined);
      }
  }

  /** Only the fields the event has: one walk over its keys (Object.keys, not for…in, which on a
   *  dictionary-mode object re-checks every key). Back to lookUpData once an event has every
   *  field that could fall back to a spaced name. */
  private walkData(data: Readonly<Record<string, string>>): void {
    const keys = Object.keys(data);
    const byData = this.byData;
    const spacedNames = this.bySpaced.size > 0;
    let found = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const f = byData.get(key);
      if (f !== undefined) {
        const v = data[key];
        if (typeof v === 'string') {
          this.filterSlot(f, v);
          if (this.plain[f.slot]) found++;
        }
      }
      if (spacedNames && key.includes(' ')) {
        const g = this.bySpaced.get(key.replace(/ /g, ''));
        if (g !== undefined) this.filterSlot(g, undefined);
      }
    }
    if (found === this.fallbackCount) this.walk = false;
  }

  private add(list: readonly number[]): void {
    for (let i = 0; i < list.length; i++) this.visit(list[i] as number);
  }

  match(event: NormalizedEvent): readonly Rule[] {
    const ctx = this.ctx;
    ctx.reset(event);
    this.epoch = (this.epoch + 1) >>> 0 || 1;
    this.cand.length = 0;
    for (const idx of this.always) this.visit(idx * 4);
    if (this.walk) this.walkData(event.data);
    else this.lookUpData(event.data);
    const others = this.otherFilters;
    for (let i = 0; i < others.length; i++) this.filterSlot(others[i] as SlotFilter, undefined);
    // Keep, in place, the rules all of whose groups were hit (rules without groups have mask 0).
    const cand = this.cand;
    let n = 0;
    for (let i = 0; i < cand.length; i++) {
      const idx = cand[i] as number;
      const mask = this.fullMask[idx] as number;
      if (((this.hit[idx] as number) & mask) === mask) cand[n++] = idx;
    }
    cand.length = n;
    this.events++;
    this.candidates += n;
    if (n === 0) return NONE;
    // Pack order; the lists are short, so an insertion sort (no comparator calls).
    for (let i = 1; i < n; i++) {
      const v = cand[i] as number;
      let j = i - 1;
      while (j >= 0 && (cand[j] as number) > v) {
        cand[j + 1] = cand[j] as number;
        j--;
      }
      cand[j + 1] = v;
    }
    if (ctx.idEpoch !== this.memoEpoch) {
      // Value numbers restarted: results remembered under the old ones would be wrong.
      this.memoEpoch = ctx.idEpoch;
      for (const m of this.memos) m?.map?.clear();
    }
    let out: Rule[] | null = null;
    for (let i = 0; i < n; i++) {
      const idx = cand[i] as number;
      if (this.evaluate(idx)) (out ??= []).push(this.rules[idx] as Rule);
    }
    return out ?? NONE;
  }

  /** Rule `idx` on the current event, from its memo when every field it reads is remembered. */
  private evaluate(idx: number): boolean {
    const ctx = this.ctx;
    const memo = this.memos[idx] as RuleMemo | null;
    const map = memo === null ? null : memo.map;
    if (map === null) return (this.preds[idx] as Pred)(ctx);
    const key = this.memoKey((memo as RuleMemo).slots);
    if (key === -1) {
      // A field that stopped being remembered (command lines) never will be again: stop trying.
      const slots = (memo as RuleMemo).slots;
      for (let i = 0; i < slots.length; i++) if (!ctx.remembers(slots[i] as number)) (memo as RuleMemo).map = null;
      return (this.preds[idx] as Pred)(ctx);
    }
    const m = memo as RuleMemo;
    m.lookups++;
    const known = map.get(key);
    if (known !== undefined) return known;
    const r = (this.preds[idx] as Pred)(ctx);
    m.misses++;
    if (map.size >= MEMO_ENTRIES) map.clear();
    map.set(key, r);
    if (m.lookups >= MEMO_PROBATION && m.misses > m.lookups * 0.75) m.map = null;
    return r;
  }

  /** The memo key of the current event's values of these slots; -1 when one is not remembered. */
  private memoKey(slots: Int32Array): number | string {
    const ctx = this.ctx;
    const n = slots.length;
    if (n === 0) return 0;
    const a = ctx.valueId(slots[0] as number);
    if (a < 0) return -1;
    if (n === 1) return a;
    const b = ctx.valueId(slots[1] as number);
    if (b < 0) return -1;
    // Value numbers stay below 2^26, so a pair is an exact double.
    if (n === 2) return a * ID_LIMIT + b;
    let key = `${a},${b}`;
    for (let i = 2; i < n; i++) {
      const v = ctx.valueId(slots[i] as number);
      if (v < 0) return -1;
      key += `,${v}`;
    }
    return key;
  }

  get unindexed(): number {
    return this.always.length;
  }

  /** Runs every rule, without the prefilter (tests compare both paths). */
  matchAll(event: NormalizedEvent): Rule[] {
    this.ctx.reset(event);
    const out: Rule[] = [];
    this.preds.forEach((p, i) => {
      if (p(this.ctx)) out.push(this.rules[i] as Rule);
    });
    return out;
  }
}

export interface Matcher {
  /** The rules that match one event, in pack order. Pure and synchronous. */
  match(event: NormalizedEvent): readonly Rule[];
  /** Same result without the literal prefilter (for tests and diagnosis). */
  matchWithoutPrefilter(event: NormalizedEvent): readonly Rule[];
  /** Compiles every bucket the pack can reach for these (channel, id) pairs now (benchmarks). */
  warm(keys: readonly { channel: string; eventId: number }[]): void;
  /** Per (channel, id) bucket: its rules, rules run on every event (no literal to index), and how
   *  many candidate rules the prefilter let through per event so far. */
  stats(): { key: string; rules: number; unindexed: number; events: number; candidatesPerEvent: number }[];
}

const NONE: readonly Rule[] = Object.freeze([]);

/**
 * The event ids a rule can match at all, from `EventID` selections its condition requires
 * (null: any id). A `service: security` rule with `EventID: 4697` then sits in the 4697 bucket
 * only, instead of meeting every Security event.
 */
export function requiredEventIds(rule: Rule): ReadonlySet<number> | null {
  const det = rule.detection;
  const fromItem = (i: FieldItem): Set<number> | null => {
    if (i.field !== 'EventID' || i.neq || i.all) return null;
    const out = new Set<number>();
    for (const g of i.values)
      for (const v of g) {
        if (v.kind !== 'string' || v.test.op !== 'eq' || !/^\d+$/.test(v.test.needle)) return null;
        out.add(Number(v.test.needle));
      }
    return out;
  };
  const intersect = (sets: (Set<number> | null)[]): Set<number> | null => {
    let acc: Set<number> | null = null;
    for (const s of sets) {
      if (!s) continue;
      if (acc === null) acc = new Set(s);
      else {
        const prev: Set<number> = acc;
        acc = new Set([...prev].filter((x: number) => s.has(x)));
      }
    }
    return acc;
  };
  const union = (sets: (Set<number> | null)[]): Set<number> | null => {
    const out = new Set<number>();
    for (const s of sets) {
      if (!s) return null;
      for (const x of s) out.add(x);
    }
    return out;
  };
  const search = (s: Search): Set<number> | null => {
    switch (s.t) {
      case 'map':
        return intersect(s.items.map(fromItem));
      case 'or':
        return union(s.alts.map(search));
      case 'keywords':
        return null;
    }
  };
  const cond = (n: CondNode): Set<number> | null => {
    switch (n.t) {
      case 'id': {
        const s = det.searches.get(n.name);
        return s ? search(s) : null;
      }
      case 'and':
        return intersect(n.c.map(cond));
      case 'or':
        return union(n.c.map(cond));
      case 'not':
        return null;
    }
  };
  return cond(det.condition);
}

export function createMatcher(pack: Pick<RulePack, 'rules'>): Matcher {
  // channel (lower-case) → rules for specific ids, and rules for every id of the channel.
  const channels = new Map<string, { byId: Map<number, Rule[]>; any: Rule[] }>();
  for (const rule of pack.rules) {
    const where = resolveLogsource(rule.logsource);
    if ('skip' in where) continue;
    const required = requiredEventIds(rule);
    for (const t of where.targets) {
      let ch = channels.get(t.channel);
      if (!ch) channels.set(t.channel, (ch = { byId: new Map(), any: [] }));
      const ids = t.eventIds === null ? (required ? [...required] : null) : required ? t.eventIds.filter((id) => required.has(id)) : t.eventIds;
      if (ids === null) ch.any.push(rule);
      else
        for (const id of ids) {
          const list = ch.byId.get(id);
          if (!list) ch.byId.set(id, [rule]);
          else list.push(rule);
        }
    }
  }
  const order = new Map(pack.rules.map((r, i) => [r, i]));
  const buckets = new Map<string, Bucket | null>();
  const bucketFor = (channelRaw: string, eventId: number): Bucket | null => {
    const channel = channelRaw.toLowerCase();
    const key = `${channel}\u0000${eventId}`;
    let b = buckets.get(key);
    if (b === undefined) {
      const ch = channels.get(channel);
      const rules = ch ? [...(ch.byId.get(eventId) ?? []), ...ch.any] : [];
      rules.sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0));
      b = rules.length === 0 ? null : new Bucket([...new Set(rules)], channel, eventId);
      buckets.set(key, b);
    }
    return b;
  };
  // Per channel as the event spells it, per event id: the bucket, without lower-casing the
  // channel and building a key for every event.
  const byRaw = new Map<string, Map<number, Bucket | null>>();
  const lookup = (channelRaw: string, eventId: number): Bucket | null => {
    let ids = byRaw.get(channelRaw);
    if (ids === undefined) byRaw.set(channelRaw, (ids = new Map()));
    let b = ids.get(eventId);
    if (b === undefined) ids.set(eventId, (b = bucketFor(channelRaw, eventId)));
    return b;
  };
  return {
    match(event) {
      const b = lookup(event.system.channel, event.system.eventId);
      if (!b) return NONE;
      const out = b.match(event);
      return out.length === 0 ? NONE : out;
    },
    matchWithoutPrefilter(event) {
      const b = bucketFor(event.system.channel, event.system.eventId);
      return b ? b.matchAll(event) : NONE;
    },
    warm(keys) {
      for (const k of keys) bucketFor(k.channel, k.eventId);
    },
    stats() {
      const out = [];
      for (const [key, b] of buckets)
        if (b) out.push({ key: key.replace('\u0000', ' '), rules: b.rules.length, unindexed: b.unindexed, events: b.events, candidatesPerEvent: b.events ? b.candidates / b.events : 0 });
      return out;
    },
  };
}
