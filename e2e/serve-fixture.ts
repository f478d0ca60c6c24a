// Starts `chainline serve` (the built CLI) in a child process with its own data folder, and
// hands tests the URL it prints (token included).

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnServe } from '../electron/serve/testing/serve-process.js';

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
  const served = await spawnServe(ROOT, args, { CHAINLINE_DATA_DIR: dataDir, ...env }, 60_000);
  const { origin, token, stderr } = served;
  return {
    url: served.url,
    origin,
    token,
    dataDir,
    process: served.child,
    stderr,
    waitForIngest: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await fetch(`${origin}/api/getIngestStatus`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': token },
          body: JSON.stringify({ args: [] }),
        });
        const body = (await response.json()) as { result?: { phase: string } };
        const phase = body.result?.phase;
        if (phase === 'done' || phase === 'idle' || phase === 'failed' || phase === 'cancelled') return;
        if (Date.now() > deadline) throw new Error(`import still ${phase} after ${timeoutMs} ms; stderr:\n${stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => {
      await served.stop();
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
