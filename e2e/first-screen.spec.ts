// The foundation's end-to-end path in Debian's Chromium against `chainline serve`:
// the demo loads, the overview shows, the table filters, a row opens its detail,
// and requests without the token are refused.

import { expect, test } from '@playwright/test';
import { startServe, type ServeHandle } from './serve-fixture.js';

let serve: ServeHandle;

test.beforeAll(async () => {
  serve = await startServe();
  // The demo import starts with the server; the tests below read the finished case.
  await serve.waitForIngest();
});

test.afterAll(async () => {
  await serve?.stop();
});

test('the demo case loads and shows its overview', async ({ page }) => {
  await page.goto(serve.url);
  // The sessions list is the side panel's first tab; the overview is under "Case".
  await page.getByTestId('side-tab-overview').click();
  await expect(page.getByTestId('overview')).toBeVisible();
  await expect(page.getByTestId('evidence-row').first()).toBeVisible();
  expect(await page.getByTestId('evidence-row').count()).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('overview-host').first()).toBeVisible();
  await expect(page.getByTestId('total-events')).toContainText(/\d/);
  // The token left the address bar once the page had read it.
  expect(page.url()).not.toContain('token=');
});

test('filtering the table by event id, clicking a row, seeing the detail', async ({ page }) => {
  await page.goto(serve.url);
  await expect(page.getByTestId('event-row').first()).toBeVisible();
  await page.getByTestId('filter-eventid').fill('4688');
  await expect
    .poll(async () => {
      const ids = await page.getByTestId('event-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-eventid')));
      return ids.length > 0 && ids.every((id) => id === '4688');
    })
    .toBe(true);
  const firstRow = page.getByTestId('event-row').first();
  await firstRow.click();
  const detail = page.getByTestId('event-detail');
  await expect(detail).toBeVisible();
  await expect(detail.locator('[data-testid="detail-field"][data-name="NewProcessName"]')).toBeVisible();
  await expect(page.getByTestId('raw-record')).toContainText('<Event');
});

test('free-text filter finds the encoded PowerShell, and hostile text stays inert', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await page.goto(serve.url);
  await page.getByTestId('filter-text').fill('<script>');
  // The filter is debounced: wait until the table shows the filtered result, not the old page.
  await expect(page.getByTestId('event-row')).toHaveCount(1);
  await page.getByTestId('event-row').first().click();
  await expect(page.getByTestId('event-detail')).toContainText('<script>');
  expect(await page.locator('body script:not([src])').count()).toBe(0);
  expect(dialogs).toBe(0);
});

test('requests without the token, with a wrong token or a foreign Host are refused', async ({ request }) => {
  const noToken = await request.post(`${serve.origin}/api/getCaseOverview`, {
    data: { args: [] },
    headers: { 'Content-Type': 'application/json' },
  });
  expect(noToken.status()).toBe(401);
  const wrongToken = await request.post(`${serve.origin}/api/getCaseOverview`, {
    data: { args: [] },
    headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': 'x'.repeat(serve.token.length) },
  });
  expect(wrongToken.status()).toBe(401);
  const page = await request.get(`${serve.origin}/`);
  expect(page.status()).toBe(401);
  const foreignHost = await request.get(serve.url, { headers: { Host: 'evil.example:80' } });
  expect(foreignHost.status()).toBe(403);
  const good = await request.post(`${serve.origin}/api/getCaseOverview`, {
    data: { args: [] },
    headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': serve.token },
  });
  expect(good.status()).toBe(200);
  expect(good.headers()['access-control-allow-origin']).toBeUndefined();
  const body = (await good.json()) as { result: { totalEvents: number } };
  expect(body.result.totalEvents).toBeGreaterThan(100);
  const badArgs = await request.post(`${serve.origin}/api/queryEvents`, {
    data: { args: [{ filter: {}, sort: 'sideways', offset: 0, limit: 10 }] },
    headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': serve.token },
  });
  expect(badArgs.status()).toBe(400);
  expect(serve.process.exitCode).toBeNull();
});

test('bad evidence opened through the API is reported while the server stays up', async ({ request }) => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'chainline-e2e-bad-'));
  writeFileSync(join(dir, 'garbage.evtx'), Buffer.from('ElfFile\0' + 'x'.repeat(5000)));
  writeFileSync(join(dir, 'empty.xml'), '');
  writeFileSync(join(dir, 'half.xml'), '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4624</EventID>');
  writeFileSync(join(dir, 'external.xml'), '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><Event><System><EventID>1</EventID></System><EventData><Data Name="a">&x;</Data></EventData></Event>');
  const headers = { 'Content-Type': 'application/json', 'X-Chainline-Token': serve.token };
  const before = (await (await request.post(`${serve.origin}/api/getCaseOverview`, { data: { args: [] }, headers })).json()) as {
    result: { totalEvents: number };
  };
  const opened = await request.post(`${serve.origin}/api/openEvidence`, { data: { args: [{ paths: [dir] }] }, headers });
  expect(opened.status()).toBe(200);
  await expect
    .poll(async () => {
      const r = await request.post(`${serve.origin}/api/getIngestStatus`, { data: { args: [] }, headers });
      return ((await r.json()) as { result: { phase: string } }).result.phase;
    })
    .toBe('done');
  const after = (await (await request.post(`${serve.origin}/api/getCaseOverview`, { data: { args: [] }, headers })).json()) as {
    result: { totalEvents: number; evidence: { path: string; status: string; errors: number; errorSamples: string[] }[] };
  };
  const bad = after.result.evidence.filter((e) => e.path.startsWith(dir));
  expect(bad).toHaveLength(4);
  for (const e of bad) {
    expect(e.errors).toBeGreaterThan(0);
    expect(e.errorSamples[0]).toContain(e.path);
  }
  expect(JSON.stringify(after.result)).not.toContain('root:x:0:0');
  expect(after.result.totalEvents).toBe(before.result.totalEvents);
  expect(serve.process.exitCode).toBeNull();
});
