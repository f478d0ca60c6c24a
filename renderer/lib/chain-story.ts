// The narrative of a session's chain: which of its evidence records tell the story (the entry
// logon, a session it created, encoded PowerShell and what it decoded to, a program started
// from a user-writable folder, a service install) and which are the rest. Pure.

import type { ChainStep, ProcessRow } from '../../shared/api.js';
import { baseName } from './process-tree.js';

export type StoryRole = 'entry' | 'new-session' | 'encoded-powershell' | 'script' | 'user-writable-exec' | 'service' | 'lateral';

export interface StoryStep {
  readonly step: ChainStep;
  /** Why the step is part of the story (null: supporting evidence). */
  readonly role: StoryRole | null;
  /** A short title for the step: `powershell.exe -enc`, `7045/4697 service WinUpdHelper`. */
  readonly title: string;
  readonly process: ProcessRow | null;
}

const POWERSHELL = /^(powershell|pwsh|powershell_ise)\.exe$/i;
/** Folders any user can write to: a program started from one is a classic second stage. */
const USER_WRITABLE = /\\(appdata\\local\\temp|temp|windows\\temp|users\\public|programdata|downloads|appdata\\roaming)\\/i;

export const ROLE_LABEL: Readonly<Record<StoryRole, string>> = {
  entry: 'entry logon',
  'new-session': 'new logon session',
  'encoded-powershell': 'encoded PowerShell',
  script: 'decoded script block',
  'user-writable-exec': 'program from a user-writable folder',
  service: 'service install',
  lateral: 'lateral movement',
};

function roleOf(step: ChainStep, rootSessionId: string, proc: ProcessRow | null, encodedPs: ReadonlySet<string>, seenEntry: boolean): StoryRole | null {
  switch (step.kind) {
    case 'logon':
      if (step.sessionId === rootSessionId && !seenEntry) return 'entry';
      return null;
    case 'created-session':
      return 'new-session';
    case 'process':
      if (proc && POWERSHELL.test(baseName(proc.image)) && proc.decodedCommand) return 'encoded-powershell';
      if (proc && USER_WRITABLE.test(proc.image)) return 'user-writable-exec';
      return null;
    case 'script':
      return step.processId !== null && encodedPs.has(step.processId) ? 'script' : null;
    case 'service':
      return 'service';
    default:
      return null;
  }
}

function titleOf(step: ChainStep, proc: ProcessRow | null): string {
  if (proc && (step.kind === 'process' || step.kind === 'process-exit' || step.kind === 'script')) {
    const name = baseName(proc.image);
    if (step.kind === 'process-exit') return `${name} exits`;
    if (step.kind === 'script') return `script block in ${name}`;
    return proc.decodedCommand && POWERSHELL.test(name) ? `${name} -enc` : name;
  }
  return step.kind.replace(/-/g, ' ');
}

/**
 * Tags every chain step with its role in the story. `processes` are those of the chain's
 * sessions (the root session and the sessions it created), by id.
 */
export function tellStory(chain: readonly ChainStep[], rootSessionId: string, processes: ReadonlyMap<string, ProcessRow>): StoryStep[] {
  const encodedPs = new Set<string>();
  for (const p of processes.values()) if (POWERSHELL.test(baseName(p.image)) && p.decodedCommand) encodedPs.add(p.id);
  let seenEntry = false;
  return chain.map((step) => {
    const proc = step.processId !== null ? (processes.get(step.processId) ?? null) : null;
    const role = roleOf(step, rootSessionId, proc, encodedPs, seenEntry);
    if (role === 'entry') seenEntry = true;
    return { step, role, title: titleOf(step, proc), process: proc };
  });
}

/** The sessions a chain touches (its own first), whose processes the story needs. */
export function chainSessions(chain: readonly ChainStep[], rootSessionId: string): string[] {
  // A Set: a busy chain has hundreds of thousands of steps over hundreds of sessions.
  const out = new Set([rootSessionId]);
  for (const s of chain) out.add(s.sessionId);
  return [...out];
}
