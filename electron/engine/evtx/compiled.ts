// The fast path of record extraction. A template is compiled once (per chunk, by offset) into
// a flat list of operations: which RawSystem field or data key takes the text of which
// substitution. A record then only reads its substitution descriptors (size + type pairs) into
// reusable typed arrays and decodes exactly the values the operations name, straight from the
// chunk buffer: no token tree, no Value objects.
//
// The operations mirror extract.ts (walk/visit) step for step, so the two agree to the
// character. Whatever the fast path does not handle (nested BinXML values, tokens after the
// template instance, a value that does not fit its type, any parse failure) makes it return
// null, and the record goes through the general parser, which produces the same event or the
// same error message.
import type { RawSystem } from '../../../shared/build-event.js';
import { FILETIME_UNIX_OFFSET_TICKS } from '../../../shared/time.js';
import { tryResolveTemplate, TOKEN, type ChunkContext, type ElementNode, type Node, type Template } from './binxml-tokens.js';
import { EvtxFormatError } from './cursor.js';
import { addKey, entityText, isNamespaceDecl, type Extracted } from './extract.js';
import { arrayItems, scalarText, u16At, u32At, valueFits, VT } from './values.js';

type Field = keyof RawSystem;
type State = 'root' | 'event' | 'system' | 'eventdata' | 'userdata';

const EMPTY = Buffer.alloc(0);
/** The data of a System pass (nothing is added to it). */
const EMPTY_DATA: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The RawSystem fields, in the order of newRaw (the slots of setField). */
const FIELDS: readonly Field[] = [
  'provider',
  'providerGuid',
  'eventSourceName',
  'eventId',
  'qualifiers',
  'version',
  'level',
  'task',
  'opcode',
  'keywords',
  'systemTime',
  'recordId',
  'activityId',
  'relatedActivityId',
  'processId',
  'threadId',
  'channel',
  'computer',
  'userSid',
];

/**
 * The RawSystem fields that chunk-reader's passOver reads of the System pass of
 * extractFastCarved (with the time, which SysTime sets): the pass sets only these.
 */
const PASS_OVER_FIELDS: ReadonlySet<string> = new Set(['eventId', 'recordId']);

/** The RawSystem fields buildEvent reads as integers (text or number alike). */
const NUMERIC: ReadonlySet<string> = new Set(['eventId', 'qualifiers', 'version', 'level', 'task', 'opcode', 'recordId', 'processId', 'threadId']);


/** Where an operation's text comes from: a constant, one substitution, or a node list. */
class Content {
  constructor(
    /** Substitution index when the content is exactly one substitution, else -1. */
    readonly index: number,
    /** The text when the content has no substitution. */
    readonly text: string,
    /** Mixed content (text and substitutions), evaluated like textOf. */
    readonly nodes: readonly Node[] | null,
  ) {}
}

const enum OpKind {
  /** raw[field] = textOf(content) */
  SysText,
  /** raw[field] = attrText semantics (undefined when absent or a null substitution) */
  SysAttr,
  /** TimeCreated/@SystemTime: a FILETIME value, else its text */
  SysTime,
  /** <Data Name=…>: one key per array item, unnamed ones numbered */
  Data,
  /** A leaf element keyed by its name (one key per array item), its attributes `<Element>.<Attr>` */
  Leaf,
  /** <Binary> */
  Binary,
  /** A substitution between elements: walked in `state` when it holds BinXML */
  Nested,
}

interface Op {
  readonly kind: OpKind;
  readonly field: Field | null;
  /** The field's index in FIELDS (setField), or -1. */
  readonly slot: number;
  readonly key: string;
  readonly content: Content;
  /** Data: the Name attribute (null when the element has none). */
  readonly name: Content | null;
  /** Skip the op when this optional substitution is empty (the element is not rendered), or -1. */
  readonly guard: number;
  /** Leaf: its attributes (keys `<Element>.<Attr>`). */
  readonly attrs: readonly { readonly key: string; readonly content: Content }[];
  /** Nested: the state its BinXML is walked in. */
  readonly state: State;
  /** SysText/SysAttr: a field buildEvent reads as an integer. */
  readonly numeric: boolean;
  /** SysText/SysAttr: a field the passOver test of extractFastCarved reads (see PASS_OVER_FIELDS). */
  readonly passOver: boolean;
  /**
   * Data: its key is a constant name that no other operation of its plan adds (see
   * uniqueKeys); stored without addKey's look for a key already there while the record's
   * data holds only keys stored so by the same run of the plan (`keysBy`).
   */
  unique: boolean;
}

export interface Plan {
  readonly ops: readonly Op[];
  /** Makes the data object of a record of this template (see dataConstructor). */
  readonly Data: new () => Record<string, string>;
}

type Sizing = Record<`a${number}`, undefined>;
/** Never set: see dataConstructor. */
let sizingOnly = false;

/**
 * A constructor of plain objects (prototype Object.prototype and constructor Object, as `{}`)
 * for the data of one template's records. V8 gives objects made by a constructor room for
 * their properties inside the object: as many as the constructor's `this.x =` assignments
 * (the 32 under the never-true test below, which only size that room; no object gets those
 * names) and 8 more, trimmed to what its first instances held. A template's keys then need
 * no separate property store, which `{}` (room for four) or an empty constructor (ten) grows
 * by copying, and which past about sixteen keys added through a variable name turns into a
 * slow hash table. One constructor per template, so that each is sized for its own keys.
 */
function dataConstructor(): new () => Record<string, string> {
  function EventData(this: Sizing): void {
    if (sizingOnly) {
      (this as unknown as Sizing).a1 = undefined;
      (this as unknown as Sizing).a2 = undefined;
      (this as unknown as Sizing).a3 = undefined;
      (this as unknown as Sizing).a4 = undefined;
      (this as unknown as Sizing).a5 = undefined;
      (this as unknown as Sizing).a6 = undefined;
      (this as unknown as Sizing).a7 = undefined;
      (this as unknown as Sizing).a8 = undefined;
      (this as unknown as Sizing).a9 = undefined;
      (this as unknown as Sizing).a10 = undefined;
      (this as unknown as Sizing).a11 = undefined;
      (this as unknown as Sizing).a12 = undefined;
      (this as unknown as Sizing).a13 = undefined;
      (this as unknown as Sizing).a14 = undefined;
      (this as unknown as Sizing).a15 = undefined;
      (this as unknown as Sizing).a16 = undefined;
      (this as unknown as Sizing).a17 = undefined;
      (this as unknown as Sizing).a18 = undefined;
      (this as unknown as Sizing).a19 = undefined;
      (this as unknown as Sizing).a20 = undefined;
      (this as unknown as Sizing).a21 = undefined;
      (this as unknown as Sizing).a22 = undefined;
      (this as unknown as Sizing).a23 = undefined;
      (this as unknown as Sizing).a24 = undefined;
      (this as unknown as Sizing).a25 = undefined;
      (this as unknown as Sizing).a26 = undefined;
      (this as unknown as Sizing).a27 = undefined;
      (this as unknown as Sizing).a28 = undefined;
      (this as unknown as Sizing).a29 = undefined;
      (this as unknown as Sizing).a30 = undefined;
      (this as unknown as Sizing).a31 = undefined;
      (this as unknown as Sizing).a32 = undefined;
    }
  }
  EventData.prototype = Object.prototype;
  return EventData as unknown as new () => Record<string, string>;
}

class Unsupported extends Error {}

/** An attribute the element does not have. */
const ABSENT = new Content(-2, '', null);

function content(nodes: readonly Node[]): Content {
  if (nodes.length === 1 && nodes[0]!.k === 'subst') return new Content(nodes[0]!.index, '', null);
  let text = '';
  for (const n of nodes) {
    switch (n.k) {
      case 'text':
      case 'cdata':
        text += n.text;
        break;
      case 'charref':
        text += String.fromCharCode(n.code);
        break;
      case 'entity':
        text += entityText(n.name);
        break;
      case 'subst':
        return new Content(-1, '', nodes);
      default:
        break;
    }
  }
  return new Content(-1, text, null);
}

function findAttr(el: ElementNode, name: string): Content | null {
  for (const a of el.attrs) if (a.name === name) return content(a.value);
  return null;
}

/** The substitution index of an element that is not rendered when that value is empty. */
function omitGuard(el: ElementNode): number {
  if (el.children.length !== 1) return -1;
  const n = el.children[0]!;
  return n.k === 'subst' && n.optional ? n.index : -1;
}

function staticElements(nodes: readonly Node[]): boolean {
  for (const n of nodes) if (n.k === 'element' || n.k === 'template') return true;
  return false;
}

class Compiler {
  readonly ops: Op[] = [];

  op(
    kind: OpKind,
    field: Field | null,
    key: string,
    c: Content,
    guard: number,
    name: Content | null = null,
    attrs: Op['attrs'] = [],
    state: State = 'root',
  ): void {
    this.ops.push({ kind, field, slot: field === null ? -1 : FIELDS.indexOf(field), key, content: c, name, guard, attrs, state, numeric: field !== null && NUMERIC.has(field), passOver: field !== null && PASS_OVER_FIELDS.has(field), unique: false });
  }

  walk(nodes: readonly Node[], state: State, guard: number): void {
    for (const n of nodes) {
      if (n.k === 'element') {
        const g = omitGuard(n);
        // A guarded element's only child is a substitution, so guards never nest.
        this.visit(n, state, g >= 0 ? g : guard);
      } else if (n.k === 'template') throw new Unsupported();
      // Substitutions between elements only matter when they hold BinXML.
      else if (n.k === 'subst') this.op(OpKind.Nested, null, '', new Content(n.index, '', null), guard, null, [], state);
    }
  }

  sysText(field: Field, el: ElementNode, guard: number): void {
    this.op(OpKind.SysText, field, '', content(el.children), guard);
  }

  sysAttr(field: Field, el: ElementNode, attr: string, guard: number): void {
    const c = findAttr(el, attr);
    // extract.ts assigns undefined when the attribute is absent: keep that (it overrides an
    // earlier element of the same name).
    this.op(OpKind.SysAttr, field, '', c ?? ABSENT, guard);
  }

  system(el: ElementNode, guard: number): void {
    switch (el.name) {
      case 'Provider':
        this.sysAttr('provider', el, 'Name', guard);
        this.sysAttr('providerGuid', el, 'Guid', guard);
        this.sysAttr('eventSourceName', el, 'EventSourceName', guard);
        break;
      case 'EventID':
        this.sysText('eventId', el, guard);
        this.sysAttr('qualifiers', el, 'Qualifiers', guard);
        break;
      case 'Version':
        this.sysText('version', el, guard);
        break;
      case 'Level':
        this.sysText('level', el, guard);
        break;
      case 'Task':
        this.sysText('task', el, guard);
        break;
      case 'Opcode':
        this.sysText('opcode', el, guard);
        break;
      case 'Keywords':
        this.sysText('keywords', el, guard);
        break;
      case 'EventRecordID':
        this.sysText('recordId', el, guard);
        break;
      case 'Channel':
        this.sysText('channel', el, guard);
        break;
      case 'Computer':
        this.sysText('computer', el, guard);
        break;
      case 'TimeCreated':
        for (const a of el.attrs) if (a.name === 'SystemTime') this.op(OpKind.SysTime, 'systemTime', '', content(a.value), guard);
        break;
      case 'Correlation':
        this.sysAttr('activityId', el, 'ActivityID', guard);
        this.sysAttr('relatedActivityId', el, 'RelatedActivityID', guard);
        break;
      case 'Execution':
        this.sysAttr('processId', el, 'ProcessID', guard);
        this.sysAttr('threadId', el, 'ThreadID', guard);
        break;
      case 'Security':
        this.sysAttr('userSid', el, 'UserID', guard);
        break;
      default:
        break;
    }
  }

  leafOrDeeper(el: ElementNode, guard: number): void {
    if (staticElements(el.children)) {
      this.walk(el.children, 'userdata', guard);
      return;
    }
    const attrs = el.attrs.filter((a) => !isNamespaceDecl(a.name)).map((a) => ({ key: `${el.name}.${a.name}`, content: content(a.value) }));
    this.op(OpKind.Leaf, null, el.name, content(el.children), guard, null, attrs);
  }

  visit(el: ElementNode, state: State, guard: number): void {
    switch (state) {
      case 'root':
        if (el.name === 'Event') this.walk(el.children, 'event', guard);
        return;
      case 'event':
        switch (el.name) {
          case 'System':
            this.walk(el.children, 'system', guard);
            return;
          case 'EventData':
            this.walk(el.children, 'eventdata', guard);
            return;
          case 'UserData':
          case 'ProcessingErrorData':
          case 'DebugData':
          case 'BinaryEventData':
            this.walk(el.children, 'userdata', guard);
            return;
          default:
            return;
        }
      case 'system':
        this.system(el, guard);
        return;
      case 'eventdata':
        if (el.name === 'Data') {
          if (staticElements(el.children)) this.walk(el.children, 'userdata', guard);
          else this.op(OpKind.Data, null, '', content(el.children), guard, findAttr(el, 'Name'));
        } else if (el.name === 'Binary') this.op(OpKind.Binary, null, 'Binary', content(el.children), guard);
        else this.leafOrDeeper(el, guard);
        return;
      case 'userdata':
        this.leafOrDeeper(el, guard);
        return;
      default: {
        const never: never = state;
        return never;
      }
    }
  }
}

/**
 * Marks a plan's Data operations as `unique` when every operation of the plan that adds keys
 * itself is a Data operation with a constant name, the names are distinct and none is '' or
 * `__proto__` (which addKey/setKey treat apart): in one run of the plan over a data object
 * that held no keys, each adds a name the object does not hold yet. Whatever else adds keys
 * (an array value's `Name`, `Name_2`…, a nested BinXML value walked with its own plan, another
 * run of the plan) sets `keysBy` so that the operations after it go through addKey. Most
 * templates (Security's and Sysmon's EventData among them) are of this kind.
 */
function uniqueKeys(ops: readonly Op[]): void {
  const names = new Set<string>();
  for (const op of ops) {
    if (op.kind === OpKind.Leaf || op.kind === OpKind.Binary) return;
    if (op.kind !== OpKind.Data) continue;
    const name = op.name;
    if (name === null || name.index !== -1 || name.nodes !== null) return;
    if (name.text === '' || name.text === '__proto__' || names.has(name.text)) return;
    names.add(name.text);
  }
  for (const op of ops) if (op.kind === OpKind.Data) op.unique = true;
}

/** Compiles a template for a walk starting in `state`; null when it holds something only the general path handles. */
export function compileTemplate(t: Template, state: State = 'root'): Plan | null {
  const c = new Compiler();
  try {
    c.walk(t.nodes, state, -1);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  uniqueKeys(c.ops);
  return { ops: c.ops, Data: dataConstructor() };
}

/** A template's plans by the state its walk starts in (nested BinXML starts deeper). */
type Plans = Record<State, Plan | null | undefined>;

function planOf(t: Template, state: State): Plan | null {
  const plans = t.plan as Plans;
  // Named loads for every state: a keyed load (plans[state]) first met with a state after
  // this function was optimized sent it back to the interpreter.
  let p: Plan | null | undefined;
  switch (state) {
    case 'root':
      p = plans.root;
      break;
    case 'userdata':
      p = plans.userdata;
      break;
    case 'event':
      p = plans.event;
      break;
    case 'system':
      p = plans.system;
      break;
    case 'eventdata':
      p = plans.eventdata;
      break;
    default: {
      const never: never = state;
      return never;
    }
  }
  return p === undefined ? compilePlan(t, state) : p;
}

/** planOf for a template and state met for the first time (apart: it runs once each). */
function compilePlan(t: Template, state: State): Plan | null {
  const p = compileTemplate(t, state);
  (t.plan as Plans)[state] = p;
  return p;
}

// The substitution values of the record being extracted, for all its template instances
// (frames: the record's own, then one per nested BinXML value), as descriptors in reusable
// typed arrays: offset, size and type, and for a BinXML value the frame it holds.
let vOff: Int32Array = new Int32Array(1024);
let vSize: Int32Array = new Int32Array(1024);
let vType: Int32Array = new Int32Array(1024);
let vFrame: Int32Array = new Int32Array(1024);
let vUsed = 0;
const fTemplate: Template[] = [];
let fBase: Int32Array = new Int32Array(64);
let fCount: Int32Array = new Int32Array(64);
let fUsed = 0;
let vBuf: Buffer = EMPTY;

/** Nested BinXML deeper than this goes to the general path (which limits depth itself). */
const MAX_NESTING = 8;
/** Template instances per record handled here; more go to the general path. */
const MAX_FRAMES = 1024;

function growValues(n: number): void {
  if (n <= vOff.length) return;
  const len = Math.max(n, vOff.length * 2);
  const grow = (a: Int32Array): Int32Array => {
    const b = new Int32Array(len);
    b.set(a);
    return b;
  };
  vOff = grow(vOff);
  vSize = grow(vSize);
  vType = grow(vType);
  vFrame = grow(vFrame);
}

function growFrames(): void {
  if (fUsed < fBase.length) return;
  const b = new Int32Array(fBase.length * 2);
  b.set(fBase);
  fBase = b;
  const c = new Int32Array(fCount.length * 2);
  c.set(fCount);
  fCount = c;
}

/** Why loadFrame returned FAILED. */
let frameError: EvtxFormatError | null = null;
/** loadFrame's answer when the record's template cannot be had (frameError): the record's error. */
const FAILED = -2;

/**
 * Reads the template instance of a BinXML fragment in buf[start, end) into a new frame and,
 * recursively, the frames of its BinXML values; -1 when the fragment is anything else or does
 * not parse (the general path then reports it); FAILED when a template cannot be resolved.
 */
function loadFrame(ctx: ChunkContext, start: number, end: number, depth: number): number {
  if (depth > MAX_NESTING || fUsed >= MAX_FRAMES) return -1;
  const buf = ctx.buf;
  let p = start;
  if (p < end && buf[p] === TOKEN.FragmentHeader) p += 4;
  if (p + 10 > end || (buf[p]! & ~TOKEN.MoreFlag) !== TOKEN.TemplateInstance) return -1;
  const id = u32At(buf, p + 2);
  const defOff = u32At(buf, p + 6);
  p += 10;
  if (defOff === p) {
    if (p + 24 > end) return -1;
    p += 24 + u32At(buf, p + 20);
    if (p > end) return -1;
  }
  // Everything before this point was read as the general parser reads it (any difference
  // returned -1 first), so it would make exactly this call; when it throws, the general
  // parser would fail with the same (cached) error, so it is the record's error. Slack records
  // whose templates were overwritten fail here by the thousand.
  const template = tryResolveTemplate(ctx, id, defOff, depth);
  if (template instanceof EvtxFormatError) {
    frameError = template;
    return FAILED;
  }
  if (p + 4 > end) return -1;
  const count = u32At(buf, p);
  p += 4;
  if (count * 4 > end - p) return -1;
  growFrames();
  const frame = fUsed++;
  const base = vUsed;
  growValues(base + count);
  vUsed += count;
  fTemplate[frame] = template;
  fBase[frame] = base;
  fCount[frame] = count;
  let q = p + count * 4;
  for (let i = 0; i < count; i++, p += 4) {
    const size = u16At(buf, p);
    const type = buf[p + 2]!;
    if (q + size > end) return -1;
    const k = base + i;
    vOff[k] = q;
    vSize[k] = size;
    vType[k] = type;
    vFrame[k] = -1;
    if (size !== 0 && type !== VT.Null) {
      if (type === VT.BinXml) {
        const child = loadFrame(ctx, q, q + size, depth + 1);
        if (child < 0) return child;
        vFrame[k] = child;
      } else if (!valueFits(buf, q, size, type)) return -1;
    }
    q += size;
  }
  // Anything after the template instance but the end of the stream is for the general path.
  if (q < end && (buf[q]! & ~TOKEN.MoreFlag) !== TOKEN.EndOfStream) return -1;
  return frame;
}

/** The running frame: global index of its value 0, and its value count. */
let base = 0;
let count = 0;

/** Global index of the frame's substitution i, or -1 when the template instance has no such value. */
function at(i: number): number {
  return i >= 0 && i < count ? base + i : -1;
}

/** The rendered text of a value, as Value.text would be ('' when absent, null or BinXML). */
function valueText(k: number): string {
  if (k < 0) return '';
  const size = vSize[k]!;
  const type = vType[k]!;
  if (type === VT.Null || size === 0 || type === VT.BinXml) return '';
  if (type & VT.ArrayFlag) return arrayItems(vBuf, vOff[k]!, size, type)!.join(', ');
  return scalarText(vBuf, vOff[k]!, size, type)!;
}

function isBinXml(k: number): boolean {
  return k >= 0 && vFrame[k]! >= 0;
}

function hasItems(k: number): boolean {
  if (k < 0) return false;
  // Both loads on every call: a load first reached with the first array value deoptimized.
  const type = vType[k]!;
  const nonEmpty = vSize[k]! !== 0;
  return (type & VT.ArrayFlag) !== 0 && nonEmpty;
}

function items(k: number): string[] {
  return arrayItems(vBuf, vOff[k]!, vSize[k]!, vType[k]!)!;
}

function mixedText(nodes: readonly Node[]): string {
  let s = '';
  for (const n of nodes) {
    switch (n.k) {
      case 'text':
      case 'cdata':
        s += n.text;
        break;
      case 'subst':
        s += valueText(at(n.index));
        break;
      case 'charref':
        s += String.fromCharCode(n.code);
        break;
      case 'entity':
        s += entityText(n.name);
        break;
      default:
        break;
    }
  }
  return s;
}

function text(c: Content): string {
  if (c.index >= 0) return valueText(at(c.index));
  return c.nodes === null ? c.text : mixedText(c.nodes);
}

/** attrText: undefined when the attribute is absent or a null (or missing) substitution. */
function attrValue(c: Content): string | undefined {
  if (c === ABSENT) return undefined;
  if (c.index >= 0) {
    const k = at(c.index);
    if (k < 0 || vType[k] === VT.Null) return undefined;
    return valueText(k);
  }
  return text(c);
}

/**
 * An unsigned integer value as a number (buildEvent reads numbers and decimal text alike,
 * and parsing text back costs a regular expression per field); else its text.
 */
function sysValue(c: Content): string | number {
  const k = at(c.index);
  const v = numberValue(k);
  return v === undefined ? text(c) : v;
}

/** An unsigned integer value (decimal or hex) as a number; undefined for anything else. */
function numberValue(k: number): number | undefined {
  if (k >= 0) {
    const size = vSize[k]!;
    const p = vOff[k]!;
    switch (vType[k]) {
      case VT.UInt8:
        if (size >= 1) return vBuf[p]!;
        break;
      case VT.UInt16:
        if (size >= 2) return u16At(vBuf, p);
        break;
      case VT.UInt32:
      case VT.HexInt32:
        if (size >= 4) return u32At(vBuf, p);
        break;
      case VT.UInt64:
        // Exact below 2^53; larger ids stay text, as the general path renders them.
        if (size >= 8 && u32At(vBuf, p + 4) < 0x200000) return u32At(vBuf, p + 4) * 0x100000000 + u32At(vBuf, p);
        break;
      default:
        break;
    }
  }
  return undefined;
}


/** attrValue, as a number when it holds an unsigned integer (for integer fields). */
function sysAttr(c: Content): string | number | undefined {
  if (c.index >= 0) {
    const v = numberValue(at(c.index));
    if (v !== undefined) return v;
  }
  return attrValue(c);
}

// FILETIME to ticks with one bigint addition: the high half (about 7 minutes) rarely changes.
let lastHigh = -1;
let lastHighTicks = 0n;
function filetimeTicks(p: number): bigint {
  const hi = u32At(vBuf, p + 4);
  if (hi !== lastHigh) {
    lastHighTicks = (BigInt(hi) << 32n) - FILETIME_UNIX_OFFSET_TICKS;
    lastHigh = hi;
  }
  return lastHighTicks + BigInt(u32At(vBuf, p));
}

/** Whether the element guarded by substitution i is not rendered (extract.ts isOmitted). */
function omitted(i: number): boolean {
  const k = at(i);
  if (k < 0) return true;
  const type = vType[k]!;
  if (type === VT.Null || vSize[k] === 0) return true;
  if (type & VT.ArrayFlag || type === VT.BinXml) return false;
  return emptyText(vOff[k]!, vSize[k]!, type);
}

/**
 * Whether a scalar value's text (valueText) is '', without decoding it: the guard of an
 * element is checked before the element's own operation decodes the same value. Only strings
 * can render as '' (when they hold nothing but NULs, as utf16Text and ansiText strip them);
 * every other type the fast path admits (valueFits) renders as at least one character.
 */
function emptyText(p: number, size: number, type: number): boolean {
  const buf = vBuf;
  if (type === VT.String) {
    for (let e = p + (size & ~1); e > p; e -= 2) if (buf[e - 1] !== 0 || buf[e - 2] !== 0) return false;
    return true;
  }
  if (type === VT.AnsiString) {
    for (let e = p + size; e > p; e--) if (buf[e - 1] !== 0) return false;
    return true;
  }
  return false;
}

/**
 * When an element's content holds BinXML (extract.ts hasElements), walks each such value as
 * 'userdata' and returns true.
 */
function nestedContent(c: Content, out: Extracted): boolean {
  // Loaded on every call (see hasItems): the first mixed content came late.
  const nodes = c.nodes;
  if (c.index >= 0) {
    const k = at(c.index);
    if (!isBinXml(k)) return false;
    runFrame(vFrame[k]!, 'userdata', out);
    return true;
  }
  if (nodes === null) return false;
  return nestedMixed(nodes, out);
}

/** nestedContent for mixed content (text and substitutions). */
function nestedMixed(nodes: readonly Node[], out: Extracted): boolean {
  let found = false;
  for (const n of nodes) if (n.k === 'subst' && isBinXml(at(n.index))) found = true;
  if (!found) return false;
  for (const n of nodes) {
    if (n.k !== 'subst') continue;
    const k = at(n.index);
    if (isBinXml(k)) runFrame(vFrame[k]!, 'userdata', out);
  }
  return true;
}

class NoPlan extends Error {}

/**
 * Who added the keys the record's data holds: 0 nobody yet, a run's runId when only that
 * run's `unique` operations did, -1 anything else (see uniqueKeys).
 */
let keysBy = 0;
/** The running plan's run (each runFrame call is a new one); runs counts them. */
let runId = 0;
let runs = 0;

function runFrame(frame: number, state: State, out: Extracted): void {
  const plan = planOf(fTemplate[frame]!, state);
  if (plan === null) throw new NoPlan();
  const savedBase = base;
  const savedCount = count;
  const savedRun = runId;
  base = fBase[frame]!;
  count = fCount[frame]!;
  // Never 0 (nobody) nor -1, whatever the count.
  runs = runs >= 0x3fffffff ? 1 : runs + 1;
  runId = runs;
  run(plan, out);
  base = savedBase;
  count = savedCount;
  runId = savedRun;
}

type Raw = Extracted['raw'];

/**
 * raw[FIELDS[slot]] = v, as a store to a named property: a keyed store whose key changes from
 * call to call goes through V8's generic (megamorphic) path, one lookup per store.
 */
function setField(raw: Raw, slot: number, v: string | number | undefined): void {
  const t = v as string | undefined;
  switch (slot) {
    case 0: raw.provider = t; break;
    case 1: raw.providerGuid = t; break;
    case 2: raw.eventSourceName = t; break;
    case 3: raw.eventId = v; break;
    case 4: raw.qualifiers = v; break;
    case 5: raw.version = v; break;
    case 6: raw.level = v; break;
    case 7: raw.task = v; break;
    case 8: raw.opcode = v; break;
    case 9: raw.keywords = v; break;
    case 10: raw.systemTime = t; break;
    case 11: raw.recordId = v; break;
    case 12: raw.activityId = t; break;
    case 13: raw.relatedActivityId = t; break;
    case 14: raw.processId = v; break;
    case 15: raw.threadId = v; break;
    case 16: raw.channel = t; break;
    case 17: raw.computer = t; break;
    case 18: raw.userSid = t; break;
    default: throw new Error(`no RawSystem field in slot ${slot}`);
  }
}

/**
 * Set while the System pass of extractFastCarved runs: the operations that fill `data` decode
 * and add nothing, but still walk nested BinXML (where System fields can be, and where a
 * template without a plan sends the record to the general parser, as the full pass would).
 */
let systemOnly = false;

/** One operation of a plan on the record being extracted. */
type Handler = (op: Op, out: Extracted) => void;

// In the System pass of a carved record only the fields its passOver test reads are set:
// the others (provider, channel, computer, SIDs, GUIDs… decoded for some 47 thousand slack
// records per read of the benchmark file, most of them passed over) are set by the full
// pass if the record is not passed over. Decoding a value loadFrame admitted cannot fail, so
// skipping it changes nothing else.
function sysTextOp(op: Op, out: Extracted): void {
  if (systemOnly && !op.passOver) return;
  setField(out.raw, op.slot, op.numeric ? sysValue(op.content) : text(op.content));
}

function sysAttrOp(op: Op, out: Extracted): void {
  if (systemOnly && !op.passOver) return;
  setField(out.raw, op.slot, op.numeric ? sysAttr(op.content) : attrValue(op.content));
}

function sysTimeOp(op: Op, out: Extracted): void {
  const k = at(op.content.index);
  if (k >= 0 && vType[k] === VT.FileTime && vSize[k]! > 0) out.ticks = filetimeTicks(vOff[k]!);
  else out.raw.systemTime = text(op.content);
}

function dataOp(op: Op, out: Extracted): void {
  if (nestedContent(op.content, out) || systemOnly) return;
  const name = op.name === null ? undefined : attrValue(op.name);
  const named = name !== undefined && name !== '';
  const k = at(op.content.index);
  if (hasItems(k)) {
    keysBy = -1;
    for (const item of items(k)) addKey(out, named ? name : `Data${++out.unnamed}`, item);
  } else if (op.unique && (keysBy === 0 || keysBy === runId)) {
    keysBy = runId;
    (out.data as Record<string, string>)[name!] = text(op.content);
  } else {
    keysBy = -1;
    addKey(out, named ? name : `Data${++out.unnamed}`, text(op.content));
  }
}

function leafOp(op: Op, out: Extracted): void {
  if (nestedContent(op.content, out) || systemOnly) return;
  keysBy = -1;
  const attrs = op.attrs;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    const v = attrValue(a.content);
    if (v !== undefined) addKey(out, a.key, v);
  }
  const k = at(op.content.index);
  if (hasItems(k)) for (const item of items(k)) addKey(out, op.key, item);
  else addKey(out, op.key, text(op.content));
}

function binaryOp(op: Op, out: Extracted): void {
  if (systemOnly) return;
  keysBy = -1;
  addKey(out, 'Binary', text(op.content));
}

function nestedOp(op: Op, out: Extracted): void {
  const k = at(op.content.index);
  if (isBinXml(k)) runFrame(vFrame[k]!, op.state, out);
}

const HANDLER_OF: Readonly<Record<OpKind, Handler>> = {
  [OpKind.SysText]: sysTextOp,
  [OpKind.SysAttr]: sysAttrOp,
  [OpKind.SysTime]: sysTimeOp,
  [OpKind.Data]: dataOp,
  [OpKind.Leaf]: leafOp,
  [OpKind.Binary]: binaryOp,
  [OpKind.Nested]: nestedOp,
};
/**
 * The handlers by OpKind, called through one call site rather than chosen by a switch: a
 * case first met after run was optimized (a log's first EventData, Binary or attribute of a
 * leaf) sent run back to the interpreter, and its compilation (run inlined most of this file)
 * was paid again, four times in a read of the benchmark file. Each handler compiles on its own.
 */
const HANDLERS: Handler[] = [];
// Each at its kind's index (integer keys come in ascending order).
for (const [kind, handler] of Object.entries(HANDLER_OF)) HANDLERS[Number(kind)] = handler;

function run(plan: Plan, out: Extracted): void {
  const ops = plan.ops;
  for (let j = 0; j < ops.length; j++) {
    const op = ops[j]!;
    if (op.guard >= 0 && omitted(op.guard)) continue;
    HANDLERS[op.kind]!(op, out);
  }
}

let fastPath = true;
/** How many events each path made (for tests and the benchmark; chunk-reader counts `general`). */
export const pathCounts = { fast: 0, general: 0 };

/** Turns the fast path off (tests compare it with the general parser). */
export function setFastPath(on: boolean): void {
  fastPath = on;
}

/**
 * Extracts a record whose BinXML is one template instance (its values possibly nested
 * template instances), or returns null for the general path, or the record's error when its
 * template cannot be resolved (returned, not thrown: see tryResolveTemplate). `start`/`end`
 * bound the record's BinXML in ctx.buf.
 */
export function extractFast(ctx: ChunkContext, start: number, end: number): Extracted | EvtxFormatError | null {
  if (!fastPath) return null;
  const out = fastRecord(ctx, start, end) as Extracted | EvtxFormatError | null;
  if (out !== null && !(out instanceof EvtxFormatError)) pathCounts.fast++;
  return out;
}

/**
 * The Extracted of the record being read, reused from record to record (recordItem is done
 * with it when the next record starts): only its data object is new for each record.
 */
const current: Extracted = { raw: newRaw(), data: EMPTY_DATA, filetime: undefined, ticks: undefined, unnamed: 0 };
// Every RawSystem field holds numbers and text from the start: the first records widened the
// fields' representations one at a time (nothing, small integer, any), and each widening
// threw away the optimized code that stores them (setField and run).
for (const v of [0, 0.5, '', undefined]) for (const field of FIELDS) (current.raw as Record<string, unknown>)[field] = v;

/** `current` as a fresh Extracted with this data object. */
function resetCurrent(data: Record<string, string>): Extracted {
  const r = current.raw;
  r.provider = undefined;
  r.providerGuid = undefined;
  r.eventSourceName = undefined;
  r.eventId = undefined;
  r.qualifiers = undefined;
  r.version = undefined;
  r.level = undefined;
  r.task = undefined;
  r.opcode = undefined;
  r.keywords = undefined;
  r.systemTime = undefined;
  r.recordId = undefined;
  r.activityId = undefined;
  r.relatedActivityId = undefined;
  r.processId = undefined;
  r.threadId = undefined;
  r.channel = undefined;
  r.computer = undefined;
  r.userSid = undefined;
  current.data = data;
  current.filetime = undefined;
  current.ticks = undefined;
  current.unnamed = 0;
  return current;
}

/** RawSystem with all its fields, in one allocation and one shape for every record. */
export function newRaw(): Extracted['raw'] {
  return {
    provider: undefined,
    providerGuid: undefined,
    eventSourceName: undefined,
    eventId: undefined,
    qualifiers: undefined,
    version: undefined,
    level: undefined,
    task: undefined,
    opcode: undefined,
    keywords: undefined,
    systemTime: undefined,
    recordId: undefined,
    activityId: undefined,
    relatedActivityId: undefined,
    processId: undefined,
    threadId: undefined,
    channel: undefined,
    computer: undefined,
    userSid: undefined,
  };
}

/** What extractFastCarved returns for a record its passOver test dropped. */
export const PASSED_OVER = Symbol('passed over');

/**
 * extractFast for a record carved from slack, most of which are older copies of records
 * already read: after the System section (ticks, and of raw the EventID and EventRecordID,
 * exactly as extractFast gives them; the other fields and data left empty) `passOver` may
 * drop the record before the rest is decoded. Otherwise the same as extractFast (null for the
 * general path, the same throws): the System pass skips only operations that decode values
 * loadFrame checked (and add keys), which cannot fail.
 */
export function extractFastCarved(
  ctx: ChunkContext,
  start: number,
  end: number,
  passOver: (system: Extracted) => boolean,
): Extracted | EvtxFormatError | null | typeof PASSED_OVER {
  if (!fastPath) return null;
  const out = fastRecord(ctx, start, end, passOver);
  if (out !== null && !(out instanceof EvtxFormatError)) pathCounts.fast++;
  return out;
}

/** The extracted record; null for the general path; the record's error (what the general path would throw). */
function fastRecord(
  ctx: ChunkContext,
  start: number,
  end: number,
  passOver: ((system: Extracted) => boolean) | null = null,
): Extracted | EvtxFormatError | null | typeof PASSED_OVER {
  vUsed = 0;
  fUsed = 0;
  try {
    const frame = loadFrame(ctx, start, end, 0);
    if (frame === FAILED) {
      const e = frameError!;
      frameError = null;
      return e;
    }
    if (frame !== 0) return null;
    const plan = planOf(fTemplate[0]!, 'root');
    if (plan === null) return null;
    vBuf = ctx.buf;
    if (passOver !== null) {
      const system = resetCurrent(EMPTY_DATA);
      base = 0;
      count = 0;
      systemOnly = true;
      try {
        runFrame(0, 'root', system);
      } finally {
        systemOnly = false;
      }
      if (passOver(system)) return PASSED_OVER;
    }
    const out = resetCurrent(new plan.Data());
    base = 0;
    count = 0;
    keysBy = 0;
    runFrame(0, 'root', out);
    return out;
  } catch (e) {
    if (e instanceof NoPlan) return null;
    throw e;
  } finally {
    vBuf = EMPTY;
  }
}


