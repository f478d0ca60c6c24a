// The case report as one self-contained HTML file: inline styles, no script, no external
// request (a CSP meta forbids them should anything slip through), readable printed. Every
// value from the evidence goes through `ev()`: clipped when long, invisible or control
// characters turned into visible markers, and HTML-escaped; nothing from the evidence ever
// lands in a tag, an attribute name or a style.

import type { EventDetail, ProcessRow } from '../../../shared/api.js';
import type { Finding } from '../../../shared/findings.js';
import { inertSegments } from '../../../shared/inert-text.js';
import { techniquesOf } from './attack.js';
import type {
  EvidenceVerification,
  ReportBookmark,
  ReportEvidence,
  ReportModel,
  ReportNote,
  ReportSession,
  ReportTarget,
} from './report-model.js';

/** The Content-Security-Policy of the report: nothing may load or run. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'";

/** Display limits per kind of value (characters). */
export const CLIP = {
  short: 512,
  commandLine: 4096,
  script: 65_536,
  raw: 20_000,
  note: 16_384,
} as const;

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** Evidence text as inert HTML: clipped, markers for the invisible, escaped. */
export function ev(value: string | null | undefined, maxChars: number = CLIP.short): string {
  if (value === null || value === undefined || value === '') return '<span class="none">—</span>';
  let out = '';
  for (const s of inertSegments(value, { maxChars })) {
    if (s.kind === 'text') out += escapeHtml(s.text);
    else if (s.kind === 'marker') out += `<span class="ctl">${escapeHtml(s.text)}</span>`;
    else out += `<span class="clip">${escapeHtml(s.text)}</span>`;
  }
  return out;
}

/** Evidence text in a preformatted block. */
function evBlock(value: string | null | undefined, maxChars: number): string {
  return `<pre class="code">${ev(value, maxChars)}</pre>`;
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB (${num(n)} bytes)`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB (${num(n)} bytes)`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB (${num(n)} bytes)`;
  return `${num(n)} bytes`;
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; border-bottom: 2px solid #1b1f24; padding-bottom: 2px; margin: 28px 0 10px; page-break-after: avoid; }
h3 { font-size: 15px; margin: 18px 0 6px; page-break-after: avoid; }
h4 { font-size: 13px; margin: 12px 0 4px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; table-layout: fixed; }
th, td { border: 1px solid #c9ced6; padding: 3px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; word-break: break-word; }
th { background: #eef1f5; font-weight: 600; }
tr { page-break-inside: avoid; }
.meta td:first-child { width: 180px; font-weight: 600; background: #f6f8fa; }
.mono, .code, .hash { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
.hash { overflow-wrap: anywhere; }
pre.code { white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-all; background: #f6f8fa; border: 1px solid #d8dde3; padding: 6px 8px; margin: 4px 0; max-width: 100%; }
.ctl { background: #fff3bf; color: #7a4a00; border: 1px solid #e0b000; border-radius: 2px; padding: 0 1px; font-family: ui-monospace, monospace; font-size: 11px; }
.clip { display: inline-block; background: #ffe3e3; color: #8a1c1c; border: 1px solid #e08080; border-radius: 2px; padding: 0 3px; font-family: system-ui, sans-serif; font-size: 11px; }
.none { color: #8a929c; }
.ok { color: #1a7f37; font-weight: 600; }
.bad { color: #fff; background: #c62828; font-weight: 700; padding: 1px 4px; border-radius: 3px; }
.warn { color: #7a4a00; background: #fff3bf; padding: 1px 4px; border-radius: 3px; }
.alarm { border: 3px solid #c62828; background: #ffebee; padding: 10px 14px; margin: 12px 0; font-weight: 600; }
.notice { border: 1px solid #e0b000; background: #fffbe6; padding: 6px 10px; margin: 8px 0; }
.sev-critical, .sev-high { color: #fff; background: #b71c1c; padding: 0 4px; border-radius: 3px; }
.sev-medium { color: #000; background: #ffb300; padding: 0 4px; border-radius: 3px; }
.sev-low { color: #000; background: #cfe3ff; padding: 0 4px; border-radius: 3px; }
.sev-informational { color: #000; background: #e6e6e6; padding: 0 4px; border-radius: 3px; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 18px; }
ul.tree { padding-left: 0; }
ul.tree li { border-left: 1px solid #c9ced6; padding: 3px 0 3px 10px; margin: 0; page-break-inside: avoid; }
.node-head { font-weight: 600; }
.basis { font-size: 11px; padding: 0 4px; border-radius: 3px; border: 1px solid #9aa4b0; color: #3b4450; background: #fff; }
.basis-guess { border-color: #e0b000; background: #fff3bf; }
.basis-none { border-color: #c62828; background: #ffebee; }
.kind { font-size: 11px; text-transform: uppercase; letter-spacing: .03em; color: #3b4450; }
.small { font-size: 11px; color: #4b5563; }
section.session { border-top: 1px solid #c9ced6; margin-top: 24px; page-break-before: always; }
section.event { page-break-inside: avoid; border: 1px solid #c9ced6; padding: 6px 10px; margin: 10px 0; }
@media print { body { max-width: none; padding: 0; } pre.code { page-break-inside: auto; } }
`;

function verificationCell(v: EvidenceVerification): string {
  switch (v.kind) {
    case 'match':
      return `<span class="ok">✔ matches</span><div class="hash">${escapeHtml(v.sha256)}</div>`;
    case 'mismatch':
      return `<span class="bad">✘ MISMATCH — the file changed since import</span><div class="hash">now ${escapeHtml(v.sha256)}</div>`;
    case 'missing':
      return `<span class="bad">✘ FILE MISSING</span><div class="small">${ev(v.reason)}</div>`;
    case 'unreadable':
      return `<span class="warn">not verified</span><div class="small">${ev(v.reason)}</div>`;
    case 'not-recorded':
      return `<span class="warn">no hash recorded at import</span>`;
    default: {
      const never: never = v;
      return never;
    }
  }
}

function renderEvidence(evidence: readonly ReportEvidence[]): string {
  const changed = evidence.filter((e) => e.verification.kind === 'mismatch' || e.verification.kind === 'missing');
  let html = '<h2 id="evidence">Evidence</h2>';
  if (changed.length > 0) {
    html += `<div class="alarm">⚠ ${changed.length} evidence file${changed.length === 1 ? '' : 's'} no longer match${
      changed.length === 1 ? 'es' : ''
    } the SHA-256 recorded at import (changed or missing). Findings drawn from ${changed.length === 1 ? 'it' : 'them'} cannot be verified against the file as it is now:<ul>${changed
      .map((e) => `<li class="mono">${ev(e.file.path, CLIP.commandLine)}</li>`)
      .join('')}</ul></div>`;
  }
  html +=
    '<table><colgroup><col style="width:28%"><col style="width:13%"><col style="width:29%"><col style="width:30%"></colgroup>' +
    '<tr><th>File</th><th>Size / modified</th><th>SHA-256 at import</th><th>SHA-256 at report time</th></tr>';
  for (const { file, verification } of evidence) {
    html += `<tr><td class="mono">${ev(file.path, CLIP.commandLine)}<div class="small">${escapeHtml(file.format)} · ${escapeHtml(file.status)} · ${num(file.events)} events · ${num(
      file.errors,
    )} parse errors · ${num(file.recovered)} recovered records · imported ${escapeHtml(file.importedAt)}</div></td><td>${bytes(file.size)}<div class="small">${ev(
      file.mtime,
    )}</div></td><td class="hash">${ev(file.sha256)}</td><td>${verificationCell(verification)}</td></tr>`;
  }
  html += '</table>';
  const withErrors = evidence.filter((e) => e.file.errorSamples.length > 0);
  if (withErrors.length > 0) {
    html += '<h3>Parse errors (first of each file)</h3>';
    for (const { file } of withErrors) {
      html += `<h4 class="mono">${ev(file.path, CLIP.commandLine)} — ${num(file.errors)} errors</h4>${evBlock(file.errorSamples.join('\n'), CLIP.script)}`;
    }
  }
  return html;
}

function renderCoverage(model: ReportModel): string {
  let html = '<h2 id="coverage">Coverage</h2>';
  if (model.coverage.length === 0) return html + '<p class="none">No events in the case.</p>';
  for (const host of model.coverage) {
    html += `<h3>${ev(host.host)}</h3>`;
    for (const w of host.warnings) html += `<div class="notice">⚠ ${ev(w, CLIP.commandLine)}</div>`;
    html += '<table><colgroup><col style="width:40%"><col style="width:12%"><col><col></colgroup><tr><th>Channel</th><th>Events</th><th>First</th><th>Last</th></tr>';
    for (const c of host.channels) html += `<tr><td>${ev(c.channel)}</td><td>${num(c.count)}</td><td class="mono">${escapeHtml(c.first)}</td><td class="mono">${escapeHtml(c.last)}</td></tr>`;
    html += '</table>';
  }
  return html;
}

function severity(level: Finding['level']): string {
  return `<span class="sev-${escapeHtml(level)}">${escapeHtml(level)}</span>`;
}

function findingsTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return '<p class="none">None.</p>';
  let html =
    '<table><colgroup><col style="width:9%"><col style="width:22%"><col style="width:12%"><col style="width:16%"><col></colgroup><tr><th>Level</th><th>Rule</th><th>Techniques</th><th>Time / host</th><th>What it saw</th></tr>';
  for (const f of findings) {
    html += `<tr><td>${severity(f.level)}</td><td>${ev(f.ruleTitle)}<div class="small mono">${ev(f.ruleId)} · ${escapeHtml(f.origin)}</div></td><td class="mono">${
      techniquesOf(f.tags).map(escapeHtml).join(', ') || '<span class="none">—</span>'
    }</td><td class="mono">${escapeHtml(f.time)}<div>${ev(f.host)}</div></td><td>${ev(f.summary, CLIP.commandLine)}${
      f.suppressed ? `<div class="small">suppressed (${escapeHtml(f.suppressed.kind)}): ${ev(f.suppressed.reason)} — ${ev(f.suppressed.by)}, ${ev(f.suppressed.at)}</div>` : ''
    }</td></tr>`;
  }
  return html + '</table>';
}

function renderFindings(model: ReportModel): string {
  const f = model.findings;
  let html = '<h2 id="findings">Findings</h2>';
  if (!model.detectionRan) return html + '<div class="notice">No detection rules ran for this report: it holds no findings, which does not mean the evidence has none.</div>';
  html += `<p>${num(f.active)} active finding${f.active === 1 ? '' : 's'}, ${num(f.suppressed)} suppressed. By severity: ${f.bySeverity
    .map((s) => `${severity(s.level)} ${num(s.count)}`)
    .join(' · ')}</p>`;
  for (const group of f.byTactic) {
    html += `<h3>${escapeHtml(group.tactic)} — ${num(group.findings.length)}</h3>${findingsTable(group.findings)}`;
  }
  if (f.suppressed > 0) {
    html += '<h3>Suppressed findings, by reason</h3><table><tr><th>Reason</th><th style="width:12%">Findings</th></tr>';
    for (const r of f.suppressedReasons) html += `<tr><td>${ev(r.reason, CLIP.commandLine)}</td><td>${num(r.count)}</td></tr>`;
    html += '</table>';
  }
  return html;
}

function basisClass(basis: string): string {
  if (basis === 'guid') return 'basis';
  if (basis === 'none' || basis === 'placeholder') return 'basis basis-none';
  return 'basis basis-guess';
}

function processLine(p: ProcessRow, byId: ReadonlyMap<string, ProcessRow>): string {
  const pid = p.pid === null ? '?' : `${p.pid} (0x${p.pid.toString(16)})`;
  const badges = [p.integrity ? `integrity ${ev(p.integrity)}` : '', p.elevation ? `elevation ${ev(p.elevation)}` : ''].filter(Boolean).join(' · ');
  let html = `<div class="node-head"><span class="mono">${ev(p.image, CLIP.commandLine)}</span> <span class="small">PID ${escapeHtml(pid)}</span> <span class="${basisClass(
    p.parentBasis,
  )}">edge: ${ev(p.parentBasis)}</span></div>`;
  html += `<div class="small">${escapeHtml(p.start ?? 'start unknown')} → ${escapeHtml(p.end ?? 'still running / no exit')} · user ${ev(p.user)}${
    badges ? ' · ' + badges : ''
  }${p.guid ? ` · GUID <span class="mono">${ev(p.guid)}</span>` : ''}</div>`;
  if (p.candidates.length > 0) {
    html += `<div class="small">ambiguous parent — candidates: ${p.candidates
      .map((c) => {
        const cand = byId.get(c);
        return `<span class="mono">${ev(cand ? `${cand.image} (PID ${cand.pid ?? '?'}, ${cand.start ?? '?'})` : c)}</span>`;
      })
      .join('; ')}</div>`;
  }
  if (p.commandLine) html += evBlock(p.commandLine, CLIP.commandLine);
  if (p.decodedCommand) html += `<div class="small">decoded command:</div>${evBlock(p.decodedCommand, CLIP.script)}`;
  return html;
}

/** The process tree, statically: nested lists, built iteratively (no recursion limit). */
export function renderProcessTree(processes: readonly ProcessRow[]): string {
  if (processes.length === 0) return '<p class="none">No processes.</p>';
  const byId = new Map(processes.map((p) => [p.id, p]));
  const children = new Map<string, ProcessRow[]>();
  const roots: ProcessRow[] = [];
  for (const p of processes) {
    if (p.parentId && byId.has(p.parentId) && p.parentId !== p.id) {
      const list = children.get(p.parentId) ?? [];
      list.push(p);
      children.set(p.parentId, list);
    } else roots.push(p);
  }
  const parts: string[] = [];
  const seen = new Set<string>();
  // Stack of open items: ['open', node] renders the node and pushes its children; 'close' ends a list item.
  type Item = { readonly kind: 'node'; readonly p: ProcessRow } | { readonly kind: 'close'; readonly list: boolean };
  const stack: Item[] = [];
  const pushList = (list: readonly ProcessRow[]): void => {
    for (let i = list.length - 1; i >= 0; i--) stack.push({ kind: 'node', p: list[i] as ProcessRow });
  };
  parts.push('<ul class="tree">');
  const drain = (): void => {
    while (stack.length > 0) {
      const item = stack.pop() as Item;
      if (item.kind === 'close') {
        parts.push(item.list ? '</ul></li>' : '</li>');
        continue;
      }
      const p = item.p;
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      parts.push('<li>' + processLine(p, byId));
      const kids = (children.get(p.id) ?? []).filter((c) => !seen.has(c.id));
      if (kids.length > 0) {
        parts.push('<ul>');
        stack.push({ kind: 'close', list: true });
        pushList(kids);
      } else stack.push({ kind: 'close', list: false });
    }
  };
  pushList(roots);
  drain();
  // Parent links that form a cycle (bad or crafted evidence) leave nodes no root reaches:
  // each such cycle is drawn from its earliest member, so nothing is dropped or loops.
  for (const p of processes) {
    if (seen.has(p.id)) continue;
    parts.push('<li class="small">parent links form a cycle here</li>');
    stack.push({ kind: 'node', p });
    drain();
  }
  parts.push('</ul>');
  return parts.join('');
}

function targetText(t: ReportTarget | null): string {
  if (!t) return 'case';
  switch (t.kind) {
    case 'event':
      return `event #${t.eventId}`;
    case 'process':
      return `process ${t.processId}`;
    case 'session':
      return `session ${t.sessionId}`;
    default: {
      const never: never = t;
      return never;
    }
  }
}

function renderBookmarks(bookmarks: readonly ReportBookmark[]): string {
  if (bookmarks.length === 0) return '<p class="none">None.</p>';
  let html = '<table><colgroup><col style="width:22%"><col><col style="width:18%"><col style="width:22%"></colgroup><tr><th>On</th><th>Label</th><th>Tags</th><th>By / when</th></tr>';
  for (const b of bookmarks) {
    const anchor = b.target.kind === 'event' ? ` (<a href="#event-${b.target.eventId}">appendix</a>)` : '';
    html += `<tr><td class="mono">${ev(targetText(b.target))}${anchor}</td><td>${ev(b.label, CLIP.note)}</td><td>${b.tags.map((t) => ev(t)).join(', ')}</td><td>${ev(
      b.createdBy,
    )}<div class="small">${ev(b.createdAt)}</div></td></tr>`;
  }
  return html + '</table>';
}

function renderNotes(notes: readonly ReportNote[]): string {
  if (notes.length === 0) return '<p class="none">None.</p>';
  return notes
    .map(
      (n) =>
        `<div class="notice"><div class="small">${ev(targetText(n.target))} — ${ev(n.createdBy)}, ${ev(n.createdAt)}</div><div style="white-space:pre-wrap">${ev(
          n.text,
          CLIP.note,
        )}</div></div>`,
    )
    .join('');
}

function renderSession(s: ReportSession, index: number): string {
  const x = s.session;
  let html = `<section class="session" id="session-${index + 1}"><h2>Session ${index + 1}: ${ev(x.domain ? `${x.domain}\\${x.user}` : x.user)} on ${ev(x.host)}</h2>`;
  html += `<table class="meta">
<tr><td>Logon ID</td><td class="mono">${ev(x.logonId)}</td></tr>
<tr><td>Logon type</td><td>${escapeHtml(x.logonType === null ? '?' : String(x.logonType))} ${ev(x.logonTypeName)}</td></tr>
<tr><td>Source</td><td>${ev(x.sourceIp)} ${x.workstation ? `(${ev(x.workstation)})` : ''}</td></tr>
<tr><td>Start → end</td><td class="mono">${escapeHtml(x.start)} → ${escapeHtml(x.end ?? 'still open')}</td></tr>
<tr><td>Admin</td><td>${x.admin ? '<span class="warn">yes (special privileges assigned)</span>' : 'no'}</td></tr>
<tr><td>Counts</td><td>${num(x.processes)} processes · ${num(x.scripts)} script blocks · ${num(x.services)} services · ${num(s.findings.length)} findings</td></tr>
<tr><td>Session id</td><td class="mono">${ev(x.id)}</td></tr>
</table>`;

  html += '<h3>Chain</h3>';
  if (s.chain.length === 0) html += '<p class="none">No chain steps.</p>';
  else {
    html += '<table><colgroup><col style="width:4%"><col style="width:17%"><col style="width:11%"><col><col style="width:30%"></colgroup><tr><th>#</th><th>Time</th><th>Step</th><th>Why it belongs</th><th>Evidence</th></tr>';
    s.chain.forEach(({ step, events }, i) => {
      const evidence = events
        .map((e) => `<div><a href="#event-${e.id}" class="mono">#${e.id}</a> ${ev(e.channel)} ${e.eventId} rec ${e.recordId ?? '?'}<div class="small">${ev(e.summary)}</div></div>`)
        .join('');
      html += `<tr><td>${i + 1}</td><td class="mono">${escapeHtml(step.time)}</td><td class="kind">${ev(step.kind)}</td><td>${ev(step.reason, CLIP.commandLine)}</td><td>${evidence}</td></tr>`;
    });
    html += '</table>';
    if (s.chainOmitted > 0) html += `<p class="notice">${num(s.chainOmitted)} further chain steps are not in the report.</p>`;
  }

  html += '<h3>Process tree</h3><p class="small">Edge basis: <span class="basis">guid</span> a fact (Sysmon GUIDs); <span class="basis basis-guess">pid+time</span> inferred from PID and time (ambiguous ones list their candidates); <span class="basis basis-none">placeholder / none</span> a parent known only by name, or none.</p>';
  html += renderProcessTree(s.processes);
  if (s.processesOmitted > 0) html += `<p class="notice">${num(s.processesOmitted)} further processes are not in the report.</p>`;

  html += '<h3>Script blocks</h3>';
  if (s.scripts.length === 0) html += '<p class="none">None.</p>';
  for (const b of s.scripts) {
    html += `<h4><span class="mono">${ev(b.scriptBlockId)}</span> — ${escapeHtml(b.time)}${b.path ? ` — ${ev(b.path)}` : ''}</h4><div class="small">${num(b.parts)} part(s)${
      b.missingParts.length ? `; missing parts ${escapeHtml(b.missingParts.join(', '))}` : ''
    }</div>${evBlock(b.text, CLIP.script)}`;
    if (b.decoded) html += `<div class="small">decoded:</div>${evBlock(b.decoded, CLIP.script)}`;
  }

  html += '<h3>Services installed</h3>';
  if (s.services.length === 0) html += '<p class="none">None.</p>';
  else {
    html += '<table><colgroup><col style="width:17%"><col style="width:18%"><col><col style="width:15%"></colgroup><tr><th>Time</th><th>Name</th><th>Image path</th><th>Account</th></tr>';
    for (const v of s.services) {
      html += `<tr><td class="mono">${escapeHtml(v.time)}</td><td>${ev(v.name)}</td><td>${evBlock(v.imagePath, CLIP.commandLine)}${
        v.decodedImagePath ? `<div class="small">decoded:</div>${evBlock(v.decodedImagePath, CLIP.script)}` : ''
      }</td><td>${ev(v.accountName)}</td></tr>`;
    }
    html += '</table>';
  }

  html += '<h3>Network</h3>';
  if (s.network.length === 0 && s.lateral.length === 0) html += '<p class="none">None recorded.</p>';
  if (s.network.length > 0) {
    html += '<table><colgroup><col style="width:17%"><col style="width:33%"><col><col style="width:12%"></colgroup><tr><th>Time</th><th>Process</th><th>Destination</th><th>Initiated</th></tr>';
    for (const n of s.network) {
      html += `<tr><td class="mono">${escapeHtml(n.time)}</td><td class="mono">${ev(n.image)}</td><td class="mono">${ev(n.target)}${n.sourceIp ? ` <span class="small">from ${ev(n.sourceIp)}</span>` : ''}</td><td>${
        n.initiated === null ? '?' : n.initiated ? 'yes' : 'no'
      }</td></tr>`;
    }
    html += '</table>';
    if (s.networkOmitted > 0) html += `<p class="notice">${num(s.networkOmitted)} further connections are not in the report.</p>`;
  }
  if (s.lateral.length > 0) {
    html += '<h4>Lateral movement</h4><table><tr><th style="width:17%">Time</th><th style="width:8%">Direction</th><th>From → to</th><th>Basis</th></tr>';
    for (const l of s.lateral) html += `<tr><td class="mono">${escapeHtml(l.time)}</td><td>${l.direction}</td><td>${ev(l.sourceHost)} → ${ev(l.targetHost)}</td><td>${ev(l.basis)}</td></tr>`;
    html += '</table>';
  }

  html += `<h3>Findings in this session</h3>${findingsTable(s.findings)}`;
  html += `<h3>Bookmarks</h3>${renderBookmarks(s.bookmarks)}`;
  html += `<h3>Notes</h3>${renderNotes(s.notes)}`;
  return html + '</section>';
}

function kvTable(values: Readonly<Record<string, string>>): string {
  const keys = Object.keys(values);
  if (keys.length === 0) return '<p class="none">None.</p>';
  let html = '<table><colgroup><col style="width:24%"><col></colgroup>';
  for (const k of keys) html += `<tr><td class="mono">${ev(k)}</td><td class="mono">${ev(values[k], CLIP.commandLine)}</td></tr>`;
  return html + '</table>';
}

function renderAppendixEvent(d: EventDetail): string {
  const r = d.row;
  return `<section class="event" id="event-${r.id}"><h3>Event #${r.id} — ${ev(r.channel)} ${r.eventId} — ${escapeHtml(r.time)}</h3>
<table class="meta">
<tr><td>Host</td><td>${ev(r.host)}</td></tr>
<tr><td>Provider</td><td>${ev(r.provider)}</td></tr>
<tr><td>Record id</td><td>${r.recordId === null ? '—' : num(r.recordId)}${r.recovered ? ' <span class="warn">recovered record</span>' : ''}</td></tr>
<tr><td>Time source</td><td>${ev(d.timeSource)} (precision ${escapeHtml(r.timePrecision)})</td></tr>
<tr><td>Source</td><td class="mono">${ev(d.source.file, CLIP.commandLine)} @ byte ${num(d.source.offset)} (+${num(d.source.length)})${
    d.source.line !== undefined ? `, line ${num(d.source.line)}` : ''
  }</td></tr>
<tr><td>Evidence SHA-256</td><td class="hash">${ev(d.evidenceSha256)}</td></tr>
<tr><td>Summary</td><td>${ev(r.summary, CLIP.commandLine)}</td></tr>
</table>
<h4>System</h4>${kvTable(d.system)}
<h4>Data</h4>${kvTable(d.data)}
<h4>Raw record${d.rawTruncated ? ' (truncated)' : ''}</h4>${d.rawError ? `<div class="notice">${ev(d.rawError, CLIP.commandLine)}</div>` : evBlock(d.raw, CLIP.raw)}
</section>`;
}

export function renderReportHtml(model: ReportModel): string {
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Chainline ${escapeHtml(model.chainlineVersion)}">
<title>Chainline report — ${escapeHtml(inertTitle(model.caseName))}</title>
<style>${STYLE}</style></head><body>`);
  parts.push(`<h1>Case report: ${ev(model.caseName)}</h1>
<table class="meta">
<tr><td>Analyst</td><td>${ev(model.analyst || 'not given')}</td></tr>
<tr><td>Report generated</td><td class="mono">${escapeHtml(model.generatedAt)}</td></tr>
<tr><td>Chainline version</td><td>${escapeHtml(model.chainlineVersion)}</td></tr>
<tr><td>Time zone</td><td>All times are ${escapeHtml(model.timeZone)} (ISO 8601).</td></tr>
<tr><td>Case folder</td><td class="mono">${ev(model.caseDir, CLIP.commandLine)}</td></tr>
<tr><td>Events</td><td>${num(model.totalEvents)}${model.firstTime ? ` from <span class="mono">${escapeHtml(model.firstTime)}</span> to <span class="mono">${escapeHtml(model.lastTime ?? '')}</span>` : ''}</td></tr>
<tr><td>Contents</td><td><a href="#evidence">Evidence</a> · <a href="#coverage">Coverage</a> · <a href="#findings">Findings</a> · ${model.sessions
    .map((s, i) => `<a href="#session-${i + 1}">Session ${i + 1}</a>`)
    .join(' · ')}${model.sessions.length ? ' · ' : ''}<a href="#notes">Case notes</a> · <a href="#appendix">Appendix</a></td></tr>
</table>
<p class="small">Text from the evidence is shown inert: control, bidirectional and invisible characters appear as markers such as <span class="ctl">⟨U+202E⟩</span>; long values are clipped with their full length stated.</p>`);
  for (const p of model.problems) parts.push(`<div class="notice">${ev(p, CLIP.commandLine)}</div>`);
  parts.push(renderEvidence(model.evidence));
  parts.push(renderCoverage(model));
  parts.push(renderFindings(model));
  if (model.sessions.length === 0) parts.push('<h2>Sessions</h2><p class="none">No session was selected for the report.</p>');
  model.sessions.forEach((s, i) => parts.push(renderSession(s, i)));
  parts.push(`<h2 id="notes">Case notes and bookmarks</h2><h3>Notes</h3>${renderNotes(model.caseNotes)}<h3>Bookmarks</h3>${renderBookmarks(model.caseBookmarks)}`);
  parts.push(`<h2 id="appendix">Appendix: bookmarked events</h2>`);
  if (model.appendix.length === 0) parts.push('<p class="none">No bookmarked events.</p>');
  for (const d of model.appendix) parts.push(renderAppendixEvent(d));
  parts.push(`<p class="small">Generated by Chainline ${escapeHtml(model.chainlineVersion)} at ${escapeHtml(model.generatedAt)}.</p></body></html>\n`);
  return parts.join('\n');
}

/** The title element holds text only: markers inline, clipped short. */
function inertTitle(value: string): string {
  return inertSegments(value, { maxChars: 120, keepNewlines: false })
    .map((s) => s.text)
    .join('');
}
