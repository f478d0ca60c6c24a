// Content sniffing: does the head of a file look like an XML event export? Used to pick a
// reader for a file whatever its extension (an .evtx starts with `ElfFile`, JSON with `{`/`[`).

import { decodeLenient, detectEncoding } from './xml-encoding.js';

/**
 * True when the first bytes (a few KB are plenty), after a BOM, whitespace and an evtxexport
 * banner line, start with XML markup: `<?xml`, `<!--`, `<!DOCTYPE` or an element.
 */
export function looksLikeXml(head: Buffer): boolean {
  if (head.length === 0) return false;
  const { encoding, bomLength } = detectEncoding(head);
  let text = decodeLenient(head.subarray(bomLength, Math.min(head.length, bomLength + 8192)), encoding);
  text = text.replace(/^\s+/, '');
  if (text.startsWith('evtxexport')) {
    const nl = text.indexOf('\n');
    if (nl < 0) return false;
    text = text.slice(nl + 1).replace(/^\s+/, '');
  }
  return /^<(\?xml[\s?]|!--|!DOCTYPE[\s[]|[A-Za-z_])/i.test(text);
}
