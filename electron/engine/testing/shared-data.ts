// Where the project's real-evidence folder lives: `../shared` beside the repository, in CI
// and on developers' machines. Tests that need it skip with a visible reason when it is absent.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root, whether running from source or from dist/node. */
export const REPO_ROOT = here.includes(`${sep}dist${sep}node${sep}`) ? resolve(here, '..', '..', '..', '..', '..') : resolve(here, '..', '..', '..');

export const SHARED_DIR = process.env['CHAINLINE_SHARED_DIR'] ?? resolve(REPO_ROOT, '..', 'shared');

export function sharedAvailable(): boolean {
  return existsSync(resolve(SHARED_DIR, 'README.md'));
}

export const SHARED_MISSING_REASON = `../shared is absent (looked in ${SHARED_DIR}); real-evidence tests skipped`;

/** Every .evtx file below `dir`, sorted (the corpus test, the fuzzer and the benchmark use it). */
export function listEvtxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listEvtxFiles(p));
    else if (e.name.endsWith('.evtx')) out.push(p);
  }
  return out.sort();
}
