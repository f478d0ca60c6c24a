import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_EVIDENCE_DIR } from '../engine/app-paths.js';
import { parseArgs, UsageError } from './args.js';
import { captureCli } from './cli-capture.js';
import { main } from './main.js';

const cli = captureCli('chainline-cli-');


describe('chainline CLI', () => {
  it('has --help on every command and exits 2 on bad usage', async () => {
    for (const command of ['events', 'ingest', 'serve']) {
      cli.out = '';
      expect(await main([command, '--help'])).toBe(0);
      expect(cli.out).toContain(`Usage: chainline ${command}`);
    }
    expect(await main(['--help'])).toBe(0);
    expect(await main([])).toBe(2);
    expect(await main(['frobnicate'])).toBe(2);
    expect(await main(['events'])).toBe(2);
    expect(await main(['events', 'x', '--bogus'])).toBe(2);
    expect(await main(['ingest', 'x'])).toBe(2);
    expect(await main(['events', 'x', '--tz-offset', 'four'])).toBe(2);
    expect(cli.err).toContain('unknown option --bogus');
  });

  it('prints one JSON line per event with the documented fields', async () => {
    expect(await main(['events', DEMO_EVIDENCE_DIR])).toBe(0);
    const lines = cli.out.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(150);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of events) {
      expect(Object.keys(e)).toEqual(['file', 'recordId', 'timeCreated', 'provider', 'eventId', 'channel', 'computer', 'data', 'recovered']);
      expect(e['timeCreated']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    }
    const logonIds = events.flatMap((e) => Object.values(e['data'] as Record<string, string>)).filter((v) => /^0x[0-9a-f]+$/i.test(v));
    for (const v of logonIds) expect(v).toMatch(/^0x(0|[1-9a-f][0-9a-f]*)$/);
  });

  it('exits 1 and reports errors as JSON lines on stderr when some events fail', async () => {
    const good = '{"EventID":4688,"Channel":"Security","Hostname":"H","UtcTime":"2024-01-01 00:00:00.000","NewProcessName":"a.exe"}';
    writeFileSync(join(cli.dir, 'mixed.jsonl'), `${good}\n{oops\n${good}\n`);
    expect(await main(["events", join(cli.dir, "mixed.jsonl")]), cli.err).toBe(1);
    expect(cli.out, cli.err).not.toBe("");
    expect(cli.out.trim().split('\n')).toHaveLength(2);
    const error = JSON.parse(cli.err.trim().split('\n')[0] as string) as Record<string, unknown>;
    expect(error['file']).toBe(join(cli.dir, 'mixed.jsonl'));
    expect(typeof error['offset']).toBe('number');
    expect(error['line']).toBe(2);
    expect(typeof error['error']).toBe('string');
  });

  it('exits 1 for a path that does not exist, naming it', async () => {
    expect(await main(['events', join(cli.dir, 'nope.evtx')])).toBe(1);
    expect(cli.err).toContain('nope.evtx');
    expect(cli.err).toContain('no such file');
  });

  it('analyzes evidence into the documented JSON document', async () => {
    const outFile = join(cli.dir, 'analysis.json');
    expect(await main(['analyze', DEMO_EVIDENCE_DIR, '--json', outFile])).toBe(0);
    const { readFileSync } = await import('node:fs');
    const doc = JSON.parse(readFileSync(outFile, 'utf8')) as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(doc)).toEqual(['hosts', 'sessions', 'processes', 'scripts', 'services', 'lateral']);
    expect(Object.keys(doc['sessions']![0]!)).toEqual(['id', 'host', 'logonId', 'logonType', 'user', 'domain', 'sourceIp', 'start', 'end', 'admin', 'linkedSessionId']);
    expect(Object.keys(doc['processes']![0]!)).toEqual([
      'id', 'host', 'pid', 'guid', 'image', 'commandLine', 'decodedCommand', 'start', 'end', 'user', 'logonId', 'sessionId',
      'integrity', 'elevation', 'parentId', 'parentBasis', 'candidates',
    ]);
    const decoded = doc['processes']!.filter((p) => String(p['decodedCommand'] ?? '').includes('DownloadFile'));
    // runas, cmd and powershell all carry the -enc payload on their command lines.
    expect(decoded.some((p) => /\\powershell\.exe$/i.test(String(p['image'])))).toBe(true);
    expect(doc['services']!.map((s) => s['name'])).toContain('WinUpdHelper');
    for (const s of doc['sessions']!) expect(String(s['start'])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    expect(await main(['analyze', DEMO_EVIDENCE_DIR])).toBe(2);
  });

  it('ingests into a case folder', async () => {
    expect(await main(['ingest', DEMO_EVIDENCE_DIR, '--case', join(cli.dir, 'case')])).toBe(0);
    expect(cli.err).toMatch(/\d+ events in the case from \d+ evidence files/);
  });
});

describe('argument parser', () => {
  it('takes options, flags and positionals', () => {
    const a = parseArgs(['a', '--case', 'd', '--no-open', '--port=9', '--', '--literal'], ['case', 'port'], ['no-open']);
    expect(a.positional).toEqual(['a', '--literal']);
    expect(a.options.get('case')).toBe('d');
    expect(a.options.get('port')).toBe('9');
    expect(a.flags.has('no-open')).toBe(true);
    expect(() => parseArgs(['--case'], ['case'], [])).toThrow(UsageError);
    expect(() => parseArgs(['--no-open=1'], [], ['no-open'])).toThrow(UsageError);
  });
});
