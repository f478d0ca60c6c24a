// Which of a window's rows may go from a loading placeholder to their data in one frame.
//
// After a fast scroll every row of the window is a placeholder (pages are asked for once the
// scroll settles), and the page that arrives fills them all at once: that frame lays out and
// rasters a screen of text (312 layout objects, ~15 ms of software raster on 2 cores) where the
// scroll's frames drew grey bars, and it was the table scroll's longest frame (28-36 ms in
// traces, 50 ms in 5 of 156 benchmark runs). Filling a few rows a frame spreads that work.

/**
 * The rows to keep as placeholders in this frame although their data is in: of the rows that
 * were placeholders in the last frame and are ready now, `budget` are filled, the viewport's
 * rows first (top down), then the overscan below it, then the overscan above; the rest wait.
 * Rows entering the window with their data are not counted: they are the scroll's own work.
 */
export function heldFills(
  first: number,
  last: number,
  visibleFirst: number,
  visibleLast: number,
  ready: (index: number) => boolean,
  wasPlaceholder: ReadonlySet<number>,
  budget: number,
): ReadonlySet<number> {
  const held = new Set<number>();
  let left = Math.max(0, budget);
  const visit = (index: number): void => {
    if (!wasPlaceholder.has(index) || !ready(index)) return;
    if (left > 0) left--;
    else held.add(index);
  };
  const top = Math.max(first, visibleFirst);
  const bottom = Math.min(last, visibleLast);
  for (let i = top; i <= bottom; i++) visit(i);
  for (let i = Math.max(bottom + 1, first); i <= last; i++) visit(i);
  for (let i = Math.min(top - 1, last); i >= first; i--) visit(i);
  return held;
}
