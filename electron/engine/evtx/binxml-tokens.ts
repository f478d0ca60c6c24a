// BinXML tokens (MS-EVEN6 2.2.12–2.2.17) parsed into a small tree. Templates are parsed once
// per chunk (ChunkContext.templates) and shared by every record that instantiates them; a
// record then only decodes its substitution values.
import { Cursor, EvtxFormatError, type ParseWhere } from './cursor.js';
import { VT, arrayItems, readValueTokenText, scalarText, u32At, utf16Span } from './values.js';

export const TOKEN = {
  EndOfStream: 0x00,
  OpenStartElement: 0x01,
  CloseStartElement: 0x02,
  CloseEmptyElement: 0x03,
  EndElement: 0x04,
  Value: 0x05,
  Attribute: 0x06,
  CData: 0x07,
  CharRef: 0x08,
  EntityRef: 0x09,
  PITarget: 0x0a,
  PIData: 0x0b,
  TemplateInstance: 0x0c,
  NormalSubstitution: 0x0d,
  OptionalSubstitution: 0x0e,
  FragmentHeader: 0x0f,
  MoreFlag: 0x40,
} as const;

/** A decoded substitution value. */
export interface Value {
  readonly type: number;
  /** Rendered text; '' for null and for BinXML. Arrays: items joined by ', '. */
  readonly text: string;
  readonly items?: readonly string[];
  /** Raw FILETIME, for the event time. */
  readonly filetime?: bigint;
  /** Nested BinXML (type 0x21). */
  readonly nodes?: readonly Node[];
}

export interface ElementNode {
  readonly k: 'element';
  readonly name: string;
  readonly attrs: AttrNode[];
  readonly children: Node[];
}
export interface AttrNode {
  readonly name: string;
  readonly value: Node[];
}
export type Node =
  | ElementNode
  | { readonly k: 'text'; readonly text: string }
  | { readonly k: 'cdata'; readonly text: string }
  | { readonly k: 'charref'; readonly code: number }
  | { readonly k: 'entity'; readonly name: string }
  | { readonly k: 'pi'; readonly target: string; data: string }
  | { readonly k: 'subst'; readonly index: number; readonly type: number; readonly optional: boolean }
  | { readonly k: 'template'; readonly template: Template; readonly values: readonly Value[] };

export interface Template {
  readonly offset: number;
  readonly guid: string;
  readonly nodes: readonly Node[];
  /**
   * The extractor's compiled plans (compiled.ts), filled as it meets the template; one object
   * shared by the copies of a template in other chunks (see TemplateCache).
   */
  readonly plan: object;
}

/**
 * Templates shared by the chunks of one file. Each chunk carries its own copy of the
 * templates it uses; a definition whose GUID, size and bytes are those of one parsed in an
 * earlier chunk (name offsets aside, which differ by where the copy sits) is the same
 * template, and its parsed nodes and compiled plans are reused rather than parsed again.
 * Only templates whose names are all defined inline qualify: a name referenced elsewhere
 * in the chunk could differ from chunk to chunk.
 *
 * A GUID and size may come with a few variants (MAX_VARIANTS): the first copy met is not
 * always the usual one. A record carved from slack can point at a definition whose names
 * elsewhere in the chunk were overwritten; kept as the only entry, it would match no sound
 * copy, and every chunk would parse the template again.
 */
export interface TemplateCache {
  /** Variants by template key (templateKey: size and the GUID's first 4 bytes; the rest of the GUID is compared). */
  readonly byGuid: Map<number, SharedTemplate[]>;
  /** Variants held, over all keys (bounded by MAX_SHARED). */
  entries: number;
  /** Definitions reused from another chunk, and parsed. */
  hits: number;
  parsed: number;
  /** Body and name bytes held (bounded: a hostile file could define thousands of large templates). */
  bytes: number;
}
interface SharedTemplate {
  readonly template: Template;
  /** The definition's body bytes in the chunk it was parsed from. */
  readonly size: number;
  /** GUID bytes 4–15 as three little-endian signed words (small integers, so that the object keeps one shape; bytes 0–3 are in the key). */
  readonly guid1: number;
  readonly guid2: number;
  readonly guid3: number;
  /** The body bytes, then the names defined elsewhere (NameField.nameAt): one copy. */
  readonly bytes: Buffer;
  /**
   * The name offset fields in the body, in order, FIELD_STRIDE numbers each: where the field is
   * (relative to the body); where its name's UTF-16 bytes are in `bytes`, -1 when the name is
   * defined inline right after it; the name's byte length; 1 for an element start (which also
   * needs its name before the element, see readOpenStart), else 0. Numbers in one typed array
   * rather than an object per field: arrays of objects came in several element kinds (empty or
   * not) and each new one deoptimized sharedMatch.
   */
  readonly fields: Int32Array;
}

const FIELD_STRIDE = 4;

/**
 * A template's `plan` object: the extractor's plans by the state its walk starts in, every
 * state present from the start, so that all templates' plan objects have one shape (they were
 * `{}` with states added in whatever order met, and the per-record lookup of a plan went
 * through V8's generic keyed load).
 */
function newPlans(): object {
  return { root: undefined, event: undefined, system: undefined, eventdata: undefined, userdata: undefined };
}

export function newTemplateCache(): TemplateCache {
  return { byGuid: new Map(), entries: 0, hits: 0, parsed: 0, bytes: 0 };
}

/** What a template parse met that ties it to its chunk. */
interface Recording {
  /** Absolute positions of the fields, and for names defined elsewhere their offsets. */
  readonly fields: { at: number; off: number; element: boolean }[];
  portable: boolean;
}

/** Per-chunk state: the chunk's bytes and what was parsed from them once. */
export interface ChunkContext {
  readonly buf: Buffer;
  readonly where: ParseWhere;
  readonly names: Map<number, string>;
  readonly templates: Map<number, Template | EvtxFormatError>;
  readonly inProgress: Set<number>;
  /**
   * Templates by id (the first 4 bytes of their GUID), shared by the chunks of one file. A
   * record carved from slack often points at a template definition that newer records have
   * overwritten; the same template parsed elsewhere in the file stands in for it.
   */
  readonly byId: Map<number, Template>;
  readonly shared: TemplateCache | null;
  /** Set while a template definition is parsed. */
  recording: Recording | null;
  /** Whether the long name at an offset has its hash (nameHashHolds). */
  readonly longNames: Map<number, boolean>;
}

export function newChunkContext(
  buf: Buffer,
  where: ParseWhere,
  byId: Map<number, Template> = new Map(),
  shared: TemplateCache | null = null,
): ChunkContext {
  return { buf, where, names: new Map(), templates: new Map(), inProgress: new Set(), byId, shared, recording: null, longNames: new Map() };
}

const MAX_SHARED = 4096;
/** Variants kept per GUID and size. */
const MAX_VARIANTS = 4;
/** Bytes of names defined elsewhere that a kept template may carry. */
const MAX_NAME_BYTES = 16 * 1024;
const MAX_SHARED_BYTES = 8 * 1024 * 1024;

/**
 * Whether the definition body at bodyStart parses exactly as the shared one did: same bytes
 * but for the name offsets, inline names inline here too, and names defined elsewhere
 * resolving to the same text, with what readOpenStart's layout guess sees unchanged.
 */
function sharedMatch(ctx: ChunkContext, bodyStart: number, size: number, entry: SharedTemplate): boolean {
  const buf = ctx.buf;
  const body = entry.bytes;
  if (entry.size !== size) return false;
  // The GUID ends 4 bytes before the body (the data size lies between).
  const g = bodyStart - 16;
  if (buf.readInt32LE(g) !== entry.guid1 || buf.readInt32LE(g + 4) !== entry.guid2 || buf.readInt32LE(g + 8) !== entry.guid3) return false;
  const fields = entry.fields;
  for (let i = 0; i < fields.length; i += FIELD_STRIDE) {
    const field = bodyStart + fields[i]!;
    const nameAt = fields[i + 1]!;
    const off = u32At(buf, field);
    if (nameAt < 0) {
      if (off !== field + 4) return false;
    } else {
      const nameLength = fields[i + 2]!;
      if (off === field + 4 || !nameFits(ctx, off)) return false;
      // readOpenStart takes the layout with a dependency id when the name lies before it.
      if (fields[i + 3] === 1 && !(off < field - 6)) return false;
      if (buf.readUInt16LE(off + 6) * 2 !== nameLength) return false;
      if (!sameBytes(buf, off + 8, body, nameAt, nameLength)) return false;
    }
  }
  // The bytes around the name offsets, at once: the body copied with the shared copy's name
  // offsets written over its own, then one compare (a loop over the dozens of short runs
  // between the offsets cost several microseconds per template and chunk).
  if (size > matchScratch.length) matchScratch = Buffer.alloc(size);
  const scratch = matchScratch;
  buf.copy(scratch, 0, bodyStart, bodyStart + size);
  for (let i = 0; i < fields.length; i += FIELD_STRIDE) {
    const at = fields[i]!;
    scratch[at] = body[at]!;
    scratch[at + 1] = body[at + 1]!;
    scratch[at + 2] = body[at + 2]!;
    scratch[at + 3] = body[at + 3]!;
  }
  return scratch.compare(body, 0, size, 0, size) === 0;
}

/** sharedMatch's copy of a definition body (a body lies within its 64 KiB chunk). */
let matchScratch = Buffer.alloc(0x10000);

/**
 * a[aFrom, aFrom+n) equals b[bFrom, bFrom+n). Both ranges are within their buffers (the caller
 * checked). One loop for every length: a Buffer.compare call for long names, first met after
 * sharedMatch was optimized (a file's first name over 32 characters), sent it back to the
 * interpreter; names are short, and a long one costs a loop of its length once per chunk.
 */
function sameBytes(a: Buffer, aFrom: number, b: Buffer, bFrom: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[aFrom + i] !== b[bFrom + i]) return false;
  return true;
}

const MAX_DEPTH = 48;
const HEADER = 512;

/**
 * Whether a name can be defined at chunk offset `off`: it lies within the chunk after the
 * header, its NUL terminator is in place and, for a long one, its characters may stand in an
 * XML name and its hash (the low 16 bits of hash * 65599 + char over its characters) holds.
 * Windows writes both; a short name is not hashed, so that a producer leaving the hash 0 keeps
 * its records. Used where a guess needs it (readOpenStart's layout, sharedMatch); readName
 * itself is more lenient.
 */
function nameFits(ctx: ChunkContext, off: number): boolean {
  const buf = ctx.buf;
  if (!nameInChunk(buf, off)) return false;
  const n = buf.readUInt16LE(off + 6);
  const end = off + 8 + n * 2;
  if (buf[end] !== 0 || buf[end + 1] !== 0) return false;
  return n <= HASHED_NAME_CHARS || nameHashHolds(ctx, off);
}

/** Whether a name at `off` would lie within the chunk after its header (terminator included). */
function nameInChunk(buf: Buffer, off: number): boolean {
  if (off < HEADER || off + 8 > buf.length) return false;
  return off + 8 + buf.readUInt16LE(off + 6) * 2 + 2 <= buf.length;
}

/**
 * Whether the long name at `off` is one: every character may stand in an XML name and its hash
 * holds. Remembered for the chunk: the same offsets come back in every slack record that leans
 * on the same overwritten template, and hashing them each time cost as much as decoding them
 * had. The characters are looked at first: bytes that are not a name (template offsets out of
 * slack point into other records' data, "names" of 20,000 characters and more) hold a
 * character no name can within their first few, where the hash reads every one (about 30 ms
 * of a fresh read of the benchmark file).
 */
function nameHashHolds(ctx: ChunkContext, off: number): boolean {
  let holds = ctx.longNames.get(off);
  if (holds === undefined) {
    const buf = ctx.buf;
    const start = off + 8;
    const end = start + buf.readUInt16LE(off + 6) * 2;
    holds = nameCharsOnly(buf, start, end) && nameHash(buf, start, end) === buf.readUInt16LE(off + 4);
    ctx.longNames.set(off, holds);
  }
  return holds;
}

/** NAME_ASCII[c] is 1 when the ASCII character c may stand in an XML name (NameChar). */
const NAME_ASCII = new Uint8Array(0x80);
for (let c = 0; c < 0x80; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (letter || (c >= 0x30 && c <= 0x39) || c === 0x3a || c === 0x5f || c === 0x2d || c === 0x2e) NAME_ASCII[c] = 1;
}

/**
 * Whether the UTF-16 code unit c may stand in an XML 1.0 name (NameChar, 5th edition).
 * Surrogates pass (characters from U+10000 are allowed, as pairs): a filter, not a validator;
 * the hash decides what passes.
 */
function nameCharCode(c: number): boolean {
  if (c < 0x80) return NAME_ASCII[c] === 1;
  if (c < 0x2000) return c === 0xb7 || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c !== 0x37e);
  if (c < 0x3001) return c === 0x200c || c === 0x200d || c === 0x203f || c === 0x2040 || (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef);
  if (c < 0xe000) return true;
  return (c >= 0xf900 && c <= 0xfdcf) || (c >= 0xfdf0 && c <= 0xfffd);
}

/** Whether every UTF-16LE code unit in buf[p, end) may stand in an XML name (nameCharCode). */
function nameCharsOnly(buf: Uint8Array, p: number, end: number): boolean {
  for (let i = p; i < end; i += 2) if (!nameCharCode(buf[i]! | (buf[i + 1]! << 8))) return false;
  return true;
}

/** Names longer than this are checked against their hash (see nameFits). */
const HASHED_NAME_CHARS = 256;

/** The name hash of the UTF-16LE characters in buf[p, end). */
export function nameHash(buf: Uint8Array, p: number, end: number): number {
  let h = 0;
  for (let i = p; i < end; i += 2) h = (Math.imul(h, 65599) + (buf[i]! | (buf[i + 1]! << 8))) >>> 0;
  return h & 0xffff;
}

/** Reads a name by its chunk offset; when it is defined here (inline), steps over it. */
function readName(ctx: ChunkContext, c: Cursor, off: number, what: string): string {
  ctx.recording?.fields.push({ at: c.pos - 4, off, element: what === 'element' });
  if (off === c.pos) {
    c.skip(6, `${what} name header`);
    const n = c.u16(`${what} name length`) * 2;
    c.need(n, `${what} name`);
    const s = utf16Span(c.buf, c.pos, c.pos + n);
    c.pos += n;
    c.skip(2, `${what} name terminator`);
    ctx.names.set(off, s);
    return s;
  }
  const cached = ctx.names.get(off);
  if (cached !== undefined) {
    markPlaceholder(ctx, off);
    return cached;
  }
  if (!nameInChunk(ctx.buf, off)) c.fail(`${what} name offset 0x${off.toString(16)} is outside the chunk`);
  const n = ctx.buf.readUInt16LE(off + 6);
  // A long "name" whose characters or hash fail is bytes that are not a name: template offsets
  // out of slack often point into unrelated data. Over a read of the benchmark file some 900
  // such names of 20,000 characters and more were decoded (38 MB of text, most of what
  // survived scavenges). A placeholder stands in, so that the record reads as it did (its
  // System section is often sound) without the garbage.
  const s = n > HASHED_NAME_CHARS && !nameHashHolds(ctx, off) ? `unreadable-name-0x${off.toString(16)}` : utf16Span(ctx.buf, off + 8, off + 8 + n * 2);
  ctx.names.set(off, s);
  markPlaceholder(ctx, off);
  return s;
}

/**
 * A template read with a placeholder name stays in its chunk: sharedMatch compares a name's
 * characters, not its hash, so another chunk's copy could otherwise take it.
 */
function markPlaceholder(ctx: ChunkContext, off: number): void {
  if (ctx.recording && ctx.longNames.get(off) === false) ctx.recording.portable = false;
}

function readOpenStart(ctx: ChunkContext, c: Cursor, hasAttrs: boolean): ElementNode {
  const p = c.pos;
  const buf = ctx.buf;
  // Start elements carry a 2-byte dependency id, except in some WEC-forwarded records
  // (issue_201.evtx): pick the layout whose name offset is inline here or points back at a name.
  let withDep = true;
  if (p + 10 <= c.end) {
    const a = buf.readUInt32LE(p + 6);
    const aOk = a === p + 10 || (a < p && nameFits(ctx, a));
    if (!aOk) {
      const b = buf.readUInt32LE(p + 4);
      if (b === p + 8 || (b < p && nameFits(ctx, b))) withDep = false;
    }
  }
  if (withDep) c.skip(2, 'start element dependency id');
  // The layout guess looks at bytes outside the template: such a template stays in its chunk.
  else if (ctx.recording) ctx.recording.portable = false;
  c.u32('start element size');
  const nameOff = c.u32('start element name offset');
  const name = readName(ctx, c, nameOff, 'element');
  if (hasAttrs) c.u32('attribute list size');
  return { k: 'element', name, attrs: [], children: [] };
}

/** The cache key of a template: its body size and the first 4 bytes of its GUID (the template id). */
function templateKey(size: number, id: number): number {
  return size * 0x100000000 + id;
}

export function getTemplate(ctx: ChunkContext, off: number, depth: number): Template {
  const cached = ctx.templates.get(off);
  if (cached !== undefined) {
    if (cached instanceof EvtxFormatError) throw cached;
    return cached;
  }
  const c = new Cursor(ctx.buf, off, ctx.buf.length, ctx.where);
  if (ctx.inProgress.has(off)) c.fail(`template at chunk offset 0x${off.toString(16)} refers to itself`);
  if (off < HEADER) c.fail(`template offset 0x${off.toString(16)} points into the chunk header`);
  ctx.inProgress.add(off);
  try {
    c.u32('template next offset');
    c.need(16, 'template GUID');
    const guidAt = c.pos;
    c.pos += 16;
    const size = c.u32('template data size');
    const end = c.pos + size;
    if (end > ctx.buf.length) c.fail(`template data (${size} bytes) runs past the chunk`);
    // (Past MAX_DEPTH the parse below fails: that failure is not skipped.)
    const shared = ctx.shared !== null && depth + 1 <= MAX_DEPTH ? ctx.shared : null;
    const key = shared === null ? -1 : templateKey(size, ctx.buf.readUInt32LE(guidAt));
    const variants = shared === null ? undefined : shared.byGuid.get(key);
    let entry: SharedTemplate | undefined;
    if (variants) {
      for (const v of variants) {
        if (sharedMatch(ctx, c.pos, size, v)) {
          entry = v;
          break;
        }
      }
    }
    let t: Template;
    if (entry) {
      t = { offset: off, guid: entry.template.guid, nodes: entry.template.nodes, plan: entry.template.plan };
      shared!.hits++;
    } else t = parseTemplate(ctx, off, guidAt, c.pos, end, depth, shared, key, variants);
    ctx.templates.set(off, t);
    if (ctx.byId.size < 4096) ctx.byId.set(ctx.buf.readUInt32LE(off + 4), t);
    return t;
  } catch (e) {
    if (e instanceof EvtxFormatError) ctx.templates.set(off, e);
    throw e;
  } finally {
    ctx.inProgress.delete(off);
  }
}

/**
 * Parses a template definition met for the first time in the file (or one that matches no
 * copy held), and keeps it in the shared cache when it qualifies. Apart from getTemplate:
 * it runs once per distinct template, while getTemplate runs for every chunk.
 */
function parseTemplate(
  ctx: ChunkContext,
  off: number,
  guidAt: number,
  start: number,
  end: number,
  depth: number,
  shared: TemplateCache | null,
  key: number,
  variants: SharedTemplate[] | undefined,
): Template {
  const size = end - start;
  const guid = ctx.buf.toString('hex', guidAt, guidAt + 16);
  if (ctx.shared) ctx.shared.parsed++;
  const body = new Cursor(ctx.buf, start, end, ctx.where);
  const outer = ctx.recording;
  const rec: Recording = { fields: [], portable: true };
  ctx.recording = rec;
  let nodes: Node[];
  try {
    nodes = parseFragment(ctx, body, true, depth + 1);
  } finally {
    ctx.recording = outer;
  }
  const t: Template = { offset: off, guid, nodes, plan: newPlans() };
  const held = variants?.length ?? 0;
  // The names defined elsewhere are kept too; a definition read through overwritten names
  // can have names of thousands of characters, not worth keeping.
  let names = 0;
  for (const f of rec.fields) if (f.off !== f.at + 4) names += ctx.buf.readUInt16LE(f.off + 6) * 2;
  if (
    shared &&
    rec.portable &&
    held < MAX_VARIANTS &&
    names <= MAX_NAME_BYTES &&
    shared.entries < MAX_SHARED &&
    shared.bytes + size + names <= MAX_SHARED_BYTES
  ) {
    shared.bytes += size + names;
    let total = size;
    const fields = new Int32Array(rec.fields.length * FIELD_STRIDE);
    rec.fields.forEach((f, i) => {
      const k = i * FIELD_STRIDE;
      fields[k] = f.at - start;
      fields[k + 3] = f.element ? 1 : 0;
      if (f.off === f.at + 4) {
        fields[k + 1] = -1;
        return;
      }
      // readName checked that the name lies in the chunk.
      const nameLength = ctx.buf.readUInt16LE(f.off + 6) * 2;
      total += nameLength;
      fields[k + 1] = total - nameLength;
      fields[k + 2] = nameLength;
    });
    const bytes = Buffer.alloc(total);
    ctx.buf.copy(bytes, 0, start, end);
    rec.fields.forEach((f, i) => {
      const nameAt = fields[i * FIELD_STRIDE + 1]!;
      if (nameAt >= 0) ctx.buf.copy(bytes, nameAt, f.off + 8, f.off + 8 + fields[i * FIELD_STRIDE + 2]!);
    });
    const b = ctx.buf;
    const variant: SharedTemplate = {
      template: t,
      size,
      guid1: b.readInt32LE(guidAt + 4),
      guid2: b.readInt32LE(guidAt + 8),
      guid3: b.readInt32LE(guidAt + 12),
      bytes,
      fields,
    };
    if (variants) variants.push(variant);
    else shared.byGuid.set(key, [variant]);
    shared.entries++;
  }
  return t;
}

function decodeValue(ctx: ChunkContext, p: number, size: number, type: number, index: number, depth: number): Value {
  const buf = ctx.buf;
  if (type === VT.Null || size === 0) return { type, text: '' };
  if (type === VT.BinXml) {
    const c = new Cursor(buf, p, p + size, ctx.where);
    return { type, text: '', nodes: parseFragment(ctx, c, false, depth + 1) };
  }
  if (type & VT.ArrayFlag) {
    const items = arrayItems(buf, p, size, type);
    if (items === null) {
      throw new EvtxFormatError(`substitution ${index}: array of type 0x${type.toString(16)} does not fit its ${size} bytes`, ctx.where.base + p, ctx.where);
    }
    return { type, text: items.join(', '), items };
  }
  const text = scalarText(buf, p, size, type);
  if (text === null) {
    throw new EvtxFormatError(`substitution ${index}: ${size} bytes do not hold a value of type 0x${type.toString(16)}`, ctx.where.base + p, ctx.where);
  }
  if (type === VT.FileTime) return { type, text, filetime: buf.readBigUInt64LE(p) };
  return { type, text };
}

/** The template a template instance names (by id and definition offset). */
export function resolveTemplate(ctx: ChunkContext, id: number, defOff: number, depth: number): Template {
  const t = tryResolveTemplate(ctx, id, defOff, depth);
  if (t instanceof EvtxFormatError) throw t;
  return t;
}

/**
 * resolveTemplate with its format error returned rather than thrown: slack records whose
 * template definition was overwritten fail here by the thousand, each with the error cached
 * for its offset, and a throw costs more than the rest of the lookup.
 */
export function tryResolveTemplate(ctx: ChunkContext, id: number, defOff: number, depth: number): Template | EvtxFormatError {
  // The definition's GUID starts with the template id; when it does not, newer data has
  // overwritten it (slack records) and a template with that id parsed elsewhere is used.
  const intact = defOff + 8 <= ctx.buf.length && u32At(ctx.buf, defOff + 4) === id;
  if (intact) {
    // What getTemplate would return or throw at once (most records: a template already
    // parsed here); its error gives way to a template with that id parsed elsewhere.
    const cached = ctx.templates.get(defOff);
    if (cached !== undefined) return cached instanceof EvtxFormatError ? (ctx.byId.get(id) ?? cached) : cached;
  }
  const known = ctx.byId.get(id);
  if (!intact && known) return known;
  // What getTemplate would return or throw at once for a definition already tried here,
  // without the throw (most slack records whose template was overwritten end here).
  const tried = intact ? undefined : ctx.templates.get(defOff);
  if (tried !== undefined) return tried;
  try {
    return getTemplate(ctx, defOff, depth);
  } catch (e) {
    if (known) return known;
    if (e instanceof EvtxFormatError) return e;
    throw e;
  }
}

function readTemplateInstance(ctx: ChunkContext, c: Cursor, depth: number): Node {
  // A template instance inside a template ties that template to its chunk.
  if (ctx.recording) ctx.recording.portable = false;
  c.u8('template instance flag');
  const id = c.u32('template id');
  const defOff = c.u32('template definition offset');
  if (defOff === c.pos) {
    // The definition follows here (first use in this chunk): step over it.
    c.u32('template next offset');
    c.skip(16, 'template GUID');
    const size = c.u32('template data size');
    c.skip(size, 'template definition');
  }
  const template = resolveTemplate(ctx, id, defOff, depth);
  const count = c.u32('substitution count');
  if (count * 4 > c.end - c.pos) c.fail(`${count} substitutions do not fit in the record`);
  const sizes = new Array<number>(count);
  const types = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    sizes[i] = c.u16('substitution size');
    types[i] = c.u8('substitution type');
    c.pos++;
  }
  const values = new Array<Value>(count);
  for (let i = 0; i < count; i++) {
    const size = sizes[i]!;
    if (c.pos + size > c.end) c.fail(`substitution ${i} (${size} bytes) points past the record`);
    values[i] = decodeValue(ctx, c.pos, size, types[i]!, i, depth);
    c.pos += size;
  }
  return { k: 'template', template, values };
}

/**
 * Parses tokens from c.pos up to end-of-stream (or c.end). Substitution tokens are accepted
 * everywhere: WEC records and nested fragments use them too and resolve to nothing.
 */
export function parseFragment(ctx: ChunkContext, c: Cursor, inTemplate: boolean, depth: number): Node[] {
  if (depth > MAX_DEPTH) c.fail('BinXML nested too deeply');
  const root: Node[] = [];
  const stack: ElementNode[] = [];
  let attr: AttrNode | null = null;
  let lastPi: { k: 'pi'; target: string; data: string } | null = null;
  const add = (n: Node): void => {
    if (attr) attr.value.push(n);
    else if (stack.length > 0) stack[stack.length - 1]!.children.push(n);
    else root.push(n);
  };
  while (c.pos < c.end) {
    const at = c.pos;
    const tok = c.u8('token');
    switch (tok & ~TOKEN.MoreFlag) {
      case TOKEN.EndOfStream:
        if (stack.length > 0) c.fail(`end of stream inside element <${stack[stack.length - 1]!.name}>`, at);
        return root;
      case TOKEN.OpenStartElement: {
        if (stack.length >= 256) c.fail('elements nested too deeply', at);
        attr = null;
        const el = readOpenStart(ctx, c, (tok & TOKEN.MoreFlag) !== 0);
        add(el);
        stack.push(el);
        break;
      }
      case TOKEN.CloseStartElement:
        if (stack.length === 0) c.fail('close-start token outside an element', at);
        attr = null;
        break;
      case TOKEN.CloseEmptyElement:
      case TOKEN.EndElement:
        if (stack.length === 0) c.fail('end-element token outside an element', at);
        attr = null;
        stack.pop();
        break;
      case TOKEN.Value: {
        const type = c.u8('value type');
        add({ k: 'text', text: readValueTokenText(c, type) });
        break;
      }
      case TOKEN.Attribute: {
        if (stack.length === 0) c.fail('attribute outside an element', at);
        const off = c.u32('attribute name offset');
        const a: AttrNode = { name: readName(ctx, c, off, 'attribute'), value: [] };
        stack[stack.length - 1]!.attrs.push(a);
        attr = a;
        break;
      }
      case TOKEN.CData: {
        const n = c.u16('CDATA length');
        add({ k: 'cdata', text: c.utf16(n, 'CDATA text') });
        break;
      }
      case TOKEN.CharRef:
        add({ k: 'charref', code: c.u16('character reference') });
        break;
      case TOKEN.EntityRef: {
        const off = c.u32('entity name offset');
        add({ k: 'entity', name: readName(ctx, c, off, 'entity') });
        break;
      }
      case TOKEN.PITarget: {
        const off = c.u32('PI target name offset');
        lastPi = { k: 'pi', target: readName(ctx, c, off, 'PI target'), data: '' };
        add(lastPi);
        break;
      }
      case TOKEN.PIData: {
        const n = c.u16('PI data length');
        const text = c.utf16(n, 'PI data');
        if (lastPi) lastPi.data = text;
        break;
      }
      case TOKEN.TemplateInstance:
        add(readTemplateInstance(ctx, c, depth));
        break;
      case TOKEN.NormalSubstitution:
      case TOKEN.OptionalSubstitution: {
        const index = c.u16('substitution index');
        const type = c.u8('substitution type');
        if (!inTemplate && depth === 0) c.fail('substitution outside a template', at);
        add({ k: 'subst', index, type, optional: (tok & ~TOKEN.MoreFlag) === TOKEN.OptionalSubstitution });
        break;
      }
      case TOKEN.FragmentHeader:
        c.skip(3, 'fragment header');
        break;
      default:
        c.fail(`unknown BinXML token 0x${tok.toString(16)}`, at);
    }
  }
  if (stack.length > 0) c.fail(`BinXML ends inside element <${stack[stack.length - 1]!.name}>`);
  return root;
}
