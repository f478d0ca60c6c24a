// Accessibility of each view with axe-core (WCAG 2 A/AA rules) in Chromium against
// `chainline serve` on the demo case: no serious or critical violations.

import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { startServe, type ServeHandle } from './serve-fixture.js';

let serve: ServeHandle;

test.beforeAll(async () => {
  serve = await startServe();
  await serve.waitForIngest();
});

test.afterAll(async () => {
  await serve?.stop();
});

async function serious(page: Page, view: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${view}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(' | ')}`);
}

test('each view has no serious accessibility violations', async ({ page }) => {
  test.setTimeout(120_000);
  const found: string[] = [];
  await page.goto(serve.url);
  await expect(page.getByTestId('total-events')).toContainText(/\d/);
  found.push(...(await serious(page, 'sessions + table')));
  await page.getByTestId('session-row').first().click();
  found.push(...(await serious(page, 'session (chain)')));
  for (const tab of ['side-tab-overview', 'side-tab-coverage', 'side-tab-notes', 'side-tab-findings']) {
    const t = page.getByTestId(tab);
    if ((await t.count()) === 0) continue;
    await t.click();
    found.push(...(await serious(page, tab)));
  }
  await page.getByTestId('report-open').click();
  found.push(...(await serious(page, 'report dialog')));
  console.log(found.length === 0 ? 'axe: no serious or critical violations' : found.join('\n'));
  expect(found).toEqual([]);
});
