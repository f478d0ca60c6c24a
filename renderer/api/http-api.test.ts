import { describe, expect, it } from 'vitest';
// api-client touches window only when called; importing it is safe in node.
import { cleanIpcMessage } from './api-client.js';
import { createHttpApi, LARGE_ANSWER_BYTES, type FetchLike } from './http-api.js';

function fakeFetch(status: number, body: unknown) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fn: FetchLike = async (url, init) => {
    seen.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
  return { fn, seen };
}

describe('createHttpApi', () => {
  it('posts the arguments to a relative api/<method> URL with the token header', async () => {
    const f = fakeFetch(200, { result: { total: 3, offset: 0, rows: [] } });
    const api = createHttpApi(f.fn, () => 'tok');
    const page = await api.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 10 });
    expect(page.total).toBe(3);
    expect(f.seen[0]!.url).toBe('api/queryEvents');
    expect(f.seen[0]!.init.method).toBe('POST');
    expect((f.seen[0]!.init.headers as Record<string, string>)['X-Chainline-Token']).toBe('tok');
    expect(JSON.parse(f.seen[0]!.init.body as string)).toEqual({
      args: [{ filter: {}, sort: 'asc', offset: 0, limit: 10 }],
    });
  });
  it('throws the server error message on a non-2xx status', async () => {
    const api = createHttpApi(fakeFetch(400, { error: 'query.limit must be between 1 and 5000' }).fn, () => null);
    await expect(api.getCaseOverview()).rejects.toThrow('query.limit must be between 1 and 5000');
  });
  it('names the status when the error body is not JSON', async () => {
    const fn: FetchLike = async () => new Response('<html>', { status: 502 });
    await expect(createHttpApi(fn, () => null).getAppInfo()).rejects.toThrow('HTTP 502');
  });
  it('reports a network failure', async () => {
    const fn: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(createHttpApi(fn, () => null).getIngestStatus()).rejects.toThrow(/did not answer/);
  });
});

describe('cleanIpcMessage', () => {
  it('strips the Electron IPC wrapper from error messages', () => {
    expect(cleanIpcMessage("Error invoking remote method 'chainline:queryEvents': ApiValidationError: query.limit must be between 1 and 5000"))
      .toBe('query.limit must be between 1 and 5000');
    expect(cleanIpcMessage("Error invoking remote method 'chainline:getEventDetail': Error: no such event")).toBe('no such event');
    expect(cleanIpcMessage('plain message')).toBe('plain message');
  });
});

describe('createHttpApi: large answers', () => {
  it('parses an answer of LARGE_ANSWER_BYTES or more only on its turn, and a smaller one at once', async () => {
    const big = { result: { total: 1, offset: 0, rows: [{ text: 'x'.repeat(LARGE_ANSWER_BYTES) }] } };
    const small = { result: { total: 0, offset: 0, rows: [] } };
    let answer: unknown = big;
    const fn: FetchLike = async () => new Response(JSON.stringify(answer), { status: 200 });
    let turns = 0;
    let release: () => void = () => undefined;
    const turn = (): Promise<void> => {
      turns++;
      return new Promise((resolve) => (release = resolve));
    };
    const api = createHttpApi(fn, () => null, turn);

    let got: unknown = null;
    const pending = api.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 10 }).then((p) => (got = p));
    await new Promise((r) => setTimeout(r, 20));
    expect(turns).toBe(1);
    expect(got).toBeNull();
    release();
    await pending;
    expect(got).toEqual(big.result);

    answer = small;
    await expect(api.queryEvents({ filter: {}, sort: 'asc', offset: 0, limit: 10 })).resolves.toEqual(small.result);
    expect(turns).toBe(1);
  });

  it('still reports a large error answer by its message', async () => {
    const fn: FetchLike = async () => new Response(JSON.stringify({ error: `bad ${'y'.repeat(LARGE_ANSWER_BYTES)}` }), { status: 400 });
    await expect(createHttpApi(fn, () => null, () => Promise.resolve()).getCaseOverview()).rejects.toThrow(/^bad y/);
  });
});
