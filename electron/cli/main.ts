// The `chainline` command line: `events`, `ingest`, `serve`. Exit codes: 0 when every file
// was read, 1 when some events or files failed, 2 on bad usage.

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { APP_VERSION, newCaseDir } from '../engine/app-paths.js';
import { openDemoCase } from '../engine/demo-case.js';
import type { EngineApi } from '../engine/engine.js';
import { startEngine } from '../engine/worker/engine-client.js';
import { serveApi, startServer } from '../serve/serve-server.js';
import { parseArgs, UsageError, type ParsedArgs } from './args.js';
import { analyzeFiles, analyzeIntoCase, ANALYZE_EXPORT_FORMATS, writeAnalysis, type AnalyzeExport, type AnalyzeExportFormat } from './analyze.js';
import { eventToCliJson } from './event-json.js';
import { readEvidence, type EvidenceErrorLine } from './read-evidence.js';
import { commandSigma, SIGMA_HELP } from './sigma.js';

export const EXIT_OK = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_USAGE = 2;

const HELP: Readonly<Record<string, string>> = {
  main: `chainline ${APP_VERSION} — forensic timeline viewer for Windows event logs

Usage: chainline <command> [options]

Commands:
  events <files or folders…>          print every event as one JSON line (stdout)
  ingest <files or folders…> --case <dir>
                                      import evidence into a case folder
  analyze <files or folders…> --json <out.json>
                                      correlate sessions, process trees, scripts,
                                      services and lateral movement into one document
  analyze <files or folders…> --case <dir> [--report <out.html|out.pdf>]
          [--export <format> <path>]… import, correlate, report and export headless
  serve [files or folders…]           serve the app on 127.0.0.1 (opens the demo case
                                      when no evidence and no --case is given)
  sigma [--rules <dir>]… <files or folders…>
                                      run Sigma rules (built-in and yours), one JSON
                                      line per match

Run 'chainline <command> --help' for a command's options.
Exit codes: 0 every file read (and, for analyze --case, every output written and every
evidence hash verified); 1 some events or files failed; 2 bad usage.`,
  events: `Usage: chainline events <files or folders…>

Reads EVTX, XML (Event Viewer, wevtutil) and JSON (evtx_dump, NXLog/Winlogbeat lines) evidence
and prints one JSON object per event on stdout:
  {"file","recordId","timeCreated","provider","eventId","channel","computer","data":{…},"recovered"}
timeCreated is ISO 8601 UTC with 7 fractional digits; data holds the named EventData fields
(and UserData leaves) as strings in Windows' rendering. Errors go to stderr as JSON lines
{"file","offset","error"} (and "line" for line-oriented files).

Options:
  --tz-offset <±HH:MM>   local time zone of zone-less times (NXLog EventTime), if known
  --help                 this text`,
  ingest: `Usage: chainline ingest <files or folders…> --case <dir>

Imports evidence into the case folder <dir> (created when missing). Each file's path, size,
modification time and SHA-256 are recorded; a file already in the case (same SHA-256) is
skipped. Progress goes to stderr.

Options:
  --case <dir>   the case folder (required)
  --help         this text`,
  analyze: `Usage: chainline analyze <files or folders…> --json <out.json>
       chainline analyze <files or folders…> --case <dir> [--report <out.html|out.pdf>]
                         [--rules <dir>]… [--export <format> <path>]… [--json <out.json>]

Reads the evidence and correlates it: logon sessions (split by boot, runas /netonly linked to
the session that made it), process trees with the basis of every edge (guid, pid+time,
pid+time (ambiguous: n candidates), placeholder), PowerShell script blocks reassembled and
tied to their process, encoded commands decoded, services tied to who installed and ran them,
and lateral movement between loaded hosts.

With --json alone it writes one JSON document (- for stdout) without a case:
  {"hosts":[…],"sessions":[…],"processes":[…],"scripts":[…],"services":[…],"lateral":[…]}
Errors go to stderr as JSON lines {"file","offset","error"}.

With --case it does the whole job headless: imports the evidence into the case folder (created
when missing; files already in it, by SHA-256, are skipped; no evidence names just reopens
it), correlates, writes the report and the exports. Progress goes to stderr. Many hosts can
be processed in parallel, one case folder each.

Options:
  --json <out.json>      write the correlation document (- for stdout)
  --case <dir>           the case folder to import into and report from
  --report <out>         the case report: .html (self-contained, no script) or .pdf (printed
                         by headless Chromium: CHAINLINE_CHROMIUM, or chromium on PATH)
  --session <id>         a session to report in full (repeatable; default: sessions with
                         findings, else those with services, decoded commands or scripts)
  --analyst <name>       the analyst named in the report
  --rules <dir>          a folder of Sigma rules to add to the built-in pack (repeatable)
  --export <format> <path>   (repeatable)
      timesketch <file>  Timesketch JSONL (or CSV when <file> ends in .csv)
      ecs <file>         ECS NDJSON in the Elasticsearch/OpenSearch _bulk format
                         (curl -H 'Content-Type: application/x-ndjson' --data-binary @<file> <es>/<index>/_bulk)
      csv <file>         events as CSV for Timeline Explorer and spreadsheets (formulas neutralised)
      jsonl <file>       normalized events, one JSON object per line
      parquet <dir>      events.parquet, sessions.parquet, processes.parquet
  --tz-offset <±HH:MM>   local time zone of zone-less times (NXLog EventTime), if known (--json alone)
  --help                 this text

Exit codes: 0 everything read, written and verified; 1 done, but some evidence could not be
read, an evidence file no longer matches its import hash, or an output failed (each said on
stderr); 2 bad usage.`,
  serve: `Usage: chainline serve [files or folders…] [--case <dir>] [--port <n>] [--rules <dir>]… [--no-builtin] [--no-open]

Serves the Chainline app on http://127.0.0.1:<port>/ with a per-launch token, and prints the
URL (token included). With no evidence and no --case it opens the demo case. Detection runs the
built-in Sigma rules plus every rule below each --rules folder; rejected and skipped rules are
counted on stderr and listed in the app.

Options:
  --case <dir>   open (or create) this case folder; default: a new case under the data folder
  --port <n>     port to listen on (default: a free port)
  --rules <dir>  a folder of Sigma rules (repeatable; a SigmaHQ checkout works)
  --no-builtin   leave out the built-in triage rules
  --no-open      do not open the default browser
  --help         this text`,
  sigma: SIGMA_HELP,
};

function writeLine(stream: NodeJS.WriteStream, line: string): Promise<void> {
  if (stream.write(line + '\n')) return Promise.resolve();
  return new Promise((resolveDrain) => stream.once('drain', () => resolveDrain()));
}

function parseOffset(text: string): number {
  const m = /^([+-])(\d{1,2}):?(\d{2})$/.exec(text);
  if (!m) throw new UsageError(`--tz-offset must look like +02:00 or -04:00, not ${JSON.stringify(text)}`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

async function commandEvents(args: ParsedArgs): Promise<number> {
  if (args.positional.length === 0) throw new UsageError('events needs at least one file or folder');
  const offsetText = args.options.get('tz-offset');
  const options = offsetText === undefined ? {} : { localTimeOffsetMinutes: parseOffset(offsetText) };
  let failed = false;
  const onError = async (error: EvidenceErrorLine): Promise<void> => {
    failed = true;
    await writeLine(process.stderr, JSON.stringify(error));
  };
  for await (const events of readEvidence(args.positional, options, onError)) {
    let out = '';
    for (const event of events) out += JSON.stringify(eventToCliJson(event)) + '\n';
    if (!process.stdout.write(out)) await new Promise<void>((r) => process.stdout.once('drain', () => r()));
  }
  return failed ? EXIT_SOME_FAILED : EXIT_OK;
}

function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Waits for the engine's import, printing progress to stderr; returns whether all went well. */
async function followIngest(engine: EngineApi): Promise<boolean> {
  const tty = process.stderr.isTTY;
  let last = '';
  for (;;) {
    const status = await engine.getIngestStatus();
    const line = `${status.phase} ${status.filesDone}/${status.filesTotal} files, ${formatBytes(status.bytesDone)}/${formatBytes(
      status.bytesTotal,
    )}, ${status.events} events, ${status.errors} errors${status.currentFile ? ` — ${status.currentFile}` : ''}`;
    if (line !== last) {
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
      last = line;
    }
    if (status.phase === 'done' || status.phase === 'cancelled' || status.phase === 'failed' || status.phase === 'idle') {
      if (tty) process.stderr.write('\n');
      if (status.message) process.stderr.write(`${status.message}\n`);
      const overview = await engine.getCaseOverview();
      let ok = status.phase === 'done' || status.phase === 'idle';
      for (const ev of overview.evidence) {
        if (ev.status === 'failed' || ev.status === 'incomplete' || ev.errors > 0) ok = false;
        for (const sample of ev.errorSamples) process.stderr.write(`  ${ev.status}: ${sample}\n`);
      }
      return ok;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function commandIngest(args: ParsedArgs): Promise<number> {
  const caseDir = args.options.get('case');
  if (!caseDir) throw new UsageError('ingest needs --case <dir>');
  if (args.positional.length === 0) throw new UsageError('ingest needs at least one file or folder');
  const engine = startEngine();
  try {
    const info = await engine.openCase(resolve(caseDir));
    process.stderr.write(`case ${info.dir}\n`);
    const result = await engine.openEvidence({ paths: args.positional });
    for (const r of result.rejected) process.stderr.write(`rejected ${r.path}: ${r.reason}\n`);
    const ok = (await followIngest(engine)) && result.rejected.length === 0;
    const overview = await engine.getCaseOverview();
    process.stderr.write(`${overview.totalEvents} events in the case from ${overview.evidence.length} evidence files\n`);
    return ok ? EXIT_OK : EXIT_SOME_FAILED;
  } finally {
    await engine.shutdown();
  }
}

function openBrowser(url: string): void {
  const [cmd, cmdArgs] =
    process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '""', url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, cmdArgs, { detached: true, stdio: 'ignore' });
    child.on('error', () => process.stderr.write(`could not open a browser; open ${url} yourself\n`));
    child.unref();
  } catch {
    process.stderr.write(`could not open a browser; open ${url} yourself\n`);
  }
}

async function commandAnalyze(args: ParsedArgs): Promise<number> {
  const out = args.options.get('json');
  if (args.options.has('case') || args.options.has('report') || args.lists.has('export')) return commandAnalyzeCase(args);
  if (!out) throw new UsageError('analyze needs --json <out.json>, or --case <dir> with --report and --export');
  if (args.positional.length === 0) throw new UsageError('analyze needs at least one file or folder');
  const offsetText = args.options.get('tz-offset');
  const outcome = await analyzeFiles(args.positional, offsetText === undefined ? {} : { localTimeOffsetMinutes: parseOffset(offsetText) });
  await writeAnalysis(outcome.document, out);
  const d = outcome.document;
  process.stderr.write(
    `${outcome.events} events: ${d.hosts.length} hosts, ${d.sessions.length} sessions, ${d.processes.length} processes, ` +
      `${d.scripts.length} script blocks, ${d.services.length} services, ${d.lateral.length} lateral edges\n`,
  );
  return outcome.failed ? EXIT_SOME_FAILED : EXIT_OK;
}

async function commandAnalyzeCase(args: ParsedArgs): Promise<number> {
  const caseDir = args.options.get('case');
  if (!caseDir) throw new UsageError('--report and --export need --case <dir>');
  if (args.options.has('tz-offset')) throw new UsageError('--tz-offset applies to --json without --case');
  const exports: AnalyzeExport[] = [];
  for (const [format, path] of args.lists.get('export') ?? []) {
    if (!(ANALYZE_EXPORT_FORMATS as readonly string[]).includes(format as string)) {
      throw new UsageError(`--export format must be one of ${ANALYZE_EXPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
    }
    exports.push({ format: format as AnalyzeExportFormat, path: path as string });
  }
  const report = args.options.get('report');
  if (report !== undefined && !/\.(html?|pdf)$/i.test(report)) throw new UsageError('--report must name an .html or .pdf file');
  const outputs = [...exports.map((x) => resolve(x.path)), ...(report ? [resolve(report)] : [])];
  if (new Set(outputs).size !== outputs.length) throw new UsageError('two outputs name the same path');
  const ruleDirs = (args.lists.get('rules') ?? []).map((r) => r[0] as string);
  const json = args.options.get('json');
  const analyst = args.options.get('analyst');
  const outcome = await analyzeIntoCase({
    paths: args.positional,
    caseDir,
    ...(report === undefined ? {} : { report }),
    exports,
    ...(json === undefined ? {} : { json }),
    ruleDirs,
    builtinRules: !args.flags.has('no-builtin'),
    sessionIds: (args.lists.get('session') ?? []).map((s) => s[0] as string),
    ...(analyst === undefined ? {} : { analyst }),
    followIngest,
    startEngine,
  });
  if (!outcome.ok) process.stderr.write(`finished with ${outcome.problems.length || 'some'} problem(s)\n`);
  return outcome.ok ? EXIT_OK : EXIT_SOME_FAILED;
}

/**
 * The rules detection runs: `--rules`/`--no-builtin` when given (and kept in the case), else the
 * selection the case was last used with, else the built-in pack.
 */
async function chooseRules(engine: EngineApi, args: ParsedArgs): Promise<void> {
  const explicit = args.lists.has('rules') || args.flags.has('no-builtin');
  let rules = await engine.getRuleStatus();
  if (explicit || !rules) {
    rules = await engine.setRuleFolders({ dirs: (args.lists.get('rules') ?? []).map((d) => resolve(d[0] as string)), builtin: !args.flags.has('no-builtin') });
  }
  process.stderr.write(
    `rules: ${rules.rules} loaded (${rules.builtinRules} built-in, ${rules.userRules} from folders, ${rules.correlations} correlations); ` +
      `${rules.rejected} rejected, ${rules.skipped} skipped\n`,
  );
}

async function commandServe(args: ParsedArgs): Promise<number> {
  const portText = args.options.get('port');
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number from 0 to 65535');
  const caseDir = args.options.get('case');
  const engine = startEngine();
  if (caseDir === undefined && args.positional.length === 0) {
    // The demo builds (and starts importing) at once: its rules are set right after.
    const info = await openDemoCase(engine);
    process.stderr.write(`demo case ${info.dir}\n`);
    await chooseRules(engine, args);
  } else {
    // firstScreen: the sessions and the table's first page are computed while the browser loads.
    const info = await engine.openCase(resolve(caseDir ?? newCaseDir()), { firstScreen: true });
    process.stderr.write(`case ${info.dir}\n`);
    await chooseRules(engine, args);
    if (args.positional.length > 0) {
      const result = await engine.openEvidence({ paths: args.positional });
      for (const r of result.rejected) process.stderr.write(`rejected ${r.path}: ${r.reason}\n`);
    }
  }
  const server = await startServer({ api: serveApi(engine), port });
  process.stdout.write(`Chainline is serving ${server.url}\n`);
  if (!args.flags.has('no-open')) openBrowser(server.url);
  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('stopping…\n');
  await server.close();
  await engine.shutdown();
  return EXIT_OK;
}

const COMMANDS: Readonly<
  Record<string, { run: (a: ParsedArgs) => Promise<number>; options: readonly string[]; flags: readonly string[]; multi?: Readonly<Record<string, number>> }>
> = {
  events: { run: commandEvents, options: ['tz-offset'], flags: [] },
  ingest: { run: commandIngest, options: ['case'], flags: [] },
  analyze: { run: commandAnalyze, options: ['json', 'tz-offset', 'case', 'report', 'analyst'], flags: ['no-builtin'], multi: { export: 2, rules: 1, session: 1 } },
  serve: { run: commandServe, options: ['case', 'port'], flags: ['no-open', 'no-builtin'], multi: { rules: 1 } },
  sigma: {
    run: (a) => {
      const tz = a.options.get('tz-offset');
      return commandSigma(a, tz === undefined ? undefined : parseOffset(tz));
    },
    options: ['min-level', 'status', 'tz-offset'],
    flags: ['no-builtin'],
    multi: { rules: 1 },
  },
};

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP['main'] + '\n');
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${APP_VERSION}\n`);
    return EXIT_OK;
  }
  const spec = COMMANDS[command];
  if (!spec) {
    process.stderr.write(`chainline: unknown command ${JSON.stringify(command)}\n\n${HELP['main']}\n`);
    return EXIT_USAGE;
  }
  try {
    const parsed = parseArgs(rest, spec.options, [...spec.flags, 'help'], spec.multi);
    if (parsed.flags.has('help')) {
      process.stdout.write((HELP[command] ?? '') + '\n');
      return EXIT_OK;
    }
    return await spec.run(parsed);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`chainline ${command}: ${error.message}\n\n${HELP[command] ?? ''}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
