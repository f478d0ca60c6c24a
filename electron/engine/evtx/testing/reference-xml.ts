// Test support: reads libevtx's `evtxexport -f xml` output (one <Event> after another, no
// root) into the fields the corpus test compares. Written independently of the reader's own
// extraction so that the two check each other.

export interface RefElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: RefElement[];
  text: string;
}

export interface RefEvent {
  readonly eventId: string;
  readonly recordId: string;
  readonly systemTime: string;
  readonly provider: string;
  readonly channel: string;
  readonly computer: string;
  readonly data: Record<string, string>;
}

const TAG = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>|<\?[^>]*\?>|<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)/g;
const ATTR = /([\w:.-]+)\s*=\s*"([^"]*)"/g;

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

/** Parses the events of one reference file into element trees. */
export function parseReferenceXml(text: string): RefElement[] {
  const roots: RefElement[] = [];
  const stack: RefElement[] = [];
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m; m = TAG.exec(text)) {
    const [, close, name, attrText, selfClose, cdata, chars] = m;
    if (chars !== undefined || cdata !== undefined) {
      const top = stack[stack.length - 1];
      if (top) top.text += chars !== undefined ? decodeEntities(chars) : cdata!;
      continue;
    }
    if (name === undefined) continue;
    if (close) {
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
    ATTR.lastIndex = 0;
    for (let a = ATTR.exec(attrText ?? ''); a; a = ATTR.exec(attrText ?? '')) attrs[a[1]!] = decodeEntities(a[2]!);
    const el: RefElement = { name, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else roots.push(el);
    if (!selfClose) stack.push(el);
  }
  return roots.filter((r) => r.name === 'Event');
}

function put(data: Record<string, string>, key: string, value: string): void {
  if (!(key in data)) {
    data[key] = value;
    return;
  }
  for (let i = 2; ; i++) {
    if (!(`${key}_${i}` in data)) {
      data[`${key}_${i}`] = value;
      return;
    }
  }
}

/** Leaves by element name, a leaf's attributes (but namespace declarations) as `<Element>.<Attr>` first. */
function leaves(el: RefElement, data: Record<string, string>): void {
  if (el.children.length > 0) {
    for (const c of el.children) leaves(c, data);
    return;
  }
  for (const [k, v] of Object.entries(el.attrs)) if (k !== 'xmlns' && !k.startsWith('xmlns:')) put(data, `${el.name}.${k}`, v);
  put(data, el.name, el.text);
}

/** The compared fields of one reference event, with the project's `data` conventions. */
export function refEventFields(ev: RefElement): RefEvent {
  const sys = ev.children.find((c) => c.name === 'System');
  const child = (name: string): RefElement | undefined => sys?.children.find((c) => c.name === name);
  const data: Record<string, string> = Object.create(null) as Record<string, string>;
  let unnamed = 0;
  for (const section of ev.children) {
    if (section.name === 'EventData') {
      for (const d of section.children) {
        if (d.name === 'Data') {
          if (d.children.length > 0) leaves(d, data);
          else if (d.attrs['Name']) put(data, d.attrs['Name'], d.text);
          else put(data, `Data${++unnamed}`, d.text);
        } else if (d.name === 'Binary') put(data, 'Binary', d.text);
        else leaves(d, data);
      }
    } else if (['UserData', 'ProcessingErrorData', 'DebugData', 'BinaryEventData'].includes(section.name)) {
      for (const c of section.children) leaves(c, data);
    }
  }
  return {
    eventId: child('EventID')?.text ?? '',
    recordId: child('EventRecordID')?.text ?? '',
    systemTime: child('TimeCreated')?.attrs['SystemTime'] ?? '',
    provider: child('Provider')?.attrs['Name'] ?? '',
    channel: child('Channel')?.text ?? '',
    computer: child('Computer')?.text ?? '',
    data,
  };
}
