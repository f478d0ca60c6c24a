// The preload: the only bridge between the sandboxed renderer and the main process.
// It exposes ChainlineApi as `window.chainline`, one named method per IPC channel (never a
// generic invoke), plus `window.chainlineShell.pathsForFiles` for drag-and-drop.
//
// Sandboxed preloads may only require('electron'); this file therefore imports nothing but
// types from shared/ (erased at compile time), and the compiler checks every channel name
// against the contract.

import type { ApiArgs, ApiMethod, ApiResult, ChainlineApi } from '../shared/api.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contextBridge, ipcRenderer, webUtils } = require('electron') as typeof import('electron');

function method<M extends ApiMethod>(name: M): (...args: ApiArgs<M>) => Promise<ApiResult<M>> {
  const channel = `chainline:${name}` as const;
  return (...args: ApiArgs<M>) => ipcRenderer.invoke(channel, ...args) as Promise<ApiResult<M>>;
}

const api: ChainlineApi = {
  getAppInfo: method('getAppInfo'),
  pickEvidence: method('pickEvidence'),
  openEvidence: method('openEvidence'),
  getIngestStatus: method('getIngestStatus'),
  cancelIngest: method('cancelIngest'),
  getCaseOverview: method('getCaseOverview'),
  queryEvents: method('queryEvents'),
  getEventDetail: method('getEventDetail'),
  listSessions: method('listSessions'),
  getSessionChain: method('getSessionChain'),
  getSessionProcesses: method('getSessionProcesses'),
  getHostProcesses: method('getHostProcesses'),
  findProcesses: method('findProcesses'),
  listFindings: method('listFindings'),
  getFindingsSummary: method('getFindingsSummary'),
  getAllowList: method('getAllowList'),
  addAllowListEntry: method('addAllowListEntry'),
  removeAllowListEntry: method('removeAllowListEntry'),
  exportAllowList: method('exportAllowList'),
  importAllowList: method('importAllowList'),
  getAttackLayer: method('getAttackLayer'),
  getHuntingQueries: method('getHuntingQueries'),
  getBaselineCandidates: method('getBaselineCandidates'),
  getRuleStatus: method('getRuleStatus'),
  createReport: method('createReport'),
  exportCase: method('exportCase'),
  setRuleFolders: method('setRuleFolders'),
  getEventHistogram: method('getEventHistogram'),
  listNotes: method('listNotes'),
  saveNote: method('saveNote'),
  deleteNote: method('deleteNote'),
  getCoverage: method('getCoverage'),
  getProcessPage: method('getProcessPage'),
  getSessionChainPage: method('getSessionChainPage'),
};

contextBridge.exposeInMainWorld('chainline', api);
contextBridge.exposeInMainWorld('chainlineShell', {
  /** Paths of files and folders dropped on the window (Electron ≥ 32 has no File.path). */
  pathsForFiles: (files: readonly File[]): string[] =>
    files.map((file) => webUtils.getPathForFile(file)).filter((p) => p !== ''),
});
