// API answers encoded as JSON where the data is: in the engine's worker thread, for the serve
// shell (whose transport is JSON over HTTP). The worker then hands the shell's thread bytes,
// transferred, not an object graph to copy and encode again there.
//
// Why: serve's thread took apart (structured clone) and encoded again every answer the worker
// had built; over a bench:views run that was 1.2 s of its CPU (asciiJson 0.94 s, postMessage
// 0.27 s), 185-190 ms of it while the busy session's tree opened, 45 ms now. The encoding moved
// to the worker and the copy went away: serve's total CPU is about the same, but its own thread,
// which also answers the page's other requests, is nearly idle.

import type { EngineMethod } from './engine-protocol.js';

/**
 * JSON with every character past ASCII written as a \u escape (the same value once parsed). A
 * body with one character past Latin-1 (an arrow in a chain step's reason) is decoded by the
 * browser into a two-byte string: the 35 MB chain of a busy session took 70 MB of the page's
 * memory before it was even parsed; ASCII keeps it at one byte a character.
 * `undefined` (an engine method that answers nothing) is written as null.
 */
export function asciiJson(value: unknown): Buffer {
  const text = JSON.stringify(value ?? null);
  // Each UTF-16 unit past ASCII as \uXXXX (a pair stays a pair: JSON reads it back as one
  // character), by the regex engine: a page of the event table has an arrow in most summaries,
  // and a loop over every character in script cost ~7 ms of the server's CPU per page.
  const ascii = NON_ASCII.test(text) ? text.replace(NON_ASCII_ALL, escapeUnit) : text;
  return Buffer.from(ascii, 'latin1');
}

const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_ALL = /[^\x00-\x7f]/g;

function escapeUnit(unit: string): string {
  return '\\u' + unit.charCodeAt(0).toString(16).padStart(4, '0');
}

/** An engine answer already encoded by asciiJson: the shell writes the bytes as they are. */
export class EncodedJson {
  constructor(readonly bytes: Uint8Array) {}
}

/** An engine that can answer a method encoded (the worker client; an in-thread engine cannot). */
export interface EncodingEngine {
  encoded(method: EngineMethod, args: readonly unknown[]): Promise<EncodedJson>;
}

export function canEncode(engine: object): engine is EncodingEngine {
  return typeof (engine as Partial<EncodingEngine>).encoded === 'function';
}

/**
 * The ArrayBuffers to transfer with `bytes`: its own buffer when it fills it. A small Buffer is
 * a view on Node's shared pool, which must not be transferred (it would be detached under
 * every other Buffer cut from it); small answers are copied, which costs nothing.
 */
export function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : [];
}
