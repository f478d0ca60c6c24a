// Fidelity on real files: every EVTX file of ../shared/corpus/evtx is read and compared with
// libevtx's reference XML (record count, and per record: event id, record id, time, provider,
// channel, computer and every data value). Known differences are listed, with their reason, in
// corpus-differences.json; the test fails on any difference not listed there and on any listed
// one that no longer occurs, so the list stays true.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events.js';
import { parseTimestamp } from '../../../shared/time.js';
import { SHARED_DIR, SHARED_MISSING_REASON, sharedAvailable } from '../testing/shared-data.js';
import { evtxReader } from './evtx-reader.js';
import { parseReferenceXml, refEventFields } from './testing/reference-xml.js';
import { listEvtxFiles } from '../testing/shared-data.js';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = resolve(SHARED_DIR, 'corpus');
const FIXTURE = join(here, 'corpus-differences.json');

interface CountDifference {
  readonly file: string;
  readonly live: number;
  readonly libevtx: number;
  readonly reason: string;
}
interface FieldDifference {
  readonly file: string;
  readonly field: string;
  readonly count: number;
  readonly reason: string;
  readonly example?: string;
}
interface Fixture {
  readonly counts: CountDifference[];
  readonly fields: FieldDifference[];
}

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Hex compared numerically, GUIDs case-insensitively, times at 100 ns. */
function canon(value: string): string {
  const t = value.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return 'hex:' + BigInt(t).toString(16);
  if (GUID.test(t)) return 'guid:' + t.toLowerCase().replace(/[{}]/g, '');
  if (ISO.test(t)) {
    const p = parseTimestamp(t);
    if (p) return 'time:' + p.ticks;
  }
  return value;
}

const listEvtx = listEvtxFiles;

interface FileOutcome {
  live: number;
  libevtx: number;
  diffs: Map<string, { count: number; example: string }>;
}

async function readAll(path: string): Promise<NormalizedEvent[]> {
  const events: NormalizedEvent[] = [];
  for await (const batch of evtxReader.read(path)) for (const item of batch) if (item.kind === 'event') events.push(item.event);
  return events;
}

async function compareFile(path: string, rel: string, libevtx: number): Promise<FileOutcome> {
  const events = await readAll(path);
  const live = events.filter((e) => !e.recovered);
  const byId = new Map<string, NormalizedEvent>();
  for (const e of live) byId.set(String(e.system.recordId), e);
  const diffs = new Map<string, { count: number; example: string }>();
  const note = (field: string, example: string): void => {
    const d = diffs.get(field);
    if (d) d.count++;
    else diffs.set(field, { count: 1, example: example.slice(0, 300) });
  };
  const refPath = join(CORPUS, 'reference', rel + '.libevtx.xml');
  if (existsSync(refPath)) {
    for (const ev of parseReferenceXml(readFileSync(refPath, 'utf8'))) {
      const ref = refEventFields(ev);
      const mine = byId.get(ref.recordId);
      if (!mine) {
        note('missing record', `record ${ref.recordId}`);
        continue;
      }
      const at = `record ${ref.recordId}`;
      if (String(mine.system.eventId) !== ref.eventId) note('eventId', `${at}: ${mine.system.eventId} vs ${ref.eventId}`);
      if (canon(mine.time) !== canon(ref.systemTime)) note('time', `${at}: ${mine.time} vs ${ref.systemTime}`);
      if (mine.system.provider !== ref.provider) note('provider', `${at}: ${mine.system.provider} vs ${ref.provider}`);
      if (mine.system.channel !== ref.channel) note('channel', `${at}: ${mine.system.channel} vs ${ref.channel}`);
      if (mine.system.computer !== ref.computer) note('computer', `${at}: ${mine.system.computer} vs ${ref.computer}`);
      const keys = new Set([...Object.keys(mine.data), ...Object.keys(ref.data)]);
      for (const k of keys) {
        const a = mine.data[k];
        const b = ref.data[k];
        if (a === undefined || b === undefined || canon(a) !== canon(b)) {
          note('data', `${at} ${k}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
          break;
        }
      }
    }
  }
  return { live: live.length, libevtx, diffs };
}

const available = sharedAvailable() && existsSync(join(CORPUS, 'evtx'));
if (!available) console.warn(`EVTX corpus test skipped: ${SHARED_MISSING_REASON}`);

describe.skipIf(!available)('EVTX corpus fidelity (../shared/corpus)', () => {
  const outcomes = new Map<string, FileOutcome>();
  let fixture: Fixture = { counts: [], fields: [] };

  beforeAll(async () => {
    fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
    const inventory = new Map<string, number>();
    for (const line of readFileSync(join(CORPUS, 'INVENTORY.tsv'), 'utf8').trim().split('\n').slice(1)) {
      const cols = line.split('\t');
      inventory.set(cols[0]!, Number(cols[3]));
    }
    for (const path of listEvtx(join(CORPUS, 'evtx'))) {
      const rel = relative(join(CORPUS, 'evtx'), path).split('\\').join('/');
      outcomes.set(rel, await compareFile(path, rel, inventory.get(rel) ?? -1));
    }
    if (process.env['EVTX_WRITE_DIFFERENCES'] === '1') {
      const reasons = new Map(fixture.fields.map((f) => [`${f.file}|${f.field}`, f.reason]));
      const countReasons = new Map(fixture.counts.map((c) => [c.file, c.reason]));
      const next: Fixture = {
        counts: [...outcomes].filter(([, o]) => o.live !== o.libevtx).map(([file, o]) => ({ file, live: o.live, libevtx: o.libevtx, reason: countReasons.get(file) ?? 'TODO' })),
        fields: [...outcomes].flatMap(([file, o]) =>
          [...o.diffs].map(([field, d]) => ({ file, field, count: d.count, reason: reasons.get(`${file}|${field}`) ?? 'TODO', example: d.example })),
        ),
      };
      writeFileSync(FIXTURE, JSON.stringify(next, null, 2) + '\n');
    }
  }, 600_000);

  it('reads every corpus file', () => {
    expect(outcomes.size).toBeGreaterThanOrEqual(200);
  });

  it('finds as many live records as libevtx, or more only where listed with a reason', () => {
    const listed = new Map(fixture.counts.map((c) => [c.file, c]));
    const unexpected: string[] = [];
    for (const [file, o] of outcomes) {
      const known = listed.get(file);
      if (o.live === o.libevtx && !known) continue;
      if (known && known.live === o.live && known.libevtx === o.libevtx && o.live > o.libevtx) continue;
      unexpected.push(`${file}: ${o.live} live records, libevtx ${o.libevtx}${known ? ` (listed: ${known.live})` : ''}`);
    }
    for (const c of fixture.counts) if (!outcomes.has(c.file)) unexpected.push(`${c.file}: listed but absent`);
    expect(unexpected).toEqual([]);
  });

  it('matches the reference XML record by record, except the listed differences', () => {
    const listed = new Map(fixture.fields.map((f) => [`${f.file}|${f.field}`, f]));
    const problems: string[] = [];
    for (const [file, o] of outcomes) {
      for (const [field, d] of o.diffs) {
        const known = listed.get(`${file}|${field}`);
        if (!known) problems.push(`${file}: ${field} differs in ${d.count} records, e.g. ${d.example}`);
        else if (known.count !== d.count) problems.push(`${file}: ${field} differs in ${d.count} records, listed ${known.count}`);
        listed.delete(`${file}|${field}`);
      }
    }
    for (const f of listed.values()) problems.push(`${f.file}: listed ${f.field} difference no longer occurs`);
    expect(problems).toEqual([]);
    const total = fixture.fields.reduce((n, f) => n + f.count, 0);
    console.log(`EVTX corpus: ${outcomes.size} files; ${fixture.fields.length} listed differences covering ${total} records`);
  });
});
