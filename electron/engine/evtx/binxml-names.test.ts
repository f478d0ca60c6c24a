// Element and attribute names defined elsewhere in the chunk (by offset): what readName reads
// there, and what it refuses to decode. Chunks are written with the project's writer.
import { describe, expect, it } from 'vitest';
import { nameHash, newChunkContext, parseFragment, type ElementNode, type Node } from './binxml-tokens.js';
import { Cursor } from './cursor.js';
import { ChunkWriter } from './testing/evtx-writer.js';

/** Where the name is defined: before the element, as Windows writes them. */
const NAME_AT = 512;
const FRAGMENT_AT = 0x1000;

/** A fragment at FRAGMENT_AT of one element named `name`, whose name is defined at NAME_AT. */
function chunkWithName(name: string, damage?: (buf: Buffer) => void): Buffer {
  const w = new ChunkWriter();
  w.pos = NAME_AT;
  w.defineName(name);
  w.pos = FRAGMENT_AT;
  w.fragmentHeader();
  w.element(name, [['Name', (x) => x.text('v')]]);
  w.eof();
  damage?.(w.buf);
  return w.buf;
}

function firstElement(buf: Buffer): ElementNode {
  const ctx = newChunkContext(buf, { file: 'names.evtx', base: 0, chunk: 0 });
  const nodes: Node[] = parseFragment(ctx, new Cursor(buf, FRAGMENT_AT, buf.length, ctx.where), false, 0);
  const el = nodes.find((n): n is ElementNode => n.k === 'element');
  if (!el) throw new Error('no element parsed');
  return el;
}

describe('names defined elsewhere in the chunk', () => {
  it('hashes names as Windows does (hash * 65599 + character, low 16 bits)', () => {
    const chars = Buffer.from('Data', 'utf16le');
    let h = 0;
    for (const ch of 'Data') h = (h * 65599 + ch.charCodeAt(0)) % 2 ** 32;
    expect(nameHash(chars, 0, chars.length)).toBe(h & 0xffff);
  });

  it('reads a short name whatever its hash says (producers that leave it 0 keep their records)', () => {
    const buf = chunkWithName('Provider', (b) => b.writeUInt16LE(0, NAME_AT + 4));
    expect(firstElement(buf).name).toBe('Provider');
  });

  it('reads a long name whose hash holds', () => {
    const long = 'L'.repeat(300);
    expect(firstElement(chunkWithName(long)).name).toBe(long);
  });

  it('does not decode a long "name" whose hash fails: bytes that are not a name get a placeholder', () => {
    const long = 'L'.repeat(300);
    const buf = chunkWithName(long, (b) => b.writeUInt16LE(b.readUInt16LE(NAME_AT + 4) ^ 1, NAME_AT + 4));
    const el = firstElement(buf);
    expect(el.name).toBe(`unreadable-name-0x${NAME_AT.toString(16)}`);
    // The rest of the element reads as before.
    expect(el.attrs.map((a) => a.name)).toEqual(['Name']);
  });

  it('does not decode a long "name" holding a character no XML name can, even when its hash holds', () => {
    // The writer hashes what it defines: only the characters can tell these apart.
    for (const bad of [' ', '\u0000', '<', '\u0007', '\ue000', '\ufffe']) {
      const long = 'L'.repeat(150) + bad + 'L'.repeat(150);
      expect(firstElement(chunkWithName(long)).name).toBe(`unreadable-name-0x${NAME_AT.toString(16)}`);
    }
  });

  it('reads a long name of any characters a name may hold (letters beyond ASCII, digits, - . _ :)', () => {
    const long = 'Évènement_Ωμέγα-データ.1:'.repeat(15) + '\u00b7\u203f\u{1f600}';
    expect(long.length).toBeGreaterThan(256);
    expect(firstElement(chunkWithName(long)).name).toBe(long);
  });
});
