// Format detection from content: the first bytes decide, the extension only picks which
// files in a folder are worth looking at.

import type { EvidenceFormat } from '../../../shared/events.js';

export const EVTX_MAGIC = Buffer.from('ElfFile\0', 'latin1');

/** Extensions considered when walking a folder (a file named explicitly is always sniffed). */
export const EVIDENCE_EXTENSIONS: readonly string[] = ['.evtx', '.xml', '.json', '.jsonl', '.ndjson'];

/** The first non-blank character of the head, decoding UTF-8/UTF-16 with or without BOM. */
function firstSignificantChar(head: Buffer): string | null {
  let text: string;
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) text = head.subarray(2).toString('utf16le');
  else if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) {
    const swapped = Buffer.from(head.subarray(2, head.length - (head.length % 2)));
    swapped.swap16();
    text = swapped.toString('utf16le');
  } else if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) {
    text = head.toString('utf16le'); // BOM-less UTF-16LE
  } else if (head.length >= 4 && head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0) {
    const swapped = Buffer.from(head.subarray(0, head.length - (head.length % 2)));
    swapped.swap16();
    text = swapped.toString('utf16le');
  } else {
    text = head.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  }
  const m = /[^\s\u0000]/.exec(text);
  return m ? m[0] : null;
}

export type DetectResult =
  | { readonly kind: 'format'; readonly format: EvidenceFormat }
  | { readonly kind: 'empty' }
  | { readonly kind: 'unknown'; readonly reason: string };

export function detectFormat(head: Buffer): DetectResult {
  if (head.length === 0) return { kind: 'empty' };
  if (head.length >= EVTX_MAGIC.length && head.subarray(0, EVTX_MAGIC.length).equals(EVTX_MAGIC)) {
    return { kind: 'format', format: 'evtx' };
  }
  // A file that starts with a chunk (a carved or header-less log) is EVTX too.
  if (head.length >= 8 && head.subarray(0, 8).toString('latin1') === 'ElfChnk\0') return { kind: 'format', format: 'evtx' };
  const c = firstSignificantChar(head);
  if (c === null) return { kind: 'empty' };
  if (c === '<') return { kind: 'format', format: 'xml' };
  if (c === '{' || c === '[') return { kind: 'format', format: 'json' };
  // libevtx's evtxexport prints a banner line before the XML.
  const text = head.toString('utf8');
  if (/^evtxexport [^\n]*\n\s*</.test(text)) return { kind: 'format', format: 'xml' };
  const shown = JSON.stringify(text.slice(0, 16));
  return { kind: 'unknown', reason: `not EVTX, XML or JSON (starts with ${shown})` };
}
