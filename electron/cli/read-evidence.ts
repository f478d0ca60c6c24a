// Reading named files and folders for the commands that stream events (`events`, `analyze`):
// each file's format from its content, errors reported as the documented JSON error lines
// ({"file","offset","line"?,"error"}), reading going on after each.

import type { NormalizedEvent } from '../../shared/events.js';
import { collectEvidence, fileFacts } from '../engine/ingest/collect.js';
import { readerFor } from '../engine/readers/registry.js';

export interface EvidenceErrorLine {
  readonly file: string;
  readonly offset: number | null;
  readonly line?: number;
  readonly error: string;
}

/** Yields the events of every file, batch by batch; every problem goes to `onError`. */
export async function* readEvidence(
  paths: readonly string[],
  options: { readonly localTimeOffsetMinutes?: number },
  onError: (error: EvidenceErrorLine) => Promise<void> | void,
): AsyncGenerator<readonly NormalizedEvent[]> {
  const { files, rejected } = await collectEvidence(paths);
  for (const r of rejected) await onError({ file: r.path, offset: null, error: r.reason });
  const readOptions = options.localTimeOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: options.localTimeOffsetMinutes };
  for (const file of files) {
    let facts;
    try {
      facts = await fileFacts(file);
    } catch (error) {
      await onError({ file, offset: null, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    if (facts.detected.kind !== 'format') {
      await onError({ file, offset: 0, error: facts.detected.kind === 'empty' ? 'empty file' : facts.detected.reason });
      continue;
    }
    for await (const batch of readerFor(facts.detected.format).read(file, readOptions)) {
      const events: NormalizedEvent[] = [];
      for (const item of batch) {
        if (item.kind === 'event') events.push(item.event);
        else {
          const e = item.error;
          await onError({ file: e.file, offset: e.offset ?? null, ...(e.line !== undefined ? { line: e.line } : {}), error: e.message });
        }
      }
      if (events.length > 0) yield events;
    }
  }
}
