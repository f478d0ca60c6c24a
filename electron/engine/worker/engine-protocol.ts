// Messages between a shell's thread and the engine's worker thread. Internal to the node
// side: the renderer never sees this; it talks ChainlineApi through a shell.

import { API_METHODS, type ApiMethod } from '../../../shared/api.js';
import type { EngineApi } from '../engine.js';

/** API methods only a shell answers (its app info, its native dialog). */
type ShellOnlyMethod = 'getAppInfo' | 'pickEvidence';

export type EngineMethod = keyof EngineApi;

/** What the engine does beyond the API (the shells drive cases and shutdown). */
const ENGINE_ONLY_METHODS = ['openCase', 'closeCase', 'waitForIngest', 'shutdown'] as const;

/** Every method the worker answers: the API's, less what only a shell can do, plus the above. */
export const ENGINE_METHODS: readonly EngineMethod[] = [
  ...API_METHODS.filter((m): m is Exclude<ApiMethod, ShellOnlyMethod> => m !== 'getAppInfo' && m !== 'pickEvidence'),
  ...ENGINE_ONLY_METHODS,
];

// Compile-time check that the list covers EngineApi.
type Unlisted = Exclude<EngineMethod, Exclude<ApiMethod, ShellOnlyMethod> | (typeof ENGINE_ONLY_METHODS)[number]>;
const _everyEngineMethodListed: Unlisted extends never ? true : never = true;
void _everyEngineMethodListed;

export interface EngineRequest {
  readonly id: number;
  readonly method: EngineMethod;
  readonly args: readonly unknown[];
  /** Answer with the result encoded as ASCII JSON (encoded-json.ts), for the serve shell. */
  readonly encode?: boolean;
}

export type EngineResponse =
  | { readonly id: number; readonly kind: 'result'; readonly result: unknown }
  | { readonly id: number; readonly kind: 'encoded'; readonly bytes: Uint8Array }
  | { readonly id: number; readonly kind: 'error'; readonly error: string };
