// Benchmark of the Sigma engine: every Windows rule of ../shared/sigma/rules plus the built-in
// pack over generated events (Security 4688 and 4624, Sysmon 1, PowerShell 4104), on one
// thread. Events are generated in batches outside the timed part; only matching is timed.
//
// What the timed part holds: the `matcher.match(e)` calls and storing each result in an array,
// nothing else (the per-rule counts and the digest are taken after the clock stops). Garbage
// collection of the matcher's own allocations (lower-cased values, hit lists, memo entries)
// falls inside it and is counted. Not counted, since 2026-11-30: moving the freshly generated
// batch about. A batch of 10,000 events is some 16 MB of live young objects, and before, every
// scavenge that the matcher's allocations triggered during the timed part copied that batch
// (GC pauses inside the timed part: 4.5 s of 22.8 s of matching, load average 6.5). Now a full
// collection runs after generating each batch, before the clock starts (the batch is then in
// the old generation and the previous one is gone). The GC pauses that still fall inside the
// timed part are printed, so the figure can be judged.
//
//   npm run bench:sigma            (1,000,000 events)
//   node dist/node/scripts/bench-sigma.js [events]

import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NormalizedEvent } from '../shared/events.js';
import { createMatcher, loadRulePack, RULE_STATUSES } from '../electron/engine/detect/sigma/index.js';
import { makeEvent } from '../electron/engine/detect/sigma/test-events.js';
import { SHARED_DIR, SHARED_MISSING_REASON, sharedAvailable } from '../electron/engine/testing/shared-data.js';
import { seededRandom } from '../electron/engine/testing/seeded-random.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const IMAGES = [
  'C:\\Windows\\System32\\cmd.exe',
  'C:\\Windows\\System32\\conhost.exe',
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'C:\\Windows\\System32\\svchost.exe',
  'C:\\Windows\\System32\\notepad.exe',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
  'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE',
  'C:\\Windows\\System32\\net.exe',
  'C:\\Windows\\System32\\net1.exe',
  'C:\\Windows\\System32\\whoami.exe',
  'C:\\Windows\\System32\\rundll32.exe',
  'C:\\Windows\\System32\\regsvr32.exe',
  'C:\\Windows\\System32\\certutil.exe',
  'C:\\Windows\\System32\\schtasks.exe',
  'C:\\Windows\\System32\\reg.exe',
  'C:\\Windows\\System32\\sc.exe',
  'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
  'C:\\Windows\\explorer.exe',
  'C:\\Windows\\System32\\msiexec.exe',
  'C:\\Windows\\System32\\taskhostw.exe',
  'C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe',
  'C:\\Users\\jdoe\\AppData\\Local\\Temp\\setup_4711.exe',
  'C:\\Users\\jdoe\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe',
  'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24010.12-0\\MsMpEng.exe',
];
const ARGS = [
  '/c echo hello',
  '-k netsvcs -p -s BITS',
  '-NoProfile -ExecutionPolicy Bypass -File \\\\corp.example\\NETLOGON\\inventory.ps1',
  'user /domain',
  'localgroup administrators',
  '/all',
  'shell32.dll,Control_RunDLL',
  '/s C:\\Windows\\System32\\scrrun.dll',
  '-hashfile C:\\Users\\jdoe\\Downloads\\a.iso SHA256',
  '/query /fo LIST /v',
  'query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
  '--type=renderer --field-trial-handle=1234 --lang=en-US',
  '"H:\\Budget\\Q1-2024.xlsx"',
  '/ua /installsource scheduler',
  '-nop -w hidden -enc ' + Buffer.from("Write-Output 'bench'", 'utf16le').toString('base64'),
  '/i C:\\Windows\\Temp\\package.msi /qn',
  '-Embedding',
  'start wuauserv',
];
const USERS = ['jdoe', 'asmith', 'svc_backup', 'svc_sccm', 'SYSTEM', 'LOCAL SERVICE'];
const SCRIPT_PARTS = [
  'Get-ChildItem -Path $env:TEMP -Recurse | Where-Object { $_.Length -gt 1MB }',
  '$computers = Get-ADComputer -Filter * | Select-Object -ExpandProperty Name',
  'foreach ($c in $computers) { Test-Connection -ComputerName $c -Count 1 -Quiet }',
  'Import-Module ActiveDirectory',
  '$cred = Get-Credential',
  'Invoke-WebRequest -Uri https://intranet.corp.example/api/status -UseBasicParsing',
  '[System.Text.Encoding]::UTF8.GetString($bytes)',
  'Write-Host "Inventory complete"',
  'Get-Service | Where-Object Status -eq Running | Export-Csv C:\\inventory\\services.csv',
  'New-Item -ItemType Directory -Path C:\\inventory -Force | Out-Null',
  'function Get-Info { param($Name) Get-WmiObject Win32_OperatingSystem -ComputerName $Name }',
  'Set-Location C:\\Windows\\System32',
];

/** Varied events (same seed, same events), made `n` at a time. */
export function generator(seed: number): (n: number) => NormalizedEvent[] {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  let ms = Date.UTC(2024, 0, 1);
  let record = 1;
  const pid = (): number => 4 * Math.floor(rnd() * 16384);
  return (n) => {
    const out: NormalizedEvent[] = [];
    for (let i = 0; i < n; i++) {
      ms += Math.floor(rnd() * 50);
      const time = new Date(ms).toISOString().replace('Z', '0000Z');
      const computer = `HOST${Math.floor(rnd() * 20)}.corp.example`;
      const r = rnd();
      const image = pick(IMAGES);
      const parent = pick(IMAGES);
      const commandLine = `"${image}" ${pick(ARGS)} ${Math.floor(rnd() * 1e6)}`;
      const user = pick(USERS);
      if (r < 0.35) {
        out.push(
          makeEvent({
            channel: 'Security',
            eventId: 4688,
            computer,
            time,
            recordId: record++,
            data: {
              SubjectUserSid: 'S-1-5-21-1-2-3-1107',
              SubjectUserName: user,
              SubjectDomainName: 'CORP',
              SubjectLogonId: `0x${(0x3e7 + Math.floor(rnd() * 5000)).toString(16)}`,
              NewProcessId: `0x${pid().toString(16)}`,
              NewProcessName: image,
              TokenElevationType: pick(['%%1936', '%%1937', '%%1938']),
              ProcessId: `0x${pid().toString(16)}`,
              CommandLine: commandLine,
              TargetUserSid: 'S-1-0-0',
              TargetUserName: '-',
              TargetDomainName: '-',
              TargetLogonId: '0x0',
              ParentProcessName: parent,
              MandatoryLabel: pick(['S-1-16-8192', 'S-1-16-12288', 'S-1-16-16384']),
            },
          }),
        );
      } else if (r < 0.7) {
        out.push(
          makeEvent({
            channel: SYSMON,
            eventId: 1,
            computer,
            time,
            recordId: record++,
            data: {
              RuleName: '-',
              UtcTime: time.slice(0, 23).replace('T', ' '),
              ProcessGuid: `{${Math.floor(rnd() * 1e8)}-0000-0000-0000-000000000000}`,
              ProcessId: String(pid()),
              Image: image,
              FileVersion: '10.0.19041.1',
              Description: 'Windows Command Processor',
              Product: 'Microsoft® Windows® Operating System',
              Company: 'Microsoft Corporation',
              OriginalFileName: image.slice(image.lastIndexOf('\\') + 1),
              CommandLine: commandLine,
              CurrentDirectory: 'C:\\Windows\\system32\\',
              User: `CORP\\${user}`,
              LogonGuid: '{00000000-0000-0000-0000-000000000000}',
              LogonId: '0x3e7',
              TerminalSessionId: '1',
              IntegrityLevel: pick(['Medium', 'High', 'System']),
              Hashes: `SHA256=${Math.floor(rnd() * 1e15).toString(16).padStart(64, '0')}`,
              ParentProcessGuid: '{00000000-0000-0000-0000-000000000000}',
              ParentProcessId: String(pid()),
              ParentImage: parent,
              ParentCommandLine: `"${parent}"`,
              ParentUser: 'NT AUTHORITY\\SYSTEM',
            },
          }),
        );
      } else if (r < 0.85) {
        const parts: string[] = [];
        const count = 1 + Math.floor(rnd() * 12);
        for (let k = 0; k < count; k++) parts.push(pick(SCRIPT_PARTS));
        out.push(
          makeEvent({
            channel: 'Microsoft-Windows-PowerShell/Operational',
            eventId: 4104,
            provider: 'Microsoft-Windows-PowerShell',
            computer,
            time,
            recordId: record++,
            data: {
              MessageNumber: '1',
              MessageTotal: '1',
              ScriptBlockText: parts.join('\r\n'),
              ScriptBlockId: `${Math.floor(rnd() * 1e8)}-71f9-43a7-ba7a-a1e80990be39`,
              Path: rnd() < 0.5 ? '' : '\\\\corp.example\\NETLOGON\\inventory.ps1',
            },
          }),
        );
      } else {
        out.push(
          makeEvent({
            channel: 'Security',
            eventId: 4624,
            computer,
            time,
            recordId: record++,
            data: {
              SubjectUserSid: 'S-1-5-18',
              SubjectUserName: 'WS01$',
              SubjectDomainName: 'CORP',
              SubjectLogonId: '0x3e7',
              TargetUserSid: 'S-1-5-21-1-2-3-1107',
              TargetUserName: user,
              TargetDomainName: 'CORP',
              TargetLogonId: `0x${Math.floor(rnd() * 1e7).toString(16)}`,
              LogonType: pick(['2', '3', '5', '10', '11']),
              LogonProcessName: pick(['User32', 'NtLmSsp', 'Kerberos', 'Advapi']),
              AuthenticationPackageName: pick(['NTLM', 'Kerberos', 'Negotiate']),
              WorkstationName: pick(['WS01', 'WIN-T8K2P0LQ4VN', '-']),
              LogonGuid: '{00000000-0000-0000-0000-000000000000}',
              TransmittedServices: '-',
              LmPackageName: pick(['-', 'NTLM V2', 'NTLM V1']),
              KeyLength: '0',
              ProcessId: '0x0',
              ProcessName: '-',
              IpAddress: `10.1.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}`,
              IpPort: String(Math.floor(rnd() * 65535)),
              ImpersonationLevel: '%%1833',
              ElevatedToken: pick(['%%1842', '%%1843']),
            },
          }),
        );
      }
    }
    return out;
  };
}

async function main(): Promise<void> {
  if (!sharedAvailable()) {
    console.error(SHARED_MISSING_REASON);
    process.exitCode = 1;
    return;
  }
  const total = Number(process.argv[2] ?? 1_000_000);
  const t0 = performance.now();
  const pack = await loadRulePack({ dirs: [join(SHARED_DIR, 'sigma', 'rules', 'windows')], builtin: true, statuses: RULE_STATUSES });
  const t1 = performance.now();
  const matcher = createMatcher(pack);
  matcher.warm([
    { channel: 'Security', eventId: 4688 },
    { channel: 'Security', eventId: 4624 },
    { channel: SYSMON, eventId: 1 },
    { channel: 'Microsoft-Windows-PowerShell/Operational', eventId: 4104 },
  ]);
  const t2 = performance.now();
  console.log(
    `rules: ${pack.rules.length} loaded (${pack.rules.filter((r) => r.origin === 'builtin').length} built-in), ${pack.problems.length} problems; ` +
      `parse+compile ${(t1 - t0).toFixed(0)} ms, bucket compile ${(t2 - t1).toFixed(0)} ms`,
  );
  const generate = generator(42);
  const batch = 10_000;
  let done = 0;
  let matchMs = 0;
  // CPU time of this thread as well as wall time: on a shared, loaded machine the wall clock
  // also counts the time other processes had the core.
  let cpuUs = 0;
  let hits = 0;
  let matchedEvents = 0;
  const perRule = new Map<string, number>();
  // Digest of every hit (event row + rule id, in row order then pack order) and the count per
  // rule id: a speed change must leave both unchanged (compare the printed lines before/after).
  const digest = createHash('sha256');
  const perRuleId = new Map<string, number>();
  // Per event kind (timed group by group, so the figure per kind is its own).
  const perKind = new Map<string, { n: number; ms: number }>();
  // Events per CPU-second of each batch: on a machine shared with other work the median and the
  // best batch say more about the engine than the total does.
  const batchRates: number[] = [];
  // A full collection between batches, outside the timed part (see the file comment): `gc` is
  // exposed at run time, so `node dist/node/scripts/bench-sigma.js` needs no flag.
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  // GC pauses that start inside the timed part (entries arrive later, so they are matched to
  // the timed intervals at the end).
  const gcPauses: { start: number; ms: number }[] = [];
  const timed: { start: number; end: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, ms: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  while (done < total) {
    const batchCpuBefore = cpuUs;
    const events = generate(Math.min(batch, total - done));
    const groups = new Map<string, number[]>();
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as NormalizedEvent;
      const key = `${e.system.channel} ${e.system.eventId}`;
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    }
    const batchHits: (readonly { id: string; title: string }[] | undefined)[] = new Array(events.length).fill(undefined);
    collect();
    for (const [key, group] of groups) {
      const s = performance.now();
      const c = process.cpuUsage();
      for (let j = 0; j < group.length; j++) {
        const i = group[j] as number;
        batchHits[i] = matcher.match(events[i] as NormalizedEvent);
      }
      const end = performance.now();
      const ms = end - s;
      const cpu = process.cpuUsage(c);
      timed.push({ start: s, end });
      cpuUs += cpu.user + cpu.system;
      matchMs += ms;
      const k = perKind.get(key) ?? { n: 0, ms: 0 };
      k.n += group.length;
      k.ms += ms;
      perKind.set(key, k);
    }
    for (let i = 0; i < events.length; i++) {
      const m = batchHits[i];
      if (!m || m.length === 0) continue;
      matchedEvents++;
      hits += m.length;
      for (const r of m) {
        perRule.set(r.title, (perRule.get(r.title) ?? 0) + 1);
        digest.update(`${done + i} ${r.id}\n`);
        perRuleId.set(r.id, (perRuleId.get(r.id) ?? 0) + 1);
      }
    }
    done += events.length;
    if (cpuUs > batchCpuBefore) batchRates.push(events.length / ((cpuUs - batchCpuBefore) / 1e6));
  }
  batchRates.sort((a, b) => a - b);
  await new Promise((resolve) => setTimeout(resolve, 50));
  gcObserver.disconnect();
  let gcInside = 0;
  let gcInsideCount = 0;
  for (const p of gcPauses)
    if (timed.some((t) => p.start >= t.start && p.start <= t.end)) {
      gcInside += p.ms;
      gcInsideCount++;
    }
  const rate = done / (matchMs / 1000);
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`${done} events in ${(matchMs / 1000).toFixed(2)} s of matching: ${Math.round(rate).toLocaleString('en-US')} events/s on one thread (wall clock; load average ${load})`);
  console.log(`CPU time of the matching thread ${(cpuUs / 1e6).toFixed(2)} s: ${Math.round(done / (cpuUs / 1e6)).toLocaleString('en-US')} events per CPU-second; per ${batch.toLocaleString('en-US')}-event batch median ${Math.round(batchRates[batchRates.length >> 1] ?? 0).toLocaleString('en-US')}, best ${Math.round(batchRates[batchRates.length - 1] ?? 0).toLocaleString('en-US')}`);
  console.log(`GC pauses inside the timed part: ${gcInsideCount}, ${(gcInside / 1000).toFixed(2)} s (the matcher's own garbage; see the file comment)`);
  for (const [key, k] of perKind) console.log(`  ${key}: ${k.n} events, ${Math.round(k.n / (k.ms / 1000)).toLocaleString('en-US')} events/s`);
  for (const b of matcher.stats())
    console.log(`  bucket ${b.key}: ${b.rules} rules, ${b.unindexed} without literals, ${b.candidatesPerEvent.toFixed(1)} candidate rules run per event`);
  console.log(`${matchedEvents} events matched, ${hits} rule hits; most frequent:`);
  for (const [title, n] of [...perRule].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${n}\t${title}`);
  const counts = createHash('sha256');
  for (const [id, n] of [...perRuleId].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) counts.update(`${id} ${n}\n`);
  console.log(`hit digest ${digest.digest('hex').slice(0, 16)}; per-rule counts digest ${counts.digest('hex').slice(0, 16)} (${perRuleId.size} rules hit)`);
}

// Run when executed, not when imported (profiling scripts import the generator).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
