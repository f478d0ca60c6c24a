// Fuzzer for the EVTX reader: mutates real chunks of ../shared/corpus/evtx (bit flips, random
// bytes, corrupted record sizes, offsets and substitution descriptors, template instances made
// to point at themselves, truncation, shuffled/duplicated chunks, damaged file headers) and
// fails on any exception escaping the reader, any input that takes longer than --max-ms,
// heap growth beyond --max-growth-mb, or (every 4th chunk) a difference between the
// compiled fast path with the shared template cache and the general parser. Seeded, so a
// failure can be replayed.
//
//   node dist/node/scripts/fuzz-evtx.js --iterations 100000 --seed 1
//
// Most iterations run the chunk parser in memory (the same code the file reader and the
// workers run); every --file-every'th iteration writes a whole file and reads it through
// evtxReader (including readRaw of some events), to cover the file-level recovery paths.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { newTemplateCache, type Template, type TemplateCache } from '../electron/engine/evtx/binxml-tokens.js';
import { CHUNK_SIZE, hasChunkMagic } from '../electron/engine/evtx/chunk.js';
import { readChunk, type ChunkResult } from '../electron/engine/evtx/chunk-reader.js';
import { setFastPath } from '../electron/engine/evtx/compiled.js';
import { evtxReader } from '../electron/engine/evtx/evtx-reader.js';
import { SHARED_DIR, sharedAvailable, SHARED_MISSING_REASON } from '../electron/engine/testing/shared-data.js';
import { seededRandom } from '../electron/engine/testing/seeded-random.js';
import { listEvtxFiles } from '../electron/engine/testing/shared-data.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const iterations = arg('--iterations', 10_000);
const seed = arg('--seed', 1);
const maxMs = arg('--max-ms', 1000);
const maxGrowthMb = arg('--max-growth-mb', 256);
const fileEvery = arg('--file-every', 50);

const rng = seededRandom;
const rand = rng(seed);
const int = (n: number): number => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const listEvtx = listEvtxFiles;

function loadChunks(): { chunks: Buffer[]; headers: Buffer[] } {
  const chunks: Buffer[] = [];
  const headers: Buffer[] = [];
  for (const file of listEvtx(join(SHARED_DIR, 'corpus', 'evtx'))) {
    const buf = readFileSync(file);
    headers.push(Buffer.from(buf.subarray(0, 4096)));
    for (let off = 4096; off < buf.length; off += CHUNK_SIZE) {
      const c = buf.subarray(off, Math.min(buf.length, off + CHUNK_SIZE));
      if (hasChunkMagic(c)) chunks.push(Buffer.from(c));
    }
  }
  return { chunks, headers };
}

function indexesOf(buf: Buffer, needle: Buffer, limit = 64): number[] {
  const out: number[] = [];
  for (let p = buf.indexOf(needle); p >= 0 && out.length < limit; p = buf.indexOf(needle, p + 1)) out.push(p);
  return out;
}

const RECORD = Buffer.from([0x2a, 0x2a, 0, 0]);
const TEMPLATE_INSTANCE = Buffer.from([0x0c, 0x01]);

/** Applies one to four mutations to a copy of the chunk. */
function mutateChunk(src: Buffer): Buffer {
  let c = Buffer.from(src);
  const rounds = 1 + int(4);
  for (let r = 0; r < rounds; r++) {
    switch (int(8)) {
      case 0: // bit flips
        for (let k = 1 + int(32); k > 0; k--) {
          const p = int(c.length);
          c[p] = c[p]! ^ (1 << int(8));
        }
        break;
      case 1: // random bytes, favouring boundary values
        for (let k = 1 + int(16); k > 0; k--) c[int(c.length)] = pick([0, 0xff, 0x7f, 0x80, 0x01, int(256)]);
        break;
      case 2: {
        // record size or its trailing copy
        const recs = indexesOf(c, RECORD);
        if (recs.length === 0) break;
        const p = pick(recs) + (rand() < 0.5 ? 4 : 0);
        if (p + 4 <= c.length) c.writeUInt32LE(pick([0, 1, 28, 0xffffffff, int(0x20000), c.readUInt32LE(p) + int(64) - 32]) >>> 0, p);
        break;
      }
      case 3: {
        // an offset somewhere in a record (name, template, attribute offsets)
        const recs = indexesOf(c, RECORD);
        const base = recs.length ? pick(recs) : 512;
        const p = Math.min(c.length - 4, base + int(512));
        if (p >= 0) c.writeUInt32LE(pick([int(CHUNK_SIZE), p, p + 4, 0, 512, 0xffffffff]) >>> 0, p);
        break;
      }
      case 4: {
        // a template instance pointing at itself, at its own token, or elsewhere
        const tis = indexesOf(c, TEMPLATE_INSTANCE);
        if (tis.length === 0) break;
        const t = pick(tis);
        if (t + 10 <= c.length) c.writeUInt32LE(pick([t, t + 6, t + 10, int(CHUNK_SIZE), 24]) >>> 0, t + 6);
        break;
      }
      case 5: {
        // substitution descriptors: sizes and types after a template instance
        const tis = indexesOf(c, TEMPLATE_INSTANCE);
        if (tis.length === 0) break;
        const p = Math.min(c.length - 2, pick(tis) + 10 + int(128));
        if (p >= 0) c.writeUInt16LE(pick([0, 0xffff, int(0x10000), 0x21, 0x81, 0x0c01]), p);
        break;
      }
      case 6: // truncation
        c = c.subarray(0, int(c.length));
        break;
      case 7: // chunk header fields (free space, last record offset, counts)
        if (c.length >= 64) c.writeUInt32LE(pick([0, 512, int(0x20000), 0xffffffff]) >>> 0, pick([40, 44, 48]));
        break;
    }
  }
  return c;
}

async function fileIteration(dir: string, chunks: Buffer[], headers: Buffer[]): Promise<number> {
  const parts: Buffer[] = [];
  for (let k = 1 + int(4); k > 0; k--) parts.push(rand() < 0.7 ? mutateChunk(pick(chunks)) : Buffer.from(pick(chunks)));
  // Shuffled order; sometimes duplicated; chunks are padded back to 64 KiB except the last.
  if (rand() < 0.3) parts.push(Buffer.from(parts[0]!));
  parts.sort(() => rand() - 0.5);
  const padded = parts.map((p, i) => (i < parts.length - 1 && p.length < CHUNK_SIZE ? Buffer.concat([p, Buffer.alloc(CHUNK_SIZE - p.length)]) : p));
  const header = Buffer.from(pick(headers));
  if (rand() < 0.3) for (let k = 0; k < 8; k++) header[int(128)] = int(256);
  let file = Buffer.concat([header, ...padded]);
  if (rand() < 0.2) file = file.subarray(0, int(file.length));
  const path = join(dir, 'input.evtx');
  writeFileSync(path, file);
  let n = 0;
  const raws: Promise<unknown>[] = [];
  for await (const batch of evtxReader.read(path)) {
    for (const item of batch) {
      n++;
      if (item.kind === 'event' && raws.length < 3) raws.push(evtxReader.readRaw(item.event.source, 20_000).catch(() => undefined));
    }
  }
  await Promise.all(raws);
  return n;
}

async function main(): Promise<void> {
  if (!sharedAvailable()) {
    console.log(`fuzz-evtx: ${SHARED_MISSING_REASON}`);
    return;
  }
  const { chunks, headers } = loadChunks();
  const templates = newTemplateCache();
  const dir = mkdtempSync(join(tmpdir(), 'chainline-fuzz-'));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let slowest = 0;
  let items = 0;
  const t0 = Date.now();
  let failure: string | null = null;
  try {
    for (let i = 0; i < iterations && !failure; i++) {
      const start = performance.now();
      let input: Buffer | null = null;
      try {
        if (i % fileEvery === fileEvery - 1) items += await fileIteration(dir, chunks, headers);
        else {
          input = mutateChunk(pick(chunks));
          const chunk = input;
          const run = (shared: TemplateCache | undefined): ChunkResult =>
            readChunk({ file: 'fuzz.evtx', buf: chunk, index: 0, fileOffset: 4096, templatesById: new Map<number, Template>(), ...(shared ? { templates: shared } : {}) });
          const r = run(templates);
          items += r.items.length + r.carved.length;
          // Differential: the compiled fast path and the template cache shared across
          // iterations (the mutated templates of earlier inputs in it) must give exactly what
          // the general parser gives without them.
          if (i % 4 === 0) {
            setFastPath(false);
            let general: ChunkResult;
            try {
              general = run(undefined);
            } finally {
              setFastPath(true);
            }
            if (!isDeepStrictEqual(r, general)) failure = `iteration ${i}: the fast path or the template cache differs from the general parser`;
          }
        }
      } catch (e) {
        failure = `iteration ${i}: the reader threw: ${e instanceof Error ? e.stack : String(e)}`;
      }
      const ms = performance.now() - start;
      slowest = Math.max(slowest, ms);
      if (process.env["FUZZ_VERBOSE"] && ms > 100) console.log(`iteration ${i}: ${ms.toFixed(0)} ms (${input ? "chunk" : "file"})`);
      if (!failure && ms > maxMs) failure = `iteration ${i}: took ${ms.toFixed(0)} ms (limit ${maxMs})`;
      if (failure && input) writeFileSync(join(tmpdir(), `chainline-fuzz-failure-${seed}-${i}.chunk`), input);
      if (i % 2000 === 1999) {
        gc?.();
        const growth = (process.memoryUsage().heapUsed - baseline) / 1048576;
        if (growth > maxGrowthMb) failure = `iteration ${i}: heap grew by ${growth.toFixed(0)} MB (limit ${maxGrowthMb})`;
        if (i % 10000 === 9999) console.log(`fuzz-evtx: ${i + 1} iterations, slowest ${slowest.toFixed(0)} ms, heap +${growth.toFixed(0)} MB`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const secs = (Date.now() - t0) / 1000;
  if (failure) {
    console.error(`fuzz-evtx FAILED (seed ${seed}): ${failure}`);
    process.exitCode = 1;
    return;
  }
  console.log(`fuzz-evtx: ${iterations} iterations (seed ${seed}) in ${secs.toFixed(0)} s, ${items} items, slowest ${slowest.toFixed(0)} ms; no crash, no hang`);
}

await main();
