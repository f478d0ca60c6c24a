// One `<Event>…</Event>` unit (already cut out of the file by the scanner and decoded) to a
// NormalizedEvent. fast-xml-parser is configured so it changes nothing: values stay strings,
// whitespace is kept, document order is kept (preserveOrder, so no single-element-array
// collapsing), and it expands no entities at all — we decode the five XML entities and
// character references ourselves, so a DOCTYPE-defined entity can never be expanded (the
// scanner never hands a DOCTYPE to the parser anyway). Carriage returns and long text runs are
// kept away from the parser (prepareForParser) so CR LF survives and big values stay fast.

import { XMLParser, type EntityDecoderOptions } from 'fast-xml-parser';
import { buildEvent, EventBuildError, type RawSystem } from '../../../../shared/build-event.js';
import type { ReadItem, SourcePointer } from '../../../../shared/events.js';
import { normalizeHex } from '../../../../shared/normalize.js';
import { decodeStrict, type XmlEncoding } from './xml-encoding.js';

const ATTR = ':@';
const TEXT = '#text';
const CDATA = '#cdata';
const COMMENT = '#comment';

/** A node of fast-xml-parser's preserveOrder output: `{ tag: children, ':@'?: attrs }`. */
type OrderedNode = Record<string, unknown>;

/**
 * The parser's entity decoder: leaves text as it is and drops any DOCTYPE entity it is given.
 * With processEntities off it is never asked to decode; supplying it also saves building the
 * library's decoder for every event (~10% of the parse).
 */
const VERBATIM_ENTITIES: EntityDecoderOptions = {
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
  reset: () => undefined,
  decode: (text) => text,
  setXmlVersion: () => undefined,
};

function createParser(): XMLParser {
  return new XMLParser({
    entityDecoder: VERBATIM_ENTITIES,
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    removeNSPrefix: false,
    allowBooleanAttributes: true,
    cdataPropName: CDATA,
    commentPropName: COMMENT,
    // Deep nesting in hostile input becomes a parse error, not a stack overflow.
    maxNestedTags: 200,
    // No callbacks use the path; building its string per tag costs ~20% of the parse.
    jPath: false,
  });
}

let sharedParser: XMLParser | null = null;

const ENTITY_RE = /&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|lt|gt|amp|quot|apos);/g;

/**
 * Decodes the predefined XML entities and character references. Any other `&name;` (from a
 * DOCTYPE, or HTML) is left as written: evidence is shown as it is, never expanded.
 */
export function decodeXmlEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(ENTITY_RE, (whole, name: string) => {
    switch (name) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default: {
        const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        if (!Number.isFinite(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return whole;
        return String.fromCodePoint(cp);
      }
    }
  });
}

function tagOf(node: OrderedNode): string | null {
  for (const key in node) {
    if (key !== ATTR && key !== TEXT && key !== CDATA && key !== COMMENT) return key;
  }
  return null;
}

function childrenOf(node: OrderedNode, tag: string): readonly OrderedNode[] {
  const value = node[tag];
  return Array.isArray(value) ? (value as OrderedNode[]) : [];
}

function attr(node: OrderedNode | undefined, name: string): string | undefined {
  if (!node) return undefined;
  const attrs = node[ATTR] as Record<string, unknown> | undefined;
  if (!attrs) return undefined;
  const value = attrs[name];
  return typeof value === 'string' ? decodeXmlEntities(value) : undefined;
}

/** The text content of an element: its text and CDATA, and those of any child elements, in order. */
function textOf(node: OrderedNode, tag: string, prep: PreparedXml): string {
  const kids = childrenOf(node, tag);
  if (kids.length === 0) return '';
  if (kids.length === 1) {
    const only = kids[0]!;
    const t = only[TEXT];
    if (typeof t === 'string') return decodeText(t, prep);
  }
  let out = '';
  for (const kid of kids) {
    const t = kid[TEXT];
    if (typeof t === 'string') {
      out += decodeText(t, prep);
      continue;
    }
    const c = kid[CDATA];
    if (c !== undefined) {
      // CDATA comes as [{ '#text': '…' }]; its content is literal, no entity decoding.
      if (Array.isArray(c)) for (const part of c as OrderedNode[]) out += String(part[TEXT] ?? '');
      else out += String(c);
      continue;
    }
    if (kid[COMMENT] !== undefined) continue;
    const childTag = tagOf(kid);
    if (childTag !== null) out += textOf(kid, childTag, prep);
  }
  return out;
}

function hasElementChildren(node: OrderedNode, tag: string): boolean {
  for (const kid of childrenOf(node, tag)) if (tagOf(kid) !== null) return true;
  return false;
}

const HEX_RE = /^0[xX][0-9a-fA-F]+$/;

/** Windows' own rendering: hex without padding (`0x00000000000003e7` → `0x3e7`). */
function renderValue(value: string): string {
  return value.length > 2 && value.charCodeAt(0) === 0x30 && HEX_RE.test(value) ? normalizeHex(value) : value;
}

function setOwn(data: Record<string, string>, key: string, value: string): void {
  // A hostile `<Data Name="__proto__">` must become a field, not a prototype change.
  if (key === '__proto__') Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true });
  else data[key] = value;
}

/** Per data object: the next suffix to try for a repeated name (keeps many repeats linear). */
const nextSuffix = new WeakMap<object, Map<string, number>>();

/** Stores a value; a repeated name gets `_2`, `_3` … in document order. */
function put(data: Record<string, string>, key: string, value: string): void {
  if (!Object.prototype.hasOwnProperty.call(data, key)) {
    setOwn(data, key, value);
    return;
  }
  let next = nextSuffix.get(data);
  if (!next) {
    next = new Map();
    nextSuffix.set(data, next);
  }
  for (let n = next.get(key) ?? 2; ; n++) {
    const k = `${key}_${n}`;
    if (!Object.prototype.hasOwnProperty.call(data, k)) {
      setOwn(data, k, value);
      next.set(key, n + 1);
      return;
    }
  }
}

function readSystem(system: OrderedNode, prep: PreparedXml): RawSystem {
  const raw: { -readonly [K in keyof RawSystem]: RawSystem[K] } = {};
  for (const node of childrenOf(system, 'System')) {
    const tag = tagOf(node);
    if (tag === null) continue;
    switch (tag) {
      case 'Provider':
        raw.provider = attr(node, 'Name');
        raw.providerGuid = attr(node, 'Guid');
        raw.eventSourceName = attr(node, 'EventSourceName');
        break;
      case 'EventID':
        raw.eventId = textOf(node, tag, prep).trim();
        raw.qualifiers = attr(node, 'Qualifiers');
        break;
      case 'Version':
        raw.version = textOf(node, tag, prep).trim();
        break;
      case 'Level':
        raw.level = textOf(node, tag, prep).trim();
        break;
      case 'Task':
        raw.task = textOf(node, tag, prep).trim();
        break;
      case 'Opcode':
        raw.opcode = textOf(node, tag, prep).trim();
        break;
      case 'Keywords':
        raw.keywords = textOf(node, tag, prep).trim();
        break;
      case 'TimeCreated':
        raw.systemTime = attr(node, 'SystemTime');
        break;
      case 'EventRecordID':
        raw.recordId = textOf(node, tag, prep).trim();
        break;
      case 'Correlation':
        raw.activityId = attr(node, 'ActivityID');
        raw.relatedActivityId = attr(node, 'RelatedActivityID');
        break;
      case 'Execution':
        raw.processId = attr(node, 'ProcessID');
        raw.threadId = attr(node, 'ThreadID');
        break;
      case 'Channel':
        raw.channel = textOf(node, tag, prep).trim();
        break;
      case 'Computer':
        raw.computer = textOf(node, tag, prep).trim();
        break;
      case 'Security':
        raw.userSid = attr(node, 'UserID');
        break;
      default:
        break;
    }
  }
  return raw;
}

function readEventData(eventData: OrderedNode, tag: string, data: Record<string, string>, prep: PreparedXml): void {
  let unnamed = 0;
  for (const node of childrenOf(eventData, tag)) {
    const name = tagOf(node);
    if (name === null) continue;
    if (name === 'Data') {
      const key = attr(node, 'Name');
      const value = renderValue(textOf(node, name, prep));
      if (key !== undefined && key !== '') put(data, key, value);
      else put(data, `Data${++unnamed}`, value);
    } else if (name === 'Binary') {
      put(data, 'Binary', textOf(node, name, prep));
    } else {
      // Rare shapes (ComplexData, …): keep their leaves like UserData.
      readLeaves(node, name, data, prep);
    }
  }
}

/**
 * UserData (and unusual EventData children): every leaf element by its name, in document order,
 * its attributes first as `<Element>.<Attr>` (CAPI2 `<EventAuxInfo ProcessName="…"/>`), the
 * keys the EVTX reader gives the same record. Namespace declarations are markup, not data.
 */
function readLeaves(node: OrderedNode, tag: string, data: Record<string, string>, prep: PreparedXml): void {
  if (!hasElementChildren(node, tag)) {
    const attrs = node[ATTR] as Record<string, unknown> | undefined;
    if (attrs) {
      for (const [name, value] of Object.entries(attrs)) {
        if (name === 'xmlns' || name.startsWith('xmlns:') || typeof value !== 'string') continue;
        put(data, `${tag}.${name}`, decodeXmlEntities(value));
      }
    }
    put(data, tag, renderValue(textOf(node, tag, prep)));
    return;
  }
  for (const kid of childrenOf(node, tag)) {
    const kidTag = tagOf(kid);
    if (kidTag !== null) readLeaves(kid, kidTag, data, prep);
  }
}

/** Text runs longer than this are kept out of fast-xml-parser (see prepareForParser). */
const BLOB_MIN_CHARS = 8 * 1024;

/** The event text as handed to fast-xml-parser, with the text runs taken out of it. */
export interface PreparedXml {
  readonly xml: string;
  /** Placeholder entity prefix (`&<prefix><k>;`), absent from the original text. */
  readonly prefix: string;
  readonly blobs: readonly string[];
}

/**
 * Two things fast-xml-parser does that evidence cannot afford are worked around here:
 * - it normalizes every CR LF to LF (as XML 1.0 says), but Windows keeps CR LF in command lines
 *   and script blocks and the other readers keep it too. So carriage returns in text and
 *   attribute values are written as `&#13;` (which we decode, the parser does not), and inside
 *   CDATA the section is split around a `&#13;` text node. CRs in markup are left alone.
 * - it builds text one character at a time, which for a multi-megabyte value (a script block)
 *   costs seconds of garbage collection. Long text runs are replaced by a placeholder entity
 *   (which the parser leaves as it is) and put back by textOf.
 */
export function prepareForParser(s: string): PreparedXml {
  let prefix = 'clblob';
  for (let k = 2; s.includes('&' + prefix); k++) prefix = `clblob${k}x`;
  const blobs: string[] = [];
  if (s.indexOf('\r') < 0 && s.length < BLOB_MIN_CHARS) return { xml: s, prefix, blobs };
  const n = s.length;
  let out = '';
  let last = 0; // s[0, last) has been copied to out
  let i = 0;
  // The next CR at or after i (n when none): kept, not searched again per text run, so a
  // large event of many small values stays linear.
  let nextCr = -1;
  const crFrom = (at: number): number => {
    if (nextCr < at) {
      const found = s.indexOf('\r', at);
      nextCr = found < 0 ? n : found;
    }
    return nextCr;
  };
  while (i < n) {
    if (s.charCodeAt(i) !== 0x3c) {
      const next = s.indexOf('<', i);
      const stop = next < 0 ? n : next;
      if (stop - i >= BLOB_MIN_CHARS) {
        out += s.slice(last, i) + `&${prefix}${blobs.length};`;
        blobs.push(s.slice(i, stop));
        last = stop;
      } else {
        if (crFrom(i) < stop) {
          out += s.slice(last, i) + s.slice(i, stop).replaceAll('\r', '&#13;');
          last = stop;
        }
      }
      i = stop;
      continue;
    }
    if (s.startsWith('<![CDATA[', i)) {
      const end = s.indexOf(']]>', i + 9);
      const stop = end < 0 ? n : end;
      if (crFrom(i) < stop) {
        out += s.slice(last, i) + s.slice(i, stop).replaceAll('\r', ']]>&#13;<![CDATA[');
        last = stop;
      }
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    // A tag: CRs inside quoted attribute values are content.
    let j = i + 1;
    let quote = 0;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (quote !== 0) {
        if (c === quote) quote = 0;
        else if (c === 0x0d) {
          out += s.slice(last, j) + '&#13;';
          last = j + 1;
        }
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3e) break;
    }
    i = j + 1;
  }
  return { xml: out + s.slice(last), prefix, blobs };
}

/** Decodes a text node, putting back the text runs prepareForParser took out. */
function decodeText(t: string, prep: PreparedXml): string {
  if (prep.blobs.length === 0 || t.indexOf('&' + prep.prefix) < 0) return decodeXmlEntities(t);
  const parts = t.split(new RegExp(`&${prep.prefix}(\\d+);`));
  let out = '';
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    out += k % 2 === 0 ? decodeXmlEntities(part) : decodeXmlEntities(prep.blobs[Number(part)] ?? '');
  }
  return out;
}

/** Events longer than this (characters) have their tags counted before parsing. */
const ELEMENT_COUNT_CHECK_CHARS = 512 * 1024;
const MAX_MARKUP_PER_EVENT = 200_000;

/** The fields of one parsed `<Event>` (before buildEvent). */
export interface ParsedXmlEvent {
  readonly system: RawSystem;
  readonly data: Record<string, string>;
}

/** Parses the text of one `<Event>` element. Throws on malformed XML or a missing Event. */
export function parseEventXml(text: string): ParsedXmlEvent {
  if (text.length > ELEMENT_COUNT_CHECK_CHARS) {
    // Real events hold hundreds of elements; millions (hostile) would cost minutes and GBs.
    let count = 0;
    for (let at = text.indexOf('<'); at >= 0; at = text.indexOf('<', at + 1)) {
      if (++count > MAX_MARKUP_PER_EVENT) throw new Error(`the event has more than ${MAX_MARKUP_PER_EVENT} tags`);
    }
  }
  sharedParser ??= createParser();
  const prep = prepareForParser(text);
  const doc = sharedParser.parse(prep.xml) as unknown;
  if (!Array.isArray(doc)) throw new Error('the parser returned no document');
  let event: OrderedNode | undefined;
  for (const node of doc as OrderedNode[]) {
    if (tagOf(node) === 'Event') {
      event = node;
      break;
    }
  }
  if (!event) throw new Error('no <Event> element');
  let system: RawSystem = {};
  const data: Record<string, string> = {};
  for (const node of childrenOf(event, 'Event')) {
    const tag = tagOf(node);
    switch (tag) {
      case 'System':
        system = readSystem(node, prep);
        break;
      case 'EventData':
        readEventData(node, tag, data, prep);
        break;
      case 'UserData':
        for (const kid of childrenOf(node, tag)) {
          const kidTag = tagOf(kid);
          if (kidTag !== null) readLeaves(kid, kidTag, data, prep);
        }
        break;
      default:
        // RenderingInfo (Event Viewer's localized strings) and anything else: not event fields.
        break;
    }
  }
  return { system, data };
}

/** One scanned unit: the bytes of an `<Event>` element and where they sit in the file. */
export interface EventUnit {
  readonly offset: number;
  readonly length: number;
}

function clip(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}

/** Decodes, parses and builds one event; every failure becomes an error item with the event's offset. */
export function parseEventUnit(bytes: Buffer, encoding: XmlEncoding, file: string, unit: EventUnit): ReadItem {
  const decoded = decodeStrict(bytes, encoding);
  if (!decoded.ok) {
    const at = unit.offset + decoded.badOffset;
    const name = encoding === 'utf8' ? 'UTF-8' : encoding === 'utf16le' ? 'UTF-16LE' : 'UTF-16BE';
    return {
      kind: 'error',
      error: {
        file,
        offset: unit.offset,
        message: `invalid ${name} at byte offset 0x${at.toString(16)} (${at}) in the event at offset 0x${unit.offset.toString(16)}; event skipped`,
      },
    };
  }
  let parsed: ParsedXmlEvent;
  try {
    parsed = parseEventXml(decoded.text);
  } catch (err) {
    return {
      kind: 'error',
      error: { file, offset: unit.offset, message: `malformed XML in the event (${unit.length} bytes): ${clip(String((err as Error)?.message ?? err))}` },
    };
  }
  const source: SourcePointer = { file, format: 'xml', offset: unit.offset, length: unit.length };
  try {
    return { kind: 'event', event: buildEvent(parsed.system, parsed.data, source) };
  } catch (err) {
    if (err instanceof EventBuildError) return { kind: 'error', error: { file, offset: unit.offset, message: err.message } };
    return { kind: 'error', error: { file, offset: unit.offset, message: `event could not be built: ${clip(String(err))}` } };
  }
}
