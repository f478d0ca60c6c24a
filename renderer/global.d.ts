import type { ChainlineApi } from '../shared/api.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in the browser shell. */
    readonly chainline?: ChainlineApi;
    /** Electron-only helpers that are not part of the engine API. */
    readonly chainlineShell?: {
      /** Absolute paths of dropped files/folders (webUtils.getPathForFile). */
      pathsForFiles(files: File[]): string[];
    };
  }
}

export {};
