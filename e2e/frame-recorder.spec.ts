// The frame recorder that bench:views and the views-perf spec judge frames with: a page made to
// block frames (the longest last) must show the longest as the longest frame, as a slow frame, and
// (where Chromium reports long animation frames) as one attributed to the script that blocked it.
import { expect, test } from '@playwright/test';
import { startFrames, stopFrames } from '../scripts/frame-recorder.js';

test('frame recorder reports a blocked frame with what blocked it', async ({ page }) => {
  await page.setContent('<!doctype html><title>frames</title><div id="box">frames</div>');
  await startFrames(page);
  await page.waitForTimeout(200);
  // Nine frames blocked 60 ms, then one 150 ms: the recorder keeps eight of each kind, and they
  // must be the longest, not the first.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        let n = 0;
        requestAnimationFrame(function blockFrame() {
          const until = performance.now() + (n < 9 ? 60 : 150);
          while (performance.now() < until) {
            // Busy: this frame cannot be drawn until the loop ends.
          }
          document.getElementById('box')!.textContent = `blocked ${n}`;
          if (++n < 10) requestAnimationFrame(blockFrame);
          else setTimeout(resolve, 200);
        });
      }),
  );
  const stats = await stopFrames(page);
  expect(stats.frames).toBeGreaterThan(5);
  expect(stats.max).toBeGreaterThanOrEqual(150);
  expect(stats.over50).toBeGreaterThanOrEqual(1);
  expect(stats.slowFrames).toHaveLength(8);
  expect(stats.slowFrames[0]).toMatch(/^\d+ ms ending at \+\d+ ms$/);
  // The 150 ms frame came last: kept, and listed last (time order).
  expect(Number(stats.slowFrames[7]!.split(' ')[0])).toBeGreaterThanOrEqual(150);
  const supported = await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('long-animation-frame'));
  if (supported) {
    expect(stats.longFrames).toHaveLength(8);
    expect(Number(stats.longFrames[7]!.split(' ')[0])).toBeGreaterThanOrEqual(150);
    // The rAF callback that blocked is named as the frame's script.
    expect(stats.longFrames.join('\n')).toMatch(/FrameRequestCallback|blockFrame/);
  } else {
    expect(stats.longFrames).toEqual(['(long-animation-frame entries not supported by this browser)']);
  }
});
