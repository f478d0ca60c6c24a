// API answers encoded as JSON where the data is: in the engine's worker thread, for the serve
// shell (whose transport is JSON over HTTP). The worker then hands the shell's thread bytes,
// transferred, not an object graph to copy and encode again there.
//
// Why (issue 6): opening a busy session's tree, serve's own thread spent ~1.5 s of CPU taking
// the engine's answers apart (structured clone) and encoding them (JSON), while the worker
// built the next answer: serve used more than one of this machine's two cores, and the
// browser's renderer, starved, drew a few frames of 50-70 ms with no script of its own.
// Encoded in the worker, the engine's answers take one core; the shell's thread only writes.

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
