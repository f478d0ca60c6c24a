// Digest (not a test) of every item an EVTX read yields: events (all fields, in key order, the
// bigint ticks as text) and errors, in order, hashed with SHA-256. Run it from an old and a new
// build on the same files: equal digests mean a speed change left the output as it was.
//
//   node dist/node/scripts/digest-evtx.js [--pool] [--corpus] [FILE…]
//
// --corpus adds every .evtx file under ../shared/corpus/evtx; --pool reads with the worker pool.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ReadItem } from '../shared/events.js';
import { evtxReader } from '../electron/engine/evtx/evtx-reader.js';
import { readEvtxPooled } from '../electron/engine/evtx/pool.js';
import { listEvtxFiles, SHARED_DIR } from '../electron/engine/testing/shared-data.js';

const replacer = (_key: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v}n` : v);

async function digest(file: string, pool: boolean): Promise<string> {
  const hash = createHash('sha256');
  let events = 0;
  let errors = 0;
  const iterable: AsyncIterable<readonly ReadItem[]> = pool ? readEvtxPooled(file, { workers: 2, minChunks: 1 }) : evtxReader.read(file);
  for await (const batch of iterable) {
    for (const item of batch) {
      if (item.kind === 'event') events++;
      else errors++;
      hash.update(JSON.stringify(item, replacer));
      hash.update('\n');
    }
  }
  return `${hash.digest('hex').slice(0, 16)} ${events} events ${errors} errors`;
}

const args = process.argv.slice(2);
const pool = args.includes('--pool');
const files = args.filter((a) => !a.startsWith('--'));
if (args.includes('--corpus')) files.push(...listEvtxFiles(join(SHARED_DIR, 'corpus', 'evtx')));
const all = createHash('sha256');
for (const file of files) {
  let line: string;
  try {
    line = await digest(file, pool);
  } catch (e) {
    line = `threw ${e instanceof Error ? e.message : String(e)}`;
  }
  all.update(`${file} ${line}\n`);
  console.log(`${line}  ${file}`);
}
console.log(`all ${files.length} files: ${all.digest('hex').slice(0, 16)}${pool ? ' (pool)' : ''}`);
