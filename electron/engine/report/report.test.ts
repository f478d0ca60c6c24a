// The case report end to end: evidence imported the real way, correlated, reported; the HTML
// loaded in Chromium to prove that nothing from the evidence became markup.

import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/findings.js';
import { DEMO_EVIDENCE_DIR } from '../app-paths.js';
import { buildReportModel, defaultSessionSelection, summarizeFindings } from './build-report.js';
import { escapeHtml, renderProcessTree, renderReportHtml, REPORT_CSP } from './render-html.js';
import type { ReportBookmark, ReportNote } from './report-model.js';
import { importCase, openAnalyzedCase, type OpenedCase } from './testing/case-fixture.js';
import { chromiumAvailable, CHROMIUM, domFacts, dumpDom, REPORT_ATTRIBUTES, REPORT_ELEMENTS } from './testing/dom-check.js';
import { BLOB_CHARS, HOSTILE_EXPECTED_TEXT, HOSTILE_LOGON_ID, HOSTILE_PAYLOADS, writeHostileEvidence } from './testing/hostile-fixture.js';
import { tempDirs } from '../testing/temp-dirs.js';

const temp = tempDirs('all');

function finding(over: Partial<Finding>): Finding {
  return {
    id: 'r:1',
    ruleId: 'r',
    ruleTitle: 'Rule',
    level: 'high',
    origin: 'builtin',
    tags: [],
    eventIds: [1],
    time: '2024-01-01T00:00:00.0000000Z',
    host: 'H',
    sessionId: null,
    processId: null,
    summary: 's',
    suppressed: null,
    ...over,
  };
}

describe('report pieces', () => {
  it('groups findings by severity and tactic and counts the suppressed by reason', () => {
    const s = summarizeFindings([
      finding({ id: 'a', level: 'high', tags: ['attack.execution', 'attack.t1059.001'] }),
      finding({ id: 'b', level: 'medium', tags: ['attack.persistence', 'attack.privilege_escalation'] }),
      finding({ id: 'c', level: 'low', tags: [] }),
      finding({ id: 'd', level: 'high', tags: ['attack.execution'], suppressed: { entryId: 'e1', kind: 'allow', reason: 'SCCM', by: 'ana', at: '2024' } }),
      finding({ id: 'e', level: 'low', tags: [], suppressed: { entryId: 'e1', kind: 'allow', reason: 'SCCM', by: 'ana', at: '2024' } }),
    ]);
    expect(s.active).toBe(3);
    expect(s.suppressed).toBe(2);
    expect(s.suppressedReasons).toEqual([{ reason: 'allow: SCCM', count: 2 }]);
    expect(s.bySeverity.find((x) => x.level === 'high')?.count).toBe(1);
    expect(s.byTactic.map((t) => [t.tactic, t.findings.map((f) => f.id)])).toEqual([
      ['Execution', ['a']],
      ['Persistence', ['b']],
      ['Privilege Escalation', ['b']],
      ['No ATT&CK tactic', ['c']],
    ]);
  });

  it('draws a deep or cyclic process tree without recursion and with every edge basis', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({
      id: `p${i}`,
      host: 'H',
      pid: i,
      guid: null,
      image: `C:\\p${i}.exe`,
      commandLine: null,
      decodedCommand: null,
      start: null,
      end: null,
      user: 'u',
      logonId: null,
      sessionId: 's',
      integrity: null,
      elevation: null,
      parentId: i === 0 ? 'p19999' : `p${i - 1}`,
      parentBasis: i % 2 ? 'guid' : 'pid+time',
      candidates: [],
    }));
    const html = renderProcessTree(rows);
    expect((html.match(/<li>/g) ?? []).length).toBe(20_000);
    expect((html.match(/<li[ >]/g) ?? []).length).toBe((html.match(/<\/li>/g) ?? []).length);
    expect(html).toContain('parent links form a cycle here');
    expect(html).toContain('edge: pid+time');
  });

  it('the DOM check sees elements, attributes and links that do not belong', () => {
    const facts = domFacts('<html><body><p class="x">a &lt;b&gt;</p><img src="x" onerror="y"><a href="javascript:z">q</a></body></html>');
    expect([...facts.elements.keys()]).toEqual(['html', 'body', 'p', 'img', 'a']);
    expect([...facts.attributes]).toEqual(['class', 'src', 'onerror', 'href']);
    expect(facts.hrefs).toEqual(['javascript:z']);
    expect(facts.text).toBe('a <b>q');
  });

  it('escapes every HTML special character', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('the demo case report', () => {
  let dir: string;
  let opened: OpenedCase;
  let evidenceCopy: string;

  beforeAll(async () => {
    dir = temp('chainline-report-demo-');
    // The evidence is copied so that one test can change a byte of it.
    evidenceCopy = join(dir, 'evidence');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(evidenceCopy);
    for (const f of readdirSync(DEMO_EVIDENCE_DIR).filter((n) => /\.(xml|json|jsonl|evtx)$/i.test(n))) copyFileSync(join(DEMO_EVIDENCE_DIR, f), join(evidenceCopy, f));
    await importCase(join(dir, 'case'), [evidenceCopy], { name: 'Demo case', demo: true });
    opened = await openAnalyzedCase(join(dir, 'case'));
  });
  afterAll(async () => {
    await opened?.store.close();
  });

  it('holds the six-step chain, the evidence hashes, findings, a note and a bookmark', async () => {
    const attacker = opened.analysis.sessions.find((s) => s.logonId === '0x5a3c1e' && s.host === 'WS01.corp.example');
    if (!attacker) throw new Error('no attacker session in the demo');
    expect(defaultSessionSelection(opened.analysis, [])).toContain(attacker.id);
    const chain = opened.analysis.chain(attacker.id);
    const service = chain.find((s) => s.kind === 'service');
    if (!service) throw new Error('no service step');
    const serviceEvent = service.eventIds[0] as number;
    const bookmarks: ReportBookmark[] = [
      { target: { kind: 'event', eventId: serviceEvent }, label: 'The 7045 install of the second stage', tags: ['persistence'], createdAt: '2024-01-01T00:00:00Z', createdBy: 'analyst' },
    ];
    const notes: ReportNote[] = [
      { target: { kind: 'session', sessionId: attacker.id }, text: 'Attacker came in from 203.0.113.47 over WinRM.', createdAt: '2024-01-01T00:00:00Z', createdBy: 'analyst' },
    ];
    const findings = [
      finding({ id: 'f1', ruleTitle: 'Encoded PowerShell', level: 'high', tags: ['attack.execution', 'attack.t1059.001'], sessionId: attacker.id, summary: 'powershell -enc …' }),
    ];
    const model = await buildReportModel({ store: opened.store, analysis: opened.analysis, sessionIds: [attacker.id], analyst: 'A. Analyst', findings, bookmarks, notes });
    expect(model.evidence.length).toBeGreaterThanOrEqual(3);
    for (const e of model.evidence) expect(e.verification.kind).toBe('match');
    expect(model.sessions).toHaveLength(1);
    const kinds = model.sessions[0]!.chain.map((c) => c.step.kind);
    for (const k of ['logon', 'created-session', 'process', 'script', 'service']) expect(kinds).toContain(k);
    expect(model.appendix.map((d) => d.row.id)).toEqual([serviceEvent]);
    expect(model.coverage.length).toBeGreaterThan(0);

    const html = renderReportHtml(model);
    for (const e of model.evidence) expect(html).toContain(e.file.sha256);
    expect(html).toContain('T1059.001');
    expect(html).toContain('Encoded PowerShell');
    expect(html).toContain('Attacker came in from 203.0.113.47 over WinRM.');
    expect(html).toContain('The 7045 install of the second stage');
    expect(html).toContain(`id="event-${serviceEvent}"`);
    expect(html).toContain('0x5a3c1e');
    expect(html).toContain('0x5a4f02'); // the type 9 session the chain follows
    expect(html).toMatch(/\\temp\\upd\.exe/i); // the second stage
    expect(html).toContain('DownloadFile'); // the script block
    expect(html).toContain('edge: ');
    expect(html).not.toContain('MISMATCH');
    expect(html).toContain(`content="${REPORT_CSP.replace(/'/g, '&#39;')}"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|url\(/i);
  });

  it('shows loudly that an evidence file changed after import', async () => {
    const file = join(evidenceCopy, readdirSync(evidenceCopy).sort()[0] as string);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(file, bytes);
    const model = await buildReportModel({ store: opened.store, analysis: opened.analysis, sessionIds: [] });
    const changed = model.evidence.filter((e) => e.verification.kind === 'mismatch');
    expect(changed.map((e) => e.file.path)).toEqual([file]);
    const html = renderReportHtml(model);
    expect(html).toContain('MISMATCH');
    expect(html).toContain('class="alarm"');
    expect(html).toContain('1 evidence file no longer matches');
  });
});

describe.skipIf(!chromiumAvailable())('the hostile-content report in Chromium', () => {
  if (!chromiumAvailable()) console.warn(`skipped: no Chromium at ${CHROMIUM} (set CHAINLINE_CHROMIUM)`);

  it('has no element, attribute, style or link from the evidence, and all its text', async () => {
    const dir = temp('chainline-report-hostile-');
    const evidence = join(dir, 'hostile.jsonl');
    writeHostileEvidence(evidence);
    await importCase(join(dir, 'case'), [evidence]);
    const { store, analysis } = await openAnalyzedCase(join(dir, 'case'));
    try {
      const session = analysis.sessions.find((s) => s.logonId === HOSTILE_LOGON_ID);
      if (!session) throw new Error(`no hostile session; sessions: ${analysis.sessions.map((s) => s.logonId).join(', ')}`);
      const page = await store.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 100 });
      const bookmarks: ReportBookmark[] = page.rows.map((r) => ({
        target: { kind: 'event', eventId: r.id },
        label: `${HOSTILE_PAYLOADS.script} bookmark ${r.id}`,
        tags: [HOSTILE_PAYLOADS.img],
        createdAt: '2024-01-01T00:00:00Z',
        createdBy: HOSTILE_PAYLOADS.bidi,
      }));
      const findings = [finding({ id: 'h', ruleTitle: HOSTILE_PAYLOADS.link, summary: HOSTILE_PAYLOADS.style + HOSTILE_PAYLOADS.ansi, sessionId: session.id, host: HOSTILE_PAYLOADS.svg })];
      const notes: ReportNote[] = [{ target: null, text: `${HOSTILE_PAYLOADS.iframe}\n${HOSTILE_PAYLOADS.zeroWidth}`, createdAt: 'now', createdBy: HOSTILE_PAYLOADS.c1 }];
      const model = await buildReportModel({ store, analysis, sessionIds: [session.id], analyst: HOSTILE_PAYLOADS.script, findings, bookmarks, notes });
      expect(model.sessions[0]!.processes.length).toBe(4);
      expect(model.sessions[0]!.scripts.length).toBe(1);
      expect(model.sessions[0]!.services.length).toBe(1);
      const html = renderReportHtml(model);
      // The blob is clipped: the report stays small and says how long the value was.
      expect(html.length).toBeLessThan(2_000_000);
      const htmlPath = join(dir, 'report.html');
      writeFileSync(htmlPath, html);

      const dom = domFacts(await dumpDom(htmlPath));
      const strangers = [...dom.elements.keys()].filter((e) => !REPORT_ELEMENTS.has(e));
      expect(strangers, 'elements not written by the report').toEqual([]);
      expect([...dom.attributes].filter((a) => !REPORT_ATTRIBUTES.has(a)), 'attributes not written by the report').toEqual([]);
      expect(dom.elements.get('style')).toBe(1);
      expect(dom.elements.get('script') ?? 0).toBe(0);
      for (const href of dom.hrefs) expect(href).toMatch(/^#[a-z]+(-\d+)?$/);
      for (const style of dom.styleAttributes) expect(style).toMatch(/^width:\d+%$|^white-space:pre-wrap$/);
      for (const expected of HOSTILE_EXPECTED_TEXT) expect(dom.text, `report text holds ${JSON.stringify(expected)}`).toContain(expected);
      expect(dom.text).toMatch(new RegExp(`showing 4,096 of ${BLOB_CHARS.toLocaleString('en-US') === '5,242,880' ? '5,2\\d\\d,\\d\\d\\d' : ''}`));
      // Nothing invisible reached the text.
      expect(dom.text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
    } finally {
      await store.close();
    }
  });
});
