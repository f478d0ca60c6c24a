// The case report written by the built CLI from hostile evidence, opened in Chromium: nothing
// from the evidence becomes an element, attribute, style, link or request; no dialog opens;
// the evidence's text is all there, with markers for what is invisible.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { HOSTILE_EXPECTED_TEXT, HOSTILE_LOGON_ID, writeHostileEvidence } from '../electron/engine/report/testing/hostile-fixture.js';

const ROOT = resolve(import.meta.dirname, '..');
const ELEMENTS = new Set([
  'HTML', 'HEAD', 'META', 'TITLE', 'STYLE', 'BODY', 'H1', 'H2', 'H3', 'H4', 'P', 'DIV', 'SPAN', 'A', 'PRE', 'SECTION',
  'TABLE', 'COLGROUP', 'COL', 'TBODY', 'THEAD', 'TR', 'TH', 'TD', 'UL', 'LI',
]);
const ATTRIBUTES = new Set(['lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'href', 'style']);

let dir = '';
let reportUrl = '';

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainline-e2e-report-'));
  const evidence = join(dir, 'hostile.jsonl');
  writeHostileEvidence(evidence);
  const report = join(dir, 'report.html');
  execFileSync(process.execPath, [join(ROOT, 'bin', 'chainline.js'), 'analyze', evidence, '--case', join(dir, 'case'), '--report', report], {
    cwd: ROOT,
    env: { ...process.env, CHAINLINE_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  expect(readFileSync(report, 'utf8')).toContain(HOSTILE_LOGON_ID);
  reportUrl = pathToFileURL(report).href;
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the hostile report is inert in Chromium and holds all of the text', async ({ page }) => {
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(reportUrl);
  await page.waitForLoadState('load');

  const dom = await page.evaluate(() => {
    const elements = new Set<string>();
    const attributes = new Set<string>();
    const hrefs: string[] = [];
    const styles: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      elements.add(el.tagName);
      for (const a of Array.from(el.attributes)) {
        attributes.add(a.name);
        if (a.name === 'href') hrefs.push(a.value);
        if (a.name === 'style') styles.push(a.value);
      }
    }
    return {
      elements: [...elements],
      attributes: [...attributes],
      hrefs,
      styles,
      styleSheets: document.styleSheets.length,
      scripts: document.scripts.length,
      title: document.title,
      bodyDisplay: getComputedStyle(document.body).display,
      text: document.body.innerText,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
    };
  });
  expect(dom.elements.filter((e) => !ELEMENTS.has(e)), 'elements not written by the report').toEqual([]);
  expect(dom.attributes.filter((a) => !ATTRIBUTES.has(a)), 'attributes not written by the report').toEqual([]);
  expect(dom.scripts).toBe(0);
  expect(dom.styleSheets).toBe(1);
  for (const href of dom.hrefs) expect(href).toMatch(/^#[a-z]+(-\d+)?$/);
  for (const style of dom.styles) expect(style).toMatch(/^width:\d+%$|^white-space:pre-wrap$/);
  expect(dom.bodyDisplay).toBe('block');
  expect(dom.title).toMatch(/^Chainline report — /);
  expect(dom.csp).toContain("default-src 'none'");
  expect(dialogs).toEqual([]);
  expect(requests).toEqual([reportUrl]);
  for (const expected of HOSTILE_EXPECTED_TEXT) expect(dom.text, `report text holds ${JSON.stringify(expected)}`).toContain(expected);
  expect(dom.text).toMatch(/showing 4,096 of 5,2\d\d,\d\d\d/);
  expect(dom.text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
  await page.screenshot({ path: test.info().outputPath('report-hostile.png'), fullPage: false });
});
