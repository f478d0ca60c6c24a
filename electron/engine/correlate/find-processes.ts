// Finding processes by name across the case, for the command palette: "mimikatz", "rundll32",
// a PID (decimal or 0x hex), a ProcessGuid or a process id, a user, a piece of command line.
// Best matches first, so the first few answers are the ones the investigator meant.

import { imageName } from '../../../shared/normalize.js';
import type { ProcessNode } from './model.js';
import { compareTime } from './time.js';

/**
 * Command lines are searched in their first characters only: evidence can hold command lines
 * of megabytes (base64 payloads), and the index keeps a lower-case copy of what it searches.
 */
export const SEARCHED_COMMAND_CHARS = 8192;

/** How well a process matches; lower is better. */
const Tier = { Exact: 0, NameEquals: 1, NamePrefix: 2, NameContains: 3, Path: 4, CommandLine: 5, User: 6, None: 7 } as const;
type Tier = (typeof Tier)[keyof typeof Tier];

interface Entry {
  readonly node: ProcessNode;
  readonly name: string;
  readonly path: string;
  readonly cmd: string;
  readonly user: string;
  readonly guid: string;
}

/** A lower-case index of the case's processes, built once per correlation result. */
export class ProcessFinder {
  private readonly entries: readonly Entry[];

  constructor(processes: readonly ProcessNode[]) {
    this.entries = processes.map((node) => ({
      node,
      name: imageName(node.image),
      path: node.image.toLowerCase(),
      cmd: (node.commandLine ?? '').slice(0, SEARCHED_COMMAND_CHARS).toLowerCase(),
      user: node.user.toLowerCase(),
      guid: (node.guid ?? '').toLowerCase().replace(/[{}]/g, ''),
    }));
  }

  /** The best `limit` matches and how many matched in all. Blank text matches nothing. */
  find(text: string, limit: number): { readonly total: number; readonly nodes: ProcessNode[] } {
    const needle = text.trim().toLowerCase();
    if (needle === '') return { total: 0, nodes: [] };
    const pid = parsePidText(needle);
    const bare = needle.replace(/[{}]/g, '');
    const hits: { entry: Entry; tier: Tier }[] = [];
    for (const entry of this.entries) {
      const tier = tierOf(entry, needle, bare, pid);
      if (tier !== Tier.None) hits.push({ entry, tier });
    }
    hits.sort((a, b) => a.tier - b.tier || compareStart(a.entry.node, b.entry.node) || (a.entry.node.id < b.entry.node.id ? -1 : 1));
    return { total: hits.length, nodes: hits.slice(0, limit).map((h) => h.entry.node) };
  }
}

function tierOf(e: Entry, needle: string, bare: string, pid: number | null): Tier {
  if (e.node.id.toLowerCase() === needle || (e.guid !== '' && e.guid === bare) || (pid !== null && e.node.pid === pid)) return Tier.Exact;
  if (e.name === needle || e.name === needle + '.exe') return Tier.NameEquals;
  if (e.name.startsWith(needle)) return Tier.NamePrefix;
  if (e.name.includes(needle)) return Tier.NameContains;
  if (e.path.includes(needle)) return Tier.Path;
  if (e.cmd.includes(needle)) return Tier.CommandLine;
  if (e.user.includes(needle)) return Tier.User;
  return Tier.None;
}

/** A PID typed as decimal (`4242`) or hex (`0x1092`); null for anything else. */
function parsePidText(text: string): number | null {
  if (/^\d{1,10}$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]{1,8}$/.test(text)) return parseInt(text.slice(2), 16);
  return null;
}

function compareStart(a: ProcessNode, b: ProcessNode): number {
  if (a.start === null || b.start === null) return a.start === b.start ? 0 : a.start === null ? 1 : -1;
  return compareTime(a.start, b.start);
}
