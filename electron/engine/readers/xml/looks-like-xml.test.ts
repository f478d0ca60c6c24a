import { describe, expect, it } from 'vitest';
import { looksLikeXml } from './looks-like-xml.js';

const be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();

describe('looksLikeXml', () => {
  it('recognizes XML exports in UTF-8 and UTF-16, with or without BOM and banner', () => {
    const samples: Buffer[] = [
      Buffer.from('<?xml version="1.0" encoding="utf-8"?>\r\n<Events><Event>'),
      Buffer.from('\ufeff<Events>'),
      Buffer.from("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"),
      Buffer.from('evtxexport 20181227\n\n<Event xmlns="x">'),
      Buffer.from('  \n<!-- comment -->'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<Event>', 'utf16le')]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), be('<Event>')]),
      Buffer.from('<Event><System>', 'utf16le'),
    ];
    for (const s of samples) expect(looksLikeXml(s)).toBe(true);
  });

  it('rejects other content', () => {
    const samples: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from('ElfFile\0\0\0\0\0\0\0\0\x01\x00\x03\x00'),
      Buffer.from('{"EventID":4624}\n'),
      Buffer.from('[{"EventID":4624}]'),
      Buffer.from('just text <Event>'),
      Buffer.from('evtxexport 20181227'),
      Buffer.from('< Event>'),
    ];
    for (const s of samples) expect(looksLikeXml(s)).toBe(false);
  });
});
