import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_EVIDENCE_DIR } from '../app-paths.js';
import { resolveWorkerScript } from '../workers/worker-script.js';
import { stringsOf, type PreparedBatch } from './prepared-rows.js';
import { readBatches } from './read-batches.js';

async function collect(inline: boolean): Promise<{ strings: string[]; ticks: bigint[]; errors: number }> {
  const strings: string[] = [];
  const ticks: bigint[] = [];
  let errors = 0;
  for await (const b of readBatches(join(DEMO_EVIDENCE_DIR, 'WS01-Security.xml'), 'xml', { signal: new AbortController().signal, inline })) {
    const batch: PreparedBatch = b;
    strings.push(...stringsOf(batch.rows));
    ticks.push(...batch.rows.ticks);
    errors += batch.errors.length;
  }
  return { strings, ticks, errors };
}

const workerBuilt = resolveWorkerScript(new URL('./read-batches.ts', import.meta.url).href, './read-worker.js') !== null;

describe('prepared batches', () => {
  it('are the same whether read on a reading thread or in this one', async () => {
    if (!workerBuilt) console.log('skipped half: the reading thread needs the build (npm run build); comparing inline only');
    const inline = await collect(true);
    expect(inline.errors).toBe(0);
    expect(inline.ticks.length).toBe(121);
    expect(inline.strings.length).toBe(121 * 7);
    if (!workerBuilt) return;
    const threaded = await collect(false);
    expect(threaded).toEqual(inline);
  });
});
