// The engine in its worker thread, as the shells run it: answers decoded (Electron) and
// encoded in the worker (serve) carry the same value, and errors come back as errors.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDemoCase } from '../demo-case.js';
import { tempDirs } from '../testing/temp-dirs.js';
import { resolveWorkerScript } from '../workers/worker-script.js';
import { asciiJson, canEncode, EncodedJson } from './encoded-json.js';
import { startEngine } from './engine-client.js';

const temp = tempDirs();
const built = resolveWorkerScript(new URL('./engine-client.ts', import.meta.url).href, './engine-worker.js') !== null;

describe('the engine worker', () => {
  // `npm test` builds first; a bare `vitest` before any build has no worker to start.
  it.skipIf(!built)('encodes an answer to the same JSON as the decoded answer, and rejects the same errors (needs dist/node: npm run build:node)', async () => {
    const engine = startEngine();
    try {
      expect(canEncode(engine)).toBe(true);
      if (!canEncode(engine)) return;
      await openDemoCase(engine, join(temp('chainline-encoded-'), 'demo'));
      await engine.waitForIngest();
      const sessions = await engine.listSessions();
      expect(sessions.sessions.length).toBeGreaterThan(0);
      const encoded = await engine.encoded('listSessions', []);
      expect(encoded).toBeInstanceOf(EncodedJson);
      expect(Buffer.from(encoded.bytes).equals(asciiJson(sessions))).toBe(true);

      // A chain page: reasons hold characters past ASCII (arrows), written as \u escapes.
      const id = sessions.sessions[0]!.id;
      const request = { sessionId: id, offset: 0, limit: 500 };
      const page = await engine.getSessionChainPage(request);
      const bytes = Buffer.from((await engine.encoded('getSessionChainPage', [request])).bytes);
      expect(bytes.equals(asciiJson(page))).toBe(true);
      expect(/[^\x00-\x7f]/.test(bytes.toString('latin1'))).toBe(false);
      expect(JSON.parse(bytes.toString('latin1'))).toEqual(page);

      // A method that answers nothing is written as null; a failure is an error, not bytes.
      const none = await engine.encoded('deleteNote', [123456]);
      expect(Buffer.from(none.bytes).toString('latin1')).toBe('null');
      await expect(engine.getEventDetail(987654321)).rejects.toThrow('no event 987654321 in this case');
      await expect(engine.encoded('getEventDetail', [987654321])).rejects.toThrow('no event 987654321 in this case');
    } finally {
      await engine.shutdown();
    }
  });
});
