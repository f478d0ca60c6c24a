// The narrative of a session's chain: which of its evidence records tell the story (the entry
// logon, a session it created, encoded PowerShell and what it decoded to, a program started
// from a user-writable folder, a service install) and which are the rest. Pure.

import type { ChainStep, ProcessRow } from '../../shared/api.js';
import type { ChainTable } from './chain-table.js';
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

function roleOf(
  kind: string,
  sessionId: string,
  processId: string | null,
  rootSessionId: string,
  proc: ProcessRow | null,
  encodedPs: ReadonlySet<string>,
  seenEntry: boolean,
): StoryRole | null {
  switch (kind) {
    case 'logon':
      if (sessionId === rootSessionId && !seenEntry) return 'entry';
      return null;
    case 'created-session':
      return 'new-session';
    case 'process':
      if (proc && POWERSHELL.test(baseName(proc.image)) && proc.decodedCommand) return 'encoded-powershell';
      if (proc && USER_WRITABLE.test(proc.image)) return 'user-writable-exec';
      return null;
    case 'script':
      return processId !== null && encodedPs.has(processId) ? 'script' : null;
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

/** A chain with the role of each step: the steps themselves are made when drawn (`at`). */
export interface Story {
  readonly length: number;
  /** The steps that tell the story (a role other than null), by index, in order. */
  readonly keys: readonly number[];
  /** Step i with its role, title and process. */
  at(i: number): StoryStep;
}

const ROLES = Object.keys(ROLE_LABEL) as StoryRole[];

/**
 * Tags every chain step with its role in the story. `processes` are those of the chain's
 * sessions (the root session and the sessions it created), by id. A busy chain has 150,000
 * steps, of which the view draws a few hundred: the roles are numbers, the steps made on demand.
 */
export function tellStory(chain: ChainTable, rootSessionId: string, processes: ReadonlyMap<string, ProcessRow>): Story {
  const encodedPs = new Set<string>();
  for (const p of processes.values()) if (POWERSHELL.test(baseName(p.image)) && p.decodedCommand) encodedPs.add(p.id);
  const processOf = (i: number): ProcessRow | null => {
    const id = chain.processIdAt(i);
    return id !== null ? (processes.get(id) ?? null) : null;
  };
  // 0: no role; k + 1: ROLES[k].
  const roles = new Uint8Array(chain.length);
  const keys: number[] = [];
  let seenEntry = false;
  for (let i = 0; i < chain.length; i++) {
    const role = roleOf(chain.kindAt(i), chain.sessionIdAt(i), chain.processIdAt(i), rootSessionId, processOf(i), encodedPs, seenEntry);
    if (role === null) continue;
    if (role === 'entry') seenEntry = true;
    roles[i] = ROLES.indexOf(role) + 1;
    keys.push(i);
  }
  return {
    length: chain.length,
    keys,
    at(i) {
      const step = chain.step(i);
      const process = processOf(i);
      const r = roles[i]!;
      return { step, role: r === 0 ? null : ROLES[r - 1]!, title: titleOf(step, process), process };
    },
  };
}
