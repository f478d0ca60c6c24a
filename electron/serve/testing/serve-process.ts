// Starts `chainline serve` (the built CLI, `bin/chainline.js`) in a child process and waits for
// the URL it prints, token included: shared by the e2e fixture and the views benchmark.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ServeProcess {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly child: ChildProcess;
  readonly stderr: () => string;
  /** Ends the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

export async function spawnServe(
  root: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(root, 'bin', 'chainline.js'), 'serve', '--no-open', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in ${timeoutMs / 1000} s; stderr:\n${stderr}`)), timeoutMs);
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
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
