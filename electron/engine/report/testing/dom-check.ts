// Checks a report's DOM as Chromium built it (`--dump-dom`): only the report's own elements and
// attributes exist, links stay inside the document, and the text is recoverable.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env['CHAINLINE_CHROMIUM'] ?? '/usr/bin/chromium';
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

/** The elements and attributes renderReportHtml writes; anything else came from the evidence. */
export const REPORT_ELEMENTS: ReadonlySet<string> = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'h4', 'p', 'div', 'span', 'a', 'pre', 'section',
  'table', 'colgroup', 'col', 'tbody', 'thead', 'tr', 'th', 'td', 'ul', 'li',
]);
export const REPORT_ATTRIBUTES: ReadonlySet<string> = new Set(['lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'href', 'style']);

/** The DOM after parsing, serialized by Chromium (no script runs: the report has none and its CSP forbids it). */
export async function dumpDom(htmlPath: string): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'chainline-dom-'));
  try {
    return await new Promise<string>((resolveDump, reject) => {
      execFile(
        CHROMIUM,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          `--user-data-dir=${profile}`,
          '--dump-dom',
          pathToFileURL(htmlPath).href,
        ],
        { maxBuffer: 256 << 20, timeout: 120_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${String(stderr).slice(0, 2000)}`)) : resolveDump(String(stdout))),
      );
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

export interface DomFacts {
  readonly elements: ReadonlyMap<string, number>;
  readonly attributes: ReadonlySet<string>;
  readonly hrefs: readonly string[];
  readonly styleAttributes: readonly string[];
  /** Text content: tags removed, entities decoded. */
  readonly text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

/**
 * Reads a serialized DOM. In Chromium's serialization a `<` in text is always `&lt;`, so every
 * raw `<name` is an element; attribute values are quoted with `"` (a `"` inside is `&quot;`).
 */
export function domFacts(serialized: string): DomFacts {
  const elements = new Map<string, number>();
  const attributes = new Set<string>();
  const hrefs: string[] = [];
  const styleAttributes: string[] = [];
  const tag = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g;
  for (const m of serialized.matchAll(tag)) {
    const name = (m[1] as string).toLowerCase();
    elements.set(name, (elements.get(name) ?? 0) + 1);
    for (const a of (m[2] ?? '').matchAll(/\s+([^\s=>/]+)(?:="([^"]*)")?/g)) {
      const attr = (a[1] as string).toLowerCase();
      attributes.add(attr);
      if (attr === 'href') hrefs.push(a[2] ?? '');
      if (attr === 'style') styleAttributes.push(a[2] ?? '');
    }
  }
  // Text: the body's content without the head (title and style are not report text).
  const body = serialized.slice(Math.max(0, serialized.indexOf('<body')));
  const text = body
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, e: string) => ENTITIES[e] as string);
  return { elements, attributes, hrefs, styleAttributes, text };
}
