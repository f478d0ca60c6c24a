// Frame durations (requestAnimationFrame deltas) and long tasks recorded in a Chromium page,
// for the views benchmark and the views-perf spec: one recorder, so both judge frames alike.

import type { Page } from '@playwright/test';

export interface FrameStats {
  readonly frames: number;
  readonly max: number;
  readonly p95: number;
  readonly over50: number;
  /** Frames over 25 ms (two display intervals or more): the near misses, more frequent than the misses. */
  readonly over25: number;
  /** Long tasks (> 50 ms) the page reported during the interval, and the longest. */
  readonly longTasks: number;
  readonly longestTask: number;
  /**
   * Chromium's eight longest animation frames over 50 ms in the interval, in time order,
   * described with what ran in them (scripts by invoker and source position, then style and
   * layout): a frame that misses the target says where its time went without a trace, which
   * slows the page enough to hide the rare long frame.
   */
  readonly longFrames: readonly string[];
  /** The eight longest frames (requestAnimationFrame deltas) over 25 ms (two display intervals or more: the misses and the near misses), with when they ended, to set beside longFrames. */
  readonly slowFrames: readonly string[];
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
  w.__loaf = [];
  if (w.__loafObs) w.__loafObs.disconnect();
  w.__t0 = performance.now();
  const ms = (x) => Math.round(x);
  const where = (s) => {
    const src = String(s.sourceURL || '').split('/').pop().slice(0, 60);
    return (s.invoker || s.invokerType || '?').slice(0, 80) + (src ? ' ' + src + ':' + (s.sourceFunctionName || '') + '@' + s.sourceCharPosition : '');
  };
  if ((PerformanceObserver.supportedEntryTypes || []).includes('long-animation-frame')) {
    w.__loafTake = (entries) => {
      for (const e of entries) {
        const render = e.renderStart ? e.startTime + e.duration - e.renderStart : 0;
        const layout = e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0;
        const scripts = [...e.scripts].sort((a, b) => b.duration - a.duration).slice(0, 4)
          .map((s) => where(s) + ' ' + ms(s.duration) + ' ms' + (s.forcedStyleAndLayoutDuration ? ' (forced layout ' + ms(s.forcedStyleAndLayoutDuration) + ')' : ''));
        w.__loaf.push([ms(e.duration), ms(e.startTime - w.__t0), ms(e.duration) + ' ms at +' + ms(e.startTime - w.__t0) + ' ms (blocking ' + ms(e.blockingDuration) + '): rendering ' + ms(render) + ' ms (animation-frame callbacks, style, layout, paint; style and layout ' + ms(layout) + ')' + (scripts.length ? '; scripts: ' + scripts.join('; ') : '; no script of 5 ms or more (the browser lists no shorter ones)')]);
      }
    };
    w.__loafObs = new PerformanceObserver((list) => w.__loafTake(list.getEntries()));
    w.__loafObs.observe({ type: 'long-animation-frame' });
  } else w.__loaf.push([0, 0, '(long-animation-frame entries not supported by this browser)']);
  w.__last = performance.now();
  w.__slow = [];
  const tick = (t) => {
    const d = t - w.__last;
    if (d > 25 && w.__frames.length > 0) w.__slow.push([Math.round(d), Math.round(t - w.__t0)]);
    w.__frames.push(d);
    w.__last = t;
    if (w.__on) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;
const STOP_FRAMES = `(() => {
  const w = window;
  w.__on = false;
  if (w.__obs) w.__obs.disconnect();
  // Entries not yet delivered to the observer's callback are taken too.
  if (w.__loafObs) { w.__loafTake(w.__loafObs.takeRecords()); w.__loafObs.disconnect(); w.__loafObs = undefined; }
  const f = w.__frames.slice(1).sort((a, b) => a - b);
  const longest = (entries) => [...entries].sort((a, b) => b[0] - a[0]).slice(0, 8).sort((a, b) => a[1] - b[1]);
  return {
    frames: f.length,
    max: Math.round(f[f.length - 1] ?? 0),
    p95: Math.round(f[Math.floor(f.length * 0.95)] ?? 0),
    over50: f.filter((x) => x > 50).length,
    over25: f.filter((x) => x > 25).length,
    longTasks: w.__long.length,
    longestTask: Math.round(Math.max(0, ...w.__long)),
    // The eight longest of each (the earliest first among equals: sort is stable), in time order:
    // a slow phase has dozens of 33 ms frames, and the first eight would hide the one that missed.
    longFrames: longest(w.__loaf).map(([, , text]) => text),
    slowFrames: longest(w.__slow).map(([duration, end]) => duration + ' ms ending at +' + end + ' ms'),
  };
})()`;

/** Records frame durations and long tasks in the page until stopFrames. */
export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(START_FRAMES);
}

export async function stopFrames(page: Page): Promise<FrameStats> {
  return (await page.evaluate(STOP_FRAMES)) as FrameStats;
}
