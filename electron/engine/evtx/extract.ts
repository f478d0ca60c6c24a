// Reads the normalized fields (System → RawSystem, EventData/UserData → data) straight off
// the parsed template and its substitution values, without building a resolved XML tree.
import type { RawSystem } from '../../../shared/build-event.js';
import type { AttrNode, ElementNode, Node, Value } from './binxml-tokens.js';
import { VT } from './values.js';

type Vals = readonly Value[] | null;

export interface Extracted {
  raw: { -readonly [K in keyof RawSystem]: RawSystem[K] };
  data: Record<string, string>;
  /** FILETIME of TimeCreated/@SystemTime when it was a FILETIME value. */
  filetime?: bigint;
  /** The same as ticks (the fast path, compiled.ts, sets this instead). */
  ticks?: bigint;
  unnamed: number;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function entityText(name: string): string {
  return ENTITIES[name] ?? `&${name};`;
}

/** The text content of a node list (elements inside are skipped). */
export function textOf(nodes: readonly Node[], vals: Vals): string {
  if (nodes.length === 1) {
    const n = nodes[0]!;
    if (n.k === 'subst') return vals?.[n.index]?.text ?? '';
    if (n.k === 'text') return n.text;
  }
  let s = '';
  for (const n of nodes) {
    switch (n.k) {
      case 'text':
      case 'cdata':
        s += n.text;
        break;
      case 'subst':
        s += vals?.[n.index]?.text ?? '';
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

/** True when the value list holds elements (directly, via a template or nested BinXML). */
export function hasElements(nodes: readonly Node[], vals: Vals): boolean {
  for (const n of nodes) {
    if (n.k === 'element' || n.k === 'template') return true;
    if (n.k === 'subst' && vals?.[n.index]?.nodes) return true;
  }
  return false;
}

/** An attribute's text; undefined when absent or an optional substitution that is null. */
export function attrText(el: ElementNode, name: string, vals: Vals): string | undefined {
  for (const a of el.attrs) if (a.name === name) return attrNodeText(a, vals);
  return undefined;
}

/** One attribute's text; undefined when it is an optional substitution that is null. */
function attrNodeText(a: AttrNode, vals: Vals): string | undefined {
  if (a.value.length === 1) {
    const n = a.value[0]!;
    if (n.k === 'subst') {
      const v = vals?.[n.index];
      if (!v || v.type === VT.Null) return undefined;
      return v.text;
    }
  }
  return textOf(a.value, vals);
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function setKey(data: Record<string, string>, key: string, value: string): void {
  // A plain object keeps V8's fast properties; names come from the evidence, so `__proto__`
  // is defined rather than assigned.
  if (key === '__proto__') Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true });
  else data[key] = value;
}

export function addKey(out: Extracted, key: string, value: string): void {
  const data = out.data;
  if (!own(data, key)) {
    setKey(data, key, value);
    return;
  }
  for (let i = 2; ; i++) {
    const k = `${key}_${i}`;
    if (!own(data, k)) {
      setKey(data, k, value);
      return;
    }
  }
}

type State = 'root' | 'event' | 'system' | 'eventdata' | 'userdata';

/**
 * An element whose whole content is an optional substitution with no value is not rendered
 * (MS-EVEN6 OptionalSubstitution), e.g. an empty <Binary>.
 */
export function isOmitted(el: ElementNode, vals: Vals): boolean {
  if (el.children.length !== 1) return false;
  const n = el.children[0]!;
  if (n.k !== 'subst' || !n.optional) return false;
  const v = vals?.[n.index];
  return !v || v.type === VT.Null || (v.text === '' && !v.nodes && !v.items);
}

function walk(nodes: readonly Node[], vals: Vals, state: State, out: Extracted): void {
  for (const n of nodes) {
    if (n.k === 'element') {
      if (!isOmitted(n, vals)) visit(n, vals, state, out);
    }
    else if (n.k === 'template') walk(n.template.nodes, n.values, state, out);
    else if (n.k === 'subst') {
      const v = vals?.[n.index];
      if (v?.nodes) walk(v.nodes, null, state, out);
    }
  }
}

function system(el: ElementNode, vals: Vals, out: Extracted): void {
  const raw = out.raw;
  switch (el.name) {
    case 'Provider':
      raw.provider = attrText(el, 'Name', vals);
      raw.providerGuid = attrText(el, 'Guid', vals);
      raw.eventSourceName = attrText(el, 'EventSourceName', vals);
      break;
    case 'EventID':
      raw.eventId = textOf(el.children, vals);
      raw.qualifiers = attrText(el, 'Qualifiers', vals);
      break;
    case 'Version':
      raw.version = textOf(el.children, vals);
      break;
    case 'Level':
      raw.level = textOf(el.children, vals);
      break;
    case 'Task':
      raw.task = textOf(el.children, vals);
      break;
    case 'Opcode':
      raw.opcode = textOf(el.children, vals);
      break;
    case 'Keywords':
      raw.keywords = textOf(el.children, vals);
      break;
    case 'EventRecordID':
      raw.recordId = textOf(el.children, vals);
      break;
    case 'Channel':
      raw.channel = textOf(el.children, vals);
      break;
    case 'Computer':
      raw.computer = textOf(el.children, vals);
      break;
    case 'TimeCreated': {
      for (const a of el.attrs) {
        if (a.name !== 'SystemTime') continue;
        const only = a.value.length === 1 ? a.value[0]! : null;
        const v = only?.k === 'subst' ? vals?.[only.index] : undefined;
        if (v?.filetime !== undefined) out.filetime = v.filetime;
        else raw.systemTime = textOf(a.value, vals);
      }
      break;
    }
    case 'Correlation':
      raw.activityId = attrText(el, 'ActivityID', vals);
      raw.relatedActivityId = attrText(el, 'RelatedActivityID', vals);
      break;
    case 'Execution':
      raw.processId = attrText(el, 'ProcessID', vals);
      raw.threadId = attrText(el, 'ThreadID', vals);
      break;
    case 'Security':
      raw.userSid = attrText(el, 'UserID', vals);
      break;
    default:
      break;
  }
}

/**
 * The items of an element whose whole content is one array substitution: Windows renders
 * such an element once per item (`<Data>a</Data><Data>b</Data>`), and so does the data map.
 */
export function arrayContent(nodes: readonly Node[], vals: Vals): readonly string[] | undefined {
  if (nodes.length !== 1) return undefined;
  const n = nodes[0]!;
  return n.k === 'subst' ? vals?.[n.index]?.items : undefined;
}

export function isNamespaceDecl(name: string): boolean {
  return name.startsWith('xmlns') && (name.length === 5 || name.charCodeAt(5) === 0x3a);
}

/**
 * A UserData element (or an unusual EventData child): a container's child elements are
 * visited the same way; a leaf (no child elements) is keyed by its element name, and its
 * attributes by `<Element>.<Attr>` (e.g. CAPI2 `<EventAuxInfo ProcessName="…"/>` →
 * `EventAuxInfo.ProcessName`, then `EventAuxInfo` = ''), in document order: attributes before
 * the text, repeats numbered `_2`, `_3` like the text keys. Containers' attributes are not kept
 * (CAPI2 chains would add dozens of keys per event). An attribute that is a null substitution
 * is not rendered by Windows and gets no key; namespace declarations (`xmlns`, `xmlns:…`) are
 * markup, not data.
 */
function leafOrDeeper(el: ElementNode, vals: Vals, out: Extracted): void {
  if (hasElements(el.children, vals)) {
    walk(el.children, vals, 'userdata', out);
    return;
  }
  for (const a of el.attrs) {
    if (isNamespaceDecl(a.name)) continue;
    const v = attrNodeText(a, vals);
    if (v !== undefined) addKey(out, `${el.name}.${a.name}`, v);
  }
  const items = arrayContent(el.children, vals);
  if (items) for (const item of items) addKey(out, el.name, item);
  else addKey(out, el.name, textOf(el.children, vals));
}

function visit(el: ElementNode, vals: Vals, state: State, out: Extracted): void {
  switch (state) {
    case 'root':
      if (el.name === 'Event') walk(el.children, vals, 'event', out);
      return;
    case 'event':
      switch (el.name) {
        case 'System':
          walk(el.children, vals, 'system', out);
          return;
        case 'EventData':
          walk(el.children, vals, 'eventdata', out);
          return;
        case 'UserData':
        case 'ProcessingErrorData':
        case 'DebugData':
        case 'BinaryEventData':
          walk(el.children, vals, 'userdata', out);
          return;
        default:
          return; // RenderingInfo and the like: not evidence of the event itself.
      }
    case 'system':
      system(el, vals, out);
      return;
    case 'eventdata':
      if (el.name === 'Data') {
        if (hasElements(el.children, vals)) {
          walk(el.children, vals, 'userdata', out);
          return;
        }
        const name = attrText(el, 'Name', vals);
        const items = arrayContent(el.children, vals) ?? [textOf(el.children, vals)];
        for (const item of items) {
          if (name !== undefined && name !== '') addKey(out, name, item);
          else addKey(out, `Data${++out.unnamed}`, item);
        }
      } else if (el.name === 'Binary') {
        addKey(out, 'Binary', textOf(el.children, vals));
      } else leafOrDeeper(el, vals, out);
      return;
    case 'userdata':
      leafOrDeeper(el, vals, out);
      return;
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** Extracts the normalized fields of a record's nodes. */
export function extractRecord(nodes: readonly Node[]): Extracted {
  // The fields of compiled.ts's Extracted, in its order: one shape for recordItem's loads.
  const out: Extracted = { raw: {}, data: {}, filetime: undefined, ticks: undefined, unnamed: 0 };
  walk(nodes, null, 'root', out);
  return out;
}
