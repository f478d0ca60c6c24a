// A session's chain held as columns, not as one object per step. A busy session's chain is
// 150,000 steps: as objects (a step, its event-id array, its time and reason strings) they sat in
// the page's heap, and every major GC moved and re-pointed them. Scrolling the expanded process
// tree, such a GC (21-36 ms in Chromium's trace, of which evacuation 11-18 ms and the update of
// pointers to new roots 8-11 ms) landing on a frame made the frames of 50 ms issue 6 counts.
//
// Here a step is a row of typed arrays: its kind, session and process are numbers into small
// dictionaries, its reason a number into the distinct reasons, its event ids a range of one
// Float64Array, and its time and reason text slices of a few long strings (TextColumn). A step
// object is made on demand (`step(i)`) and dies young. The columns are allocated once at the
// chain's full size (the first page tells it), not grown step by step.

import type { ChainPage, ChainStep } from '../../shared/api.js';
import { chainPageOf, dictionary } from '../../shared/chain-page.js';
import { valueStart } from '../../shared/value-ends.js';

/**
 * Strings kept as a few long texts (one per page appended) and each string's place in them,
 * instead of one heap string each: with the busy chain's 150,000 times and 61,000 reasons as
 * strings of their own, the major GC's update of pointers to new roots took 8-11 ms; with them in
 * texts, 2-3 ms.
 */
class TextColumn {
  constructor(
    private readonly texts: readonly string[],
    /** Which text holds string k. */
    private readonly textOf: Uint32Array,
    /** Where string k ends in its text; it starts where string k-1 ends, or at 0 when k-1 is in another text. */
    private readonly ends: Uint32Array,
  ) {}

  at(k: number): string {
    const t = this.textOf[k]!;
    const start = k === 0 || this.textOf[k - 1] !== t ? 0 : this.ends[k - 1]!;
    return this.texts[t]!.slice(start, this.ends[k]!);
  }
}

/** Builds a TextColumn from texts of strings (a page's times, or the reasons a page gives). */
class TextColumnBuilder {
  private readonly texts: string[] = [];
  private count = 0;
  private textOf: Uint32Array;
  private ends: Uint32Array;

  constructor(expected: number) {
    this.textOf = new Uint32Array(expected);
    this.ends = new Uint32Array(expected);
  }

  /** Room for `more` strings beyond those added (once a page: not a check per string). */
  reserve(more: number): void {
    this.textOf = grown(this.textOf, this.count + more);
    this.ends = grown(this.ends, this.count + more);
  }

  /**
   * Adds (after `reserve`) the strings of `text`: string k ends at ends[k] and starts where
   * string k-1 ends. The text is kept as it came, with no string made per value. `ends` must
   * rise from 0 to at most the text's length (checkedEnds).
   */
  addText(text: string, ends: readonly number[]): void {
    if (ends.length === 0) return;
    const t = this.texts.length;
    this.texts.push(text);
    for (const end of ends) {
      this.textOf[this.count] = t;
      this.ends[this.count++] = end;
    }
  }

  finish(): TextColumn {
    return new TextColumn(this.texts, this.textOf.subarray(0, this.count), this.ends.subarray(0, this.count));
  }
}

/** Whether `ends` rise (each at least the one before, from 0) to at most `length`. */
function checkedEnds(ends: readonly number[], length: number): boolean {
  let last = 0;
  for (const e of ends) {
    if (!(e >= last && e <= length)) return false;
    last = e;
  }
  return true;
}

/** The columns of a chain table (see ChainTableBuilder). */
interface ChainColumns {
  readonly length: number;
  readonly times: TextColumn;
  readonly kindIds: Uint32Array;
  readonly kinds: readonly string[];
  readonly sessionIds: Uint32Array;
  readonly sessions: readonly string[];
  readonly reasonIds: Uint32Array;
  /** The distinct reasons (a process's network steps repeat its reason). */
  readonly reasons: TextColumn;
  /** Index into `processes`, or -1 for a step without a process. */
  readonly processIds: Int32Array;
  readonly processes: readonly string[];
  /** Step i's event ids are eventIds[eventEnds[i - 1] .. eventEnds[i]). */
  readonly eventEnds: Uint32Array;
  readonly eventIds: Float64Array;
}

/** The steps of one chain, read by index. Immutable once built. */
export class ChainTable {
  readonly length: number;

  constructor(private readonly c: ChainColumns) {
    this.length = c.length;
  }

  /** A table of `steps`, in their order (a chain asked for whole: one page of columns). */
  static fromSteps(steps: readonly ChainStep[]): ChainTable {
    const b = new ChainTableBuilder(steps.length);
    b.addPage(chainPageOf(steps, 0, steps.length));
    return b.finish();
  }

  kindAt(i: number): string {
    return this.c.kinds[this.c.kindIds[i]!]!;
  }

  sessionIdAt(i: number): string {
    return this.c.sessions[this.c.sessionIds[i]!]!;
  }

  timeAt(i: number): string {
    return this.c.times.at(i);
  }

  reasonAt(i: number): string {
    return this.c.reasons.at(this.c.reasonIds[i]!);
  }

  processIdAt(i: number): string | null {
    const k = this.c.processIds[i]!;
    return k < 0 ? null : this.c.processes[k]!;
  }

  /** The first of step i's event ids (the record a link opens), undefined when it has none. */
  firstEventIdAt(i: number): number | undefined {
    const { eventEnds, eventIds } = this.c;
    const start = valueStart(eventEnds, i);
    return start < eventEnds[i]! ? eventIds[start] : undefined;
  }

  eventIdsAt(i: number): number[] {
    const { eventEnds, eventIds } = this.c;
    return Array.from(eventIds.subarray(valueStart(eventEnds, i), eventEnds[i]!));
  }

  /** Step i as the API gave it (a new object each call). */
  step(i: number): ChainStep {
    return {
      time: this.timeAt(i),
      kind: this.kindAt(i),
      sessionId: this.sessionIdAt(i),
      eventIds: this.eventIdsAt(i),
      reason: this.reasonAt(i),
      processId: this.processIdAt(i),
    };
  }

  /** Every step as an object: for tests and small chains. */
  toSteps(): ChainStep[] {
    return Array.from({ length: this.length }, (_, i) => this.step(i));
  }
}

/**
 * `a`, or a copy of it at least `need` long (doubling: the storage of typed arrays is outside
 * the JS heap). Called once a page, not once a step.
 */
function grown<T extends Uint32Array | Int32Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (length: number) => T)(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

/** A chain page that does not follow the pages appended before it. */
export class ChainPageError extends Error {}

/** Builds a ChainTable from pages (ChainPage) appended in order. */
export class ChainTableBuilder {
  private count = 0;
  private readonly kinds = dictionary();
  private readonly sessions = dictionary();
  /** The chain's distinct reasons, by their number in the chain (ChainPage.reasonBase). */
  private readonly reasonTexts: TextColumnBuilder;
  private reasonCount = 0;
  private readonly processes = dictionary();
  private readonly times: TextColumnBuilder;
  private kindIds: Uint32Array;
  private sessionIds: Uint32Array;
  private reasonIds: Uint32Array;
  private processIds: Int32Array;
  private eventEnds: Uint32Array;
  private eventIds: Float64Array;
  private eventCount = 0;

  /** `expected`: the chain's length when known (the first page's total), so columns are allocated once. */
  constructor(expected = 0) {
    const n = Math.max(0, expected);
    this.times = new TextColumnBuilder(n);
    this.reasonTexts = new TextColumnBuilder(0);
    this.kindIds = new Uint32Array(n);
    this.sessionIds = new Uint32Array(n);
    this.reasonIds = new Uint32Array(n);
    this.processIds = new Int32Array(n);
    this.eventEnds = new Uint32Array(n);
    this.eventIds = new Float64Array(n);
  }

  get length(): number {
    return this.count;
  }

  /** Room for `steps` more steps holding `events` event ids and at most `reasons` new reasons. */
  private makeRoom(steps: number, events: number, reasons: number): void {
    const need = this.count + steps;
    this.kindIds = grown(this.kindIds, need);
    this.sessionIds = grown(this.sessionIds, need);
    this.reasonIds = grown(this.reasonIds, need);
    this.processIds = grown(this.processIds, need);
    this.eventEnds = grown(this.eventEnds, need);
    this.eventIds = grown(this.eventIds, this.eventCount + events);
    this.times.reserve(steps);
    this.reasonTexts.reserve(reasons);
  }

  /**
   * Appends a page as the engine sends it (columns: shared/chain-page.ts), in the task that
   * parsed it. The columns are made room for once a page, and the page's dictionaries are
   * mapped onto the table's once, so a step costs a few array reads.
   */
  addPage(page: ChainPage): void {
    const n = page.count;
    // The chain's reasons are numbered across its pages: this page's new ones follow those of
    // the pages before it. Checked before anything is appended (a page out of order, or of a
    // chain that changed, throws and leaves the table as it was).
    if (page.reasonBase !== this.reasonCount) {
      throw new ChainPageError(`the page at step ${page.offset} gives reasons from number ${page.reasonBase}, but ${this.reasonCount} were given before it`);
    }
    const known = this.reasonCount + page.reasonEnds.length;
    for (let k = 0; k < n; k++) {
      const r = page.reason[k]!;
      if (!(r >= 0 && r < known)) throw new ChainPageError(`step ${page.offset + k} has reason number ${r}, but ${known} were given`);
    }
    if (page.timeEnds.length !== n || !checkedEnds(page.timeEnds, page.time.length)) throw new ChainPageError(`the page at step ${page.offset}: its times do not match its steps`);
    if (!checkedEnds(page.reasonEnds, page.reasons.length)) throw new ChainPageError(`the page at step ${page.offset}: its reasons do not match their text`);
    if (n === 0 && known === this.reasonCount) return;
    this.makeRoom(n, page.eventIds.length, page.reasonEnds.length);
    this.reasonTexts.addText(page.reasons, page.reasonEnds);
    this.reasonCount = known;
    const { kindIds, sessionIds, reasonIds, processIds, eventEnds, eventIds } = this;
    const kindOf = page.kinds.map((k) => this.kinds.id(k));
    const sessionOf = page.sessions.map((v) => this.sessions.id(v));
    const processOf = page.processes.map((v) => this.processes.id(v));
    this.times.addText(page.time, page.timeEnds);
    const base = this.eventCount;
    for (let k = 0; k < page.eventIds.length; k++) eventIds[base + k] = page.eventIds[k]!;
    let i = this.count;
    for (let k = 0; k < n; k++, i++) {
      kindIds[i] = kindOf[page.kind[k]!]!;
      sessionIds[i] = sessionOf[page.session[k]!]!;
      reasonIds[i] = page.reason[k]!;
      const p = page.process[k]!;
      processIds[i] = p < 0 ? -1 : processOf[p]!;
      eventEnds[i] = base + page.eventEnds[k]!;
    }
    this.count = i;
    this.eventCount = base + page.eventIds.length;
  }

  finish(): ChainTable {
    const n = this.count;
    return new ChainTable({
      length: n,
      times: this.times.finish(),
      kindIds: this.kindIds.subarray(0, n),
      kinds: this.kinds.values,
      sessionIds: this.sessionIds.subarray(0, n),
      sessions: this.sessions.values,
      reasonIds: this.reasonIds.subarray(0, n),
      reasons: this.reasonTexts.finish(),
      processIds: this.processIds.subarray(0, n),
      processes: this.processes.values,
      eventEnds: this.eventEnds.subarray(0, n),
      eventIds: this.eventIds.subarray(0, this.eventCount),
    });
  }
}

let empty: ChainTable | null = null;

/**
 * A chain of no steps, made on first use: this module is loaded with the store, before the
 * first screen's requests leave, and building a table there cost 2 ms on that path.
 */
export function emptyChain(): ChainTable {
  return (empty ??= ChainTable.fromSteps([]));
}

/** The record of each process's creation step (the record the tree and the timeline open), by process id. */
export function processCreationEvents(chain: ChainTable): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < chain.length; i++) {
    if (chain.kindAt(i) !== 'process') continue;
    const p = chain.processIdAt(i);
    const ev = chain.firstEventIdAt(i);
    if (p !== null && ev !== undefined) m.set(p, ev);
  }
  return m;
}
