// Which reader reads which format. Formats are detected from content (readers/detect.ts).

import type { EvidenceFormat } from '../../../shared/events.js';
import { evtxReader } from '../evtx/evtx-reader.js';
import { jsonReader } from './json/json-reader.js';
import type { EvidenceReader } from './reader.js';
import { createXmlReader, xmlReader } from './xml/xml-reader.js';

// Without its parse pool, for callers that want one thread (the pool costs about 120 MB; on a
// quiet two-core machine it takes an import from about 10 to about 16 MB/s of XML).
const xmlReaderUnpooled = createXmlReader({ workers: 0 });

export function readerFor(format: EvidenceFormat, options: { readonly pooled?: boolean } = {}): EvidenceReader {
  switch (format) {
    case 'evtx':
      return evtxReader;
    case 'xml':
      return options.pooled === false ? xmlReaderUnpooled : xmlReader;
    case 'json':
    case 'jsonl':
      return jsonReader;
    default: {
      const unreachable: never = format;
      throw new Error(`no reader for format ${String(unreachable)}`);
    }
  }
}
