// Detection started after one import whose correlation is still being computed when a second
// import ends: its findings are placed on the older sessions, so it must not be kept as covering
// the whole case (the session of the second import would never get its findings badge).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { tempDirs } from './testing/temp-dirs.js';

const temp = tempDirs();

function event(record: number, time: string, eventId: number, host: string, data: Record<string, string>): string {
  const fields = Object.entries(data).map(([k, v]) => `<Data Name='${k}'>${v}</Data>`).join('');
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' ` +
    `Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/><EventID>${eventId}</EventID><Version>2</Version><Level>0</Level><Task>13312</Task>` +
    `<Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='${time}'/><EventRecordID>${record}</EventRecordID>` +
    `<Correlation/><Execution ProcessID='4' ThreadID='100'/><Channel>Security</Channel><Computer>${host}</Computer><Security/>` +
    `</System><EventData>${fields}</EventData></Event>\n`
  );
}

/** A type 2 logon and, in it, a process with a full elevated token but no 4672: a case-level finding on the session. */
function sessionWithFinding(host: string, user: string, logonId: string, record: number): string {
  const sid = 'S-1-5-21-1111-2222-3333-1104';
  return (
    event(record, '2024-03-12T11:00:00.1000000Z', 4624, host, {
      SubjectUserSid: 'S-1-5-18', SubjectUserName: 'X$', SubjectDomainName: 'CORP', SubjectLogonId: '0x3e7',
      TargetUserSid: sid, TargetUserName: user, TargetDomainName: 'CORP', TargetLogonId: logonId, LogonType: '2',
      LogonProcessName: 'User32', AuthenticationPackageName: 'Negotiate', WorkstationName: host, IpAddress: '127.0.0.1',
    }) +
    event(record + 1, '2024-03-12T11:00:05.2000000Z', 4688, host, {
      SubjectUserSid: sid, SubjectUserName: user, SubjectDomainName: 'CORP', SubjectLogonId: logonId,
      NewProcessId: '0x1a2c', NewProcessName: 'C:\\Windows\\System32\\cmd.exe', TokenElevationType: '%%1937',
      ProcessId: '0x1100', CommandLine: 'cmd.exe /c whoami', ParentProcessName: 'C:\\Windows\\explorer.exe', MandatoryLabel: 'S-1-16-12288',
    })
  );
}

describe('detection and a second import', () => {
  it('detects again when an import ended while its correlation was computed', async () => {
    const dir = temp('chainline-detection-race-');
    writeFileSync(join(dir, 'a.xml'), sessionWithFinding('LAB1.corp.example', 'alice', '0x7a100', 1));
    writeFileSync(join(dir, 'b.xml'), sessionWithFinding('LAB2.corp.example', 'mallory', '0x7b200', 11));
    const engine = new Engine();
    await engine.openCase(join(dir, 'case'));
    // The detection that follows the first import gets the first import's correlation only once
    // the second import is over: the slow correlation of a large case, made certain.
    const slot = engine as unknown as { getAnalysis: () => Promise<unknown> };
    const real = slot.getAnalysis.bind(engine);
    let secondDone: () => void = () => undefined;
    const second = new Promise<void>((r) => (secondDone = r));
    let held = false;
    let first: Promise<unknown> | null = null;
    slot.getAnalysis = async () => {
      if (held) return real();
      held = true;
      first = real();
      const analysis = await first;
      await second;
      return analysis;
    };
    await engine.openEvidence({ paths: [join(dir, 'a.xml')] });
    await engine.waitForIngest();
    // Detection (started by the end of the import) has the first import's correlation in hand.
    while (first === null) await new Promise((r) => setTimeout(r, 5));
    await first;
    await engine.openEvidence({ paths: [join(dir, 'b.xml')] });
    await engine.waitForIngest();
    secondDone();
    const summary = await engine.getFindingsSummary();
    const sessions = (await engine.listSessions()).sessions;
    const mallory = sessions.find((s) => s.user === 'mallory');
    const alice = sessions.find((s) => s.user === 'alice');
    expect(mallory).toBeDefined();
    expect(summary.bySession.map((b) => b.sessionId)).toContain(alice!.id);
    expect(summary.bySession.map((b) => b.sessionId)).toContain(mallory!.id);
    await engine.shutdown();
  });
});
