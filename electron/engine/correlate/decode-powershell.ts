// Decodes the encodings attackers wrap PowerShell in, wherever they appear (4688 and Sysmon
// command lines, 7045 ImagePath, 4104 text): `-EncodedCommand` in any of its abbreviations and
// `[Convert]::FromBase64String('…')` payloads, optionally gzip/deflate compressed, nested a few
// levels deep. Evidence is hostile: input and output are capped and truncation is reported,
// so a gigabyte of base64 costs a bounded amount of time and memory.

import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

export interface DecodeOptions {
  /** Characters of the input that are examined (the rest is ignored and reported). */
  readonly maxInputChars?: number;
  /** Characters of decoded text kept per layer. */
  readonly maxOutputChars?: number;
  /** Nested layers followed (a decoded layer is decoded again, up to this depth). */
  readonly maxDepth?: number;
  /** Layers produced in all (one command line may hold several payloads). */
  readonly maxLayers?: number;
}

export type DecodedLayerKind =
  /** `-EncodedCommand` (or an abbreviation): base64 of UTF-16LE. */
  | 'encoded-command'
  /** `FromBase64String('…')` whose bytes are text. */
  | 'base64'
  | 'base64+gzip'
  | 'base64+deflate';

export interface DecodedLayer {
  readonly kind: DecodedLayerKind;
  /** 1 for a payload found in the input, 2 for one found inside a decoded layer, … */
  readonly depth: number;
  /** The switch as written (`-enc`, `/e`, `–EncodedCommand`), or `FromBase64String`. */
  readonly marker: string;
  /** Character offset of the payload in the text it was found in. */
  readonly offset: number;
  readonly text: string;
  /** The payload or the decoded text was longer than the limits allowed. */
  readonly truncated: boolean;
}

export interface DecodeResult {
  readonly layers: readonly DecodedLayer[];
  /** Input was longer than `maxInputChars`, or some layer was truncated. */
  readonly truncated: boolean;
  /** Payloads that looked encoded but did not decode (bad base64, bad gzip), with the reason. */
  readonly errors: readonly string[];
}

const DEFAULTS = {
  maxInputChars: 2_000_000,
  maxOutputChars: 1_000_000,
  maxDepth: 4,
  maxLayers: 16,
} as const;

// `powershell -EncodedCommand` is matched by any unambiguous prefix of the parameter name
// (`-e`, `-en`, `-enc`, …, `-encodedcommand`) plus the alias `-ec`; PowerShell also accepts
// `/` and the Unicode dashes (en dash, em dash, horizontal bar) as the switch character.
const ENCODED_SWITCH =
  /(?:^|[\s"'(])([-/\u2013\u2014\u2015](?:ec|e(?:n(?:c(?:o(?:d(?:e(?:d(?:c(?:o(?:m(?:m(?:a(?:n(?:d)?)?)?)?)?)?)?)?)?)?)?)?)?))(?::|\s+)["']?([A-Za-z0-9+/=]{8,})/giu;

const FROM_BASE64 = /FromBase64String\s*\(\s*(?:\[string\]\s*)?(["'])([A-Za-z0-9+/=\s]{8,}?)\1\s*\)/giu;

interface Budget {
  layers: number;
}

function decodeBase64(text: string, maxBytes: number): { bytes: Buffer; truncated: boolean } | string {
  const clean = text.replace(/\s+/g, '');
  if (clean.length < 4) return 'payload too short';
  // Base64 of N bytes is 4*ceil(N/3) characters: cut at a 4-character boundary.
  const maxChars = Math.ceil(maxBytes / 3) * 4;
  const truncated = clean.length > maxChars;
  const body = truncated ? clean.slice(0, maxChars) : clean;
  if (/[^A-Za-z0-9+/=]/.test(body)) return 'not base64';
  const eq = body.indexOf('=');
  if (eq !== -1 && /[^=]/.test(body.slice(eq))) return 'padding inside the payload';
  if (!truncated && body.length % 4 === 1) return 'base64 length is not valid';
  return { bytes: Buffer.from(body, 'base64'), truncated };
}

/** Windows PowerShell text is UTF-16LE; other payloads are usually UTF-8. */
function bytesToText(bytes: Buffer, preferUtf16: boolean): string {
  if (preferUtf16 || looksUtf16le(bytes)) {
    const start = bytes[0] === 0xff && bytes[1] === 0xfe ? 2 : 0;
    return bytes.subarray(start, bytes.length - ((bytes.length - start) % 2)).toString('utf16le');
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes.subarray(start).toString('utf8');
}

function looksUtf16le(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, 512);
  if (n < 2) return false;
  let zeros = 0;
  for (let i = 1; i < n; i += 2) if (bytes[i] === 0) zeros++;
  return zeros >= Math.floor(n / 2) * 0.6;
}

/** A decoded layer holding mostly control characters is not text; it is reported, not shown. */
function plausibleText(text: string): boolean {
  if (text.length === 0) return false;
  const sample = text.slice(0, 2000);
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
  }
  return bad <= sample.length * 0.1;
}

function capText(text: string, max: number): { text: string; truncated: boolean } {
  return text.length > max ? { text: text.slice(0, max), truncated: true } : { text, truncated: false };
}

function decompress(
  bytes: Buffer,
  hint: 'gzip' | 'deflate' | null,
  maxOutputBytes: number,
): { bytes: Buffer; kind: 'base64+gzip' | 'base64+deflate'; truncated: boolean } | null {
  const opts = { maxOutputLength: maxOutputBytes };
  const attempts: Array<['base64+gzip' | 'base64+deflate', () => Buffer]> = [];
  const gzip = (): Buffer => gunzipSync(bytes, opts);
  const raw = (): Buffer => inflateRawSync(bytes, opts);
  const zlib = (): Buffer => inflateSync(bytes, opts);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) attempts.push(['base64+gzip', gzip]);
  if (hint === 'deflate' || hint === null) attempts.push(['base64+deflate', raw], ['base64+deflate', zlib]);
  if (hint === 'gzip' && !(bytes[0] === 0x1f && bytes[1] === 0x8b)) attempts.push(['base64+deflate', raw]);
  for (const [kind, run] of attempts) {
    try {
      return { bytes: run(), kind, truncated: false };
    } catch (error) {
      // zlib refuses to go past maxOutputLength with RangeError (ERR_BUFFER_TOO_LARGE):
      // decompress the allowed prefix by streaming chunks would need async code; report truncation.
      if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        return { bytes: Buffer.alloc(0), kind, truncated: true };
      }
    }
  }
  return null;
}

function scan(
  text: string,
  depth: number,
  opts: Required<DecodeOptions>,
  budget: Budget,
  layers: DecodedLayer[],
  errors: string[],
): boolean {
  let truncated = false;
  const found: Array<{ index: number; marker: string; payload: string; kind: 'enc' | 'b64'; payloadOffset: number }> = [];
  for (const m of text.matchAll(ENCODED_SWITCH)) {
    const marker = m[1] as string;
    const payload = m[2] as string;
    found.push({ index: m.index, marker, payload, kind: 'enc', payloadOffset: m.index + m[0].length - payload.length });
  }
  for (const m of text.matchAll(FROM_BASE64)) {
    const payload = m[2] as string;
    found.push({ index: m.index, marker: 'FromBase64String', payload, kind: 'b64', payloadOffset: m.index + m[0].indexOf(payload) });
  }
  found.sort((a, b) => a.index - b.index);
  const lower = found.some((f) => f.kind === 'b64') ? text.slice(0, 200_000).toLowerCase() : '';
  const hint: 'gzip' | 'deflate' | null = lower.includes('gzipstream')
    ? 'gzip'
    : lower.includes('deflatestream')
      ? 'deflate'
      : null;
  const maxBytes = opts.maxOutputChars * 2;
  for (const f of found) {
    if (budget.layers >= opts.maxLayers) {
      truncated = true;
      break;
    }
    const decoded = decodeBase64(f.payload, maxBytes);
    if (typeof decoded === 'string') {
      errors.push(`${f.marker} at ${f.payloadOffset}: ${decoded}`);
      continue;
    }
    let kind: DecodedLayerKind;
    let layerText: string;
    let layerTruncated = decoded.truncated;
    if (f.kind === 'enc') {
      kind = 'encoded-command';
      layerText = bytesToText(decoded.bytes, true);
    } else {
      const gz = decoded.bytes[0] === 0x1f && decoded.bytes[1] === 0x8b;
      const inflated = hint !== null || gz ? decompress(decoded.bytes, gz ? 'gzip' : hint, maxBytes) : null;
      if (inflated && inflated.truncated) {
        kind = inflated.kind;
        layerText = '';
        layerTruncated = true;
        errors.push(`${f.marker} at ${f.payloadOffset}: decompressed payload exceeds ${maxBytes} bytes`);
      } else if (inflated) {
        kind = inflated.kind;
        layerText = bytesToText(inflated.bytes, false);
      } else {
        kind = 'base64';
        layerText = bytesToText(decoded.bytes, false);
      }
    }
    if (!layerTruncated && !plausibleText(layerText)) {
      errors.push(`${f.marker} at ${f.payloadOffset}: decoded bytes are not text`);
      continue;
    }
    const capped = capText(layerText, opts.maxOutputChars);
    layerTruncated ||= capped.truncated;
    truncated ||= layerTruncated;
    budget.layers++;
    layers.push({ kind, depth, marker: f.marker, offset: f.payloadOffset, text: capped.text, truncated: layerTruncated });
    if (depth < opts.maxDepth && capped.text.length > 0) {
      truncated = scan(capped.text, depth + 1, opts, budget, layers, errors) || truncated;
    }
  }
  return truncated;
}

const MARKER_HINT = /[-/\u2013\u2014\u2015]e|frombase64string/i;

/** cmd.exe's escape: `^x` stands for `x` (so `^^` for `^`); a trailing caret is dropped. */
function unescapeCmdCarets(text: string): string {
  return text.replace(/\^([\s\S]?)/gu, '$1');
}

/**
 * Finds and decodes every encoded PowerShell payload in `text`. Pure: no I/O, bounded work.
 * Layers are listed in the order found, each nested layer right after the one that held it.
 */
export function decodePowerShell(text: string, options: DecodeOptions = {}): DecodeResult {
  const opts: Required<DecodeOptions> = { ...DEFAULTS, ...options };
  const inputTruncated = text.length > opts.maxInputChars;
  const input = inputTruncated ? text.slice(0, opts.maxInputChars) : text;
  let layers: DecodedLayer[] = [];
  let errors: string[] = [];
  let truncated = false;
  let scanned = false;
  // Cheap pre-check: most command lines hold neither marker, and the regexes are not free.
  if (MARKER_HINT.test(input)) {
    scanned = true;
    truncated = scan(input, 1, opts, { layers: 0 }, layers, errors);
  }
  // cmd.exe drops a caret and keeps the character after it (`-^e^n^c`, `SQB^FAF…`), so a
  // command line run through cmd can hide the switch from the scan above. Only when that scan
  // found nothing is the caret-unescaped text scanned; its offsets are in the unescaped text.
  if (layers.length === 0 && input.includes('^')) {
    const unescaped = unescapeCmdCarets(input);
    if (MARKER_HINT.test(unescaped)) {
      scanned = true;
      const caretLayers: DecodedLayer[] = [];
      const caretErrors: string[] = [];
      const caretTruncated = scan(unescaped, 1, opts, { layers: 0 }, caretLayers, caretErrors);
      if (caretLayers.length > 0) {
        layers = caretLayers;
        errors = caretErrors.map((e) => `${e} (after removing cmd.exe carets)`);
        truncated = caretTruncated;
      }
    }
  }
  if (!scanned) return { layers, truncated: inputTruncated, errors };
  if (inputTruncated) errors.push(`input longer than ${opts.maxInputChars} characters: only the start was examined`);
  return { layers, truncated: truncated || inputTruncated, errors };
}

/**
 * The decoded text to show next to a command line: the first layer, then each nested layer
 * under a header naming how it was decoded. Null when nothing decoded.
 */
export function decodedSummary(result: DecodeResult): string | null {
  if (result.layers.length === 0) return null;
  const parts: string[] = [];
  for (const layer of result.layers) {
    if (parts.length === 0 && layer.depth === 1) parts.push(layer.text);
    else parts.push(`\n# [decoded ${layer.kind} (${layer.marker}), depth ${layer.depth}${layer.truncated ? ', truncated' : ''}]\n${layer.text}`);
  }
  if (result.truncated) parts.push('\n# [decoding truncated]');
  return parts.join('\n');
}
