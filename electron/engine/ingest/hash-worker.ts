// A thread that hashes one evidence file (file-hash.ts sha256FileOffThread).
import { parentPort, workerData } from 'node:worker_threads';
import { sha256File, type HashWorkerReply } from './file-hash.js';

const port = parentPort;
if (!port) throw new Error('hash-worker must run in a worker thread');
const { path } = workerData as { readonly path: string };

function reply(message: HashWorkerReply): void {
  port?.postMessage(message);
}

sha256File(path).then(
  (sha256) => reply({ sha256 }),
  (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
);
