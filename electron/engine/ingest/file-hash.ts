// SHA-256 of evidence files. An import hashes each file while it is read (engine.ts): on the
// engine thread that was about a CPU second per 256 MB, taken from the thread that appends
// to DuckDB (the import's other half), so large files are hashed on a thread of their own.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { resolveWorkerScript } from '../workers/worker-script.js';

/** SHA-256 of a file, streamed (read-only), with progress. */
export async function sha256File(
  path: string,
  onProgress?: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  const stream = createReadStream(path, { flags: 'r', highWaterMark: 1 << 20 });
  for await (const chunk of stream) {
    if (signal?.aborted) {
      stream.destroy();
      throw new Error('cancelled');
    }
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.(done);
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
