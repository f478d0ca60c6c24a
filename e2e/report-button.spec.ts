// The Report button in the app: the investigator names themself, creates the report and gets a
// self-contained HTML file with the case's findings and evidence hashes.

import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { startServe, type ServeHandle } from './serve-fixture.js';

let serve: ServeHandle;

test.beforeAll(async () => {
  serve = await startServe();
  await serve.waitForIngest();
});

test.afterAll(async () => {
  await serve?.stop();
});

test('the Report button downloads the case report', async ({ page }) => {
  await page.goto(serve.url);
  await expect(page.getByTestId('total-events')).toContainText(/\d/);
  await page.getByTestId('report-open').click();
  await page.getByTestId('report-analyst').fill('E. Two-E');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('report-create').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^chainline-report-.*\.html$/);
  const html = await readFile((await download.path()) as string, 'utf8');
  expect(html).toContain('E. Two-E');
  expect(html).toContain('PowerShell With an Encoded Command');
  expect(html).toContain('0x5a3c1e');
  expect(html).not.toMatch(/<script/i);
  await expect(page.getByTestId('report-message')).toContainText('Saved chainline-report-');
  await page.screenshot({ path: 'e2e-artifacts/report-dialog.png' });
});

test('the Rules button shows the loaded rules and lists a folder that cannot be read', async ({ page }) => {
  await page.goto(serve.url);
  await page.getByTestId('rules-open').click();
  await expect(page.getByTestId('rules-summary')).toContainText(/\d+ rules \(\d+ built-in/);
  await page.getByTestId('rules-folders').fill('/nonexistent/chainline-rules');
  await page.getByTestId('rules-load').click();
  await expect(page.getByTestId('rules-problems')).toContainText('cannot read');
  await expect(page.getByTestId('rules-summary')).toContainText('1 rejected');
  await page.screenshot({ path: 'e2e-artifacts/rules-dialog.png' });
  // Back to the built-in pack alone, as the other specs expect.
  await page.getByTestId('rules-folders').fill('');
  await page.getByTestId('rules-load').click();
  await expect(page.getByTestId('rules-summary')).toContainText('0 rejected');
});
