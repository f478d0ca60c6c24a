// `chainline serve`: the renderer and the engine behind a loopback HTTP server, for analysis
// servers without a desktop (and for the end-to-end tests here). It implements the same
// ChainlineApi as the Electron preload: POST /api/<method> with {"args":[…]}.
//
// Defences, since any local process or web page may try to talk to it:
// - bound to 127.0.0.1 only, on a free port;
// - a random per-launch token on every request: `?token=` on the first page load (which sets
//   an HttpOnly SameSite=Strict cookie for the static files), `X-Chainline-Token` on API calls;
// - the Host header must name this server (defeats DNS rebinding);
// - no CORS headers at all, and API calls must be `application/json` (so a cross-origin page
//   cannot make a "simple" request);
// - a strict CSP, nosniff, no-referrer, no framing.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { API_METHODS, type ApiMethod, type AppInfo, type ChainlineApi } from '../../shared/api.js';
import { ApiValidationError, isApiMethod, validateArgs } from '../../shared/api-validate.js';
import { APP_VERSION, RENDERER_DIR } from '../engine/app-paths.js';
import type { EngineApi } from '../engine/engine.js';
import { asciiJson, canEncode, EncodedJson } from '../engine/worker/encoded-json.js';
import { ENGINE_METHODS } from '../engine/worker/engine-protocol.js';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const COOKIE_NAME = 'chainline_token';

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * What serve answers API calls with: a ChainlineApi, whose engine methods may answer with the
 * engine worker's encoding of their value (the same JSON once written).
 */
export type ServedApi = {
  readonly [M in ApiMethod]: (...args: Parameters<ChainlineApi[M]>) => Promise<Awaited<ReturnType<ChainlineApi[M]>> | EncodedJson>;
};

/**
 * The ChainlineApi over an engine, for a shell without native dialogs. An engine in a worker
 * thread encodes its answers there (encoded-json.ts: serve's own thread then only writes them).
 */
export function serveApi(engine: EngineApi): ServedApi {
  const api = decodedApi(engine);
  if (!canEncode(engine)) return api;
  const served: Record<string, unknown> = { ...api };
  for (const method of ENGINE_METHODS) {
    if (isApiMethod(method)) served[method] = (...args: unknown[]) => engine.encoded(method, args);
  }
  return served as ServedApi;
}

function decodedApi(engine: EngineApi): ChainlineApi {
  return {
    getAppInfo: async (): Promise<AppInfo> => ({ name: 'Chainline', version: APP_VERSION, nativeDialogs: false }),
    pickEvidence: async () => ({ kind: 'unsupported' }),
    openEvidence: (request) => engine.openEvidence(request),
    getIngestStatus: () => engine.getIngestStatus(),
    cancelIngest: () => engine.cancelIngest(),
    getCaseOverview: () => engine.getCaseOverview(),
    queryEvents: (query) => engine.queryEvents(query),
    getEventDetail: (eventId) => engine.getEventDetail(eventId),
    listSessions: () => engine.listSessions(),
    getSessionChain: (sessionId) => engine.getSessionChain(sessionId),
    getSessionChainPage: (request) => engine.getSessionChainPage(request),
    getSessionProcesses: (sessionId) => engine.getSessionProcesses(sessionId),
    getHostProcesses: (host) => engine.getHostProcesses(host),
    findProcesses: (query) => engine.findProcesses(query),
    listFindings: (query) => engine.listFindings(query),
    getFindingsSummary: () => engine.getFindingsSummary(),
    getAllowList: () => engine.getAllowList(),
    addAllowListEntry: (entry) => engine.addAllowListEntry(entry),
    removeAllowListEntry: (id) => engine.removeAllowListEntry(id),
    exportAllowList: () => engine.exportAllowList(),
    importAllowList: (yamlText) => engine.importAllowList(yamlText),
    getAttackLayer: () => engine.getAttackLayer(),
    getHuntingQueries: (findingId) => engine.getHuntingQueries(findingId),
    getBaselineCandidates: () => engine.getBaselineCandidates(),
    getRuleStatus: () => engine.getRuleStatus(),
    createReport: (request) => engine.createReport(request),
    exportCase: (request) => engine.exportCase(request),
    setRuleFolders: (request) => engine.setRuleFolders(request),
    getEventHistogram: (request) => engine.getEventHistogram(request),
    listNotes: () => engine.listNotes(),
    saveNote: (input) => engine.saveNote(input),
    deleteNote: (noteId) => engine.deleteNote(noteId),
    getCoverage: () => engine.getCoverage(),
    getProcessPage: (request) => engine.getProcessPage(request),
  };
}

export interface ServeOptions {
  readonly api: ServedApi;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly token?: string;
  readonly rendererDir?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly server: Server;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE_NAME) return rest.join('=');
  }
  return null;
}

/** A file of the renderer build named with its content hash by Vite (`assets/name-8chars.ext`). */
const HASHED_ASSET = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8}\.(?:js|css)(?:\.map)?$/;

/**
 * No Cross-Origin-Opener-Policy: `same-origin` makes Chromium move the page to a new browsing
 * context group (a new renderer process) when a tab navigates to it, and the page asked for its
 * first script ~130 ms later (measured: first request at 188-363 ms after navigation with it,
 * 66-120 ms without). What it guards against, a cross-site window holding a reference to this
 * one, is covered otherwise: a foreign page cannot open the case (the token is not in the URL it
 * knows, and the cookie is SameSite=Strict, so not sent on a cross-site navigation), frames are
 * denied, and the page opens no windows of its own.
 */
function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = asciiJson(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length });
  res.end(bytes);
}

const RESULT_OPEN = Buffer.from('{"result":', 'latin1');
const RESULT_CLOSE = Buffer.from('}', 'latin1');

/** A method's answer as `{"result":…}`; one the engine's worker encoded is written as it is. */
function sendResult(res: ServerResponse, result: unknown): void {
  if (!(result instanceof EncodedJson)) return sendJson(res, 200, { result: result ?? null });
  const body = result.bytes;
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': RESULT_OPEN.length + body.length + RESULT_CLOSE.length });
  // One write to the socket, not three (end uncorks).
  res.cork();
  res.write(RESULT_OPEN);
  res.write(body);
  res.end(RESULT_CLOSE);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiValidationError(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const rendererDir = options.rendererDir ?? RENDERER_DIR;
  const rendererRoot = await realpath(rendererDir).catch(() => rendererDir);
  let port = 0;

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

  const callApi = async (method: ApiMethod, args: readonly unknown[]): Promise<unknown> => {
    const validated = validateArgs(method, args);
    const fn = options.api[method] as (...a: unknown[]) => Promise<unknown>;
    return fn.apply(options.api, validated as unknown[]);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, method: string): Promise<void> => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'API calls are POST' });
    const header = req.headers['x-chainline-token'];
    if (typeof header !== 'string' || !sameSecret(header, token)) {
      return sendJson(res, 401, { error: 'missing or wrong token' });
    }
    const type = req.headers['content-type'] ?? '';
    if (!type.toLowerCase().startsWith('application/json')) {
      return sendJson(res, 415, { error: 'API calls must be application/json' });
    }
    if (!isApiMethod(method)) return sendJson(res, 404, { error: `no API method ${JSON.stringify(method.slice(0, 64))}` });
    let args: unknown[];
    try {
      const body = JSON.parse((await readBody(req)) || '{}') as unknown;
      if (typeof body !== 'object' || body === null || !Array.isArray((body as { args?: unknown }).args)) {
        throw new ApiValidationError('body must be {"args":[…]}');
      }
      args = (body as { args: unknown[] }).args;
    } catch (error) {
      return sendJson(res, 400, { error: error instanceof Error ? error.message : 'bad request body' });
    }
    try {
      sendResult(res, await callApi(method, args));
    } catch (error) {
      const status = error instanceof ApiValidationError ? 400 : 500;
      sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
    }
  };

  const handleStatic = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    const queryToken = url.searchParams.get('token');
    const fromQuery = queryToken !== null && sameSecret(queryToken, token);
    const fromCookie = (() => {
      const c = cookieToken(req);
      return c !== null && sameSecret(c, token);
    })();
    if (!fromQuery && !fromCookie) return sendText(res, 401, 'Chainline: open the URL printed by `chainline serve` (it carries the token).');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return sendText(res, 400, 'bad path');
    }
    if (pathname === '/' || pathname === '') pathname = '/index.html';
    if (pathname.includes('\0')) return sendText(res, 400, 'bad path');
    const file = join(rendererRoot, pathname);
    let real: string;
    try {
      real = await realpath(file);
    } catch {
      return sendText(res, 404, 'not found');
    }
    if (real !== rendererRoot && !real.startsWith(rendererRoot + sep)) return sendText(res, 404, 'not found');
    let content: Buffer;
    try {
      content = await readFile(real);
    } catch {
      return sendText(res, 404, 'not found');
    }
    if (fromQuery) {
      res.setHeader('Set-Cookie', `${COOKIE_NAME}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    } else if (HASHED_ASSET.test(pathname)) {
      // A build's content-hashed file never changes under its name: the browser may keep it
      // (and the code V8 compiled from it) for a reload. The page and every API answer (case
      // content) stay no-store.
      res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(real).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': content.length });
    res.end(req.method === 'HEAD' ? undefined : content);
  };

  const server = createServer((req, res) => {
    securityHeaders(res);
    const host = req.headers.host ?? '';
    if (!allowedHosts().includes(host.toLowerCase())) {
      return sendText(res, 403, 'Chainline: wrong Host header');
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${host}`);
    } catch {
      return sendText(res, 400, 'bad request');
    }
    const done = url.pathname.startsWith('/api/')
      ? handleApi(req, res, url.pathname.slice('/api/'.length))
      : handleStatic(req, res, url);
    done.catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** The list of API methods, for `--help` and documentation. */
export const SERVED_METHODS: readonly ApiMethod[] = API_METHODS;
