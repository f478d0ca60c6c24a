import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameTurn } from './frame-turns.js';

describe('frameTurn', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('resolves at once where there are no frames', async () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    await expect(frameTurn()).resolves.toBeUndefined();
  });

  it('resolves at once in a hidden page (no frame to keep)', async () => {
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb));
    vi.stubGlobal('document', { visibilityState: 'hidden' });
    await expect(frameTurn()).resolves.toBeUndefined();
    expect(frames).toHaveLength(0);
  });

  it('gives one turn a frame, in a task after it, in the order asked', async () => {
    vi.useFakeTimers();
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb));
    const done: number[] = [];
    for (const n of [1, 2, 3]) void frameTurn().then(() => done.push(n));
    await vi.advanceTimersByTimeAsync(50);
    expect(done).toEqual([]);
    // One frame asked for at a time.
    expect(frames).toHaveLength(1);
    frames[0]!();
    expect(done).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([1]);
    expect(frames).toHaveLength(2);
    frames[1]!();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([1, 2]);
    frames[2]!();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([1, 2, 3]);
    // The fallbacks of granted turns do not grant anything later.
    await vi.advanceTimersByTimeAsync(500);
    expect(frames).toHaveLength(3);
  });

  it('gives first turns before later ones, each in the order asked', async () => {
    vi.useFakeTimers();
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb));
    const done: string[] = [];
    void frameTurn().then(() => done.push('page 1'));
    void frameTurn().then(() => done.push('page 2'));
    void frameTurn('first').then(() => done.push('slice 1'));
    void frameTurn('first').then(() => done.push('slice 2'));
    for (let n = 0; n < 4; n++) {
      frames[n]!();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(done).toEqual(['slice 1', 'slice 2', 'page 1', 'page 2']);
  });

  it('gives a turn every 100 ms when no frame comes (a window the browser stopped drawing)', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', () => 0);
    const done: number[] = [];
    for (const n of [1, 2]) void frameTurn().then(() => done.push(n));
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toEqual([1]);
    await vi.advanceTimersByTimeAsync(100);
    expect(done).toEqual([1, 2]);
  });
});
