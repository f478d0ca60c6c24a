// Parse-only throughput of the XML reader on a generated wevtutil-style file:
//   npx tsc -p tsconfig.node.json && node dist/node/electron/engine/readers/xml/xml-bench.js [MB] [file]
// Prints MB/s for inline parsing and for the worker pool.

import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWevtutilXml } from './xml-fixture.js';
import { createXmlReader } from './xml-reader.js';

async function measure(path: string, workers: number): Promise<void> {
  const bytes = statSync(path).size;
  const reader = createXmlReader({ workers });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let events = 0;
  let errors = 0;
  for await (const batch of reader.read(path)) for (const item of batch) item.kind === 'event' ? events++ : errors++;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    `workers=${workers} events=${events} errors=${errors} ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(2)} s: ` +
      `${(bytes / 1e6 / seconds).toFixed(1)} MB/s (process CPU ${cpuSeconds.toFixed(1)} s)`,
  );
}

const mb = Number(process.argv[2] ?? 200);
const path = process.argv[3] ?? join(tmpdir(), `chainline-xml-bench-${mb}.xml`);
if (!existsSync(path)) {
  const stats = await writeWevtutilXml(path, mb * 1e6);
  console.log(`generated ${path}: ${stats.events} events, ${stats.bytes} bytes`);
}
for (const workers of [0, 1, 2]) await measure(path, workers);
