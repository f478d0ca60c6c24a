// Starts `chainline serve` (the built CLI) in a child process with its own data folder, and
// hands tests the URL it prints (token included).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServeHandle {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  readonly stderr: () => string;
  /** Polls the API until no import is running. */
  waitForIngest(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '..');

export interface ServeOptions {
  /** Reuse this data folder (a restart on the same cases) instead of a fresh one. */
  readonly dataDir?: string;
  /** Leave the data folder in place on stop (to start again on it). */
  readonly keepDataDir?: boolean;
}

export async function startServe(
  args: readonly string[] = [],
  env: Record<string, string> = {},
  options: ServeOptions = {},
): Promise<ServeHandle> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'chainline-e2e-'));
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'chainline.js'), 'serve', '--no-open', ...args], {
    cwd: ROOT,
    env: { ...process.env, CHAINLINE_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in 60 s; stderr:\n${stderr}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /Chainline is serving (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}; stderr:\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    process: child,
    stderr: () => stderr,
    waitForIngest: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await fetch(`${parsed.origin}/api/getIngestStatus`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': parsed.searchParams.get('token') ?? '' },
          body: JSON.stringify({ args: [] }),
        });
        const body = (await response.json()) as { result?: { phase: string } };
        const phase = body.result?.phase;
        if (phase === 'done' || phase === 'idle' || phase === 'failed' || phase === 'cancelled') return;
        if (Date.now() > deadline) throw new Error(`import still ${phase} after ${timeoutMs} ms; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
