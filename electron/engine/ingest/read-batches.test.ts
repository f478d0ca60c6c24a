import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_EVIDENCE_DIR } from '../app-paths.js';
import { resolveWorkerScript } from '../workers/worker-script.js';
import { stringsOf, type PreparedBatch } from './prepared-rows.js';
import { planLineSegments } from '../readers/json/json-reader.js';
import { writeJsonLines } from '../readers/json/json-fixture.js';
import { readBatches, readPreparedInline, readPreparedSegments } from './read-batches.js';

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

describe('JSON lines read in segments', () => {
  async function collectBatches(batches: AsyncIterable<PreparedBatch>): Promise<{ strings: string[]; ticks: bigint[]; errors: string[]; last: number }> {
    const out = { strings: [] as string[], ticks: [] as bigint[], errors: [] as string[], last: 0 };
    for await (const b of batches) {
      out.strings.push(...stringsOf(b.rows));
      out.ticks.push(...b.rows.ticks);
      out.errors.push(...b.errors.map((e) => `${e.offset}:${e.line}:${e.message}`));
      out.last = b.bytesRead;
    }
    return out;
  }

  it('gives the events, offsets, line numbers and errors of a single pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainline-segments-'));
    try {
      const path = join(dir, 'collector.jsonl');
      await writeJsonLines(path, 400_000);
      // Blank lines, CRLF endings, a malformed record, a long line and a cut-short last record.
      const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
      const edited = lines.map((l, i) => (i % 37 === 5 ? `${l}\r` : i % 53 === 7 ? `\n${l}` : i === 101 ? '{"EventID": 4688, broken' : l));
      edited.splice(150, 0, JSON.stringify({ pad: 'x'.repeat(70_000) }));
      writeFileSync(path, '\ufeff' + edited.join('\n') + '\n' + (lines[0] as string).slice(0, 200));
      const size = statSync(path).size;
      const signal = new AbortController().signal;
      const single = await collectBatches(readPreparedInline(path, 'json', { signal }));
      expect(single.errors.length).toBeGreaterThanOrEqual(3);
      expect(single.ticks.length).toBeGreaterThan(200);
      const segments = await planLineSegments(path, 16 * 1024);
      expect(segments && segments.length).toBeGreaterThan(10);
      // Every segment but the first starts right after a line feed; together they cover the file.
      const bytes = readFileSync(path);
      for (const [k, s] of (segments ?? []).entries()) {
        if (k > 0) expect(bytes[s.start - 1]).toBe(0x0a);
        expect(s.end).toBe(segments?.[k + 1]?.start ?? size);
      }
      const all = (segments ?? []).map((_, k) => k);
      const merged: PreparedBatch[] = [];
      for await (const s of readPreparedSegments(path, segments ?? [], all, { signal })) if (!s.segmentDone) merged.push(s.batch);
      const inSegments = await collectBatches((async function* () { yield* merged; })());
      expect(inSegments.strings).toEqual(single.strings);
      expect(inSegments.ticks).toEqual(single.ticks);
      expect(inSegments.errors).toEqual(single.errors);
      if (!workerBuilt) return;
      // On two reading threads, segments alternating between them.
      const threaded = await collectBatches(readBatches(path, 'json', { signal, segmentBytes: 16 * 1024, threads: 2 }));
      expect(threaded.strings).toEqual(single.strings);
      expect(threaded.ticks).toEqual(single.ticks);
      expect(threaded.errors).toEqual(single.errors);
      expect(threaded.last).toBe(size);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
