// Turning what the user named (files and folders) into the list of evidence files, and the
// facts recorded about each before a byte of it is parsed: size, mtime, SHA-256, format.

import { open, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { detectFormat, EVIDENCE_EXTENSIONS, type DetectResult } from '../readers/detect.js';

export interface Rejected {
  readonly path: string;
  readonly reason: string;
}

export interface Collected {
  readonly files: readonly string[];
  readonly rejected: readonly Rejected[];
}

function reasonOf(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = String((error as { code: unknown }).code);
    if (code === 'ENOENT') return 'no such file or folder';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'ELOOP') return 'too many symbolic links';
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Expands files and folders (recursively) into evidence files. A file named explicitly is
 * always taken (its content decides the format); inside folders only files with an evidence
 * extension are, so a KAPE collection's registry hives and prefetch files are passed over.
 * Unreadable entries are reported, never fatal.
 */
export async function collectEvidence(paths: readonly string[], signal?: AbortSignal): Promise<Collected> {
  const files: string[] = [];
  const rejected: Rejected[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();

  const addFile = async (path: string): Promise<void> => {
    const real = await realpath(path);
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(resolve(path));
  };

  const walk = async (dir: string): Promise<void> => {
    if (signal?.aborted) return;
    let real: string;
    try {
      real = await realpath(dir);
    } catch (error) {
      rejected.push({ path: dir, reason: reasonOf(error) });
      return;
    }
    if (seenDirs.has(real)) return; // a symbolic-link loop
    seenDirs.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      rejected.push({ path: dir, reason: reasonOf(error) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      try {
        const st = await stat(full);
        const wanted = EVIDENCE_EXTENSIONS.includes(extname(entry.name).toLowerCase());
        if (st.isDirectory()) await walk(full);
        else if (st.isFile() && wanted) await addFile(full);
        else if (!st.isFile() && wanted) rejected.push({ path: full, reason: 'not a regular file' });
      } catch (error) {
        rejected.push({ path: full, reason: reasonOf(error) });
      }
    }
  };

  for (const p of paths) {
    const path = resolve(p);
    try {
      const st = await stat(path);
      if (st.isDirectory()) await walk(path);
      else if (st.isFile()) await addFile(path);
      else rejected.push({ path, reason: 'not a regular file or folder' });
    } catch (error) {
      rejected.push({ path, reason: reasonOf(error) });
    }
  }
  return { files, rejected };
}

export interface FileFacts {
  readonly size: number;
  readonly mtime: string;
  readonly detected: DetectResult;
}

/** Size, modification time and format of a file, opened read-only. */
export async function fileFacts(path: string): Promise<FileFacts> {
  const handle = await open(path, 'r');
  try {
    const st = await handle.stat();
    const head = Buffer.alloc(Math.min(4096, st.size));
    if (head.length > 0) await handle.read(head, 0, head.length, 0);
    return { size: st.size, mtime: st.mtime.toISOString(), detected: detectFormat(head) };
  } finally {
    await handle.close();
  }
}

export { sha256File, sha256FileOffThread } from './file-hash.js';
