// Worker thread entry: parses batches of raw `<Event>` bytes sent by XmlParsePool.

import { parentPort } from 'node:worker_threads';
import { parseBatch, type WorkerRequest, type WorkerResponse } from './xml-pool.js';

parentPort?.on('message', (msg: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    response = { id: msg.id, ok: true, items: parseBatch(msg.batch) };
  } catch (err) {
    response = { id: msg.id, ok: false, message: String((err as Error)?.message ?? err) };
  }
  parentPort?.postMessage(response);
});
