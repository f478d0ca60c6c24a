// The command palette's search: one box that finds anything by name — sessions (user, host,
// LogonId, address), processes (asked of the engine), hosts, rules with findings, notes and
// bookmarks, and the app's own commands — grouped, best matches first in each group.

import type { CountRow, Note, ProcessRow, SessionRow } from '../../shared/api.js';
import type { RuleCount } from '../../shared/findings.js';
import type { SideTab } from '../store/views-types.js';

/** `show-…` opens that side tab. */
export type ShowCommand = `show-${SideTab}`;

export type PaletteCommand =
  | 'open-evidence'
  | ShowCommand
  | 'toggle-theme'
  | 'times-utc'
  | 'times-local'
  | 'back'
  | 'forward';

export const COMMANDS: readonly { readonly id: PaletteCommand; readonly label: string }[] = [
  { id: 'open-evidence', label: 'Open evidence…' },
  { id: 'show-sessions', label: 'Show the sessions' },
  { id: 'show-findings', label: 'Show the findings' },
  { id: 'show-overview', label: 'Show the case overview' },
  { id: 'show-coverage', label: 'Show the coverage of the evidence' },
  { id: 'show-notes', label: 'Show notes and bookmarks' },
  { id: 'toggle-theme', label: 'Switch between light and dark theme' },
  { id: 'times-utc', label: 'Show times in UTC' },
  { id: 'times-local', label: 'Show times in local time' },
  { id: 'back', label: 'Go back' },
  { id: 'forward', label: 'Go forward' },
];

export type PaletteItem =
  | { readonly kind: 'command'; readonly key: string; readonly command: PaletteCommand; readonly label: string }
  | { readonly kind: 'session'; readonly key: string; readonly session: SessionRow }
  | { readonly kind: 'process'; readonly key: string; readonly process: ProcessRow }
  | { readonly kind: 'host'; readonly key: string; readonly host: string; readonly events: number }
  | { readonly kind: 'rule'; readonly key: string; readonly rule: RuleCount }
  | { readonly kind: 'note'; readonly key: string; readonly note: Note }
  | { readonly kind: 'text'; readonly key: string; readonly text: string };

export interface PaletteSources {
  readonly sessions: readonly SessionRow[];
  readonly hosts: readonly CountRow[];
  readonly rules: readonly RuleCount[];
  readonly notes: readonly Note[];
  /** The engine's answer for this text (already ranked), or null while it is asked. */
  readonly processes: readonly ProcessRow[] | null;
}

/** Items shown per group, so one busy group does not push the others out of sight. */
export const PER_GROUP = 6;

/** 0: the name starts with the text; 1: a word of it does; 2: it contains the text; 3: only other fields do; -1: no match. */
export function matchRank(needle: string, name: string, other = ''): number {
  const n = name.toLowerCase();
  if (n.startsWith(needle)) return 0;
  const at = n.indexOf(needle);
  if (at > 0 && /[\s\\/._\-:@(]/.test(n[at - 1] ?? '')) return 1;
  if (at >= 0) return 2;
  return other.toLowerCase().includes(needle) ? 3 : -1;
}

function best<T>(list: readonly T[], rank: (x: T) => number, tie: (a: T, b: T) => number = () => 0): T[] {
  const scored: { x: T; r: number }[] = [];
  for (const x of list) {
    const r = rank(x);
    if (r >= 0) scored.push({ x, r });
  }
  scored.sort((a, b) => a.r - b.r || tie(a.x, b.x));
  return scored.slice(0, PER_GROUP).map((s) => s.x);
}

function sessionName(s: SessionRow): string {
  return (s.domain ? s.domain + '\\' : '') + s.user;
}

/** The palette's items for a text: commands, sessions, processes, hosts, rules, notes, then "filter the table". */
export function paletteItems(text: string, sources: PaletteSources): PaletteItem[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return COMMANDS.map((c) => ({ kind: 'command', key: `command:${c.id}`, command: c.id, label: c.label }));
  const out: PaletteItem[] = [];
  for (const c of best(COMMANDS, (c) => matchRank(needle, c.label))) out.push({ kind: 'command', key: `command:${c.id}`, command: c.id, label: c.label });
  // By user first (what one types first), then host, LogonId, address, workstation or id.
  const sessions = best(
    sources.sessions,
    (s) => matchRank(needle, s.user, [sessionName(s), s.host, s.logonId, s.sourceIp, s.workstation, s.id].join('\u0001')),
    (a, b) => b.processes - a.processes,
  );
  for (const session of sessions) out.push({ kind: 'session', key: `session:${session.id}`, session });
  for (const process of (sources.processes ?? []).slice(0, PER_GROUP)) out.push({ kind: 'process', key: `process:${process.id}`, process });
  for (const h of best(sources.hosts, (h) => matchRank(needle, h.key), (a, b) => b.count - a.count)) {
    out.push({ kind: 'host', key: `host:${h.key}`, host: h.key, events: h.count });
  }
  for (const rule of best(sources.rules, (r) => matchRank(needle, r.ruleTitle, r.ruleId), (a, b) => b.count - a.count)) {
    out.push({ kind: 'rule', key: `rule:${rule.ruleId}`, rule });
  }
  for (const note of best(sources.notes, (n) => matchRank(needle, n.label, [n.text, ...n.tags].join('\u0001')))) {
    out.push({ kind: 'note', key: `note:${note.id}`, note });
  }
  out.push({ kind: 'text', key: 'text', text: text.trim() });
  return out;
}
