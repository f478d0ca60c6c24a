import { describe, expect, it } from 'vitest';
import { KeptAnswers } from './kept-answers.js';

describe('KeptAnswers', () => {
  it('computes once per key and stamp, shares a computation, and asks again when the stamp moves', async () => {
    const kept = new KeptAnswers<number>(10);
    let calls = 0;
    const compute = async () => ++calls;
    const store = {};
    const [a, b] = await Promise.all([kept.answer('k', [store, 1], compute), kept.answer('k', [store, 1], compute)]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
    expect(await kept.answer('k', [store, 2], compute)).toBe(2);
    expect(await kept.answer('k', [{}, 2], compute)).toBe(3);
    expect(await kept.answer('other', [{}, 2], compute)).toBe(4);
  });

  it('does not keep a failure or a provisional answer, and forgets everything past its limit', async () => {
    const kept = new KeptAnswers<number>(2);
    let calls = 0;
    await expect(kept.answer('k', [1], async () => Promise.reject(new Error('locked')))).rejects.toThrow('locked');
    await new Promise((r) => setTimeout(r, 0));
    expect(await kept.answer('k', [1], async () => ++calls)).toBe(1);
    expect(await kept.answer('p', [1], async () => ++calls, false)).toBe(2);
    expect(await kept.answer('p', [1], async () => ++calls)).toBe(3);
    expect(await kept.answer('k', [1], async () => ++calls)).toBe(1);
    expect(await kept.answer('third', [1], async () => ++calls)).toBe(4);
    expect(await kept.answer('k', [1], async () => ++calls)).toBe(5);
  });
});
