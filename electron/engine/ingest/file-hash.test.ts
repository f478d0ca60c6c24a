import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HASH_THREAD_MIN_BYTES, sha256File, sha256FileOffThread } from './file-hash.js';

describe('file hashes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainline-file-hash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const data = Buffer.alloc(HASH_THREAD_MIN_BYTES + 12345);
  for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i * 2654435761 >>> 0, i);
  const big = join(dir, 'big.bin');
  writeFileSync(big, data);
  const expected = createHash('sha256').update(data).digest('hex');

  it('are the same on a thread of their own (a large file) as in this thread', async () => {
    expect(await sha256File(big)).toBe(expected);
    expect(await sha256FileOffThread(big, data.length)).toBe(expected);
    // A small file (or a size below the threshold) is hashed here, to the same result.
    expect(await sha256FileOffThread(big, 1)).toBe(expected);
  });

  it('stop when cancelled, and fail on a file that is not there', async () => {
    const abort = new AbortController();
    const hashing = sha256FileOffThread(big, data.length, abort.signal);
    abort.abort();
    await expect(hashing).rejects.toThrow('cancelled');
    await expect(sha256FileOffThread(join(dir, 'missing.bin'), data.length)).rejects.toThrow(/ENOENT/);
  });
});
