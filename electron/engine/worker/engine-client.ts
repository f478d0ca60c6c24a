// The shells' handle on the engine: the same EngineApi, served from a worker thread when the
// compiled worker exists, or by an in-thread Engine otherwise (tests running from source).

import { Worker } from 'node:worker_threads';
import { Engine, type EngineApi } from '../engine.js';
import { resolveWorkerScript } from '../workers/worker-script.js';
import { EncodedJson, type EncodingEngine } from './encoded-json.js';
import type { EngineMethod, EngineRequest, EngineResponse } from './engine-protocol.js';

export class WorkerEngineClient implements EngineApi, EncodingEngine {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: EngineResponse) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      switch (message.kind) {
        case 'result':
          waiter.resolve(message.result);
          break;
        case 'encoded':
          waiter.resolve(new EncodedJson(message.bytes));
          break;
        case 'error':
          waiter.reject(new Error(message.error));
          break;
        default: {
          const unknownKind: never = message;
          waiter.reject(new Error(`engine worker answered an unknown message ${JSON.stringify(unknownKind)}`));
        }
      }
    });
    const failAll = (error: Error): void => {
      this.failure = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => failAll(new Error(`engine worker failed: ${error.message}`)));
    worker.on('exit', (code) => failAll(new Error(`engine worker exited (code ${code})`)));
  }

  private call<T>(method: EngineMethod, ...args: unknown[]): Promise<T> {
    return this.send<T>({ id: this.nextId++, method, args });
  }

  /** The method's answer as the worker encoded it (asciiJson): for the serve shell. */
  encoded(method: EngineMethod, args: readonly unknown[]): Promise<EncodedJson> {
    return this.send<EncodedJson>({ id: this.nextId++, method, args, encode: true });
  }

  private send<T>(request: EngineRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = request.id;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(request);
    });
  }

  openCase: EngineApi['openCase'] = (dir, options) => this.call('openCase', dir, options);
  closeCase: EngineApi['closeCase'] = () => this.call('closeCase');
  openEvidence: EngineApi['openEvidence'] = (request) => this.call('openEvidence', request);
  getIngestStatus: EngineApi['getIngestStatus'] = () => this.call('getIngestStatus');
  cancelIngest: EngineApi['cancelIngest'] = () => this.call('cancelIngest');
  waitForIngest: EngineApi['waitForIngest'] = () => this.call('waitForIngest');
  getCaseOverview: EngineApi['getCaseOverview'] = () => this.call('getCaseOverview');
  queryEvents: EngineApi['queryEvents'] = (query) => this.call('queryEvents', query);
  getEventDetail: EngineApi['getEventDetail'] = (eventId) => this.call('getEventDetail', eventId);
  listSessions: EngineApi['listSessions'] = () => this.call('listSessions');
  getSessionChain: EngineApi['getSessionChain'] = (sessionId) => this.call('getSessionChain', sessionId);
  getSessionChainPage: EngineApi['getSessionChainPage'] = (request) => this.call('getSessionChainPage', request);
  getSessionProcesses: EngineApi['getSessionProcesses'] = (sessionId) => this.call('getSessionProcesses', sessionId);
  getHostProcesses: EngineApi['getHostProcesses'] = (host) => this.call('getHostProcesses', host);
  findProcesses: EngineApi['findProcesses'] = (query) => this.call('findProcesses', query);
  listFindings: EngineApi['listFindings'] = (query) => this.call('listFindings', query);
  getFindingsSummary: EngineApi['getFindingsSummary'] = () => this.call('getFindingsSummary');
  getAllowList: EngineApi['getAllowList'] = () => this.call('getAllowList');
  addAllowListEntry: EngineApi['addAllowListEntry'] = (entry) => this.call('addAllowListEntry', entry);
  removeAllowListEntry: EngineApi['removeAllowListEntry'] = (id) => this.call('removeAllowListEntry', id);
  exportAllowList: EngineApi['exportAllowList'] = () => this.call('exportAllowList');
  importAllowList: EngineApi['importAllowList'] = (yamlText) => this.call('importAllowList', yamlText);
  getAttackLayer: EngineApi['getAttackLayer'] = () => this.call('getAttackLayer');
  getHuntingQueries: EngineApi['getHuntingQueries'] = (findingId) => this.call('getHuntingQueries', findingId);
  getBaselineCandidates: EngineApi['getBaselineCandidates'] = () => this.call('getBaselineCandidates');
  getRuleStatus: EngineApi['getRuleStatus'] = () => this.call('getRuleStatus');
  createReport: EngineApi['createReport'] = (request) => this.call('createReport', request);
  exportCase: EngineApi['exportCase'] = (request) => this.call('exportCase', request);
  setRuleFolders: EngineApi['setRuleFolders'] = (request) => this.call('setRuleFolders', request);
  getEventHistogram: EngineApi['getEventHistogram'] = (request) => this.call('getEventHistogram', request);
  listNotes: EngineApi['listNotes'] = () => this.call('listNotes');
  saveNote: EngineApi['saveNote'] = (input) => this.call('saveNote', input);
  deleteNote: EngineApi['deleteNote'] = (noteId) => this.call('deleteNote', noteId);
  getCoverage: EngineApi['getCoverage'] = () => this.call('getCoverage');
  getProcessPage: EngineApi['getProcessPage'] = (request) => this.call('getProcessPage', request);

  async shutdown(): Promise<void> {
    try {
      await this.call('shutdown');
    } finally {
      await this.worker.terminate();
    }
  }
}

/** Starts the engine in a worker thread when possible, else in this thread. */
export function startEngine(): EngineApi {
  const script = resolveWorkerScript(import.meta.url, './engine-worker.js');
  if (!script) return new Engine();
  // A larger young generation: parsing makes many short-lived strings and objects per
  // event, and the default semi-space makes the scavenger run far too often (measured 20–35%
  // of import time in GC with the default).
  return new WorkerEngineClient(new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 64 } }));
}
