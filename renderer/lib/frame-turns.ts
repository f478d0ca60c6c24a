// Heavy main-thread work takes turns, one a frame: parsing a large answer, a slice of a large
// tree's build. Each piece alone fits in a frame (10-20 ms); two or three back to back do not.
// A busy session's tree opens while its chain's pages arrive, two in flight: each answer was
// parsed in the task that read its last bytes, whenever that came, and some frames held two of
// them and a tree slice or a garbage collection: frames of 33 to 50 ms (issue 6, bench:views'
// trace of the tree's opening). With turns, the frame's own work (style, layout, paint) comes
// between any two pieces.

/** How long a turn waits for a frame that does not come (a window the browser stopped drawing). */
const NO_FRAME_MS = 100;

/** Whose turn a turn is: the view being opened (`first`), or loading that can wait (`later`). */
export type TurnPriority = 'first' | 'later';

/** Turns asked for, by priority: the work the investigator waits for, then the rest. */
const waiting: Readonly<Record<TurnPriority, (() => void)[]>> = { first: [], later: [] };

/** The grant of the next turn is scheduled (one at a time: one turn a frame). */
let scheduled = false;

function hidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

function scheduleGrant(): void {
  if (scheduled) return;
  scheduled = true;
  let granted = false;
  const grant = (): void => {
    if (granted) return;
    granted = true;
    clearTimeout(fallback);
    scheduled = false;
    (waiting.first.shift() ?? waiting.later.shift())?.();
    if (waiting.first.length + waiting.later.length > 0) scheduleGrant();
  };
  // A task after the frame's rendering: the turn's work then has the frame's time to itself.
  requestAnimationFrame(() => setTimeout(grant, 0));
  const fallback = setTimeout(grant, NO_FRAME_MS);
}

/**
 * Resolves when it is the caller's turn: in a task after a frame has been drawn, one caller a
 * frame, `first` turns before `later` ones, each in the order asked. The caller does its piece
 * of work at once (before its next await). At once where there are no frames to keep: no
 * requestAnimationFrame (unit tests), a hidden page; a window that stops drawing gets a turn
 * every NO_FRAME_MS.
 *
 * `first` is for the view the investigator is opening (the slices of the tree's build): taking
 * turns in arrival order with the pages of the chain loading meanwhile, a busy session's tree
 * got every other frame and appeared up to 0.6 s later (bench:views).
 */
export function frameTurn(priority: TurnPriority = 'later'): Promise<void> {
  if (typeof requestAnimationFrame !== 'function' || hidden()) return Promise.resolve();
  return new Promise((resolve) => {
    waiting[priority].push(resolve);
    scheduleGrant();
  });
}
