// SHA-256 of evidence files. An import hashes each file while it is read (engine.ts): on the
// engine thread that was about a CPU second per 256 MB, taken from the thread that appends
// to DuckDB (the import's other half), so large files are hashed on a thread of their own.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { resolveWorkerScript } from '../workers/worker-script.js';

/** Bytes per read when hashing. */
const HASH_READ_BYTES = 1 << 20;

/**
 * SHA-256 of a file, read (read-only) in chunks into one buffer, with progress. A read stream
 * hands out a new buffer per chunk: fresh memory whose page faults cost a new thread more CPU
 * than the hash itself (0.8 CPU s against 0.2 for 200 MB, measured cold).
 */
export async function sha256File(
  path: string,
  onProgress?: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(HASH_READ_BYTES);
    for (;;) {
      if (signal?.aborted) throw new Error('cancelled');
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      done += bytesRead;
      onProgress?.(done);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Files below this are hashed in the calling thread (a thread costs tens of milliseconds to start). */
export const HASH_THREAD_MIN_BYTES = 16 * 1024 * 1024;

/** What the hashing thread (hash-worker.ts) posts back. */
export type HashWorkerReply = { readonly sha256: string } | { readonly error: string };

/**
 * sha256File on a thread of its own when the file is large and the compiled worker exists
 * (else in this thread: same result). Cancelled through `signal` as sha256File is.
 */
export async function sha256FileOffThread(path: string, size: number, signal?: AbortSignal): Promise<string> {
  const script = size >= HASH_THREAD_MIN_BYTES ? resolveWorkerScript(import.meta.url, './hash-worker.js') : null;
  if (!script) return sha256File(path, undefined, signal);
  if (signal?.aborted) throw new Error('cancelled');
  const worker = new Worker(script, { workerData: { path }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  let onAbort: (() => void) | null = null;
  try {
    return await new Promise<string>((resolvePromise, reject) => {
      onAbort = (): void => reject(new Error('cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (m: HashWorkerReply) => ('sha256' in m ? resolvePromise(m.sha256) : reject(new Error(m.error))));
      worker.on('error', reject);
      worker.on('exit', () => reject(new Error('the hashing thread stopped without a result')));
    });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
