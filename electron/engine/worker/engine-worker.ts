// The engine's worker thread: parsing and DuckDB work happen here, so the Electron window
// and the HTTP server's event loop never freeze during an import.

import { parentPort } from 'node:worker_threads';
import { Engine } from '../engine.js';
import { asciiJson, transferable } from './encoded-json.js';
import { ENGINE_METHODS, type EngineRequest, type EngineResponse } from './engine-protocol.js';

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');

const engine = new Engine();

port.on('message', (message: EngineRequest) => {
  void (async () => {
    let response: EngineResponse;
    try {
      if (!(ENGINE_METHODS as readonly string[]).includes(message.method)) {
        throw new Error(`unknown engine method ${String(message.method)}`);
      }
      const fn = engine[message.method] as (...args: unknown[]) => Promise<unknown>;
      const result = await fn.apply(engine, [...message.args]);
      if (message.encode) {
        const bytes = asciiJson(result);
        response = { id: message.id, kind: 'encoded', bytes };
        port.postMessage(response, transferable(bytes));
        return;
      }
      response = { id: message.id, kind: 'result', result };
    } catch (error) {
      response = { id: message.id, kind: 'error', error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(response);
  })();
});
