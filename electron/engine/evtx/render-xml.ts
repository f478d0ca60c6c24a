// Renders a record's nodes to Windows-style XML (two-space indentation, substitutions
// resolved, optional attributes whose value is null left out) for the raw-record view.
import type { ElementNode, Node, Value } from './binxml-tokens.js';
import { isOmitted } from './extract.js';
import { VT } from './values.js';

type Vals = readonly Value[] | null;

// Characters XML 1.0 cannot carry are written as references so the text stays readable.
// eslint-disable-next-line no-control-regex
const BAD = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

export function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BAD, (ch) => `&#x${ch.charCodeAt(0).toString(16)};`);
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

function inlineText(nodes: readonly Node[], vals: Vals): string {
  let s = '';
  for (const n of nodes) {
    switch (n.k) {
      case 'text':
        s += escapeText(n.text);
        break;
      case 'cdata':
        s += `<![CDATA[${n.text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
        break;
      case 'charref':
        s += `&#${n.code};`;
        break;
      case 'entity':
        s += `&${n.name};`;
        break;
      case 'subst': {
        const v = vals?.[n.index];
        if (v && !v.nodes) s += escapeText(v.text);
        break;
      }
      default:
        break;
    }
  }
  return s;
}

/** True when the content holds elements or PIs, which go on lines of their own. */
function isBlock(nodes: readonly Node[], vals: Vals): boolean {
  for (const n of nodes) {
    if (n.k === 'element' || n.k === 'template' || n.k === 'pi') return true;
    if (n.k === 'subst' && vals?.[n.index]?.nodes) return true;
  }
  return false;
}

class Writer {
  readonly parts: string[] = [];
  size = 0;
  constructor(readonly limit: number) {}
  push(s: string): void {
    if (this.size > this.limit) return;
    this.parts.push(s);
    this.size += s.length;
  }
}

function attrs(el: ElementNode, vals: Vals): string {
  let s = '';
  for (const a of el.attrs) {
    if (a.value.length === 1) {
      const n = a.value[0]!;
      if (n.k === 'subst') {
        const v = vals?.[n.index];
        if (!v || (v.type === VT.Null && n.optional)) continue;
      }
    }
    s += ` ${a.name}="${escapeAttr(decodeForAttr(a.value, vals))}"`;
  }
  return s;
}

function decodeForAttr(nodes: readonly Node[], vals: Vals): string {
  let s = '';
  for (const n of nodes) {
    if (n.k === 'text' || n.k === 'cdata') s += n.text;
    else if (n.k === 'subst') s += vals?.[n.index]?.text ?? '';
    else if (n.k === 'charref') s += String.fromCharCode(n.code);
    else if (n.k === 'entity') s += ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[n.name] ?? '';
  }
  return s;
}

function renderNodes(nodes: readonly Node[], vals: Vals, depth: number, w: Writer): void {
  const ind = '  '.repeat(depth);
  for (const n of nodes) {
    if (w.size > w.limit) return;
    switch (n.k) {
      case 'element': {
        if (isOmitted(n, vals)) break;
        const open = `${ind}<${n.name}${attrs(n, vals)}`;
        const only = n.children.length === 1 ? n.children[0]! : null;
        const items = only?.k === 'subst' ? vals?.[only.index]?.items : undefined;
        if (items) {
          // Windows repeats an element whose content is an array, once per item.
          for (const item of items) w.push(item === '' ? open + '/>\n' : `${open}>${escapeText(item)}</${n.name}>\n`);
          break;
        }
        if (n.children.length === 0) {
          w.push(open + '/>\n');
        } else if (!isBlock(n.children, vals)) {
          const text = inlineText(n.children, vals);
          w.push(text === '' ? open + '/>\n' : `${open}>${text}</${n.name}>\n`);
        } else {
          w.push(open + '>\n');
          renderNodes(n.children, vals, depth + 1, w);
          w.push(`${ind}</${n.name}>\n`);
        }
        break;
      }
      case 'template':
        renderNodes(n.template.nodes, n.values, depth, w);
        break;
      case 'subst': {
        const v = vals?.[n.index];
        if (v?.nodes) renderNodes(v.nodes, null, depth, w);
        else if (v && v.text !== '') w.push(`${ind}${escapeText(v.text)}\n`);
        break;
      }
      case 'pi':
        w.push(`${ind}<?${n.target}${n.data ? ' ' + n.data : ''}?>\n`);
        break;
      case 'text':
      case 'cdata':
      case 'charref':
      case 'entity': {
        const t = inlineText([n], vals);
        if (t.trim() !== '') w.push(`${ind}${t}\n`);
        break;
      }
      default: {
        const never: never = n;
        return never;
      }
    }
  }
}

/** Renders a record to XML; `truncated` when it exceeded maxChars. */
export function renderRecordXml(nodes: readonly Node[], maxChars: number): { text: string; truncated: boolean } {
  const w = new Writer(maxChars);
  renderNodes(nodes, null, 0, w);
  const text = w.parts.join('');
  if (text.length > maxChars) return { text: text.slice(0, maxChars), truncated: true };
  return { text, truncated: false };
}
