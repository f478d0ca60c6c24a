import { API_METHODS, type ChainlineApi } from '../../shared/api.js';
import { frameTurn } from '../lib/frame-turns.js';
import { createHttpApi } from './http-api.js';
import { takeToken } from './token.js';

let cached: ChainlineApi | null = null;
let token: string | null = null;

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the token then lives only in this page's memory
  }
}

function initToken(): void {
  const storage = sessionStore();
  const memory = new Map<string, string>();
  const taken = takeToken(window.location.href, storage ?? {
    getItem: (k) => memory.get(k) ?? null,
    setItem: (k, v) => void memory.set(k, v),
  });
  token = taken.token;
  if (taken.cleanUrl !== null) window.history.replaceState(window.history.state, '', taken.cleanUrl);
}

/** Electron wraps errors thrown in main as "Error invoking remote method 'chainline:x': Error: msg". */
export function cleanIpcMessage(message: string): string {
  return message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}

function withCleanIpcErrors(api: ChainlineApi): ChainlineApi {
  const wrapped: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of API_METHODS) {
    const fn = api[method] as (...args: unknown[]) => Promise<unknown>;
    wrapped[method] = (...args: unknown[]) =>
      fn(...args).catch((e: unknown) => {
        throw new Error(cleanIpcMessage(e instanceof Error ? e.message : String(e)));
      });
  }
  return wrapped as unknown as ChainlineApi;
}

/**
 * The one API object of the renderer. Electron's preload puts it on `window.chainline`;
 * otherwise it is the HTTP client of `chainline serve`. In the Vite dev server only,
 * `?fake=1` swaps in an in-memory fake with a million generated events.
 */
export function getApi(): ChainlineApi {
  if (cached) return cached;
  if (window.chainline) {
    cached = withCleanIpcErrors(window.chainline);
    return cached;
  }
  initToken();
  cached = createHttpApi((input, init) => window.fetch(input, init), () => token, frameTurn);
  return cached;
}

/** Dev-only: installs the fake before the app starts. Tree-shaken out of production builds. */
export async function installDevFake(): Promise<void> {
  if (!import.meta.env.DEV) return;
  if (new URLSearchParams(window.location.search).get('fake') !== '1') return;
  const { createFakeApi } = await import('./fake-api.js');
  cached = createFakeApi();
}
