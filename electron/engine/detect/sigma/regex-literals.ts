// Literal text a regular expression cannot match without: for each top-level alternative, its
// longest run of plain characters that must occur. The matcher's prefilter indexes these so `re`
// rules run only on events that contain them. Anything not understood gives null (no literal),
// which only costs speed, never a match.

/** Splits on `|` outside groups and classes. */
function splitTop(src: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(src.slice(start, i));
      start = i + 1;
    }
  }
  out.push(src.slice(start));
  return out;
}

/** Index just past the group or class that starts at `i`. */
function skipBlock(src: string, i: number): number {
  if (src[i] === '[') {
    let j = i + 1;
    if (src[j] === '^') j++;
    if (src[j] === ']') j++;
    for (; j < src.length; j++) {
      if (src[j] === '\\') j++;
      else if (src[j] === ']') return j + 1;
    }
    return src.length;
  }
  let depth = 0;
  let inClass = false;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return src.length;
}

function longestRequiredRun(alt: string): string | null {
  const runs: string[] = [];
  let cur = '';
  let i = 0;
  while (i < alt.length) {
    const c = alt[i] as string;
    let token: string | null;
    if (c === '\\') {
      const next = alt[i + 1] ?? '';
      // Escaped letters and digits are classes, anchors or special characters: not literal.
      token = /[A-Za-z0-9]/.test(next) || next === '' ? null : next;
      i += 2;
    } else if (c === '[' || c === '(') {
      token = null;
      i = skipBlock(alt, i);
    } else if (c === '.' || c === '^' || c === '$') {
      token = null;
      i++;
    } else {
      token = c;
      i++;
    }
    const q = alt[i];
    let min = 1;
    let quantified = false;
    if (q === '*' || q === '?' || q === '+') {
      min = q === '+' ? 1 : 0;
      quantified = true;
      i++;
    } else if (q === '{') {
      const m = /^\{(\d*)(,\d*)?\}/.exec(alt.slice(i));
      if (m) {
        min = m[1] === '' ? 0 : Number(m[1]);
        quantified = true;
        i += m[0].length;
      }
    }
    if (quantified && alt[i] === '?') i++; // lazy
    if (token === null || min === 0) {
      runs.push(cur);
      cur = '';
      continue;
    }
    cur += token;
    if (quantified) {
      // One occurrence is certain; what follows may not be adjacent to it.
      runs.push(cur);
      cur = '';
    }
  }
  runs.push(cur);
  let best = '';
  for (const r of runs) if (r.length > best.length) best = r;
  return best === '' ? null : best;
}

/** One required literal per top-level alternative (lower-cased), or null when one has none. */
export function regexLiterals(source: string): string[] | null {
  const out: string[] = [];
  for (const alt of splitTop(source)) {
    const lit = longestRequiredRun(alt);
    if (lit === null) return null;
    out.push(lit.toLowerCase());
  }
  return out;
}
