// The frame recorder that bench:views and the views-perf spec judge frames with: a page made to
// block one frame for 150 ms must show it as the longest frame, as a slow frame, and (where
// Chromium reports long animation frames) as one attributed to the script that blocked it.
import { expect, test } from '@playwright/test';
import { startFrames, stopFrames } from '../scripts/frame-recorder.js';

test('frame recorder reports a blocked frame with what blocked it', async ({ page }) => {
  await page.setContent('<!doctype html><title>frames</title><div id="box">frames</div>');
  await startFrames(page);
  await page.waitForTimeout(200);
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        requestAnimationFrame(function blockFrame() {
          const until = performance.now() + 150;
          while (performance.now() < until) {
            // Busy: this frame cannot be drawn until the loop ends.
          }
          document.getElementById('box')!.textContent = 'blocked';
          setTimeout(resolve, 200);
        });
      }),
  );
  const stats = await stopFrames(page);
  expect(stats.frames).toBeGreaterThan(5);
  expect(stats.max).toBeGreaterThanOrEqual(150);
  expect(stats.over50).toBeGreaterThanOrEqual(1);
  expect(stats.slowFrames.length).toBeGreaterThanOrEqual(1);
  expect(stats.slowFrames[0]).toMatch(/^\d+ ms ending at \+\d+ ms$/);
  const supported = await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('long-animation-frame'));
  if (supported) {
    expect(stats.longFrames.length).toBeGreaterThanOrEqual(1);
    // The rAF callback that blocked is named as the frame's script.
    expect(stats.longFrames.join('\n')).toMatch(/FrameRequestCallback|blockFrame/);
  } else {
    expect(stats.longFrames).toEqual(['(long-animation-frame entries not supported by this browser)']);
  }
});
