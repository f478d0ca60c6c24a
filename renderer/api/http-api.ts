import { API_METHODS, type ApiMethod, type ChainlineApi } from '../../shared/api.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

function errorMessage(body: unknown, status: number): string {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = (body as { error: unknown }).error;
    if (typeof e === 'string' && e !== '') return e;
  }
  return `request failed with HTTP ${status}`;
}

/**
 * The ChainlineApi over `chainline serve`: `POST api/<method>` with `{"args":[...]}`.
 * The URL is relative so the page works under whatever origin and port serve picked.
 */
export function createHttpApi(fetchFn: FetchLike, getToken: () => string | null): ChainlineApi {
  async function call(method: ApiMethod, args: readonly unknown[]): Promise<unknown> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const token = getToken();
    if (token !== null) headers['X-Chainline-Token'] = token;
    let response: Response;
    try {
      response = await fetchFn(`api/${method}`, { method: 'POST', headers, body: JSON.stringify({ args }) });
    } catch (e) {
      throw new Error(`${method}: the Chainline server did not answer (${e instanceof Error ? e.message : String(e)})`);
    }
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok) throw new Error(errorMessage(body, response.status));
    if (typeof body !== 'object' || body === null || !('result' in body)) {
      throw new Error(`${method}: malformed response from the server`);
    }
    return (body as { result: unknown }).result;
  }
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of API_METHODS) api[method] = (...args: unknown[]) => call(method, args);
  return api as unknown as ChainlineApi;
}
