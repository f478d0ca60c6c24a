// Value modifiers (Sigma modifiers appendix v2.1): a field key `Field|mod1|mod2` and its values
// become a FieldItem the matcher can bind to an event field. Transformations (windash, base64,
// base64offset, utf16*, wide, expand) run left to right as written; type modifiers (re, cidr,
// lt/lte/gt/gte, fieldref, exists, time parts) decide how the value is compared.

import { parseCidr, type Cidr } from './cidr.js';
import { compilePattern, compileRegex, hasWildcards, literalPattern, parsePattern, patternText, withStars, type Pattern, type StringTest } from './wildcard.js';
import { RuleError } from './types.js';

export type NumOp = 'lt' | 'lte' | 'gt' | 'gte' | 'eq';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** One value of a field item, ready to test against the field's string. */
export type ValueTest =
  | { readonly kind: 'string'; readonly test: StringTest }
  /** `null`: the field is absent or empty. */
  | { readonly kind: 'null' }
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'num'; readonly op: NumOp; readonly value: number; readonly timePart?: TimePart }
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  /** Compare with another field of the same event. */
  | { readonly kind: 'fieldref'; readonly ref: string; readonly op: 'eq' | 'sw' | 'ew' | 'ct'; readonly cased: boolean };

export interface FieldItem {
  /** null for keyword searches (any field). */
  readonly field: string | null;
  /** One group per value as written; a group holds the variants the value fanned out into
   *  (windash, base64offset, expand), which are ORed. */
  readonly values: readonly (readonly ValueTest[])[];
  /** `all`: every group must match (default: any). */
  readonly all: boolean;
  /** `neq`: the field must differ from every value. */
  readonly neq: boolean;
}

export interface ModifierOptions {
  /** Values for `expand` placeholders (`%name%` → list). */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

const KNOWN = new Set([
  'contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash', 're', 'i', 'm', 's',
  'base64', 'base64offset', 'utf16le', 'wide', 'utf16be', 'utf16', 'lt', 'lte', 'gt', 'gte', 'cidr', 'fieldref', 'expand',
  'minute', 'hour', 'day', 'week', 'month', 'year',
]);

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const DASH_SET = new Set(DASHES);
const WORD = /[A-Za-z0-9_]/;

/** windash: every flag dash (a dash after a non-word character and before a word character) in every form. */
export function windashVariants(s: string): string[] {
  const positions: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (!DASH_SET.has(c)) continue;
    const prev = i === 0 ? '' : (s[i - 1] as string);
    const next = s[i + 1] ?? '';
    if ((prev === '' || !WORD.test(prev)) && WORD.test(next)) positions.push(i);
  }
  if (positions.length === 0) return [s];
  if (positions.length > 6) throw new RuleError(`windash on ${JSON.stringify(s)} would make ${DASHES.length ** positions.length} variants`);
  let out = [''];
  let from = 0;
  for (const p of positions) {
    const head = s.slice(from, p);
    const next: string[] = [];
    for (const o of out) for (const d of DASHES) next.push(o + head + d);
    out = next;
    from = p + 1;
  }
  return out.map((o) => o + s.slice(from));
}

/** A string as bytes held in a latin1 "binary string" (one char per byte). */
function utf16(s: string, bigEndian: boolean, bom: boolean): string {
  let out = bom ? (bigEndian ? '\xfe\xff' : '\xff\xfe') : '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lo = String.fromCharCode(c & 0xff);
    const hi = String.fromCharCode(c >> 8);
    out += bigEndian ? hi + lo : lo + hi;
  }
  return out;
}

function bytesOf(s: string, binary: boolean): Buffer {
  return Buffer.from(s, binary ? 'latin1' : 'utf8');
}

/** base64offset: the three encodings of the value at byte offsets 0, 1, 2 with the unstable edge characters cut (pySigma). */
export function base64OffsetVariants(value: Buffer): string[] {
  const start = [0, 2, 3];
  const end = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const b64 = Buffer.concat([Buffer.alloc(i, 0x20), value]).toString('base64');
    out.push(b64.slice(start[i], end[(value.length + i) % 3]));
  }
  return out;
}

function timePartOf(m: string): TimePart | null {
  return m === 'minute' || m === 'hour' || m === 'day' || m === 'week' || m === 'month' || m === 'year' ? m : null;
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new RuleError(`value ${JSON.stringify(v)} is not a string, number or boolean`);
}

/** Parses `Field|mod…` with its value(s). */
export function parseFieldItem(key: string, raw: unknown, options: ModifierOptions = {}): FieldItem {
  const [fieldName, ...mods] = key.split('|');
  const field = fieldName === '' || fieldName === undefined ? null : fieldName;
  for (const m of mods) if (!KNOWN.has(m)) throw new RuleError(`unknown modifier "${m}" in "${key}"`);
  const has = (m: string): boolean => mods.includes(m);
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new RuleError(`"${key}" has an empty value list`);
  const all = has('all');
  // The spec forbids `all` on a single value; it is harmless, so it is accepted rather than dropping the rule.
  const neq = has('neq');

  if (has('exists')) {
    if (values.length !== 1 || typeof values[0] !== 'boolean') throw new RuleError(`"${key}": exists needs true or false`);
    if (field === null) throw new RuleError('exists needs a field');
    return { field, values: [[{ kind: 'exists', exists: values[0] }]], all: false, neq: false };
  }

  const numOp = (['lt', 'lte', 'gt', 'gte'] as const).find((m) => has(m));
  const timeParts = mods.map(timePartOf).filter((x): x is TimePart => x !== null);
  if (timeParts.length > 1) throw new RuleError(`"${key}": more than one time modifier`);
  const timePart = timeParts[0];
  if (numOp || timePart) {
    const tests: ValueTest[][] = values.map((v) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw new RuleError(`"${key}": ${JSON.stringify(v)} is not a number`);
      return [{ kind: 'num', op: numOp ?? 'eq', value: n, ...(timePart ? { timePart } : {}) }];
    });
    return { field, values: tests, all, neq };
  }

  if (has('cidr')) {
    const tests: ValueTest[][] = values.map((v) => [{ kind: 'cidr', cidr: parseCidr(scalarText(v)) }]);
    return { field, values: tests, all, neq };
  }

  const op: 'eq' | 'sw' | 'ew' | 'ct' = has('contains') ? 'ct' : has('startswith') ? 'sw' : has('endswith') ? 'ew' : 'eq';
  if ([has('contains'), has('startswith'), has('endswith')].filter(Boolean).length > 1) throw new RuleError(`"${key}": contains, startswith and endswith exclude each other`);

  if (has('fieldref')) {
    if (field === null) throw new RuleError('fieldref needs a field');
    const tests: ValueTest[][] = values.map((v) => [{ kind: 'fieldref', ref: scalarText(v), op, cased: has('cased') }]);
    return { field, values: tests, all, neq };
  }

  if (has('re')) {
    const flags = { i: has('i'), m: has('m'), s: has('s') };
    const tests: ValueTest[][] = values.map((v) => [{ kind: 'string', test: compileRegex(scalarText(v), flags) }]);
    return { field, values: tests, all, neq };
  }
  for (const m of ['i', 'm', 's']) if (has(m)) throw new RuleError(`"${key}": the ${m} flag only goes with re`);

  const out: ValueTest[][] = [];
  for (const v of values) {
    if (v === null || v === undefined) {
      out.push([{ kind: 'null' }]);
      continue;
    }
    let cased = has('cased');
    let binary = false;
    // Each value may fan out into several (windash, base64offset, expand): they are ORed
    // together even under `all`, which then applies across the written values.
    let variants: Pattern[] = [parsePattern(scalarText(v))];
    for (const m of mods) {
      switch (m) {
        case 'expand': {
          const next: Pattern[] = [];
          for (const p of variants) {
            const text = patternText(p);
            const ph = /^%([^%]+)%$/.exec(text);
            if (!ph) {
              next.push(p);
              continue;
            }
            const list = options.placeholders?.[ph[1] as string];
            if (!list) throw new RuleError(`placeholder %${ph[1]}% is not resolved (expand needs a value list for it)`);
            for (const item of list) next.push(parsePattern(item));
          }
          variants = next;
          break;
        }
        case 'windash': {
          const next: Pattern[] = [];
          for (const p of variants) {
            // Apply on the whole literal text so dashes at run edges see their neighbours.
            if (hasWildcards(p)) {
              const parts = p.parts.map((x) => (x.t === 'lit' ? windashVariants(x.s) : [x]));
              let acc: Pattern[] = [{ parts: [] }];
              for (const opts of parts) {
                const nextAcc: Pattern[] = [];
                for (const a of acc)
                  for (const o of opts) nextAcc.push({ parts: [...a.parts, typeof o === 'string' ? { t: 'lit', s: o } : o] });
                acc = nextAcc;
              }
              next.push(...acc);
            } else for (const s of windashVariants(patternText(p))) next.push(literalPattern(s));
          }
          variants = next;
          break;
        }
        case 'utf16le':
        case 'wide':
        case 'utf16be':
        case 'utf16':
          variants = variants.map((p) => {
            if (hasWildcards(p)) throw new RuleError(`"${key}": ${m} cannot encode a value with wildcards`);
            return literalPattern(utf16(patternText(p), m === 'utf16be', m === 'utf16'));
          });
          binary = true;
          break;
        case 'base64':
        case 'base64offset': {
          const next: Pattern[] = [];
          for (const p of variants) {
            if (hasWildcards(p)) throw new RuleError(`"${key}": ${m} cannot encode a value with wildcards`);
            const bytes = bytesOf(patternText(p), binary);
            if (m === 'base64') next.push(literalPattern(bytes.toString('base64')));
            else for (const s of base64OffsetVariants(bytes)) next.push(literalPattern(s));
          }
          variants = next;
          binary = false;
          cased = true; // base64 text is case-sensitive
          break;
        }
        default:
          break;
      }
    }
    const group: ValueTest[] = [];
    for (const p of variants) {
      const shaped = op === 'eq' ? p : withStars(p, op === 'ct' || op === 'ew', op === 'ct' || op === 'sw');
      group.push({ kind: 'string', test: compilePattern(shaped, cased) });
    }
    // An expand placeholder with an empty list matches nothing.
    out.push(group);
  }
  return { field, values: out, all, neq };
}
