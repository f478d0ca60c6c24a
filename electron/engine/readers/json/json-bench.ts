// Throughput of the JSON reader alone on generated NXLog-style JSON lines.
// Run after `npx tsc -p tsconfig.node.json`:
//   node dist/node/electron/engine/readers/json/json-bench.js [MB=256] [path]
// Prints MB/s and events/s; the file is generated once and reused.

import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonLines } from './json-fixture.js';
import { jsonReader } from './json-reader.js';

async function main(): Promise<void> {
  const mb = Number(process.argv[2] ?? 256);
  const path = process.argv[3] ?? join(tmpdir(), `chainline-json-bench-${mb}MB.jsonl`);
  const target = mb * 1024 * 1024;
  if (!existsSync(path) || statSync(path).size < target) {
    const t0 = performance.now();
    const { bytes, lines } = await writeJsonLines(path, target);
    console.log(`generated ${path}: ${(bytes / 1048576).toFixed(1)} MB, ${lines} lines in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const size = statSync(path).size;
  const runs = Number(process.env.RUNS ?? 5);
  for (let run = 1; run <= runs; run++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let events = 0;
    let errors = 0;
    for await (const batch of jsonReader.read(path)) {
      for (const item of batch) {
        if (item.kind === 'event') events++;
        else errors++;
      }
    }
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    // CPU seconds too: on a shared machine wall time says more about the neighbours.
    console.log(
      `run ${run}: ${(size / 1048576 / s).toFixed(1)} MB/s wall, ${(size / 1048576 / cpu).toFixed(1)} MB/cpu-s, ` +
        `${Math.round(events / s)} events/s (${events} events, ${errors} errors, ${s.toFixed(2)} s wall, ${cpu.toFixed(2)} s cpu)`,
    );
  }
}

void main();
