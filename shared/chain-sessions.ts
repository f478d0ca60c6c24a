// The sessions a session's chain leads to: the tree of a session shows their processes too
// (the sessions its lateral movement opened, the logons it made).

import type { ChainStep } from './api.js';

/** The sessions of a chain's steps other than `sessionId`, each once, in the order first met. */
export function sessionsLedTo(steps: readonly Pick<ChainStep, 'sessionId'>[], sessionId: string): string[] {
  const seen = new Set<string>([sessionId]);
  const out: string[] = [];
  for (const step of steps) {
    const id = step.sessionId;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}
