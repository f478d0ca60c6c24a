// Where Chainline's own files are, whether running from source (Vitest) or from the build
// (dist/node/…), and where its data goes on this machine.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const distMarker = `${sep}dist${sep}node${sep}`;

/** The application root: the folder holding package.json, assets/ and dist/. */
export const APP_ROOT = here.includes(distMarker)
  ? here.slice(0, here.indexOf(distMarker))
  : resolve(here, '..', '..');

export const RENDERER_DIR = join(APP_ROOT, 'dist', 'renderer');
export const DEMO_EVIDENCE_DIR = join(APP_ROOT, 'assets', 'demo');

export const APP_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

/** The user's data folder for Chainline (cases default to a folder under it). */
export function defaultDataDir(): string {
  const override = process.env['CHAINLINE_DATA_DIR'];
  if (override) return resolve(override);
  if (process.platform === 'win32') return join(process.env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Chainline');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Chainline');
  return join(process.env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'chainline');
}

/** A new case folder name under the data folder: cases/case-YYYYMMDD-HHMMSS. */
export function newCaseDir(dataDir = defaultDataDir()): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let dir = join(dataDir, 'cases', `case-${stamp}`);
  for (let i = 2; existsSync(dir); i++) dir = join(dataDir, 'cases', `case-${stamp}-${i}`);
  return dir;
}

export function demoCaseDir(dataDir = defaultDataDir()): string {
  return join(dataDir, 'cases', 'demo');
}
