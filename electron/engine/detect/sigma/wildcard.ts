// Sigma string values: wildcards `*` and `?` with `\` escapes (spec: `\*`, `\?` literal; `\\`
// before a wildcard is a literal backslash; other backslashes are literal), and the compiled
// string tests the matcher runs. Plain prefix/suffix/substring/equality tests avoid RegExp.

import { RuleError } from './types.js';

export type PatternPart = { readonly t: 'lit'; readonly s: string } | { readonly t: '*' } | { readonly t: '?' };

/** A Sigma string value after escapes are resolved: literal runs and wildcards. */
export interface Pattern {
  readonly parts: readonly PatternPart[];
}

const STAR: PatternPart = { t: '*' };
const ONE: PatternPart = { t: '?' };

/** Appends a literal, merging it with a literal before it. */
function pushLit(parts: PatternPart[], s: string): void {
  if (s === '') return;
  const last = parts[parts.length - 1];
  if (last && last.t === 'lit') parts[parts.length - 1] = { t: 'lit', s: last.s + s };
  else parts.push({ t: 'lit', s });
}

export function literalPattern(s: string): Pattern {
  return { parts: s === '' ? [] : [{ t: 'lit', s }] };
}

/** Parses a value as written in a rule, following pySigma's escape handling. */
export function parsePattern(text: string): Pattern {
  const parts: PatternPart[] = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        lit += next;
        i++;
      } else lit += c;
    } else if (c === '*' || c === '?') {
      pushLit(parts, lit);
      lit = '';
      parts.push(c === '*' ? STAR : ONE);
    } else lit += c;
  }
  pushLit(parts, lit);
  return { parts };
}

export function hasWildcards(p: Pattern): boolean {
  return p.parts.some((x) => x.t !== 'lit');
}

export function patternText(p: Pattern): string {
  return p.parts.map((x) => (x.t === 'lit' ? x.s : x.t)).join('');
}

/** Maps every literal run (wildcards stay). */
export function mapLiterals(p: Pattern, f: (s: string) => string): Pattern {
  const parts: PatternPart[] = [];
  for (const x of p.parts) {
    if (x.t === 'lit') pushLit(parts, f(x.s));
    else parts.push(x);
  }
  return { parts };
}

export function withStars(p: Pattern, lead: boolean, trail: boolean): Pattern {
  const parts = [...p.parts];
  if (lead && parts[0]?.t !== '*') parts.unshift(STAR);
  if (trail && parts[parts.length - 1]?.t !== '*') parts.push(STAR);
  return { parts };
}

/** What the matcher runs on one string. `needle` is lower-cased unless `cased`. */
export type StringTest =
  | { readonly op: 'eq' | 'sw' | 'ew' | 'ct'; readonly needle: string; readonly cased: boolean }
  | { readonly op: 'glob'; readonly segments: readonly string[]; readonly anchoredStart: boolean; readonly anchoredEnd: boolean; readonly cased: boolean }
  | { readonly op: 're'; readonly re: RegExp; readonly source: string; readonly cased: true };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Compiles a pattern to the cheapest test that decides it. */
export function compilePattern(p: Pattern, cased: boolean): StringTest {
  const norm = (s: string): string => (cased ? s : s.toLowerCase());
  const parts = p.parts;
  if (parts.some((x) => x.t === '?')) {
    // `?` needs a regular expression; `[\s\S]` so `?`/`*` cross newlines like the other tests.
    // A leading or trailing `*` is left out with its anchor (`^[\s\S]*x` tests as `x` does):
    // same answer, without the regex engine retrying the star from every position.
    const body = parts.filter((x, i) => !(x.t === '*' && parts[i - 1]?.t === '*'));
    const lead = body[0]?.t === '*';
    const trail = body[body.length - 1]?.t === '*';
    const inner = body.slice(lead ? 1 : 0, trail ? body.length - 1 : body.length);
    const src = (lead ? '' : '^') + inner.map((x) => (x.t === 'lit' ? escapeRegExp(x.s) : x.t === '*' ? '[\\s\\S]*' : '[\\s\\S]')).join('') + (trail ? '' : '$');
    return { op: 're', re: new RegExp(src, cased ? '' : 'i'), source: src, cased: true };
  }
  // Only literals and stars from here on; collapse runs of stars.
  const lits: string[] = [];
  const starAt: boolean[] = [];
  let anchoredStart = true;
  let anchoredEnd = true;
  parts.forEach((x, i) => {
    if (x.t === '*') {
      if (i === 0) anchoredStart = false;
      if (i === parts.length - 1) anchoredEnd = false;
      starAt.push(true);
    } else if (x.t === 'lit') lits.push(norm(x.s));
  });
  if (parts.length === 0) return { op: 'eq', needle: '', cased };
  if (lits.length === 0) return { op: 'glob', segments: [], anchoredStart: false, anchoredEnd: false, cased };
  if (lits.length === 1) {
    const needle = lits[0] as string;
    const op = anchoredStart && anchoredEnd ? 'eq' : anchoredStart ? 'sw' : anchoredEnd ? 'ew' : 'ct';
    return { op, needle, cased };
  }
  return { op: 'glob', segments: lits, anchoredStart, anchoredEnd, cased };
}

/** Glob of literal segments separated by `*`. */
export function globMatch(s: string, segments: readonly string[], anchoredStart: boolean, anchoredEnd: boolean): boolean {
  const n = segments.length;
  if (n === 0) return true;
  let pos = 0;
  let first = 0;
  let last = n;
  if (anchoredStart) {
    const seg = segments[0] as string;
    if (!s.startsWith(seg)) return false;
    pos = seg.length;
    first = 1;
  }
  let end = s.length;
  if (anchoredEnd) {
    const seg = segments[n - 1] as string;
    if (n - 1 < first) return s.length >= pos; // single anchored both ways handled as eq
    if (!s.endsWith(seg) || s.length - seg.length < pos) return false;
    end = s.length - seg.length;
    last = n - 1;
  }
  for (let i = first; i < last; i++) {
    const seg = segments[i] as string;
    const at = s.indexOf(seg, pos);
    if (at === -1 || at + seg.length > end) return false;
    pos = at + seg.length;
  }
  return true;
}

export function runStringTest(t: StringTest, s: string): boolean {
  switch (t.op) {
    case 'eq':
      return s === t.needle;
    case 'sw':
      return s.startsWith(t.needle);
    case 'ew':
      return s.endsWith(t.needle);
    case 'ct':
      return s.includes(t.needle);
    case 'glob':
      return globMatch(s, t.segments, t.anchoredStart, t.anchoredEnd);
    case 're':
      return t.re.test(s);
  }
}

/** A function for one test; the `s` it gets is lower-cased unless the test is cased. */
export function stringTestFn(t: StringTest): (s: string) => boolean {
  switch (t.op) {
    case 'eq': {
      const n = t.needle;
      return (s) => s === n;
    }
    case 'sw': {
      const n = t.needle;
      return (s) => s.startsWith(n);
    }
    case 'ew': {
      const n = t.needle;
      return (s) => s.endsWith(n);
    }
    case 'ct': {
      const n = t.needle;
      return (s) => s.includes(n);
    }
    case 'glob': {
      const { segments, anchoredStart, anchoredEnd } = t;
      return (s) => globMatch(s, segments, anchoredStart, anchoredEnd);
    }
    case 're': {
      const re = t.re;
      return (s) => re.test(s);
    }
  }
}

/** Builds a `re` modifier value, honouring the `i`, `m`, `s` sub-modifiers and a leading `(?i)`-style group. */
export function compileRegex(source: string, flags: { i: boolean; m: boolean; s: boolean }): StringTest {
  let src = source;
  let f = (flags.i ? 'i' : '') + (flags.m ? 'm' : '') + (flags.s ? 's' : '');
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const c of inline[1] as string) if (c !== 'x' && !f.includes(c)) f += c;
  }
  try {
    return { op: 're', re: new RegExp(src, f), source, cased: true };
  } catch (error) {
    throw new RuleError(`regular expression ${JSON.stringify(source)} does not compile: ${error instanceof Error ? error.message : String(error)}`);
  }
}
