// Evidence text is hostile: control characters can hide content, bidi overrides can reorder what
// an investigator reads, and NUL/escape sequences can make two different values look the same.
// Everything shown from evidence goes through these functions and is rendered as plain text.

/** C0 controls, DEL, C1 controls, and the bidi embedding/override/isolate characters. */
const SINGLE_LINE_RE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** The same, but keeping line feeds and tabs (multi-line views show them as layout). */
const MULTI_LINE_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  if (code <= 0xff) return '\\x' + code.toString(16).padStart(2, '0');
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** For one-line cells: every control character (including newlines and tabs) becomes an escape. */
export function escapeControlsSingleLine(text: string): string {
  return text.replace(SINGLE_LINE_RE, escapeOne);
}

/** For multi-line views: newlines and tabs stay; `\r` and every other control becomes visible. */
export function escapeControlsMultiline(text: string): string {
  return text.replace(MULTI_LINE_RE, escapeOne);
}

/** Clips to `max` characters without splitting a surrogate pair. */
export function clipText(text: string, max: number): { readonly text: string; readonly clipped: boolean } {
  if (text.length <= max) return { text, clipped: false };
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), clipped: true };
}
