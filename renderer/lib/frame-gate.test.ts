import { describe, expect, it } from 'vitest';
import { createFrameGate, type FrameGateHost } from './frame-gate.js';

/** A host whose frames and timers run when the test says. */
function fakeHost(): FrameGateHost & { frame(): void; timers(): void; hide(v: boolean): void } {
  let frames: (() => void)[] = [];
  let timers: (() => void)[] = [];
  let isHidden = false;
  return {
    requestFrame: (cb) => void frames.push(cb),
    setTimer: (cb) => void timers.push(cb),
    hidden: () => isHidden,
    frame() {
      const run = frames;
      frames = [];
      for (const cb of run) cb();
    },
    timers() {
      const run = timers;
      timers = [];
      for (const cb of run) cb();
    },
    hide(v) {
      isHidden = v;
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function track(p: Promise<void>, done: number[], n: number): void {
  void p.then(() => done.push(n));
}

describe('createFrameGate', () => {
  it('lets two reads through in a frame and holds the rest for the following frames, in order', async () => {
    const host = fakeHost();
    const gate = createFrameGate(host, 2);
    const done: number[] = [];
    for (let i = 0; i < 5; i++) track(gate(), done, i);
    await settle();
    expect(done).toEqual([0, 1]);
    host.frame();
    await settle();
    expect(done).toEqual([0, 1, 2, 3]);
    host.frame();
    await settle();
    expect(done).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives a new frame its full share', async () => {
    const host = fakeHost();
    const gate = createFrameGate(host, 2);
    const done: number[] = [];
    track(gate(), done, 0);
    await settle();
    host.frame();
    track(gate(), done, 1);
    track(gate(), done, 2);
    track(gate(), done, 3);
    await settle();
    expect(done).toEqual([0, 1, 2]);
  });

  it('does not wait for frames that do not come: the timer releases the next reads', async () => {
    const host = fakeHost();
    const gate = createFrameGate(host, 1);
    const done: number[] = [];
    track(gate(), done, 0);
    track(gate(), done, 1);
    await settle();
    expect(done).toEqual([0]);
    host.timers();
    await settle();
    expect(done).toEqual([0, 1]);
    // The frame callback of that same round, arriving late, does not release another share.
    track(gate(), done, 2);
    track(gate(), done, 3);
    await settle();
    host.frame();
    await settle();
    expect(done).toEqual([0, 1, 2]);
  });

  it('never holds a read while the page is hidden', async () => {
    const host = fakeHost();
    host.hide(true);
    const gate = createFrameGate(host, 1);
    const done: number[] = [];
    for (let i = 0; i < 4; i++) track(gate(), done, i);
    await settle();
    expect(done).toEqual([0, 1, 2, 3]);
  });
});
