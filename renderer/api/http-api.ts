import { API_METHODS, type ApiMethod, type ChainlineApi } from '../../shared/api.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Waits for the moment to parse a large answer (frameTurn in the page). */
export type ParseTurn = () => Promise<void>;

/**
 * Answers at least this large (bytes) are parsed on a turn (ParseTurn), not in the task that
 * read their last bytes: a page of a busy session's processes or chain (about 0.4 MB) takes
 * 10-20 ms to parse, and several landing in one frame made it 33-50 ms long (issue 6). Most
 * answers are far smaller and parse at once; a page of the table (about 150 KB for 500 events)
 * and a large sessions list take a turn too, which costs them at most a frame's wait.
 */
export const LARGE_ANSWER_BYTES = 128 * 1024;

const decoder = new TextDecoder();

function parseJson(bytes: ArrayBuffer): unknown {
  try {
    return JSON.parse(decoder.decode(bytes)) as unknown;
  } catch {
    return null;
  }
}

function errorMessage(body: unknown, status: number): string {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = (body as { error: unknown }).error;
    if (typeof e === 'string' && e !== '') return e;
  }
  return `request failed with HTTP ${status}`;
}

/**
 * The ChainlineApi over `chainline serve`: `POST api/<method>` with `{"args":[...]}`.
 * The URL is relative so the page works under whatever origin and port serve picked. A large
 * answer is parsed when `parseTurn` says (see LARGE_ANSWER_BYTES).
 */
export function createHttpApi(fetchFn: FetchLike, getToken: () => string | null, parseTurn: ParseTurn = () => Promise.resolve()): ChainlineApi {
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
    let bytes: ArrayBuffer | null;
    try {
      bytes = await response.arrayBuffer();
    } catch {
      bytes = null; // cut off: reported below as a malformed answer, or by its status
    }
    if (bytes !== null && bytes.byteLength >= LARGE_ANSWER_BYTES) await parseTurn();
    const body = bytes === null ? null : parseJson(bytes);
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
