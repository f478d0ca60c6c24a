// Work that should wait for the frame in progress to be drawn: the rest of the case after the
// first screen, a busy session's chain after its tree. (Pieces of work that must not share a
// frame, a large tree's build slices and large answers' parses, take turns: frame-turns.ts.)

/**
 * Resolves once the next frame has been painted (a task after the frame's rendering), or after
 * a second at the latest: a page in a background tab draws no frames until shown. At once where
 * there are no frames (unit tests).
 */
export function afterNextPaint(): Promise<void> {
  if (typeof requestAnimationFrame !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 1000);
  });
}
