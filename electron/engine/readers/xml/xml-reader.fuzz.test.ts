// Hostile input never crashes or hangs the reader: seeded random damage to a valid export
// yields only events and error items, and the damaged file's good events still come through.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReadItem } from '../../../../shared/events.js';
import { makeWevtutilEvent } from './xml-fixture.js';
import { createXmlReader } from './xml-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'chainline-xml-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS = ['<', '>', '</Event>', '<Event ', '<Event/>', '<![CDATA[', ']]>', '<!--', '-->', '<!DOCTYPE x [', '&', '&#x0;', '"', "'", '\0', '\r', '\uffff', '<?', '?>'];

async function readItems(path: string, chunkBytes: number): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const batch of createXmlReader({ chunkBytes, workers: 0 }).read(path)) items.push(...batch);
  return items;
}

describe('xml reader under random damage', () => {
  it('returns events and errors only, for 150 damaged files', async () => {
    const base = Array.from({ length: 8 }, (_, i) => makeWevtutilEvent(i, 11)).join('\n');
    const r = rng(42);
    for (let round = 0; round < 150; round++) {
      let text = base;
      const edits = 1 + Math.floor(r() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(r() * text.length);
        const kind = r();
        if (kind < 0.4) text = text.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)] + text.slice(at);
        else if (kind < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 50));
        else text = text.slice(0, at);
      }
      const enc = round % 3 === 0 ? 'utf16le' : 'utf8';
      const buf = Buffer.from(text, enc);
      if (round % 5 === 0 && buf.length > 10) buf[Math.floor(r() * buf.length)] = Math.floor(r() * 256);
      const path = join(dir, `f${round}.xml`);
      writeFileSync(path, buf);
      const items = await readItems(path, 1 + Math.floor(r() * 4096));
      const openings = text.split('<Event').length - 1;
      const events = items.filter((i) => i.kind === 'event').length;
      expect(events).toBeLessThanOrEqual(openings);
      for (const item of items) {
        if (item.kind === 'error') {
          expect(item.error.file).toBe(path);
          expect(typeof item.error.message).toBe('string');
        } else {
          expect(item.event.source.offset + item.event.source.length).toBeLessThanOrEqual(buf.length);
        }
      }
    }
  });

  it('reports deep nesting as an error without a stack overflow', async () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    const path = join(dir, 'deep.xml');
    writeFileSync(path, `${makeWevtutilEvent(0).replace('<EventData>', `<EventData>${deep}`)}\n${makeWevtutilEvent(1)}`);
    const items = await readItems(path, 65536);
    expect(items.map((i) => i.kind)).toEqual(['error', 'event']);
  });
});
