// A streaming scanner that cuts `<Event …>…</Event>` units out of an XML export without
// parsing it, on the raw bytes of the file's encoding (UTF-8 or UTF-16), so every unit keeps
// its exact byte offset and length. It holds at most one event (up to the size cap) plus one
// read chunk in memory. Everything it must not follow — comments, CDATA, processing
// instructions, a DOCTYPE and its internal subset — is skipped by resumable state machines,
// so a construct split across reads is never rescanned from its start.

import { encodeAscii, unitWidth, type XmlEncoding } from './xml-encoding.js';

export type ScanOutput =
  | {
      readonly kind: 'unit';
      readonly offset: number;
      readonly length: number;
      /** The unit's bytes; valid only until the next push()/finish() call. */
      readonly bytes: Buffer;
    }
  | { readonly kind: 'error'; readonly offset: number; readonly message: string };

export interface ScannerOptions {
  readonly encoding: XmlEncoding;
  readonly bomLength: number;
  /** Events larger than this are reported, not parsed, and never buffered past it. */
  readonly maxEventBytes: number;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QUOT = 0x22;
const APOS = 0x27;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

type Mode = 'outside' | 'event' | 'oversize';

interface Skip {
  readonly what: string;
  readonly start: number;
  readonly term: Buffer;
  from: number;
}

interface TagScan {
  readonly kind: 'startEvent' | 'endEvent';
  readonly start: number;
  i: number;
  quote: number;
}

interface DoctypeScan {
  readonly start: number;
  i: number;
  quote: number;
  inSubset: boolean;
  inComment: boolean;
}

/** Longest markup we classify at a `<`: `<![CDATA[` and `<!DOCTYPE` are 9 units, plus one. */
const CLASSIFY_UNITS = 10;
/** Bytes of file head examined before deciding that the input is XML at all. */
const HEAD_BYTES = 4096;

export class XmlEventScanner {
  private readonly encoding: XmlEncoding;
  private readonly w: 1 | 2;
  private readonly le: boolean;
  private readonly maxEventBytes: number;
  private readonly ltPattern: Buffer;
  private readonly commentEnd: Buffer;
  private readonly cdataEnd: Buffer;
  private readonly piEnd: Buffer;

  private buf: Buffer = Buffer.alloc(0);
  /** File offset of buf[0]. */
  private base = 0;
  private len = 0;

  private started = false;
  private stopped = false;
  private finished = false;
  private pos: number;
  private mode: Mode = 'outside';
  private eventStart = 0;
  private skip: Skip | null = null;
  private tag: TagScan | null = null;
  private doctype: DoctypeScan | null = null;
  private unitsFound = 0;
  private foreign: { readonly name: string; readonly offset: number } | null = null;
  private out: ScanOutput[] = [];

  constructor(options: ScannerOptions) {
    this.encoding = options.encoding;
    this.w = unitWidth(options.encoding);
    this.le = options.encoding === 'utf16le';
    this.maxEventBytes = options.maxEventBytes;
    this.pos = options.bomLength;
    this.ltPattern = encodeAscii('<', options.encoding);
    this.commentEnd = encodeAscii('-->', options.encoding);
    this.cdataEnd = encodeAscii(']]>', options.encoding);
    this.piEnd = encodeAscii('?>', options.encoding);
  }

  /** Bytes held in memory now (for tests of the bounded buffer). */
  get bufferedBytes(): number {
    return this.len;
  }

  /** True once the input was found not to be XML; later input is ignored. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Feeds the next bytes of the file; returns the units and errors now complete. */
  push(chunk: Buffer): ScanOutput[] {
    if (this.stopped || this.finished) return [];
    this.compact();
    this.append(chunk);
    this.out = [];
    this.run(false);
    return this.out;
  }

  /** Ends the input; returns what remains (a truncated event becomes an error). */
  finish(): ScanOutput[] {
    if (this.finished) return [];
    this.finished = true;
    if (this.stopped) return [];
    this.compact();
    this.out = [];
    this.run(true);
    return this.out;
  }

  // ---- buffer -------------------------------------------------------------------------

  private retainFrom(): number {
    if (!this.started) return this.base;
    if (this.mode === 'event') return this.eventStart;
    let keep = this.pos;
    if (this.skip) keep = Math.min(keep, this.skip.from);
    if (this.tag) keep = Math.min(keep, this.tag.i);
    if (this.doctype) keep = Math.min(keep, this.doctype.i);
    return keep;
  }

  private compact(): void {
    const keep = Math.max(this.base, Math.min(this.retainFrom(), this.base + this.len));
    const drop = keep - this.base;
    if (drop > 0) {
      this.buf.copyWithin(0, drop, this.len);
      this.len -= drop;
      this.base = keep;
    }
  }

  private append(chunk: Buffer): void {
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2, 64 * 1024));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    chunk.copy(this.buf, this.len);
    this.len = need;
  }

  /** The code unit at file offset `at` (caller ensures it is buffered). */
  private cu(at: number): number {
    const i = at - this.base;
    if (this.w === 1) return this.buf[i]!;
    return this.le ? this.buf[i]! | (this.buf[i + 1]! << 8) : (this.buf[i]! << 8) | this.buf[i + 1]!;
  }

  /** Whether the ASCII text `s` is at file offset `at` (case-sensitive). */
  private matches(at: number, s: string): boolean {
    if (at + s.length * this.w > this.base + this.len) return false;
    for (let k = 0; k < s.length; k++) if (this.cu(at + k * this.w) !== s.charCodeAt(k)) return false;
    return true;
  }

  private matchesIgnoreCase(at: number, s: string): boolean {
    if (at + s.length * this.w > this.base + this.len) return false;
    for (let k = 0; k < s.length; k++) {
      const c = this.cu(at + k * this.w);
      if (c > 0x7f || String.fromCharCode(c).toUpperCase() !== s[k]) return false;
    }
    return true;
  }

  /** File offset of the next aligned occurrence of `pattern` at or after `from`, or -1. */
  private find(pattern: Buffer, from: number): number {
    // Searching the whole buffer (no subarray per call: this runs at every `<`); a match that
    // does not end within the filled part means there is none there yet.
    const buf = this.buf;
    const len = this.len;
    let i = Math.max(0, from - this.base);
    if (i >= len) return -1;
    for (;;) {
      const idx = buf.indexOf(pattern, i);
      if (idx < 0 || idx + pattern.length > len) return -1;
      const at = idx + this.base;
      // UTF-16 code units start at even file offsets (the BOM, when there is one, is 2 bytes).
      if (this.w === 1 || (at & 1) === 0) return at;
      i = idx + 1;
    }
  }

  private end(): number {
    return this.base + this.len;
  }

  /** The largest aligned offset ≤ end (a trailing half code unit is not scanned yet). */
  private alignedEnd(): number {
    const e = this.end();
    return this.w === 2 ? e & ~1 : e;
  }

  private error(offset: number, message: string): void {
    this.out.push({ kind: 'error', offset, message });
  }

  private emit(start: number, endExclusive: number): void {
    const length = endExclusive - start;
    this.unitsFound++;
    if (length > this.maxEventBytes) {
      this.error(start, `the event is ${length} bytes, over the ${this.maxEventBytes}-byte limit; skipped`);
      return;
    }
    const bytes = this.buf.subarray(start - this.base, endExclusive - this.base);
    this.out.push({ kind: 'unit', offset: start, length, bytes });
  }

  // ---- the head: encoding already known; banner, not-XML -------------------------------

  private startScan(eof: boolean): boolean {
    if (!eof && this.len < HEAD_BYTES) return false;
    this.started = true;
    const end = this.alignedEnd();
    let p = this.pos;
    while (p < end && isSpace(this.cu(p))) p += this.w;
    // evtxexport prints a banner line (`evtxexport 20181227`) before the events.
    if (this.matches(p, 'evtxexport')) {
      while (p < end && this.cu(p) !== 0x0a) p += this.w;
      while (p < end && isSpace(this.cu(p))) p += this.w;
    }
    this.pos = p;
    if (p >= end) return true; // empty or blank: nothing to read
    if (this.cu(p) !== LT) {
      this.stopped = true;
      this.error(p, `not XML: the content starts with "${this.sample(p)}" where '<' was expected`);
      return true;
    }
    return true;
  }

  private sample(at: number): string {
    let s = '';
    const end = this.alignedEnd();
    for (let p = at; p < end && s.length < 24; p += this.w) {
      const c = this.cu(p);
      s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : c === 0 ? '\\0' : '.';
    }
    return s;
  }

  // ---- the main loop --------------------------------------------------------------------

  private run(eof: boolean): void {
    if (!this.started && !this.startScan(eof)) return;
    const w = this.w;
    for (;;) {
      if (this.stopped) return;
      const end = this.alignedEnd();

      if (this.skip) {
        const skip = this.skip;
        const at = this.find(skip.term, skip.from);
        if (at < 0) {
          skip.from = Math.max(skip.from, this.end() - skip.term.length + 1);
          return this.waitOrFinish(eof);
        }
        this.skip = null;
        this.pos = at + skip.term.length;
        continue;
      }

      if (this.tag) {
        if (!this.scanTag(this.tag, end)) return this.waitOrFinish(eof);
        continue;
      }

      if (this.doctype) {
        if (!this.scanDoctype(this.doctype, end)) return this.waitOrFinish(eof);
        continue;
      }

      const lt = this.find(this.ltPattern, this.pos);
      if (lt < 0) {
        this.pos = Math.max(this.pos, end);
        return this.waitOrFinish(eof);
      }
      if (!eof && end - lt < CLASSIFY_UNITS * w) {
        this.pos = lt;
        return this.waitOrFinish(eof);
      }
      const c1 = lt + w < end ? this.cu(lt + w) : -1;
      if (c1 === 0x3f /* ? */) {
        this.skip = { what: 'processing instruction', start: lt, term: this.piEnd, from: lt + 2 * w };
      } else if (c1 === 0x21 /* ! */) {
        if (this.matches(lt, '<!--')) {
          this.skip = { what: 'comment', start: lt, term: this.commentEnd, from: lt + 4 * w };
        } else if (this.matches(lt, '<![CDATA[')) {
          this.skip = { what: 'CDATA section', start: lt, term: this.cdataEnd, from: lt + 9 * w };
        } else if (this.matchesIgnoreCase(lt, '<!DOCTYPE')) {
          this.startDoctype(lt);
        } else {
          this.pos = lt + w;
        }
      } else if (c1 === SLASH) {
        const d = lt + 7 * w < end ? this.cu(lt + 7 * w) : -1;
        if (this.matches(lt, '</Event') && (d === GT || isSpace(d))) {
          this.tag = { kind: 'endEvent', start: lt, i: lt + 7 * w, quote: 0 };
        } else {
          this.pos = lt + w;
        }
      } else {
        const d = lt + 6 * w < end ? this.cu(lt + 6 * w) : -1;
        if (this.matches(lt, '<Event') && (d === GT || d === SLASH || isSpace(d))) {
          if (this.mode !== 'outside') this.closeTruncated(lt);
          this.mode = 'event';
          this.eventStart = lt;
          this.tag = { kind: 'startEvent', start: lt, i: lt + 6 * w, quote: 0 };
        } else {
          if (this.mode === 'outside' && this.foreign === null && !this.matches(lt, '<Events')) {
            this.foreign = { name: this.elementName(lt + w, end), offset: lt };
          }
          this.pos = lt + w;
        }
      }
    }
  }

  private elementName(at: number, end: number): string {
    let s = '';
    for (let p = at; p < end && s.length < 64; p += this.w) {
      const c = this.cu(p);
      if (isSpace(c) || c === GT || c === SLASH || c < 0x20) break;
      s += String.fromCharCode(c);
    }
    return s;
  }

  /** Finds the `>` that ends a start or end tag, skipping quoted attribute values. */
  private scanTag(tag: TagScan, end: number): boolean {
    const w = this.w;
    let i = tag.i;
    let quote = tag.quote;
    while (i < end) {
      const c = this.cu(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === QUOT || c === APOS) {
        quote = c;
      } else if (c === GT) {
        break;
      } else if (c === LT) {
        // A `<` cannot occur inside a tag: the tag is cut off (truncated file or garbage).
        break;
      }
      i += w;
    }
    tag.i = i;
    tag.quote = quote;
    if (i >= end) return false;
    this.tag = null;
    if (this.cu(i) === LT) {
      if (tag.kind === 'startEvent') {
        this.error(tag.start, `the <Event> start tag at offset ${hex(tag.start)} is cut off at offset ${hex(i)}; event skipped`);
        this.mode = 'outside';
      }
      this.pos = i;
      return true;
    }
    const after = i + w;
    this.pos = after;
    if (tag.kind === 'startEvent') {
      if (this.cu(i - w) === SLASH) {
        // `<Event …/>`: an empty event; the parser will say what it lacks.
        this.mode = 'outside';
        this.emit(tag.start, after);
      }
      return true;
    }
    // </Event>
    if (this.mode === 'event') {
      this.mode = 'outside';
      this.emit(this.eventStart, after);
    } else if (this.mode === 'oversize') {
      this.mode = 'outside';
      this.unitsFound++;
      const size = after - this.eventStart;
      this.error(this.eventStart, `the event is ${size} bytes, over the ${this.maxEventBytes}-byte limit; skipped`);
    }
    return true;
  }

  private startDoctype(lt: number): void {
    if (this.mode !== 'outside') {
      this.error(this.eventStart, `the event at offset ${hex(this.eventStart)} contains a DOCTYPE declaration (offset ${hex(lt)}); event skipped`);
      this.mode = 'outside';
    }
    this.error(
      lt,
      `DOCTYPE declaration at offset ${hex(lt)} skipped: its entity declarations are never expanded nor fetched`,
    );
    this.doctype = { start: lt, i: lt + 9 * this.w, quote: 0, inSubset: false, inComment: false };
  }

  /** Skips a DOCTYPE with its internal subset: quoted literals, comments, `[ … ]`, then `>`. */
  private scanDoctype(dt: DoctypeScan, end: number): boolean {
    const w = this.w;
    let i = dt.i;
    while (i < end) {
      if (dt.inComment) {
        const at = this.find(this.commentEnd, i);
        if (at < 0) {
          i = Math.max(i, this.end() - this.commentEnd.length + 1);
          break;
        }
        dt.inComment = false;
        i = at + this.commentEnd.length;
        continue;
      }
      const c = this.cu(i);
      if (dt.quote !== 0) {
        if (c === dt.quote) dt.quote = 0;
      } else if (c === QUOT || c === APOS) {
        dt.quote = c;
      } else if (c === LT && dt.inSubset) {
        if (i + 4 * w > end) break; // need more to tell a comment
        if (this.matches(i, '<!--')) {
          dt.inComment = true;
          i += 4 * w;
          continue;
        }
      } else if (c === LBRACKET && !dt.inSubset) {
        dt.inSubset = true;
      } else if (c === RBRACKET && dt.inSubset) {
        dt.inSubset = false;
      } else if (c === GT && !dt.inSubset) {
        this.doctype = null;
        this.pos = i + w;
        return true;
      }
      i += w;
    }
    dt.i = i;
    return false;
  }

  private closeTruncated(next: number): void {
    const size = next - this.eventStart;
    const what = this.mode === 'oversize' ? `over the ${this.maxEventBytes}-byte limit and ` : '';
    this.unitsFound++;
    this.error(
      this.eventStart,
      `the event at offset ${hex(this.eventStart)} is ${what}truncated: a new <Event> starts at offset ${hex(next)} before its </Event> (${size} bytes); event skipped`,
    );
    this.mode = 'outside';
  }

  /** At the end of the buffered bytes: wait for more, or (at end of file) report what is open. */
  private waitOrFinish(eof: boolean): void {
    if (!eof) {
      if (this.mode === 'event' && this.end() - this.eventStart > this.maxEventBytes) {
        // Stop buffering: keep scanning for its end only to report its size.
        this.mode = 'oversize';
      }
      return;
    }
    const end = this.end();
    if (this.mode !== 'outside') {
      this.unitsFound++;
      const what = this.mode === 'oversize' ? `over the ${this.maxEventBytes}-byte limit and ` : '';
      this.error(
        this.eventStart,
        `the event at offset ${hex(this.eventStart)} is ${what}truncated: the file ends at offset ${hex(end)} before its </Event>`,
      );
      this.mode = 'outside';
    } else if (this.skip) {
      this.error(this.skip.start, `unterminated ${this.skip.what} at offset ${hex(this.skip.start)}: the file ends first`);
    } else if (this.doctype) {
      this.error(this.doctype.start, `unterminated DOCTYPE at offset ${hex(this.doctype.start)}: the file ends first`);
    }
    this.skip = null;
    this.tag = null;
    this.doctype = null;
    if (this.unitsFound === 0 && this.foreign !== null) {
      this.error(
        this.foreign.offset,
        `no <Event> element in the file: found <${this.foreign.name}> at offset ${hex(this.foreign.offset)}, not a Windows event export`,
      );
    }
  }
}
