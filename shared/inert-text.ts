// Evidence text made inert for display: control characters, ANSI escapes, bidirectional
// overrides and invisible characters become visible markers (`⟨U+202E⟩`), and values too long
// to show are clipped visibly with their full length stated. Pure and DOM-free, so the HTML
// report, the renderer and the exports can all use it. It does not escape HTML: the caller
// escapes for its own output (the report escapes every segment; React escapes text itself).

import { groupDigits } from './group-digits.js';

/** One piece of displayable text: evidence text as it is, or a marker standing for something invisible. */
export type InertSegment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'marker'; readonly text: string; readonly codePoint: number }
  | { readonly kind: 'clipped'; readonly text: string; readonly shown: number; readonly length: number };

export interface InertOptions {
  /** Characters shown at most; the rest is replaced by a clip marker stating the full length. */
  readonly maxChars?: number;
  /** Keep line feeds and tabs as they are (script blocks, multi-line values). Default true. */
  readonly keepNewlines?: boolean;
}

/** The default display limit: enough for any real command line, far below a 5 MB blob. */
export const DEFAULT_MAX_CHARS = 4096;

/**
 * Whether a code point must not reach a display as itself: C0 controls (ESC starts ANSI
 * sequences), DEL, C1 controls, bidirectional embeddings/overrides/isolates and marks,
 * zero-width and other invisible formatting characters, line/paragraph separators, lone
 * surrogates and noncharacters U+FFFE/U+FFFF.
 */
export function isUnsafeCodePoint(cp: number): boolean {
  if (cp < 0x20) return true;
  if (cp >= 0x7f && cp <= 0x9f) return true;
  if (cp === 0xad) return true; // soft hyphen: invisible unless the line breaks there
  if (cp === 0x061c) return true; // Arabic letter mark (bidi)
  if (cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0) return true; // Hangul fillers (blank)
  if (cp === 0x180e) return true; // Mongolian vowel separator (zero-width)
  if (cp >= 0x200b && cp <= 0x200f) return true; // ZWSP, ZWNJ, ZWJ, LRM, RLM
  if (cp >= 0x2028 && cp <= 0x202e) return true; // LS, PS, LRE, RLE, PDF, LRO, RLO
  if (cp >= 0x2060 && cp <= 0x206f) return true; // word joiner, invisible operators, LRI…PDI, deprecated format
  if (cp === 0xfeff) return true; // BOM / zero-width no-break space
  if (cp >= 0xfff9 && cp <= 0xfffb) return true; // interlinear annotation
  if (cp === 0xfffe || cp === 0xffff) return true;
  if (cp >= 0xd800 && cp <= 0xdfff) return true; // a lone surrogate (pairs arrive as one code point)
  if (cp >= 0xe0000 && cp <= 0xe007f) return true; // tag characters (invisible)
  return false;
}

/** `⟨U+202E⟩` for a code point. */
export function markerFor(cp: number): string {
  return `⟨U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** The clip marker's text: what was shown and how long the value really is. */
export function clipMarkerText(shown: number, length: number): string {
  return `⟨clipped: ${groupDigits(length - shown)} more characters; showing ${groupDigits(shown)} of ${groupDigits(length)}⟩`;
}

/** Splits evidence text into plain text and markers, clipping it first when it is too long. */
export function inertSegments(value: string, options: InertOptions = {}): InertSegment[] {
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  const keepNewlines = options.keepNewlines ?? true;
  let text = value;
  let clippedAt = -1;
  if (value.length > max) {
    // Never split a surrogate pair at the cut.
    let cut = Math.max(0, max);
    const before = value.charCodeAt(cut - 1);
    if (cut > 0 && before >= 0xd800 && before <= 0xdbff) cut--;
    text = value.slice(0, cut);
    clippedAt = cut;
  }
  const out: InertSegment[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const keep =
      keepNewlines && (cp === 0x0a || cp === 0x09 || (cp === 0x0d && text.charCodeAt(i + 1) === 0x0a));
    if (!keep && isUnsafeCodePoint(cp)) {
      if (i > start) out.push({ kind: 'text', text: text.slice(start, i) });
      out.push({ kind: 'marker', text: markerFor(cp), codePoint: cp });
      start = i + width;
    }
    i += width;
  }
  if (start < text.length) out.push({ kind: 'text', text: text.slice(start) });
  if (clippedAt >= 0) out.push({ kind: 'clipped', text: clipMarkerText(clippedAt, value.length), shown: clippedAt, length: value.length });
  return out;
}

/** The inert text as one string (markers inline), for plain-text outputs and titles. */
export function inertText(value: string, options: InertOptions = {}): string {
  let out = '';
  for (const s of inertSegments(value, options)) out += s.kind === 'clipped' ? ` ${s.text}` : s.text;
  return out;
}

/** Whether displaying the value would change anything (markers or a clip). */
export function needsInerting(value: string, options: InertOptions = {}): boolean {
  const segments = inertSegments(value, options);
  return segments.some((s) => s.kind !== 'text');
}
