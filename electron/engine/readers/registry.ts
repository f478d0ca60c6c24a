// Which reader reads which format. Formats are detected from content (readers/detect.ts).

import type { EvidenceFormat } from '../../../shared/events.js';
import { evtxReader } from '../evtx/evtx-reader.js';
import { jsonReader } from './json/json-reader.js';
import type { EvidenceReader } from './reader.js';
import { xmlReader } from './xml/xml-reader.js';

export function readerFor(format: EvidenceFormat): EvidenceReader {
  switch (format) {
    case 'evtx':
      return evtxReader;
    case 'xml':
      return xmlReader;
    case 'json':
    case 'jsonl':
      return jsonReader;
    default: {
      const unreachable: never = format;
      throw new Error(`no reader for format ${String(unreachable)}`);
    }
  }
}
