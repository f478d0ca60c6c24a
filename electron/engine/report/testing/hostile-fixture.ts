// Hostile evidence for the report and export tests: one logon session whose processes, script
// blocks and service carry markup, script, `javascript:` links, ANSI escapes, bidirectional
// overrides, zero-width characters, C1 controls and a 5 MB base64 blob. Written as evtx_dump
// JSON lines (JSON can carry every control character, XML 1.0 cannot).

import { writeFileSync } from 'node:fs';

/** Payloads that must reach the report as text, never as markup. */
export const HOSTILE_PAYLOADS = {
  script: '<script>document.title="pwned";alert(1)</script>',
  style: '</style><style>body{display:none}</style>',
  link: '<a href="javascript:alert(1)">click me</a>',
  img: '<img src=x onerror="alert(1)">',
  svg: '"><svg onload=alert(1)>',
  iframe: '<iframe src="https://example.com/x"></iframe>',
  ansi: '\u001b[31mRED\u001b[0m',
  bidi: 'invoice\u202Efdp.exe',
  isolate: '\u2066isolated\u2069',
  zeroWidth: 'who\u200Bami\u200C\u200D\uFEFF',
  c1: 'c1\u0085\u009bcontrol',
} as const;

/** How each payload must appear in the report's text (markers in place of the invisible). */
export const HOSTILE_EXPECTED_TEXT: readonly string[] = [
  HOSTILE_PAYLOADS.script,
  HOSTILE_PAYLOADS.style,
  HOSTILE_PAYLOADS.link,
  HOSTILE_PAYLOADS.img,
  HOSTILE_PAYLOADS.svg,
  HOSTILE_PAYLOADS.iframe,
  '⟨U+001B⟩[31mRED⟨U+001B⟩[0m',
  'invoice⟨U+202E⟩fdp.exe',
  '⟨U+2066⟩isolated⟨U+2069⟩',
  'who⟨U+200B⟩ami⟨U+200C⟩⟨U+200D⟩⟨U+FEFF⟩',
  'c1⟨U+0085⟩⟨U+009B⟩control',
];

/** Cells a spreadsheet would run as formulas. */
export const FORMULA_PAYLOADS = {
  equals: "=cmd|' /C calc'!A0",
  plus: '+HYPERLINK("http://evil.example","x")',
  minus: '-2+3+cmd|x',
  at: '@SUM(1+1)*cmd|x',
} as const;

export const HOSTILE_HOST = 'HOSTILE01.corp.example';
export const HOSTILE_LOGON_ID = '0x1337';
export const BLOB_CHARS = 5 * 1024 * 1024;

/** Deterministic base64 of (BLOB_CHARS * 3 / 4) pseudo-random bytes. */
export function hostileBlob(): string {
  const bytes = Buffer.alloc((BLOB_CHARS / 4) * 3);
  let s = 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    bytes[i] = s >>> 24;
  }
  return bytes.toString('base64');
}

function record(recordId: number, second: number, eventId: number, channel: string, provider: string, eventData: Record<string, unknown>, execPid = 4): string {
  return JSON.stringify({
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: provider } },
        EventID: eventId,
        Version: 2,
        Level: 0,
        Task: 0,
        Opcode: 0,
        Keywords: '0x8020000000000000',
        TimeCreated: { '#attributes': { SystemTime: `2024-05-01T10:00:${String(second).padStart(2, '0')}.1234567Z` } },
        EventRecordID: recordId,
        Correlation: null,
        Execution: { '#attributes': { ProcessID: execPid, ThreadID: 8 } },
        Channel: channel,
        Computer: HOSTILE_HOST,
        Security: null,
      },
      EventData: eventData,
    },
  });
}

const SECURITY = ['Security', 'Microsoft-Windows-Security-Auditing'] as const;

/** Writes the hostile evidence (about 5 MB) to `path`; returns the record ids of the hostile events. */
export function writeHostileEvidence(path: string): { readonly hostileRecordIds: readonly number[]; readonly blob: string } {
  const blob = hostileBlob();
  const p = HOSTILE_PAYLOADS;
  const lines: string[] = [];
  lines.push(
    record(1, 0, 4624, ...SECURITY, {
      SubjectUserSid: 'S-1-5-18',
      SubjectLogonId: '0x3e7',
      TargetUserSid: 'S-1-5-21-1-2-3-1105',
      TargetUserName: `mallory${p.bidi}`,
      TargetDomainName: 'CORP',
      TargetLogonId: HOSTILE_LOGON_ID,
      LogonType: 3,
      IpAddress: '198.51.100.66',
      WorkstationName: p.zeroWidth,
    }),
  );
  lines.push(record(2, 1, 4672, ...SECURITY, { SubjectUserName: 'mallory', SubjectLogonId: HOSTILE_LOGON_ID, PrivilegeList: 'SeDebugPrivilege' }));
  const processes: { pid: number; image: string; cmd: string }[] = [
    { pid: 0x1000, image: 'C:\\Windows\\System32\\cmd.exe', cmd: `cmd.exe /c echo ${p.script} ${p.style} ${p.link}` },
    { pid: 0x1004, image: 'C:\\Windows\\System32\\cmd.exe', cmd: `cmd.exe /c echo ${p.img} ${p.svg} ${p.iframe}` },
    { pid: 0x1008, image: `C:\\Users\\mallory\\${p.bidi}`, cmd: `"${p.bidi}" ${p.ansi} ${p.isolate} ${p.zeroWidth} ${p.c1}` },
    { pid: 0x100c, image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', cmd: `powershell.exe -nop -c "$b='${blob}'"` },
  ];
  let record_ = 3;
  processes.forEach((proc, i) => {
    lines.push(
      record(record_++, 2 + i, 4688, ...SECURITY, {
        SubjectUserSid: 'S-1-5-21-1-2-3-1105',
        SubjectUserName: 'mallory',
        SubjectDomainName: 'CORP',
        SubjectLogonId: HOSTILE_LOGON_ID,
        NewProcessId: `0x${proc.pid.toString(16)}`,
        NewProcessName: proc.image,
        TokenElevationType: '%%1936',
        ProcessId: '0x2a0',
        CommandLine: proc.cmd,
        ParentProcessName: 'C:\\Windows\\System32\\wsmprovhost.exe',
        MandatoryLabel: 'S-1-16-12288',
      }),
    );
  });
  lines.push(
    record(record_++, 10, 4104, 'Microsoft-Windows-PowerShell/Operational', 'Microsoft-Windows-PowerShell', {
      MessageNumber: 1,
      MessageTotal: 1,
      ScriptBlockText: `Write-Host '${p.script}'\n# ${p.style}\n# ${p.link}\n# ${p.ansi} ${p.bidi} ${p.zeroWidth}`,
      ScriptBlockId: '{11111111-2222-3333-4444-555555555555}',
      Path: '',
    }, 0x100c),
  );
  lines.push(
    record(record_++, 12, 7045, 'System', 'Service Control Manager', {
      ServiceName: `upd${p.img}`,
      ImagePath: `%COMSPEC% /c ${p.script} ${p.ansi}`,
      ServiceType: 'user mode service',
      StartType: 'demand start',
      AccountName: 'LocalSystem',
    }),
  );
  lines.push(
    record(record_++, 12, 4697, ...SECURITY, {
      SubjectUserSid: 'S-1-5-21-1-2-3-1105',
      SubjectUserName: 'mallory',
      SubjectDomainName: 'CORP',
      SubjectLogonId: HOSTILE_LOGON_ID,
      ServiceName: `upd${p.img}`,
      ServiceFileName: `%COMSPEC% /c ${p.script} ${p.ansi}`,
      ServiceType: '0x10',
      ServiceStartType: '3',
      ServiceAccount: 'LocalSystem',
    }),
  );
  // Spreadsheet formulas in evidence, outside the hostile session (SYSTEM's logon).
  lines.push(
    record(record_++, 15, 4688, ...SECURITY, {
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: FORMULA_PAYLOADS.at,
      SubjectDomainName: 'NT AUTHORITY',
      SubjectLogonId: '0x3e7',
      NewProcessId: '0x2000',
      NewProcessName: FORMULA_PAYLOADS.minus,
      ProcessId: '0x2a0',
      CommandLine: FORMULA_PAYLOADS.equals,
      ParentProcessName: FORMULA_PAYLOADS.plus,
    }),
  );
  lines.push(record(record_++, 20, 4634, ...SECURITY, { TargetLogonId: HOSTILE_LOGON_ID, LogonType: 3 }));
  writeFileSync(path, lines.join('\n') + '\n');
  return { hostileRecordIds: [3, 4, 5, 6, 7, 8], blob };
}
