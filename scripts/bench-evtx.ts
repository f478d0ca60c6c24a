// Benchmark (not a test): builds an EVTX file of at least 256 MB from real chunks of the
// corpus (record ids renumbered, checksums recomputed), then parses it to normalized events
// single-threaded and with the worker pool, and runs `evtxexport -f xml` (libevtx-utils) on
// the same file. Prints MB/s, records/s and peak RSS side by side, each run in a child process
// so that its peak RSS is its own. The single-threaded run also prints what it met in slack
// space (chunk-reader slackCounts): Chainline carves every chunk's slack, which
// `evtxexport -f xml` (its default mode, -m items) does not read.
//
// Then imports the same file into a fresh case through the engine (target ≥ 40 MB/s), and a
// folder of many logs, as a triage collection holds them: ../shared/corpus/evtx (210 files,
// most under 1 MB) or --folder DIR, beside `evtxexport -f xml` run on each of its files.
//
//   node dist/node/scripts/bench-evtx.js [--mb 256] [--file /tmp/x.evtx] [--skip-libevtx]
//     [--skip-import] [--only-import] [--skip-pool] [--skip-folder] [--folder DIR] [--repeat 3]
//
// It runs in rounds (--repeat, default 3), each running every parser once in turn, and prints
// each parser's median run, every round's times and the single-threaded ratio round by round.
// The single-threaded parse is timed twice: in a fresh process (the figure the target is
// judged on: it includes V8 compiling the parser, ~0.3 s here) and, as information, on a
// second read in a process that has read the file once (the parser's steady state).
//
// evtxexport runs as `evtxexport -f xml FILE | grep -c '^<Event '` (its XML goes through a
// pipe, not to disk; the count shows an early stop). Its CPU seconds (user + system, of
// evtxexport alone, from /usr/bin/time when present) are printed too: on a shared machine
// they compare more steadily with Chainline's CPU seconds than wall time does.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHUNK_HEADER_SIZE, CHUNK_SIZE, chunkChecksumProblems, parseChunkHeader } from '../electron/engine/evtx/chunk.js';
import { crc32 } from '../electron/engine/evtx/crc32.js';
import { evtxReader } from '../electron/engine/evtx/evtx-reader.js';
import { slackCounts } from '../electron/engine/evtx/chunk-reader.js';
import { pathCounts } from '../electron/engine/evtx/compiled.js';
import { readEvtxPooled } from '../electron/engine/evtx/pool.js';
import { readRecordHead } from '../electron/engine/evtx/record.js';
import { SHARED_DIR } from '../electron/engine/testing/shared-data.js';
import { listEvtxFiles } from '../electron/engine/testing/shared-data.js';
import { startEngine } from '../electron/engine/worker/engine-client.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const listEvtx = listEvtxFiles;

/**
 * Clean chunks (both checksums hold) of the corpus files that libevtx reads without error
 * (INVENTORY.tsv `errors` is `-`), as copies: a chunk libevtx cannot read would stop
 * evtxexport early and flatter it.
 */
function corpusChunks(): Buffer[] {
  const chunks: Buffer[] = [];
  const clean = new Set<string>();
  for (const line of readFileSync(join(SHARED_DIR, 'corpus', 'INVENTORY.tsv'), 'utf8').trim().split('\n').slice(1)) {
    const cols = line.split('\t');
    if (cols[5] === '-') clean.add(join(SHARED_DIR, 'corpus', 'evtx', cols[0]!));
  }
  for (const file of listEvtx(join(SHARED_DIR, 'corpus', 'evtx'))) {
    if (!clean.has(file)) continue;
    const buf = readFileSync(file);
    for (let off = 4096; off + CHUNK_SIZE <= buf.length; off += CHUNK_SIZE) {
      const c = Buffer.from(buf.subarray(off, off + CHUNK_SIZE));
      const h = parseChunkHeader(c);
      if (h && h.freeSpaceOffset > CHUNK_HEADER_SIZE && chunkChecksumProblems(c, h).length === 0) chunks.push(c);
    }
  }
  return chunks;
}

/** Renumbers a chunk's live records from `next`; returns the next free id. */
function renumber(c: Buffer, next: bigint): bigint {
  const h = parseChunkHeader(c)!;
  const first = next;
  let pos = CHUNK_HEADER_SIZE;
  while (pos < h.freeSpaceOffset) {
    const r = readRecordHead(c, pos, h.freeSpaceOffset);
    if (typeof r === 'string') break;
    c.writeBigUInt64LE(next++, pos + 8);
    pos += r.size;
  }
  c.writeBigUInt64LE(first, 8);
  c.writeBigUInt64LE(next - 1n, 16);
  c.writeBigUInt64LE(first, 24);
  c.writeBigUInt64LE(next - 1n, 32);
  c.writeUInt32LE(crc32(c, CHUNK_HEADER_SIZE, h.freeSpaceOffset), 52);
  c.writeUInt32LE(crc32(c, 128, CHUNK_HEADER_SIZE, crc32(c, 0, 120)), 124);
  return next;
}

function buildFile(path: string, mb: number): void {
  const chunks = corpusChunks();
  if (chunks.length === 0) throw new Error(`no clean chunks found under ${SHARED_DIR}/corpus/evtx`);
  const count = Math.ceil((mb * 1024 * 1024 - 4096) / CHUNK_SIZE);
  const fd = openSync(path, 'w');
  const header = Buffer.alloc(4096);
  header.write('ElfFile\0', 0, 'latin1');
  header.writeBigUInt64LE(BigInt(count - 1), 16);
  header.writeUInt32LE(128, 32);
  header.writeUInt16LE(1, 36);
  header.writeUInt16LE(3, 38);
  header.writeUInt16LE(4096, 40);
  header.writeUInt16LE(Math.min(count, 0xffff), 42);
  let next = 1n;
  const body: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const c = Buffer.from(chunks[i % chunks.length]!);
    next = renumber(c, next);
    body.push(c);
  }
  header.writeBigUInt64LE(next, 24);
  header.writeUInt32LE(crc32(header, 0, 120), 124);
  writeSync(fd, header);
  for (const c of body) writeSync(fd, c);
  closeSync(fd);
  console.log(`built ${path}: ${count} chunks from ${chunks.length} distinct corpus chunks, ${next - 1n} records`);
}

interface RunResult {
  readonly seconds: number;
  readonly events: number;
  readonly errors: number;
  readonly peakRssMb: number;
  /** CPU seconds of the child (all its threads): steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
  /** Records extracted by the compiled fast path and by the general parser (this thread only). */
  readonly fast: number;
  readonly general: number;
  /** Record frames found in slack and what became of them (chunk-reader slackCounts, this thread only: zeros for the pool, whose workers carve). */
  readonly slack?: { readonly frames: number; readonly passedOver: number; readonly events: number; readonly failed: number };
}

async function runChild(mode: 'single' | 'warm' | 'pool' | 'import', file: string): Promise<RunResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [self, '--child', mode, '--file', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out.trim().split('\n').pop()!) as RunResult) : reject(new Error(`child ${mode} exited ${code}`))));
  });
}

/** Full import into a fresh case through the engine (parse, normalize, store, closing checkpoint). */
async function importChild(file: string): Promise<void> {
  const caseDir = mkdtempSync(join(tmpdir(), 'chainline-bench-evtx-case-'));
  const engine = startEngine();
  try {
    await engine.openCase(caseDir);
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    await engine.openEvidence({ paths: [file] });
    const status = await engine.waitForIngest();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const overview = await engine.getCaseOverview();
    if (status.phase !== 'done') throw new Error(`import ended ${status.phase}: ${status.message ?? ''}`);
    console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, events: overview.totalEvents, errors: status.errors, peakRssMb, fast: 0, general: 0 }));
  } finally {
    await engine.shutdown();
    rmSync(caseDir, { recursive: true, force: true });
  }
}

async function child(mode: string, file: string): Promise<void> {
  if (mode === 'build') return buildFile(file, Number(arg('--mb') ?? 256));
  if (mode === 'import') return importChild(file);
  if (mode === 'warm') {
    // One whole read first, untimed: what follows is the parse with V8's optimized code in
    // place (an engine that has read a file before), not a cold process's first read. The
    // template cache is per read, so the timed read parses its templates as a first one does.
    for await (const batch of evtxReader.read(file)) void batch;
    pathCounts.fast = 0;
    pathCounts.general = 0;
    Object.assign(slackCounts, { frames: 0, passedOver: 0, events: 0, failed: 0 });
  }
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let events = 0;
  let errors = 0;
  const iterable = mode === 'pool' ? readEvtxPooled(file, { workers: 2 }) : evtxReader.read(file);
  for await (const batch of iterable) for (const item of batch) item.kind === 'event' ? events++ : errors++;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(JSON.stringify({ seconds, cpuSeconds, events, errors, peakRssMb, fast: pathCounts.fast, general: pathCounts.general, slack: { ...slackCounts } }));
}

interface LibevtxRun {
  readonly seconds: number;
  /** evtxexport's own CPU seconds (user + system), from /usr/bin/time; null without it. */
  readonly cpuSeconds: number | null;
}

/** One run of `evtxexport -f xml` on the file; null when evtxexport is not there. */
function runLibevtx(file: string): LibevtxRun | null {
  const t0 = process.hrtime.bigint();
  // Count the events it printed, so that an early stop shows. /usr/bin/time (when present)
  // writes evtxexport's own CPU seconds to a file of their own.
  const timeFile = join(tmpdir(), `chainline-bench-evtx-time-${process.pid}.txt`);
  const timed = existsSync('/usr/bin/time') ? `/usr/bin/time -o "${timeFile}" -f '%U %S' ` : '';
  const r = spawnSync('sh', ['-c', `${timed}evtxexport -f xml "${file}" 2>/dev/null | grep -c '^<Event '`], { encoding: 'utf8' });
  try {
    if (r.status !== 0) return null;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`evtxexport printed ${r.stdout.trim()} events`);
    let cpuSeconds: number | null = null;
    if (timed && existsSync(timeFile)) {
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      if (Number.isFinite(user) && Number.isFinite(sys)) cpuSeconds = user! + sys!;
    }
    return { seconds, cpuSeconds };
  } finally {
    rmSync(timeFile, { force: true });
  }
}

/** `evtxexport -f xml` on each file in turn, as one would on a folder; its wall time in all, and the events it printed. */
function runLibevtxFolder(files: readonly string[]): { seconds: number; events: number } | null {
  const t0 = process.hrtime.bigint();
  let events = 0;
  for (const f of files) {
    // Some of the corpus's files are damaged on purpose: evtxexport then stops early or fails,
    // and its time counts all the same.
    const r = spawnSync('sh', ['-c', `evtxexport -f xml "$1" 2>/dev/null | grep -c '^<Event '`, 'sh', f], { encoding: 'utf8' });
    if (r.error) return null;
    events += Number(r.stdout.trim()) || 0;
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, events };
}

/** Reads the whole file once, 4 MB at a time, into nothing. */
function warmPageCache(file: string): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** The run with the median time (the slower middle one of an even count). */
function median<T extends { readonly seconds: number }>(runs: readonly T[]): T | null {
  if (runs.length === 0) return null;
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) return child(arg('--child')!, arg('--file')!);
  const mb = Number(arg('--mb') ?? 256);
  const file = resolve(arg('--file') ?? join(tmpdir(), `chainline-bench-${mb}mb.evtx`));
  if (!existsSync(file) || statSync(file).size < mb * 1024 * 1024 || process.argv.includes('--rebuild')) {
    // Built in a process of its own: building holds the whole file in memory, and a child
    // spawned afterwards would report this process's size as its own peak RSS (Linux keeps
    // the high-water mark across fork and exec: a 2 GB build made every parser "peak" at 2 GB).
    const built = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', 'build', '--file', file, '--mb', String(mb)], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error(`building ${file} failed`);
  }
  const size = statSync(file).size;
  const sizeMb = size / 1e6;
  const rows: string[][] = [['parser', 'seconds', 'CPU s', 'MB/s', 'records/s', 'peak RSS MB', 'vs libevtx']];
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load average before: ${load()}`);
  const onlyImport = process.argv.includes('--only-import');
  const skipped: RunResult = { seconds: NaN, cpuSeconds: NaN, events: 0, errors: 0, peakRssMb: NaN, fast: 0, general: 0 };
  // Rounds, each running every parser once in turn, and the median of each: on this shared
  // two-core machine one run of the same parser varies by a third from minute to minute, and
  // evtxexport by more from one hour to the next, so each ratio is taken within a round.
  const rounds = Math.max(1, Number(arg('--repeat') ?? 3));
  // The file read once through before any parser, so that none pays for the disk (the first
  // parse after the file had left the page cache measured twice as slow).
  warmPageCache(file);
  const folder = resolve(arg('--folder') ?? join(SHARED_DIR, 'corpus', 'evtx'));
  const folderFiles = !process.argv.includes('--skip-folder') && existsSync(folder) ? listEvtxFiles(folder) : [];
  if (folderFiles.length === 0 && !process.argv.includes('--skip-folder')) console.log(`folder import not run: no .evtx files under ${folder}`);
  const runs: { single: RunResult[]; warm: RunResult[]; pool: RunResult[]; imported: RunResult[]; libevtx: LibevtxRun[]; folder: RunResult[]; folderLibevtx: { seconds: number; events: number }[] } = {
    single: [],
    warm: [],
    pool: [],
    imported: [],
    libevtx: [],
    folder: [],
    folderLibevtx: [],
  };
  for (let round = 0; round < rounds; round++) {
    if (!onlyImport) runs.single.push(await runChild('single', file));
    if (!onlyImport) runs.warm.push(await runChild('warm', file));
    if (!onlyImport && !process.argv.includes('--skip-pool')) runs.pool.push(await runChild('pool', file));
    if (!process.argv.includes('--skip-import')) runs.imported.push(await runChild('import', file));
    if (!process.argv.includes('--skip-libevtx') && !onlyImport) {
      const r = runLibevtx(file);
      if (r) runs.libevtx.push(r);
      else {
        console.log('evtxexport not available (apt-get install libevtx-utils)');
        process.argv.push('--skip-libevtx');
      }
    }
    if (folderFiles.length > 0) {
      runs.folder.push(await runChild('import', folder));
      if (!process.argv.includes('--skip-libevtx')) {
        const r = runLibevtxFolder(folderFiles);
        if (r) runs.folderLibevtx.push(r);
      }
    }
  }
  const single = median(runs.single) ?? skipped;
  const warm = median(runs.warm) ?? skipped;
  const pool = median(runs.pool) ?? skipped;
  const imported = median(runs.imported);
  const libevtx = median(runs.libevtx);
  const libevtxSeconds = libevtx?.seconds ?? null;
  const libevtxCpu = libevtx?.cpuSeconds ?? null;
  const list = (rs: readonly { seconds: number }[]): string => rs.map((r) => r.seconds.toFixed(2)).join(', ');
  if (rounds > 1) {
    console.log(`${rounds} rounds; the table gives each parser's median run. Seconds per round:`);
    for (const [name, rs] of [['single-threaded', runs.single], ['single, JIT warm', runs.warm], ['worker pool', runs.pool], ['full import', runs.imported], ['evtxexport', runs.libevtx]] as const) {
      if (rs.length > 0) console.log(`  ${name.padEnd(16)} ${list(rs)}`);
    }
    if (runs.single.length === runs.libevtx.length && runs.libevtx.length > 0) {
      console.log(`  single-threaded vs evtxexport, round by round: ${runs.single.map((r, i) => `${(runs.libevtx[i]!.seconds / r.seconds).toFixed(1)}x`).join(', ')}`);
    }
  }
  const ratio = (s: number): string => (libevtxSeconds ? `${(libevtxSeconds / s).toFixed(1)}x` : '-');
  for (const [name, r] of [['chainline single-threaded', single], ['  same, JIT warm (2nd read)', warm], ['chainline worker pool (2)', pool]] as const) {
    if (r === skipped) continue;
    rows.push([name, r.seconds.toFixed(2), r.cpuSeconds.toFixed(2), (sizeMb / r.seconds).toFixed(1), Math.round(r.events / r.seconds).toString(), r.peakRssMb.toFixed(0), ratio(r.seconds)]);
  }
  if (imported) {
    rows.push(['chainline full import → case', imported.seconds.toFixed(2), imported.cpuSeconds.toFixed(2), (sizeMb / imported.seconds).toFixed(1), Math.round(imported.events / imported.seconds).toString(), imported.peakRssMb.toFixed(0), ratio(imported.seconds)]);
  }
  if (libevtxSeconds) rows.push(['evtxexport -f xml', libevtxSeconds.toFixed(2), libevtxCpu === null ? '-' : libevtxCpu.toFixed(2), (sizeMb / libevtxSeconds).toFixed(1), '-', '-', '1.0x']);
  console.log(`file: ${file} (${sizeMb.toFixed(0)} MB), ${onlyImport ? (imported?.events ?? 0) : single.events} events, ${onlyImport ? (imported?.errors ?? 0) : single.errors} errors`);
  console.log(`single-threaded: ${single.fast} records extracted by the compiled fast path, ${single.general} by the general parser`);
  if (single.slack) {
    // The slack's share of the work: evtxexport's default (-m items) reads none of it.
    const s = single.slack;
    console.log(
      `slack: ${s.frames} record frames examined (${single.events} events in all): ${s.passedOver} passed over as copies of records read before, ` +
        `${s.events} made into events (before the reader drops repeats), ${s.failed} unreadable (most: their template overwritten)`,
    );
  }
  const folderRun = median(runs.folder);
  if (folderRun) {
    const folderMb = folderFiles.reduce((n, f) => n + statSync(f).size, 0) / 1e6;
    const ref = median(runs.folderLibevtx);
    console.log(
      `folder: ${folder}, ${folderFiles.length} .evtx files, ${folderMb.toFixed(1)} MB: chainline full import → case ${folderRun.seconds.toFixed(2)} s ` +
        `(${(folderMb / folderRun.seconds).toFixed(1)} MB/s, ${(folderFiles.length / folderRun.seconds).toFixed(0)} files/s, ${folderRun.events} events, peak RSS ${folderRun.peakRssMb.toFixed(0)} MB; ` +
        `rounds ${list(runs.folder)})` +
        (ref ? `; evtxexport -f xml on each file ${ref.seconds.toFixed(2)} s (${ref.events} events printed; rounds ${list(runs.folderLibevtx)})` : ''),
    );
  }
  console.log(`load average after: ${load()}`);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  if (libevtxCpu !== null && !onlyImport && Number.isFinite(single.cpuSeconds)) {
    console.log(`by CPU seconds: single-threaded ${(libevtxCpu / single.cpuSeconds).toFixed(1)}x evtxexport (${(sizeMb / single.cpuSeconds).toFixed(1)} vs ${(sizeMb / libevtxCpu).toFixed(1)} MB per CPU second)`);
  }
}

await main();
