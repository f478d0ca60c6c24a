// Worker threads need JavaScript. From the build (dist/node/…) a worker module sits beside
// its caller; under Vitest the caller is TypeScript source, and Node 20 cannot run a .ts
// worker, so we look for the compiled twin in dist/node. When neither exists the caller runs
// the work in its own thread instead (same code, one core).

import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const distMarker = `${sep}dist${sep}node${sep}`;

/**
 * Resolves the JavaScript file of a worker module given the caller's `import.meta.url` and
 * the worker's path relative to the caller, written with a `.js` extension.
 * Returns null when no runnable file exists (run inline then).
 */
export function resolveWorkerScript(callerUrl: string, relativeJs: string): string | null {
  const callerPath = fileURLToPath(callerUrl);
  const direct = resolve(dirname(callerPath), relativeJs);
  if (callerPath.includes(distMarker) || callerPath.endsWith('.js')) {
    return existsSync(direct) ? direct : null;
  }
  // Running from source: map <repo>/x/y.ts to <repo>/dist/node/x/y.js.
  const root = repoRoot.includes(distMarker) ? resolve(repoRoot, '..', '..') : repoRoot;
  const compiled = resolve(root, 'dist', 'node', relative(root, direct));
  return existsSync(compiled) ? compiled : null;
}
