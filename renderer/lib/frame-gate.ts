// At most a few large answers taken in per frame. Reading a process or chain page of ~450 KB
// (response.json()) costs the page's main thread 10-14 ms; when answers come fast (the engine
// has them ready), three or four of them can land between two frames: the likely cause of the
// rare 50 ms frame while the tree opened (issue 6; not confirmed by a trace). Waiting for the next frame past the limit keeps each frame's share of
// reading to about two answers, and costs nothing when answers come slower than that.

/** What the gate needs from the page: a frame callback, a fallback timer, and visibility. */
export interface FrameGateHost {
  readonly requestFrame: (callback: () => void) => void;
  readonly setTimer: (callback: () => void, ms: number) => void;
  readonly hidden: () => boolean;
}

/** Large answers read per frame. */
export const READS_PER_FRAME = 2;
/**
 * A frame that has not come by then is not waited for any longer (a hidden window draws no
 * frames; rAF stops there).
 */
const FRAME_WAIT_MS = 100;

/** A function to await before reading a large answer; it resolves at once while the frame has room. */
export function createFrameGate(host: FrameGateHost, perFrame = READS_PER_FRAME): () => Promise<void> {
  let taken = 0;
  let scheduled = false;
  let generation = 0;
  const waiting: (() => void)[] = [];

  const nextFrame = (): void => {
    if (scheduled) return;
    scheduled = true;
    const mine = ++generation;
    const fire = (): void => {
      // The frame callback and the fallback timer both call this; the first one counts.
      if (!scheduled || mine !== generation) return;
      scheduled = false;
      taken = 0;
      while (taken < perFrame && waiting.length > 0) {
        taken++;
        waiting.shift()!();
      }
      if (taken > 0) nextFrame();
    };
    host.requestFrame(fire);
    host.setTimer(fire, FRAME_WAIT_MS);
  };

  return () => {
    if (host.hidden()) return Promise.resolve();
    if (taken < perFrame && waiting.length === 0) {
      taken++;
      nextFrame();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      waiting.push(resolve);
      nextFrame();
    });
  };
}
