// The findings view in Debian's Chromium against `chainline serve` on the demo case, plus a
// small Security log written here (host LAB7) that the engine's own case checks must flag: a
// full elevated token (%%1937) in a logon without 4672, and 4688s without CommandLine (the
// command-line auditing warning). Whatever the rule packs add on the demo, these are certain.
// Path: findings tab → warning in the header → the finding → its event, process and session →
// allow-list entry from it → the finding moves to Suppressed → the YAML export downloads.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { a11yProblems } from './a11y.js';
import { startServe, type ServeHandle } from './serve-fixture.js';

const ARTIFACTS = resolve(import.meta.dirname, '..', 'e2e-artifacts');
const TOKEN_RULE = 'chainline.case.token-full-without-admin';
const HOSTILE = 'cmd.exe /c echo <img src=x onerror=alert(1)> & whoami';
let serve: ServeHandle | null = null;
let evidenceDir = '';

function event(record: number, time: string, eventId: number, data: Record<string, string>): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const fields = Object.entries(data).map(([k, v]) => `<Data Name='${k}'>${esc(v)}</Data>`).join('');
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' ` +
    `Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/><EventID>${eventId}</EventID><Version>2</Version><Level>0</Level><Task>13312</Task>` +
    `<Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='${time}'/><EventRecordID>${record}</EventRecordID>` +
    `<Correlation/><Execution ProcessID='4' ThreadID='100'/><Channel>Security</Channel><Computer>LAB7.corp.example</Computer><Security/>` +
    `</System><EventData>${fields}</EventData></Event>`
  );
}

function labEvidence(): string {
  const sid = 'S-1-5-21-1111-2222-3333-1104';
  const subject = { SubjectUserSid: sid, SubjectUserName: 'mallory', SubjectDomainName: 'CORP', SubjectLogonId: '0x7a100' };
  return [
    event(501, '2024-03-12T11:00:00.1000000Z', 4624, {
      SubjectUserSid: 'S-1-5-18', SubjectUserName: 'LAB7$', SubjectDomainName: 'CORP', SubjectLogonId: '0x3e7',
      TargetUserSid: sid, TargetUserName: 'mallory', TargetDomainName: 'CORP', TargetLogonId: '0x7a100', LogonType: '2',
      LogonProcessName: 'User32', AuthenticationPackageName: 'Negotiate', WorkstationName: 'LAB7', IpAddress: '127.0.0.1',
    }),
    event(502, '2024-03-12T11:00:05.2000000Z', 4688, {
      ...subject, NewProcessId: '0x1a2c', NewProcessName: 'C:\\Windows\\System32\\cmd.exe', TokenElevationType: '%%1937',
      ProcessId: '0x1100', CommandLine: HOSTILE, ParentProcessName: 'C:\\Windows\\explorer.exe', MandatoryLabel: 'S-1-16-12288',
    }),
    // No CommandLine: command-line auditing is off on LAB7 for these.
    event(503, '2024-03-12T11:00:09.3000000Z', 4688, {
      ...subject, NewProcessId: '0x1b40', NewProcessName: 'C:\\Windows\\System32\\notepad.exe', TokenElevationType: '%%1938',
      ProcessId: '0x1100', ParentProcessName: 'C:\\Windows\\explorer.exe', MandatoryLabel: 'S-1-16-8192',
    }),
    event(504, '2024-03-12T11:00:12.4000000Z', 4688, {
      ...subject, NewProcessId: '0x1b60', NewProcessName: 'C:\\Windows\\System32\\calc.exe', TokenElevationType: '%%1938',
      ProcessId: '0x1100', ParentProcessName: 'C:\\Windows\\explorer.exe', MandatoryLabel: 'S-1-16-8192',
    }),
  ].join('\n') + '\n';
}

async function status(s: ServeHandle): Promise<{ runId: number; phase: string; filesDone: number; filesTotal: number }> {
  const response = await fetch(`${s.origin}/api/getIngestStatus`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': s.token },
    body: JSON.stringify({ args: [] }),
  });
  return ((await response.json()) as { result: { runId: number; phase: string; filesDone: number; filesTotal: number } }).result;
}

/** Waits until run `runId` (or a later one) is over and returns its status. */
async function runOver(s: ServeHandle, runId: number): Promise<{ phase: string; filesDone: number; filesTotal: number }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const st = await status(s);
    if (st.runId >= runId && ['done', 'failed', 'cancelled'].includes(st.phase)) return st;
    // (idle: nothing opened yet, e.g. the demo case already imported in an earlier start)
    if (st.phase === 'idle' && st.runId >= runId - 1 && runId === 1) return st;
    if (Date.now() > deadline) throw new Error(`import run ${runId} still ${st.phase} (run ${st.runId})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function post<T>(s: ServeHandle, method: string, args: unknown[]): Promise<T> {
  const response = await fetch(`${s.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': s.token },
    body: JSON.stringify({ args }),
  });
  expect(response.ok).toBe(true);
  return ((await response.json()) as { result: T }).result;
}

test.beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  serve = await startServe();
  await runOver(serve, 1);
  evidenceDir = mkdtempSync(join(tmpdir(), 'chainline-lab7-'));
  const file = join(evidenceDir, 'LAB7-Security.xml');
  writeFileSync(file, labEvidence());
  const opened = await post<{ runId: number; accepted: string[] }>(serve, 'openEvidence', [{ paths: [file] }]);
  expect(opened.accepted).toEqual([file]);
  await runOver(serve, opened.runId);
  const overview = await post<{ evidence: { path: string; status: string }[] }>(serve, 'getCaseOverview', []);
  expect(overview.evidence.find((e) => e.path === file)?.status).toBe('complete');
});

test.afterAll(async () => {
  await serve?.stop();
  if (evidenceDir) rmSync(evidenceDir, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

test('findings: tactics and rules, warning, open the event, allow-list it, Suppressed, YAML export', async ({ page }) => {
  test.setTimeout(120_000);
  const s = serve!;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(s.url);

  // Sessions: mallory's quiet type 2 session carries a high finding: its badge, and it ranks
  // above every session without findings (the demo's attacker sessions included, until rules
  // give those findings too).
  const mallory = page.locator('[data-testid="session-row"]', { hasText: 'mallory' });
  await expect(mallory.getByTestId('session-findings')).toContainText(/[1-9]\d* high/);
  await expect(mallory.getByTestId('session-reasons')).toContainText(/[1-9]\d* high findings?/);
  const order = await page.getByTestId('session-row').evaluateAll((els) =>
    els.map((e) => ({ mallory: (e.textContent ?? '').includes('mallory'), findings: e.querySelector('[data-testid="session-findings"]') !== null })),
  );
  const at = order.findIndex((o) => o.mallory);
  expect(order.slice(0, at).every((o) => o.findings)).toBe(true);
  await shot(page, 'f00-sessions-with-findings');

  // The findings tab: counts, the case warning, grouped by tactic.
  await page.getByTestId('side-tab-findings').click();
  const view = page.getByTestId('findings');
  await expect(view).toBeVisible();
  const warning = view.getByTestId('case-warning');
  await expect(warning).toContainText('command-line auditing is off');
  await warning.locator('summary').click();
  await expect(warning).toContainText('LAB7.corp.example: 2 of 3');
  await expect(warning).toContainText('ProcessCreationIncludeCmdLine_Enabled');
  await expect(view.getByTestId('finding-group').first()).toBeVisible();
  await expect(view.locator('[data-testid="finding-group"][data-group="privilege-escalation"]')).toContainText('Privilege Escalation');
  const row = view.locator(`[data-testid="finding-row"][data-finding-id^="${TOKEN_RULE}:"]`).first();
  await expect(row).toContainText('Full elevated token');
  // Hostile evidence is text, never markup.
  await expect(row).toContainText('<img src=x onerror=alert(1)>');
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await shot(page, 'f01-findings-by-tactic');
  expect(await a11yProblems(page)).toEqual([]);

  // By rule.
  await view.getByTestId('group-by-rule').click();
  await expect(view.locator(`[data-testid="finding-group"][data-group="${TOKEN_RULE}"]`)).toBeVisible();
  await view.getByTestId('group-by-tactic').click();

  // The finding: detail, hunting queries, then its event, process and session.
  // A click on the finding opens its event (and session and process) at once.
  await row.click();
  await expect(page.getByTestId('event-detail')).toContainText('%%1937');
  await expect(page.getByTestId('session-view')).toContainText('mallory');
  const detail = view.getByTestId('finding-detail');
  await expect(detail).toContainText('attack.privilege-escalation');
  await expect(detail.getByTestId('hunting').or(detail.locator('.warn'))).toBeVisible();
  const queries = await detail.getByTestId('hunting-query').count();
  if (queries > 0) await detail.getByTestId('copy-query').first().click();
  await detail.getByTestId('finding-open').click();
  const eventDetail = page.getByTestId('event-detail');
  await expect(eventDetail).toContainText('TokenElevationType');
  await expect(eventDetail).toContainText('%%1937');
  await expect(eventDetail.getByTestId('finding-list')).toContainText('Full elevated token');
  await expect(page.getByTestId('session-view')).toContainText('mallory');
  const treeRow = page.locator('[data-testid="tree-row"][data-image="cmd.exe"]');
  await expect(treeRow).toHaveAttribute('aria-selected', 'true');
  // The token finding, and the integrity jump (high under a medium explorer.exe) on the same process.
  await expect(treeRow.getByTestId('process-finding-badge')).toContainText(/[1-9]\d* findings?/);
  await expect(page.getByTestId('process-detail').getByTestId('finding-list')).toBeVisible();
  await shot(page, 'f02-finding-opened');
  expect(await a11yProblems(page)).toEqual([]);

  // The timeline's findings lane has the mark.
  await page.getByTestId('view-tab-timeline').click();
  await expect(page.locator('[data-testid="timeline-mark"][data-mark-lane="findings"]').first()).toBeVisible();
  await shot(page, 'f03-timeline-findings-lane');

  // The ATT&CK Navigator layer downloads as JSON.
  const layerDownload = page.waitForEvent('download');
  await view.getByTestId('download-layer').click();
  const layer = JSON.parse(readFileSync((await (await layerDownload).path())!, 'utf8')) as { domain: string; techniques: { techniqueID: string }[] };
  expect(layer.domain).toBe('enterprise-attack');
  expect(layer.techniques.map((t) => t.techniqueID)).toContain('T1134');

  // Allow-list it from the finding: SID and parent pattern prefilled, a reason, saved.
  await detail.getByTestId('finding-allow').click();
  const form = detail.getByTestId('allow-form');
  await expect(form).toContainText('SubjectUserSid is S-1-5-21-1111-2222-3333-1104');
  await expect(form).toContainText('ParentProcessName like C:\\Windows\\explorer.exe');
  await form.getByTestId('allow-reason').fill('Lab image: mallory is the test account');
  await form.getByTestId('allow-by').fill('e2e');
  await shot(page, 'f04-allow-form');
  expect(await a11yProblems(page)).toEqual([]);
  await form.getByTestId('allow-save').click();
  await expect(view.locator(`[data-testid="finding-row"][data-finding-id^="${TOKEN_RULE}:"]`)).toHaveCount(0);

  // It is in Suppressed with the reason, who and when; nothing was deleted.
  await view.getByTestId('findings-tab-suppressed').click();
  const suppressed = view.locator(`[data-testid="suppressed-row"][data-finding-id^="${TOKEN_RULE}:"]`);
  await expect(suppressed).toHaveCount(1);
  await expect(suppressed).toContainText('Lab image: mallory is the test account');
  await expect(suppressed).toContainText('by e2e');
  await shot(page, 'f05-suppressed');
  expect(await a11yProblems(page)).toEqual([]);

  // The allow-list editor lists the entry; the YAML export downloads it.
  await view.getByTestId('findings-tab-allowlist').click();
  const entry = view.getByTestId('allow-entry').filter({ hasText: TOKEN_RULE });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('SubjectUserSid = S-1-5-21-1111-2222-3333-1104');
  const yamlDownload = page.waitForEvent('download');
  await view.getByTestId('allow-export').click();
  const download = await yamlDownload;
  expect(download.suggestedFilename()).toBe('chainline-allowlist.yaml');
  const yaml = readFileSync((await download.path())!, 'utf8');
  expect(yaml).toContain(TOKEN_RULE);
  expect(yaml).toContain('S-1-5-21-1111-2222-3333-1104');
  await shot(page, 'f06-allow-list');
  expect(await a11yProblems(page)).toEqual([]);

  // Removing it brings the finding back; importing the export quiets it again.
  await entry.getByTestId('allow-remove').click();
  await expect(view.getByTestId('allow-entry').filter({ hasText: TOKEN_RULE })).toHaveCount(0);
  await view.getByTestId('findings-tab-active').click();
  await expect(view.locator(`[data-testid="finding-row"][data-finding-id^="${TOKEN_RULE}:"]`)).toHaveCount(1);
  // The sub-tabs are one tab stop; the arrow keys move between them (wrapping).
  await expect(view.getByTestId('findings-tab-suppressed')).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('ArrowLeft');
  await expect(view.getByTestId('findings-tab-allowlist')).toBeFocused();
  await expect(view.getByTestId('findings-tab-allowlist')).toHaveAttribute('aria-selected', 'true');
  const yamlFile = join(evidenceDir, 'allow.yaml');
  writeFileSync(yamlFile, yaml);
  await view.getByTestId('allow-import').setInputFiles(yamlFile);
  await expect(view.getByTestId('allow-entry').filter({ hasText: TOKEN_RULE })).toHaveCount(1);
  await expect(view.getByRole('status')).toContainText('Imported');

  expect(dialogs).toEqual([]);
  expect(cspViolations).toEqual([]);
  expect(pageErrors).toEqual([]);
});

// The same views on the renderer's fake API (Vite dev server, ?fake=1): several hundred findings
// over two thousand sessions, three hundred on the 20,000-process session.
test('findings at scale on the fake API: virtualized groups, tree badges, suppress by host', async ({ page }) => {
  test.setTimeout(240_000);
  const { createServer } = await import('vite');
  const root = resolve(import.meta.dirname, '..');
  const server = await createServer({ configFile: join(root, 'vite.config.ts'), server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await page.goto(`http://127.0.0.1:${port}/?fake=1`);
    // Sessions with findings first, with their badges.
    await expect(page.getByTestId('session-row').first().getByTestId('session-findings')).toBeVisible({ timeout: 60_000 });
    await page.getByTestId('side-tab-findings').click();
    const view = page.getByTestId('findings');
    await expect(view.getByTestId('case-warning')).toContainText('command-line auditing is off');
    await expect(view.getByTestId('finding-group').first()).toBeVisible();
    // Virtualized: hundreds of findings, a few dozen rows in the DOM.
    const total = Number(await view.getByTestId('findings-tab-active').locator('.tab-count').textContent());
    expect(total).toBeGreaterThan(300);
    expect(await view.getByTestId('finding-row').count()).toBeLessThan(60);
    await expect(view.locator('[data-testid="finding-group"][data-group="execution"]')).toBeVisible();
    await view.getByTestId('group-by-rule').click();
    await expect(view.getByTestId('finding-group').first()).toHaveAttribute('data-group', 'chainline.builtin.service-user-path');
    await shot(page, 'f10-fake-findings-by-rule');
    await view.getByTestId('group-by-tactic').click();
    const first = view.getByTestId('finding-row').first();
    await first.click();
    await expect(view.getByTestId('hunting-query').first()).toBeVisible();
    await shot(page, 'f11-fake-finding-detail');
    // Suppress everything on one host: the active count drops by the host's findings.
    await view.getByTestId('finding-allow').click();
    const form = view.getByTestId('allow-form');
    // The conditions appear once the finding's event is read.
    await expect(form.locator('[data-testid="allow-condition"][data-kind="host"]')).toBeVisible();
    for (const box of await form.getByTestId('allow-condition').all()) {
      if ((await box.getAttribute('data-kind')) === 'host') await box.check();
      else await box.uncheck();
    }
    await form.getByTestId('allow-reason').fill('Vulnerability scanner');
    await form.getByTestId('allow-by').fill('e2e');
    await form.getByTestId('allow-save').click();
    await expect(view.getByTestId('findings-tab-suppressed').locator('.tab-count')).not.toHaveText('0');
    const after = Number(await view.getByTestId('findings-tab-active').locator('.tab-count').textContent());
    const suppressed = Number(await view.getByTestId('findings-tab-suppressed').locator('.tab-count').textContent());
    expect(after + suppressed).toBe(total);
    // The allow-list editor and a baseline candidate.
    await view.getByTestId('findings-tab-allowlist').click();
    await expect(view.getByTestId('allow-entry')).toHaveCount(1);
    await expect(view.getByTestId('allow-entry')).toContainText('host WS01.corp.local (scanner)');
    await expect(view.getByTestId('allow-entry')).not.toContainText('SubjectUserSid');
    await view.getByTestId('baseline-accept').first().click();
    await expect(view.getByTestId('allow-entry')).toHaveCount(2);
    await shot(page, 'f12-fake-allow-list');
    // The 20,000-process session: finding badges on tree rows.
    await page.getByTestId('side-tab-sessions').click();
    // The list shows the cards in view: the busiest session comes first when sorted by processes.
    await page.getByTestId('session-sort').selectOption('processes');
    await page.locator('[data-testid="session-row"][data-session-id="f1"]').click();
    await page.getByTestId('view-tab-tree').click();
    await page.getByTestId('tree-expand-all').click();
    await expect(page.getByTestId('process-finding-badge').first()).toBeVisible({ timeout: 30_000 });
    await shot(page, 'f13-fake-tree-badges');
    expect(pageErrors).toEqual([]);
  } finally {
    await server.close();
  }
});
