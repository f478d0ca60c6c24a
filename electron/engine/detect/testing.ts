// A hand-written rule source over the demo evidence for tests: what the Sigma matcher would
// return through the same seam (RuleHitSource), without depending on it.

import type { RuleHit, RuleHitSource } from './findings.js';

export const ENCODED: RuleHit = { ruleId: 'test.encoded', ruleTitle: 'Encoded PowerShell', level: 'high', tags: ['attack.execution', 'attack.t1059.001', 'attack.t1027'], origin: 'builtin' };
export const SYSTEM: RuleHit = { ruleId: 'test.system', ruleTitle: 'Process as SYSTEM', level: 'low', tags: ['attack.t1543.003'], origin: 'user' };
export const LOGON: RuleHit = { ruleId: 'test.cmd-from-userinit', ruleTitle: 'cmd from userinit', level: 'medium', tags: [], origin: 'user' };
export const SCRIPT: RuleHit = { ruleId: 'test.script', ruleTitle: 'Script block', level: 'informational', tags: ['attack.t1059.001'], origin: 'user' };

/** A hand-written rule source over the demo: what the Sigma matcher would return. */
export const demoSource: RuleHitSource = (event) => {
  const d = event.data;
  const hits: RuleHit[] = [];
  if (event.system.eventId === 4688) {
    if (/ -enc /i.test(d['CommandLine'] ?? '')) hits.push(ENCODED);
    if (d['SubjectUserSid'] === 'S-1-5-18') hits.push(SYSTEM);
    if (/\\cmd\.exe$/i.test(d['NewProcessName'] ?? '') && /\\userinit\.exe$/i.test(d['ParentProcessName'] ?? '')) hits.push(LOGON);
  }
  if (event.system.eventId === 4104) hits.push(SCRIPT);
  return hits;
};

