import { describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY, takeToken } from './token.js';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('takeToken', () => {
  it('takes the token from the URL, stores it and strips it from the address', () => {
    const s = memoryStorage();
    const r = takeToken('http://127.0.0.1:4321/index.html?token=abc123&x=1#top', s);
    expect(r.token).toBe('abc123');
    expect(r.cleanUrl).toBe('/index.html?x=1#top');
    expect(s.m.get(TOKEN_STORAGE_KEY)).toBe('abc123');
  });
  it('reads the stored token back on reload', () => {
    const s = memoryStorage();
    s.setItem(TOKEN_STORAGE_KEY, 'kept');
    expect(takeToken('http://127.0.0.1:4321/', s)).toEqual({ token: 'kept', cleanUrl: null });
  });
  it('returns null without a token anywhere', () => {
    expect(takeToken('http://127.0.0.1:4321/', memoryStorage()).token).toBeNull();
  });
});
