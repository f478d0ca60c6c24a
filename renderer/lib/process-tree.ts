// The process tree of a session as a model the tree view walks: nodes with their children in
// start order, roots (processes whose parent is not in the list, with that parent's id kept),
// the visible rows for a set of expanded nodes, and search that keeps the matches' ancestors.

import type { ProcessRow } from '../../shared/api.js';
import { frameTurn } from './frame-turns.js';
import { compareIds } from './compare-ids.js';

export interface ProcessTree {
  readonly byId: ReadonlyMap<string, ProcessRow>;
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly roots: readonly string[];
  /** The tree parent of each node (null for roots), after cycles are broken. */
  readonly parentOf: ReadonlyMap<string, string | null>;
}

const byStart = (a: ProcessRow, b: ProcessRow): number => {
  const x = a.start ?? '';
  const y = b.start ?? '';
  return x < y ? -1 : x > y ? 1 : compareIds(a.id, b.id);
};

/** Items of work between two chances to yield (a check of the clock each time). */
const STEP = 512;

/**
 * The tree built step by step: the generator yields every STEP items of work, so a large
 * tree can be built over several tasks (buildProcessTreeInSlices) with the very same code as
 * in one go (buildProcessTree).
 */
function* buildSteps(processes: readonly ProcessRow[]): Generator<void, ProcessTree, void> {
  const byId = new Map<string, ProcessRow>();
  for (let i = 0; i < processes.length; i++) {
    const p = processes[i] as ProcessRow;
    byId.set(p.id, p);
    if (i % STEP === STEP - 1) yield;
  }
  // Evidence can describe a loop (PID reuse): a process whose chain of parents never ends (it
  // runs into a loop, its own or one above it) loses its parent edge. Each chain is walked once
  // and its verdict remembered, so a deep tree costs one pass, not one walk per process.
  const next = (id: string): string | null => {
    const up = byId.get(id)?.parentId;
    return up !== undefined && up !== null && byId.has(up) ? up : null;
  };
  // Each id's verdict (true: its chain runs into a loop), or ON_PATH while the current walk is
  // on it (every walk settles its whole path before the next starts): no set per walk, whose
  // 20,000 copies for a busy session were garbage on the page's main thread as its pages arrive.
  const ON_PATH = 0;
  const endless = new Map<string, boolean | typeof ON_PATH>();
  const path: string[] = [];
  let work = 0;
  for (const p of processes) {
    if (++work >= STEP) {
      work = 0;
      yield;
    }
    if (endless.has(p.id)) continue;
    path.length = 0;
    let cur: string | null = p.id;
    let verdict = false;
    while (cur !== null) {
      const known = endless.get(cur);
      if (known === ON_PATH) {
        verdict = true;
        break;
      }
      if (known !== undefined) {
        verdict = known;
        break;
      }
      endless.set(cur, ON_PATH);
      path.push(cur);
      cur = next(cur);
    }
    for (const id of path) endless.set(id, verdict);
    work += path.length;
  }
  const parentOf = new Map<string, string | null>();
  const kids = new Map<string, ProcessRow[]>();
  const roots: ProcessRow[] = [];
  for (let i = 0; i < processes.length; i++) {
    const p = processes[i] as ProcessRow;
    const up = p.parentId !== null && byId.has(p.parentId) && p.parentId !== p.id ? p.parentId : null;
    const parent = up !== null && endless.get(p.id) === true ? null : up;
    parentOf.set(p.id, parent);
    if (parent === null) roots.push(p);
    else {
      const list = kids.get(parent);
      if (list) list.push(p);
      else kids.set(parent, [p]);
    }
    if (i % STEP === STEP - 1) yield;
  }
  const children = new Map<string, string[]>();
  work = 0;
  for (const [k, list] of kids) {
    children.set(k, list.sort(byStart).map((p) => p.id));
    work += list.length;
    if (work >= STEP) {
      work = 0;
      yield;
    }
  }
  return { byId, children, roots: roots.sort(byStart).map((p) => p.id), parentOf };
}

export function buildProcessTree(processes: readonly ProcessRow[]): ProcessTree {
  const steps = buildSteps(processes);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The tree's slices go before the pages loading meanwhile: the investigator is waiting for the tree. */
const firstTurn = (): Promise<void> => frameTurn('first');

/**
 * buildProcessTree over several tasks of at most about `sliceMs` each, one a frame, so the page
 * keeps drawing frames while a tree of tens of thousands of processes is built. Rejects with an
 * AbortError once `signal` is aborted (a newer list replaced this one).
 *
 * One slice a frame, not one a task: a slice can run past `sliceMs` (the clock is read every
 * STEP items, and sorting a large family is one step), and Chromium ran four slices of 11-16 ms
 * back to back before drawing: a 62 ms frame as a busy session's chain added its processes to
 * the open tree (issue 6, bench:views). The frame is shared: slices take turns (frameTurn)
 * with the parse of the chain's pages arriving meanwhile, and go first.
 */
export async function buildProcessTreeInSlices(
  processes: readonly ProcessRow[],
  options: { readonly signal?: AbortSignal; readonly sliceMs?: number; readonly yieldTo?: () => Promise<void> } = {},
): Promise<ProcessTree> {
  const sliceMs = options.sliceMs ?? 8;
  const yieldTo = options.yieldTo ?? firstTurn;
  const steps = buildSteps(processes);
  let sliceStart = performance.now();
  for (;;) {
    options.signal?.throwIfAborted();
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldTo();
      sliceStart = performance.now();
    }
  }
}

export interface VisibleRow {
  readonly id: string;
  /** aria-level: 1 for roots. */
  readonly level: number;
  readonly parentId: string | null;
  readonly hasChildren: boolean;
  readonly expanded: boolean;
  /** aria-posinset / aria-setsize among the shown siblings. */
  readonly posinset: number;
  readonly setsize: number;
}

/**
 * The rows a tree view shows, depth first. With `only` (search), nodes outside it are hidden
 * and everything inside it is shown expanded down to the matches.
 */
export function visibleRows(tree: ProcessTree, expanded: ReadonlySet<string>, only: ReadonlySet<string> | null = null): VisibleRow[] {
  const out: VisibleRow[] = [];
  const walk = (ids: readonly string[], level: number, parentId: string | null): void => {
    const shown = only ? ids.filter((id) => only.has(id)) : ids;
    shown.forEach((id, i) => {
      const kids = tree.children.get(id) ?? [];
      const shownKids = only ? kids.filter((k) => only.has(k)) : kids;
      const hasChildren = shownKids.length > 0;
      const isOpen = hasChildren && (only !== null || expanded.has(id));
      out.push({ id, level, parentId, hasChildren, expanded: isOpen, posinset: i + 1, setsize: shown.length });
      if (isOpen) walk(kids, level + 1, id);
    });
  };
  walk(tree.roots, 1, null);
  return out;
}

/** Every node that has children (expand-all). */
export function allParents(tree: ProcessTree): Set<string> {
  return new Set([...tree.children.keys()]);
}

/** The ancestors of a node, nearest first. */
export function ancestorsOf(tree: ProcessTree, id: string): string[] {
  const out: string[] = [];
  let cur = tree.parentOf.get(id) ?? null;
  while (cur !== null && out.length < 10_000) {
    out.push(cur);
    cur = tree.parentOf.get(cur) ?? null;
  }
  return out;
}

export interface TreeSearch {
  readonly matches: ReadonlySet<string>;
  /** The matches and their ancestors: what stays visible. */
  readonly keep: ReadonlySet<string>;
}

/** Case-insensitive search over image, command line, decoded payload, user and PID (decimal or 0x hex). */
export function searchTree(tree: ProcessTree, query: string): TreeSearch | null {
  const q = query.trim().toLowerCase();
  if (q === '') return null;
  const hexPid = /^0x[0-9a-f]+$/.test(q) ? parseInt(q.slice(2), 16) : null;
  const decPid = /^\d+$/.test(q) ? Number(q) : null;
  const matches = new Set<string>();
  for (const p of tree.byId.values()) {
    const hit =
      (p.pid !== null && (p.pid === hexPid || p.pid === decPid)) ||
      p.image.toLowerCase().includes(q) ||
      (p.commandLine ?? '').toLowerCase().includes(q) ||
      (p.decodedCommand ?? '').toLowerCase().includes(q) ||
      p.user.toLowerCase().includes(q) ||
      (p.guid ?? '').toLowerCase().includes(q);
    if (hit) matches.add(p.id);
  }
  const keep = new Set(matches);
  for (const id of matches) for (const a of ancestorsOf(tree, id)) keep.add(a);
  return { matches, keep };
}

/** How the tree draws a parent edge's basis: what it rests on, and whether to warn. */
export type EdgeBasis =
  | { readonly kind: 'guid' }
  | { readonly kind: 'pid+time' }
  | { readonly kind: 'ambiguous'; readonly candidates: number }
  | { readonly kind: 'placeholder' }
  | { readonly kind: 'none' }
  | { readonly kind: 'other'; readonly text: string };

export function edgeBasis(p: ProcessRow): EdgeBasis {
  const b = p.parentBasis.trim();
  if (b === '' || p.parentId === null) return { kind: 'none' };
  if (b === 'guid') return { kind: 'guid' };
  if (b === 'pid+time') return { kind: 'pid+time' };
  if (b === 'placeholder') return { kind: 'placeholder' };
  const amb = /ambiguous(?::\s*(\d+))?/.exec(b);
  if (amb) return { kind: 'ambiguous', candidates: amb[1] ? Number(amb[1]) : p.candidates.length };
  return { kind: 'other', text: b };
}

/** `7996 (0x1f3c)` */
export function formatPid(pid: number | null): string {
  return pid === null ? '—' : `${pid} (0x${pid.toString(16)})`;
}

/** The file name of an image path (`C:\\…\\powershell.exe` → `powershell.exe`). */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i < 0 ? path : path.slice(i + 1);
}
