// Worker thread of the EVTX pool: parses the chunks it is sent, one message each, with the
// same code as the single-threaded reader.
import { parentPort } from 'node:worker_threads';
import { newTemplateCache, type Template } from './binxml-tokens.js';
import { readChunk } from './chunk-reader.js';

export interface ChunkJob {
  readonly file: string;
  readonly buf: Uint8Array;
  readonly index: number;
  readonly fileOffset: number;
}

let templatesFile = '';
let templatesById = new Map<number, Template>();
let templates = newTemplateCache();

parentPort?.on('message', (job: ChunkJob) => {
  if (job.file !== templatesFile) {
    templatesFile = job.file;
    templatesById = new Map();
    templates = newTemplateCache();
  }
  const buf = Buffer.from(job.buf.buffer, job.buf.byteOffset, job.buf.byteLength);
  try {
    const result = readChunk({ file: job.file, buf, index: job.index, fileOffset: job.fileOffset, templatesById, templates });
    parentPort!.postMessage({ ok: true, items: result.items, carved: result.carved });
  } catch (e) {
    parentPort!.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});
