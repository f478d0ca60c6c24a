// The `condition` expression: `and`, `or`, `not`, parentheses, `1 of` / `all of` with a
// wildcard pattern or `them` (identifiers beginning with `_` are left out of `them`), and a
// list of conditions meaning OR. `of` forms are resolved to plain and/or trees here, against
// the rule's search identifiers. The deprecated aggregation syntax (`| count() > 5`, `near`)
// rejects the rule.

import { RuleError } from './types.js';

export type CondNode =
  | { readonly t: 'id'; readonly name: string }
  | { readonly t: 'and'; readonly c: readonly CondNode[] }
  | { readonly t: 'or'; readonly c: readonly CondNode[] }
  | { readonly t: 'not'; readonly c: CondNode };

type Token = { k: '(' | ')' | 'and' | 'or' | 'not' | 'of' | 'them' | 'all' | 'num' | 'id'; v: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\()|(\))|([A-Za-z0-9_*.\-]+)|(\S))/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    if (m[1]) out.push({ k: '(', v: '(' });
    else if (m[2]) out.push({ k: ')', v: ')' });
    else if (m[3]) {
      const w = m[3];
      const lw = w.toLowerCase();
      if (lw === 'and' || lw === 'or' || lw === 'not' || lw === 'of' || lw === 'them' || lw === 'all') out.push({ k: lw, v: w });
      else if (/^\d+$/.test(w)) out.push({ k: 'num', v: w });
      else out.push({ k: 'id', v: w });
    } else if (m[4]) {
      if (m[4] === '|') throw new RuleError(`aggregation in the condition ("${text.trim()}") is the deprecated Sigma v1 syntax; write a correlation rule`);
      throw new RuleError(`unexpected "${m[4]}" in condition "${text.trim()}"`);
    } else break;
  }
  return out;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}

/** Parses one condition string against the rule's search identifiers. */
export function parseCondition(text: string, identifiers: readonly string[]): CondNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (why: string): never => {
    throw new RuleError(`condition "${text.trim()}": ${why}`);
  };
  const ofTarget = (quant: 'one' | 'all'): CondNode => {
    const target = tokens[pos++];
    if (!target) return fail('"of" needs a pattern or "them"');
    let names: string[];
    if (target.k === 'them') names = identifiers.filter((n) => !n.startsWith('_'));
    else if (target.k === 'id') {
      const re = globToRegExp(target.v);
      names = identifiers.filter((n) => re.test(n));
    } else return fail(`"of" needs a pattern or "them", not "${target.v}"`);
    if (names.length === 0) return fail(`"${target.v}" matches no search identifier`);
    const c = names.map((name): CondNode => ({ t: 'id', name }));
    return c.length === 1 ? (c[0] as CondNode) : { t: quant === 'all' ? 'and' : 'or', c };
  };
  const primary = (): CondNode => {
    const tok = tokens[pos++];
    if (!tok) return fail('ends too early');
    switch (tok.k) {
      case '(': {
        const inner = orExpr();
        if (peek()?.k !== ')') return fail('missing ")"');
        pos++;
        return inner;
      }
      case 'not':
        return { t: 'not', c: primary() };
      case 'all':
        if (peek()?.k !== 'of') return fail('"all" must be followed by "of"');
        pos++;
        return ofTarget('all');
      case 'num':
        if (peek()?.k !== 'of') return fail(`unexpected number ${tok.v}`);
        if (tok.v !== '1') return fail(`"${tok.v} of" is not Sigma (only "1 of" and "all of")`);
        pos++;
        return ofTarget('one');
      case 'id':
        if (!identifiers.includes(tok.v)) {
          if (tok.v.toLowerCase() === 'near') return fail('"near" is the deprecated Sigma v1 syntax');
          return fail(`unknown search identifier "${tok.v}"`);
        }
        return { t: 'id', name: tok.v };
      default:
        return fail(`unexpected "${tok.v}"`);
    }
  };
  const andExpr = (): CondNode => {
    const c = [primary()];
    while (peek()?.k === 'and') {
      pos++;
      c.push(primary());
    }
    return c.length === 1 ? (c[0] as CondNode) : { t: 'and', c };
  };
  function orExpr(): CondNode {
    const c = [andExpr()];
    while (peek()?.k === 'or') {
      pos++;
      c.push(andExpr());
    }
    return c.length === 1 ? (c[0] as CondNode) : { t: 'or', c };
  }
  if (tokens.length === 0) return fail('is empty');
  const node = orExpr();
  if (pos < tokens.length) fail(`unexpected "${tokens[pos]?.v}"`);
  return node;
}

/** A condition as written: a string, or a list of strings meaning OR. */
export function parseConditions(raw: unknown, identifiers: readonly string[]): CondNode {
  if (typeof raw === 'string') return parseCondition(raw, identifiers);
  if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'string')) {
    const c = raw.map((x: string) => parseCondition(x, identifiers));
    return c.length === 1 ? (c[0] as CondNode) : { t: 'or', c };
  }
  throw new RuleError('detection needs a condition (a string or a list of strings)');
}
