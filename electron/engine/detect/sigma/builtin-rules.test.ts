// The built-in triage pack (assets/rules): every rule loads, carries the fields the project
// requires, and behaves as its own `tests:` say; and on the demo evidence the pack fires
// exactly on the attack's events.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { NormalizedEvent } from '../../../../shared/events.js';
import { readerFor } from '../../readers/registry.js';
import { BUILTIN_RULES_DIR, createMatcher, loadRulePack } from './index.js';
import { makeEvent, type EventSpec } from './test-events.js';

interface RuleTest {
  readonly name: string;
  readonly match: boolean;
  readonly event: EventSpec;
}

const files = readdirSync(BUILTIN_RULES_DIR).filter((f) => f.endsWith('.yml')).sort();

describe('built-in rules (assets/rules)', () => {
  it('all load, none rejected or skipped', async () => {
    const pack = await loadRulePack({ dirs: [], builtin: true });
    expect(pack.problems).toEqual([]);
    expect(pack.rules.length).toBe(files.length);
    for (const r of pack.rules) {
      expect(r.origin).toBe('builtin');
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.description.length).toBeGreaterThan(40);
      expect(r.falsepositives.length).toBeGreaterThan(0);
      expect(r.tags.some((t) => /^attack\.t\d{4}/.test(t))).toBe(true);
      expect(r.tags.some((t) => /^attack\.[a-z-]+$/.test(t))).toBe(true);
    }
  });

  it('the example rule of issue 5 is reproduced as written', async () => {
    const pack = await loadRulePack({ dirs: [], builtin: true });
    const rule = pack.rules.find((r) => r.title === 'Office Application Spawning Shell');
    expect(rule?.level).toBe('high');
    expect(rule?.tags).toEqual(['attack.execution', 'attack.t1059']);
    expect(rule?.logsource).toEqual({ product: 'windows', service: 'security' });
    const doc = parseAllDocuments(readFileSync(join(BUILTIN_RULES_DIR, 'office_mshta_spawn_shell.yml'), 'utf8'));
    const detection = (Array.isArray(doc) ? doc[0] : doc)?.toJS().detection;
    expect(detection).toEqual({
      selection: {
        EventID: 4688,
        'ParentProcessName|endswith': ['\\winword.exe', '\\excel.exe', '\\powerpnt.exe', '\\outlook.exe', '\\mshta.exe'],
        'NewProcessName|endswith': ['\\cmd.exe', '\\powershell.exe', '\\pwsh.exe', '\\wscript.exe', '\\cscript.exe', '\\rundll32.exe', '\\regsvr32.exe'],
      },
      condition: 'selection',
    });
  });

  for (const file of files) {
    it(`${file}: its tests`, async () => {
      const pack = await loadRulePack({ dirs: [], builtin: true });
      const path = join(BUILTIN_RULES_DIR, file);
      const rule = pack.rules.find((r) => r.path === path);
      expect(rule, `${file} loaded`).toBeDefined();
      const doc = parseAllDocuments(readFileSync(path, 'utf8'));
      const tests = ((Array.isArray(doc) ? doc[0] : doc)?.toJS().tests ?? []) as RuleTest[];
      expect(tests.some((t) => t.match)).toBe(true);
      expect(tests.some((t) => !t.match)).toBe(true);
      // The whole pack: a test event must hit this rule (or not), whatever the others do.
      const matcher = createMatcher(pack);
      for (const t of tests) {
        const hit = matcher.match(makeEvent(t.event)).some((r) => r.id === rule?.id);
        expect(hit, `${file}: ${t.name}`).toBe(t.match);
      }
    });
  }
});

async function readDemo(): Promise<NormalizedEvent[]> {
  const dir = join(BUILTIN_RULES_DIR, '..', 'demo');
  const events: NormalizedEvent[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.xml')).sort()) {
    for await (const batch of readerFor('xml', { pooled: false }).read(join(dir, f), {}))
      for (const item of batch) if (item.kind === 'event') events.push(item.event);
  }
  return events;
}

describe('built-in rules on the demo evidence (assets/demo, STORY.md)', () => {
  it('fire exactly on the attack: powershell -enc, upd.exe twice, the WinUpdHelper service (4697 and 7045)', async () => {
    const pack = await loadRulePack({ dirs: [], builtin: true });
    const matcher = createMatcher(pack);
    const hits: string[] = [];
    const events = await readDemo();
    expect(events.length).toBe(186);
    for (const e of events) for (const r of matcher.match(e)) hits.push(`${basename(e.source.file)} #${e.system.recordId} ${e.system.eventId}: ${basename(r.path)}`);
    expect(hits.sort()).toEqual(
      [
        // Step 3: the attacker's encoded PowerShell (not the benign inventory.ps1 logon script, PID 7996 reused).
        'WS01-Security.xml #184270 4688: powershell_encoded_command.yml',
        // Step 5: upd.exe from %TEMP% started by PowerShell, and step 6: started again by the service as SYSTEM.
        'WS01-Security.xml #184271 4688: neutral_name_outside_system_paths.yml',
        'WS01-Security.xml #184279 4688: neutral_name_outside_system_paths.yml',
        // Step 6: the WinUpdHelper service, %COMSPEC% /c …\Temp\upd.exe, in both logs.
        'WS01-Security.xml #184275 4697: service_install_suspicious_image_security.yml',
        'WS01-System.xml #21888 7045: service_install_suspicious_image_system.yml',
      ].sort(),
    );
  });
});
