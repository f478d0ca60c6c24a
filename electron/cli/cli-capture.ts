// Test helper for the CLI: captures what `main` writes to stdout and stderr and gives each test
// a fresh temporary folder, removed afterwards. Call once at the top of a test file.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';

export interface CliCapture {
  /** Everything written to stdout during the current test. */
  out: string;
  /** Everything written to stderr during the current test. */
  err: string;
  /** The current test's temporary folder. */
  dir: string;
}

export function captureCli(prefix: string): CliCapture {
  const cli: CliCapture = { out: '', err: '', dir: '' };
  beforeEach(() => {
    cli.out = '';
    cli.err = '';
    cli.dir = mkdtempSync(join(tmpdir(), prefix));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      cli.out += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      cli.err += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    rmSync(cli.dir, { recursive: true, force: true });
  });
  return cli;
}
