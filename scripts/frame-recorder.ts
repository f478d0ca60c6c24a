// Frame durations (requestAnimationFrame deltas) and long tasks recorded in a Chromium page,
// for the views benchmark and the views-perf spec: one recorder, so both judge frames alike.

import type { Page } from '@playwright/test';

export interface FrameStats {
  readonly frames: number;
  readonly max: number;
  readonly p95: number;
  readonly over50: number;
  /** Long tasks (> 50 ms) the page reported during the interval, and the longest. */
  readonly longTasks: number;
  readonly longestTask: number;
}

// In-page code runs in Chromium; it is written as strings because the node build has no DOM types.
const START_FRAMES = `(() => {
  const w = window;
  w.__frames = [];
  w.__long = [];
  w.__on = true;
  if (w.__obs) w.__obs.disconnect();
  w.__obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__long.push(e.duration); });
  w.__obs.observe({ type: 'longtask' });
  w.__last = performance.now();
  const tick = (t) => { w.__frames.push(t - w.__last); w.__last = t; if (w.__on) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
const STOP_FRAMES = `(() => {
  const w = window;
  w.__on = false;
  if (w.__obs) w.__obs.disconnect();
  const f = w.__frames.slice(1).sort((a, b) => a - b);
  return {
    frames: f.length,
    max: Math.round(f[f.length - 1] ?? 0),
    p95: Math.round(f[Math.floor(f.length * 0.95)] ?? 0),
    over50: f.filter((x) => x > 50).length,
    longTasks: w.__long.length,
    longestTask: Math.round(Math.max(0, ...w.__long)),
  };
})()`;

/** Records frame durations and long tasks in the page until stopFrames. */
export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(START_FRAMES);
}

export async function stopFrames(page: Page): Promise<FrameStats> {
  return (await page.evaluate(STOP_FRAMES)) as FrameStats;
}
