// Benchmark evidence is written line by line through `<path>.part`, renamed when complete, so a
// run cut short never leaves a half file that the next run would take for the cached one.

import { open, rename } from 'node:fs/promises';

/** Writes `lines` (newline-terminated, 20,000 per write) to `path`; returns how many. */
export async function writeLinesAtomically(path: string, lines: Iterable<string>): Promise<number> {
  const file = await open(path + '.part', 'w');
  let chunk: string[] = [];
  let written = 0;
  try {
    for (const line of lines) {
      chunk.push(line);
      written++;
      if (chunk.length >= 20_000) {
        await file.write(chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length) await file.write(chunk.join('\n') + '\n');
  } finally {
    await file.close();
  }
  await rename(path + '.part', path);
  return written;
}
