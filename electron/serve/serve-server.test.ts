import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainlineApi } from '../../shared/api.js';
import { stubApi } from '../../shared/testing/stub-api.js';
import { asciiJson, EncodedJson } from '../engine/worker/encoded-json.js';
import { startServer, type RunningServer, type ServedApi } from './serve-server.js';
import { seededRandom } from '../engine/testing/seeded-random.js';

const calls: string[] = [];
const fakeApi: ChainlineApi = stubApi({
  getSessionChain: async (id) => {
    calls.push('getSessionChain:' + id);
    if (id === 'wide') return [{ time: 't', kind: 'network', sessionId: 'é', eventIds: [1], reason: '10.1.0.12 → host:445 … 😀 \u2028 "q" \\', processId: null }];
    return [];
  },
  openEvidence: async (r) => {
    calls.push('openEvidence:' + r.paths.join(','));
    return { runId: 1, accepted: [...r.paths], rejected: [] };
  },
  getIngestStatus: async () => {
    throw new Error('engine exploded');
  },
  cancelIngest: async () => {
    throw new Error('unused');
  },
  getCaseOverview: async () => ({ case: null, evidence: [], totalEvents: 7, hosts: [], channels: [], eventIds: [], firstTime: null, lastTime: null }),
});

/** A session list as the engine's worker would have encoded it (encoded-json.ts). */
const ENCODED_SESSIONS = { computedAt: '2024-01-01T00:00:00Z', sessions: [], note: 'a → b' };
const servedApi: ServedApi = {
  ...fakeApi,
  listSessions: async () => new EncodedJson(asciiJson(ENCODED_SESSIONS)),
};

let server: RunningServer;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'chainline-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, 'assets', 'app-Ab_d1-34.js'), 'console.log(2)');
  writeFileSync(join(tmpdir(), 'chainline-secret.txt'), 'secret');
  server = await startServer({ api: servedApi, rendererDir });
});
afterAll(async () => {
  await server.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...options.headers } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
const api = (method: string, args: unknown[], headers: Record<string, string> = {}): Promise<Reply> =>
  send(`/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': server.token, ...headers },
    body: JSON.stringify({ args }),
  });

describe('chainline serve', () => {
  it('listens on loopback and prints a URL with the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
  });

  it('serves the page with the token and sets a strict cookie for the assets', async () => {
    const page = await send(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    // Its job is done by the token and the strict cookie; with it, Chromium starts the page in a
    // new process (see securityHeaders).
    expect(page.headers['cross-origin-opener-policy']).toBeUndefined();
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await send('/assets/app.js', { headers: { Cookie: cookie.split(';')[0] as string } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it('lets the browser keep content-hashed assets, and nothing else', async () => {
    const page = await send(`/?token=${server.token}`);
    expect(page.headers['cache-control']).toBe('no-store');
    const cookie = { Cookie: String(page.headers['set-cookie']).split(';')[0] as string };
    const hashed = await send('/assets/app-Ab_d1-34.js', { headers: cookie });
    expect(hashed.status).toBe(200);
    expect(hashed.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect((await send('/assets/app.js', { headers: cookie })).headers['cache-control']).toBe('no-store');
    expect((await send('/index.html', { headers: cookie })).headers['cache-control']).toBe('no-store');
    expect((await api('getCaseOverview', [])).headers['cache-control']).toBe('no-store');
    // Refused or missing files are not kept either.
    expect((await send('/assets/app-Ab_d1-34.js')).headers['cache-control']).toBe('no-store');
    expect((await send('/assets/gone-Ab_d1-34.js', { headers: cookie })).headers['cache-control']).toBe('no-store');
  });

  it('refuses requests without the token, with a wrong one, or a foreign Host', async () => {
    expect((await send('/')).status).toBe(401);
    expect((await send('/assets/app.js')).status).toBe(401);
    expect((await send(`/?token=${'a'.repeat(server.token.length)}`)).status).toBe(401);
    expect((await api('getCaseOverview', [], { 'X-Chainline-Token': 'nope' })).status).toBe(401);
    expect((await send(`/?token=${server.token}`, { headers: { Host: 'attacker.example' } })).status).toBe(403);
    expect((await send(`/?token=${server.token}`, { headers: { Host: `evil.example:${server.port}` } })).status).toBe(403);
  });

  it('never answers with CORS headers and wants JSON', async () => {
    const r = await api('getCaseOverview', [], { Origin: 'http://evil.example' });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const form = await send('/api/getCaseOverview', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'X-Chainline-Token': server.token },
      body: '{"args":[]}',
    });
    expect(form.status).toBe(415);
    const options = await send('/api/getCaseOverview', { method: 'OPTIONS', headers: { 'X-Chainline-Token': server.token } });
    expect(options.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('calls the API with validated arguments and reports errors without dying', async () => {
    const ok = await api('getCaseOverview', []);
    expect(JSON.parse(ok.body)).toEqual({ result: expect.objectContaining({ totalEvents: 7 }) });
    expect((await api('openEvidence', [{ paths: ['/x'] }])).status).toBe(200);
    expect(calls).toContain('openEvidence:/x');
    const bad = await api('queryEvents', [{ filter: {}, sort: 'asc', offset: 0, limit: 10, drop: true }]);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/unexpected field/);
    expect((await api('__proto__', [])).status).toBe(404);
    expect((await api('constructor', [])).status).toBe(404);
    const failing = await api('getIngestStatus', []);
    expect(failing.status).toBe(500);
    expect(JSON.parse(failing.body).error).toBe('engine exploded');
    const notJson = await send('/api/getCaseOverview', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': server.token },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    expect((await api('getCaseOverview', [])).status).toBe(200);
  });

  it('answers in ASCII JSON (characters past it escaped) that parses to the same value', async () => {
    const reply = await api('getSessionChain', ['wide']);
    expect(reply.status).toBe(200);
    expect(/^[\x00-\x7f]*$/.test(reply.body)).toBe(true);
    expect(JSON.parse(reply.body)).toEqual({ result: await fakeApi.getSessionChain('wide') });
  });

  it('writes an answer the engine worker encoded as it is, wrapped as the result', async () => {
    const reply = await api('listSessions', []);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body, 'latin1')));
    expect(reply.body).toBe(`{"result":${asciiJson(ENCODED_SESSIONS).toString('latin1')}}`);
    expect(JSON.parse(reply.body)).toEqual({ result: ENCODED_SESSIONS });
  });

  it('does not serve files outside the renderer folder', async () => {
    const cookie = `chainline_token=${server.token}`;
    for (const path of ['/../chainline-secret.txt', '/%2e%2e/chainline-secret.txt', '/assets/../../chainline-secret.txt']) {
      const r = await send(path, { headers: { Cookie: cookie } });
      expect(r.status).toBe(404);
      expect(r.body).not.toContain('secret');
    }
  });
});

describe('asciiJson', () => {
  /** The escape as first written (a loop over every UTF-16 unit): the bytes must not change. */
  function reference(value: unknown): Buffer {
    const text = JSON.stringify(value);
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      out += c < 0x80 ? text[i] : '\\u' + c.toString(16).padStart(4, '0');
    }
    return Buffer.from(out, 'latin1');
  }

  it('writes the same bytes as a unit-by-unit escape, for ASCII, wide, astral and lone-surrogate text', () => {
    const rnd = seededRandom(11);
    const pools = [[0x20, 0x7f], [0, 0x20], [0x80, 0x800], [0x800, 0xd800], [0xd800, 0xe000], [0xe000, 0x10000]] as const;
    for (let n = 0; n < 2000; n++) {
      let s = '';
      const len = Math.floor(rnd() * 40);
      for (let i = 0; i < len; i++) {
        const r = rnd();
        if (r < 0.1) s += String.fromCodePoint(0x10000 + Math.floor(rnd() * 0xfffff));
        else {
          const [lo, hi] = pools[Math.floor(rnd() * pools.length)] as readonly [number, number];
          s += String.fromCharCode(lo + Math.floor(rnd() * (hi - lo)));
        }
      }
      const value = { s, list: [s, { [s]: s.length }] };
      const bytes = asciiJson(value);
      expect(bytes.equals(reference(value))).toBe(true);
      expect(JSON.parse(bytes.toString('latin1'))).toEqual(value);
    }
    expect(asciiJson({ a: 'plain' }).toString('latin1')).toBe('{"a":"plain"}');
    expect(asciiJson('→ é 😀').toString('latin1')).toBe('"\\u2192 \\u00e9 \\ud83d\\ude00"');
  });
});
