// Integers past 2^53 lose their last digits in JSON.parse (NXLog writes `Keywords` as a
// 64-bit integer: 36028797018963968, -9214364837600034816). Two ways to keep the digits:
// quoteLongIntegers turns integer literals of 16+ digits outside strings into strings before
// parsing (used for display), and LongIntegerSource finds the literal of a number JSON.parse
// rounded after the fact, so the common record pays nothing (used by the reader).

/** Cheap pre-test: only text holding a run of 16 digits can need quoting. */
const LONG_DIGITS = /\d{16}/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** The index of the first character at or after `i` that is not JSON whitespace (or text.length). */
function skipBlanks(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    i++;
  }
}

/** Index just past the closing quote of the string whose opening quote is at `open`, or text.length. */
function skipString(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const close = text.indexOf('"', from);
    if (close < 0) return text.length;
    // The quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    let k = close - 1;
    while (k > open && text.charCodeAt(k) === BACKSLASH) {
      backslashes++;
      k--;
    }
    if ((backslashes & 1) === 0) return close + 1;
    from = close + 1;
  }
}

/** Start and end of every integer literal of 16+ digits outside strings, in text order. */
function longIntegerSpans(text: string): number[] {
  const spans: number[] = [];
  if (!LONG_DIGITS.test(text)) return spans;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (c === MINUS || isDigit(c)) {
      const start = i;
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const next = i < n ? text.charCodeAt(i) : 0;
      if (next === 0x2e /* . */ || next === 0x65 /* e */ || next === 0x45 /* E */) {
        // A fraction or exponent: not an integer; a double is what the source meant.
        while (i < n) {
          const d = text.charCodeAt(i);
          if (isDigit(d) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === MINUS) i++;
          else break;
        }
        continue;
      }
      if (i - start - (c === MINUS ? 1 : 0) >= 16) spans.push(start, i);
      continue;
    }
    i++;
  }
  return spans;
}

/**
 * Returns `text` with every integer literal of 16+ digits (outside strings) wrapped in quotes.
 * Text without such literals is returned unchanged (the same string), so callers can tell.
 * Malformed JSON is passed through as well as it goes; JSON.parse reports the error after.
 */
export function quoteLongIntegers(text: string): string {
  const spans = longIntegerSpans(text);
  if (spans.length === 0) return text;
  const parts: string[] = [];
  let last = 0;
  for (let k = 0; k < spans.length; k += 2) {
    parts.push(text.slice(last, spans[k]), '"', text.slice(spans[k], spans[k + 1]), '"');
    last = spans[k + 1]!;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** The integer literals of 16+ digits outside strings, in text order. */
export function longIntegerLiterals(text: string): string[] {
  const spans = longIntegerSpans(text);
  const found: string[] = [];
  for (let k = 0; k < spans.length; k += 2) found.push(text.slice(spans[k], spans[k + 1]));
  return found;
}

/**
 * Recovers the exact digits of integers JSON.parse rounded (past 2^53), from the record's text.
 * Parsing stays a plain JSON.parse; the text is only scanned for a record that has such a
 * number. The literal is found by the key when given (a quick indexOf), else by scanning, and
 * accepted only if it parses to the same double.
 */
export class LongIntegerSource {
  private literals: string[] | null = null;

  constructor(private readonly text: string) {}

  literalFor(value: number, key?: string): string {
    if (key !== undefined) {
      const lit = this.byKey(key);
      if (lit !== null && literalValue(lit) === value) return lit;
    }
    this.literals ??= longIntegerLiterals(this.text);
    for (let k = 0; k < this.literals.length; k++) {
      const lit = this.literals[k]!;
      if (lit !== '' && Number(lit) === value) {
        this.literals[k] = '';
        return lit;
      }
    }
    // Not found (cannot happen for valid JSON): the double's exact value.
    return BigInt(value).toString();
  }

  private byKey(key: string): string | null {
    const text = this.text;
    // The quoted key is looked for without its opening quote, checked after: a quote is the
    // commonest character of JSON, and a search that starts with one measured twice as slow.
    const tail = keyTail(key);
    let from = 0;
    for (;;) {
      const hit = text.indexOf(tail, from + 1);
      if (hit < 0) return null;
      const at = hit - 1;
      if (text.charCodeAt(at) !== QUOTE) {
        from = hit;
        continue;
      }
      let i = skipBlanks(text, hit + tail.length);
      if (text.charCodeAt(i) === 0x3a /* : */) {
        i = skipBlanks(text, i + 1);
        // An optional minus, then 16 digits or more.
        let d = text.charCodeAt(i) === MINUS ? i + 1 : i;
        const first = d;
        while (d < text.length && isDigit(text.charCodeAt(d))) d++;
        if (d - first >= 16) return text.slice(i, d);
      }
      from = at + 1;
    }
  }
}

let lastKey: string | undefined;
let lastKeyTail = '';

/** The key as JSON writes it, without its opening quote (the last one asked for is kept: it is always Keywords). */
function keyTail(key: string): string {
  if (key !== lastKey) {
    lastKeyTail = JSON.stringify(key).slice(1);
    lastKey = key;
  }
  return lastKeyTail;
}

const literalValues = new Map<string, number>();

/**
 * Number(literal), remembered: a log has a handful of Keywords literals, repeated on every
 * record (and the conversion of 20 digits costs more than the lookup).
 */
function literalValue(literal: string): number {
  let value = literalValues.get(literal);
  if (value === undefined) {
    value = Number(literal);
    if (literalValues.size >= 256) literalValues.clear();
    literalValues.set(literal, value);
  }
  return value;
}
