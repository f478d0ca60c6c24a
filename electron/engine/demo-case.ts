// The embedded default: with no evidence named, Chainline opens a demo case built from the
// evidence the project generates (assets/demo, written by scripts/make-demo.ts).

import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseInfo } from '../../shared/api.js';
import { DEMO_EVIDENCE_DIR, demoCaseDir } from './app-paths.js';
import type { EngineApi } from './engine.js';
import { sha256File } from './ingest/collect.js';
import { CASE_MANIFEST_FILE } from './store/case-store.js';
import { SCHEMA_VERSION } from './store/schema.js';

/** The demo's allow-list, imported into a new demo case. */
export const DEMO_ALLOWLIST_FILE = 'allowlist.yml';

async function demoFiles(): Promise<string[]> {
  const names = (await readdir(DEMO_EVIDENCE_DIR)).filter((n) => /\.(xml|json|jsonl|evtx)$/i.test(n)).sort();
  return names.map((n) => join(DEMO_EVIDENCE_DIR, n));
}

/**
 * Opens (or builds) the demo case in `dir`. An existing demo case whose evidence matches the
 * current demo files by SHA-256 is reopened as it is (notes and bookmarks kept); one built
 * from other demo files is rebuilt. A folder that is not a demo case is never deleted.
 */
export async function openDemoCase(engine: EngineApi, dir = demoCaseDir()): Promise<CaseInfo> {
  const files = await demoFiles();
  if (files.length === 0) throw new Error(`no demo evidence in ${DEMO_EVIDENCE_DIR}`);
  const wanted = new Set(await Promise.all(files.map((f) => sha256File(f))));
  const manifestPath = join(dir, CASE_MANIFEST_FILE);
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { demo?: boolean; schemaVersion?: number };
    if (manifest.demo !== true) throw new Error(`${dir} holds a case that is not the demo case`);
    if (manifest.schemaVersion === SCHEMA_VERSION) {
      const info = await engine.openCase(dir, { demo: true, name: 'Demo case' });
      const overview = await engine.getCaseOverview();
      const have = new Set(overview.evidence.filter((e) => e.status === 'complete').map((e) => e.sha256));
      if (have.size === wanted.size && [...wanted].every((h) => have.has(h))) return info;
      await engine.closeCase();
    }
    await rm(dir, { recursive: true, force: true });
  }
  const info = await engine.openCase(dir, { demo: true, name: 'Demo case' });
  await engine.openEvidence({ paths: files });
  // The demo's benign noise (updaters, service hosts, the logon script) is allow-listed from
  // the start, so the demo shows suppression as an investigator would set it up.
  const allowList = join(DEMO_EVIDENCE_DIR, DEMO_ALLOWLIST_FILE);
  if (existsSync(allowList)) await engine.importAllowList(await readFile(allowList, 'utf8'));
  return info;
}
