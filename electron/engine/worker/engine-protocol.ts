// Messages between a shell's thread and the engine's worker thread. Internal to the node
// side: the renderer never sees this; it talks ChainlineApi through a shell.

import type { EngineApi } from '../engine.js';

export type EngineMethod = keyof EngineApi;

export const ENGINE_METHODS = [
  'openCase',
  'closeCase',
  'openEvidence',
  'getIngestStatus',
  'cancelIngest',
  'waitForIngest',
  'getCaseOverview',
  'queryEvents',
  'getEventDetail',
  'listSessions',
  'getSessionChain',
  'getSessionProcesses',
  'listFindings',
  'getFindingsSummary',
  'getAllowList',
  'addAllowListEntry',
  'removeAllowListEntry',
  'exportAllowList',
  'importAllowList',
  'getAttackLayer',
  'getHuntingQueries',
  'getBaselineCandidates',
  'getRuleStatus',
  'createReport',
  'setRuleFolders',
  'getEventHistogram',
  'listNotes',
  'saveNote',
  'deleteNote',
  'getCoverage',
  'shutdown',
] as const satisfies readonly EngineMethod[];

export interface EngineRequest {
  readonly id: number;
  readonly method: EngineMethod;
  readonly args: readonly unknown[];
}

export type EngineResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
