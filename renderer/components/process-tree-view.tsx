import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { useShallow } from 'zustand/react/shallow';
import type { ProcessRow } from '../../shared/api.js';
import { clipText, escapeControlsMultiline, escapeControlsSingleLine } from '../lib/escape-text.js';
import {
  allParents,
  ancestorsOf,
  baseName,
  buildProcessTree,
  buildProcessTreeInSlices,
  edgeBasis,
  formatPid,
  searchTree,
  visibleRows,
  type EdgeBasis,
  type ProcessTree,
  type VisibleRow,
} from '../lib/process-tree.js';
import { rowWindow, windowKey } from '../lib/row-window.js';
import { emptyChain, processCreationEvents } from '../lib/chain-table.js';
import { treeKey } from '../lib/tree-keys.js';
import { formatInZone, type DisplayZone } from '../lib/time-zone.js';
import { useAppStore } from '../store/app-store.js';
import type { Finding } from '../../shared/findings.js';
import { findingsByProcess } from '../lib/findings-view.js';
import { FindingList, FindingsBadge } from './finding-badges.js';
import { NoteButton } from './note-editor.js';
import { PivotValue } from './pivot.js';
import { TimeText } from './time-text.js';
import { useWindowKeyBase } from './use-window-key-base.js';

const ROW = 26;
const CMD_SHORT = 160;
/** Trees up to this size open fully; larger ones open their roots only. */
const OPEN_ALL_MAX = 300;
/** Lists up to this size are built into a tree at once; larger ones over several short tasks. */
const BUILD_AT_ONCE_MAX = 2000;
const NO_TREE = buildProcessTree([]);

/**
 * The tree of `processes`. A large list (a busy session: 20,000 processes) is built over several
 * tasks of a few ms, so the page keeps drawing frames; meanwhile the tree built before for the
 * same owner stays shown (the chain adds processes to a session's tree), else null (loading).
 */
function useProcessTree(processes: readonly ProcessRow[] | null, owner: string): ProcessTree | null {
  const atOnce = processes !== null && processes.length <= BUILD_AT_ONCE_MAX;
  const direct = useMemo(() => (processes !== null && atOnce ? buildProcessTree(processes) : null), [processes, atOnce]);
  const [built, setBuilt] = useState<{ readonly source: readonly ProcessRow[]; readonly tree: ProcessTree } | null>(null);
  useEffect(() => {
    if (processes === null || atOnce) return;
    const controller = new AbortController();
    buildProcessTreeInSlices(processes, { signal: controller.signal }).then(
      (tree) => setBuilt({ source: processes, tree }),
      () => undefined, // aborted: a newer list replaced this one
    );
    return () => controller.abort();
  }, [processes, atOnce]);
  const last = useRef<{ owner: string; tree: ProcessTree } | null>(null);
  const current = direct ?? (built !== null && built.source === processes ? built.tree : null);
  if (current !== null) {
    if (last.current?.tree !== current) last.current = { owner, tree: current };
    return current;
  }
  return last.current !== null && last.current.owner === owner ? last.current.tree : null;
}

function BasisBadge({ basis, candidates }: { basis: EdgeBasis; candidates: readonly string[] }) {
  switch (basis.kind) {
    case 'guid':
      return <span className="badge badge-ok" title="Parent known by Sysmon ProcessGuid">guid</span>;
    case 'pid+time':
      return <span className="badge badge-info" title="Parent matched by PID and creation/exit times">pid+time</span>;
    case 'ambiguous':
      return (
        <span className="badge badge-warn" title={`Several processes fit the parent PID at that time: ${candidates.join(', ')}`}>
          ambiguous: {basis.candidates}
        </span>
      );
    case 'placeholder':
      return <span className="badge badge-bad" title="The parent is not in the evidence; named from ParentProcessName">placeholder parent</span>;
    case 'none':
      return null;
    case 'other':
      return <span className="badge">{escapeControlsSingleLine(basis.text)}</span>;
    default: {
      const unreachable: never = basis;
      return unreachable;
    }
  }
}

function integrityTone(level: string | null): string {
  if (level === 'system') return 'badge-bad';
  if (level === 'high') return 'badge-warn';
  return '';
}

/** Memoized: the tree re-renders on every scroll step, the detail of the selected process need not. */
const ProcessDetail = memo(function ProcessDetail({ p, creationEvent, findings }: { p: ProcessRow; creationEvent: number | null; findings: readonly Finding[] | undefined }) {
  const openEvent = useAppStore((s) => s.openEvent);
  const navigate = useAppStore((s) => s.navigate);
  const currentSession = useAppStore((s) => s.selectedSessionId);
  const [fullCmd, setFullCmd] = useState(false);
  const cmd = p.commandLine ?? '';
  const shown = fullCmd ? clipText(cmd, 200_000) : clipText(cmd, 600);
  const basis = edgeBasis(p);
  return (
    <aside className="process-detail" data-testid="process-detail" data-process-id={p.id} aria-label="Process detail">
      <h3 className="process-detail-title">
        {escapeControlsSingleLine(baseName(p.image))} <span className="muted small">{escapeControlsSingleLine(p.id)}</span>
      </h3>
      <NoteButton target={{ kind: 'process', id: p.id }} label={`process ${baseName(p.image)} PID ${formatPid(p.pid)} on ${p.host}`} />
      <dl className="fields">
        <div className="field-row"><dt>image</dt><dd className="mono">{escapeControlsSingleLine(p.image)}</dd></div>
        <div className="field-row"><dt>PID</dt><dd className="mono">
          {p.pid !== null ? <PivotValue kind="pid" value={formatPid(p.pid)} search={'0x' + p.pid.toString(16)} host={p.host} /> : '—'}
        </dd></div>
        {p.guid !== null && <div className="field-row"><dt>ProcessGuid</dt><dd className="mono"><PivotValue kind="processGuid" value={p.guid} /></dd></div>}
        <div className="field-row"><dt>user</dt><dd><PivotValue kind="user" value={p.user} /></dd></div>
        <div className="field-row"><dt>session</dt><dd>
          {p.sessionId === null ? (
            <span className="muted">none (no logon in the evidence names its LogonId)</span>
          ) : p.sessionId === currentSession ? (
            <span className="mono">{escapeControlsSingleLine(p.sessionId)}</span>
          ) : (
            <button type="button" className="link-button mono" data-testid="process-open-session"
              onClick={() => navigate({ kind: 'process', sessionId: p.sessionId!, processId: p.id })}>
              {escapeControlsSingleLine(p.sessionId)}: open this session
            </button>
          )}
        </dd></div>
        <div className="field-row"><dt>LogonId</dt><dd className="mono">{p.logonId !== null ? <PivotValue kind="logonId" value={p.logonId} host={p.host} /> : '—'}</dd></div>
        <div className="field-row"><dt>start</dt><dd>{p.start ? <TimeText iso={p.start} /> : '—'}</dd></div>
        <div className="field-row"><dt>end</dt><dd>{p.end ? <TimeText iso={p.end} /> : <span className="muted">no exit in the evidence</span>}</dd></div>
        <div className="field-row"><dt>integrity</dt><dd>{p.integrity ?? '—'} {p.elevation ? `· elevation ${p.elevation}` : ''}</dd></div>
        <div className="field-row"><dt>parent edge</dt><dd>
          <BasisBadge basis={basis} candidates={p.candidates} /> {p.parentId !== null && <span className="mono small">{escapeControlsSingleLine(p.parentId)}</span>}
          {p.candidates.length > 0 && <div className="small">candidates: {p.candidates.map(escapeControlsSingleLine).join(', ')}</div>}
        </dd></div>
        {creationEvent !== null && (
          <div className="field-row"><dt>record</dt><dd>
            <button type="button" className="link-button" onClick={() => openEvent(creationEvent)}>open the creation record #{creationEvent}</button>
          </dd></div>
        )}
      </dl>
      {findings !== undefined && findings.length > 0 && <FindingList findings={findings} />}
      <h4>Command line</h4>
      {cmd === '' ? (
        <p className="muted small">Not in the evidence (4688 without CommandLine: see Coverage).</p>
      ) : (
        <pre className="raw mono small" data-testid="process-cmdline">
          {escapeControlsMultiline(shown.text)}
          {shown.clipped && (
            <button type="button" className="link-button" onClick={() => setFullCmd(true)}>… show all {cmd.length} characters</button>
          )}
        </pre>
      )}
      {p.decodedCommand !== null && (
        <>
          <h4>Decoded payload</h4>
          <pre className="raw mono small" data-testid="process-decoded">{escapeControlsMultiline(clipText(p.decodedCommand, 200_000).text)}</pre>
        </>
      )}
    </aside>
  );
});

interface TreeRowProps {
  readonly row: VisibleRow;
  readonly p: ProcessRow;
  readonly focused: boolean;
  readonly selected: boolean;
  readonly match: boolean;
  readonly outside: boolean;
  readonly zone: DisplayZone;
  readonly onPick: (id: string) => void;
  readonly onActivate: (id: string) => void;
  readonly onToggle: (row: VisibleRow) => void;
  readonly findings: readonly Finding[] | undefined;
}

/**
 * One tree row, in the flow of the window (see below); memoized so a small scroll renders only
 * the rows that enter the window.
 */
const TreeRowView = memo(function TreeRowView({ row, p, focused, selected, match, outside, zone, onPick, onActivate, onToggle, findings }: TreeRowProps) {
  const basis = edgeBasis(p);
  const isRootWithOutsideParent = row.level === 1 && p.parentId !== null;
  const cmd = p.commandLine ?? '';
  return (
    <div
      id={`ptree-${row.id}`}
      role="treeitem"
      aria-level={row.level}
      aria-posinset={row.posinset}
      aria-setsize={row.setsize}
      aria-expanded={row.hasChildren ? row.expanded : undefined}
      aria-selected={selected}
      data-testid="tree-row"
      data-process-id={row.id}
      data-parent-id={row.parentId ?? ''}
      data-image={baseName(p.image).toLowerCase()}
      data-match={match ? 'true' : undefined}
      className={
        'tree-row' + (focused ? ' tree-row-focused' : '') + (selected ? ' tree-row-selected' : '') + (match ? ' tree-row-match' : '') +
        (outside ? ' tree-row-outside' : '')
      }
      style={{ paddingLeft: 6 + (row.level - 1) * 18 }}
      onClick={() => onPick(row.id)}
      onDoubleClick={() => onActivate(row.id)}
    >
      <span
        className="twisty"
        aria-hidden="true"
        onClick={(e) => {
          e.stopPropagation();
          onToggle(row);
        }}
      >
        {row.hasChildren ? (row.expanded ? '▾' : '▸') : ''}
      </span>
      <strong className="tree-image" title={escapeControlsSingleLine(p.image)}>{escapeControlsSingleLine(baseName(p.image))}</strong>
      <span className="mono small">{formatPid(p.pid)}</span>
      {p.integrity && <span className={'badge ' + integrityTone(p.integrity)}>{p.integrity}</span>}
      {p.elevation && p.elevation !== 'default' && <span className="badge badge-warn">{p.elevation}</span>}
      {p.decodedCommand !== null && <span className="badge badge-bad" title="An encoded command was decoded">decoded</span>}
      {findings !== undefined && findings.length > 0 && <FindingsBadge findings={findings} />}
      <BasisBadge basis={basis} candidates={p.candidates} />
      {isRootWithOutsideParent && <span className="small muted">parent {escapeControlsSingleLine(p.parentId ?? '')} outside this view</span>}
      <span className="tree-cmd mono small muted" title={escapeControlsSingleLine(clipText(cmd, 2000).text)}>
        {escapeControlsSingleLine(clipText(cmd, CMD_SHORT).text)}
      </span>
      <span className="tree-user small">{escapeControlsSingleLine(p.user)}</span>
      {p.start && <span className="small muted mono">{formatInZone(p.start, zone, 's').slice(11)}</span>}
    </div>
  );
});

export function ProcessTreeView() {
  const { chainProcesses, selectedProcessId, selectProcess, sessionId, scope, setScope, hostTree, loadHostTree } = useAppStore(
    useShallow((s) => ({
      chainProcesses: s.chainProcesses,
      selectedProcessId: s.selectedProcessId,
      selectProcess: s.selectProcess,
      sessionId: s.selectedSessionId,
      scope: s.treeScope,
      setScope: s.setTreeScope,
      hostTree: s.hostTree,
      loadHostTree: s.loadHostTree,
    })),
  );
  const sessions = useAppStore((s) => s.sessions);
  // The selected session's host, which the host scope shows: looked up when the session or the
  // list changes, not on every store update (the table's paging updates the store as it scrolls).
  const host = useMemo(
    () => sessions?.sessions.find((x) => x.id === sessionId)?.host ?? chainProcesses?.find((p) => p.sessionId === sessionId)?.host ?? null,
    [sessions, sessionId, chainProcesses],
  );
  const hostScope = scope === 'host' && host !== null;
  useEffect(() => {
    if (hostScope) void loadHostTree(host);
  }, [hostScope, host, sessions, loadHostTree]);
  const shownHostTree = hostScope && hostTree !== null && hostTree.host === host ? hostTree : null;
  const processes = hostScope ? (shownHostTree?.processes ?? null) : chainProcesses;
  const chain = useAppStore((s) => s.chain);
  const zone = useAppStore((s) => s.zone);
  // The brushed time range (histogram or timeline) dims the processes that did not run in it.
  const range = useAppStore(useShallow((s) => ({ from: s.from, to: s.to })));
  const openEvent = useAppStore((s) => s.openEvent);
  const previewProcess = useAppStore((s) => s.previewProcess);
  const sessionFindings = useAppStore((s) => s.sessionFindings);
  const treeFindings = hostScope ? shownHostTree?.findings : sessionFindings;
  const byProcess = useMemo(() => findingsByProcess(treeFindings ?? []), [treeFindings]);
  // The tree's owner: a new one starts closed (or fully open when small); the same one grown keeps its state.
  const treeOwner = hostScope ? `host:${host}` : `session:${sessionId}`;
  const builtTree = useProcessTree(processes, treeOwner);
  const tree = builtTree ?? NO_TREE;
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [query, setQuery] = useState('');
  const [focused, setFocused] = useState<string | null>(null);
  // A new tree opens fully when small. The tree of the same session grows once the chain arrives
  // (the processes of the sessions it led to): a large one keeps what the investigator opened.
  const treeSession = useRef<string | null>(null);
  useEffect(() => {
    if (builtTree === null) return; // still building: the state is set when the tree is there
    const same = treeSession.current === treeOwner;
    treeSession.current = treeOwner;
    if (same && tree.byId.size > OPEN_ALL_MAX) return;
    setExpanded(tree.byId.size <= OPEN_ALL_MAX ? allParents(tree) : new Set());
    if (!same) setFocused(null);
  }, [tree]); // eslint-disable-line react-hooks/exhaustive-deps -- the owner is read with the tree it belongs to
  // A process chosen elsewhere (chain, history) is revealed and focused.
  useEffect(() => {
    if (selectedProcessId === null || !tree.byId.has(selectedProcessId)) return;
    const up = ancestorsOf(tree, selectedProcessId);
    setExpanded((e) => (up.every((a) => e.has(a)) ? e : new Set([...e, ...up])));
    setFocused(selectedProcessId);
  }, [selectedProcessId, tree]);
  const search = useMemo(() => searchTree(tree, query), [tree, query]);
  const rows = useMemo(() => visibleRows(tree, expanded, search?.keep ?? null), [tree, expanded, search]);
  const creationEvent = useMemo(() => processCreationEvents(chain ?? emptyChain()), [chain]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const treeRef = useRef<HTMLDivElement>(null);
  // Stable callbacks for the memoized rows; they read the latest state through `latest`.
  const latest = useRef({ selectProcess, openEvent, creationEvent, searching: false });
  latest.current = { selectProcess, openEvent, creationEvent, searching: search !== null };
  const activateRef = useRef((id: string) => {
    const l = latest.current;
    l.selectProcess(id);
    const ev = l.creationEvent.get(id);
    if (ev !== undefined) l.openEvent(ev);
  });
  const toggleRef = useRef((row: VisibleRow) => {
    if (!row.hasChildren || latest.current.searching) return;
    setExpanded((e) => {
      const n = new Set(e);
      if (n.has(row.id)) n.delete(row.id);
      else n.add(row.id);
      return n;
    });
  });
  const pickRef = useRef((id: string) => {
    setFocused(id);
    latest.current.selectProcess(id);
    treeRef.current?.focus({ preventScroll: true });
  });
  // The window of rows is arithmetic, as the event table's (row-window.ts): every row is ROW px.
  // A general virtualizer kept a measurement object per row, built again whenever the count
  // changed: expand-all on a 20,000-process tree made 20,000 of them in the click's task.
  // The scroll position is read on scroll, synchronously, so the rows move in the frame that
  // scrolled; the height comes from a ResizeObserver (after layout: never a forced layout).
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(() => (typeof window === 'undefined' ? 600 : window.innerHeight));
  const attachScroller = useCallback((el: HTMLDivElement | null) => {
    scrollRef.current = el;
    if (!el) return undefined;
    setScrollTop(0); // a new scroller (after the loading view) starts at the top
    const onScroll = () => flushSync(() => setScrollTop(el.scrollTop));
    el.addEventListener('scroll', onScroll, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => setViewportHeight(el.clientHeight));
    observer?.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      observer?.disconnect();
    };
  }, []);
  const { first, last } = rowWindow(rows.length, ROW, scrollTop, viewportHeight, 4);
  const windowSize = last - first + 1;
  const base = useWindowKeyBase(first, windowSize);
  const focusIndex = focused === null ? -1 : rows.findIndex((r) => r.id === focused);
  useEffect(() => {
    const el = scrollRef.current;
    if (focusIndex < 0 || !el) return;
    // Scrolled just enough to show the focused row (keyboard, a process chosen elsewhere).
    const top = focusIndex * ROW;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW - el.clientHeight;
  }, [focusIndex]);

  const scopeSwitch = (
    <div className="segmented" role="group" aria-label="Tree scope">
      <button type="button" data-testid="tree-scope-session" aria-pressed={!hostScope} onClick={() => setScope('session')}>This session</button>
      <button type="button" data-testid="tree-scope-host" aria-pressed={hostScope} disabled={host === null} onClick={() => setScope('host')}
        title={host === null ? 'The session names no host' : `Every process on ${host}, whatever its session`}>
        Whole host
      </button>
    </div>
  );
  // The session's own processes are shown while the chain (and the sessions it led to) loads.
  if (processes === null || (builtTree === null && processes.length > 0)) {
    if (hostScope && shownHostTree?.error) {
      return (
        <div className="pad">
          {scopeSwitch}
          <p className="warn" role="alert">The processes of {escapeControlsSingleLine(host ?? '')} could not be loaded: {escapeControlsSingleLine(shownHostTree.error)}</p>
        </div>
      );
    }
    return <div className="pad">{scopeSwitch}<p className="muted">Loading processes…</p></div>;
  }
  if (processes.length === 0) {
    return (
      <div className="pad">
        {scopeSwitch}
        <p className="muted" data-testid="tree-empty">
          {hostScope ? `No process of ${escapeControlsSingleLine(host ?? '')} is in the evidence (no 4688 or Sysmon 1).` : 'No process ran in this session (no 4688 or Sysmon 1 names its LogonId).'}
        </p>
      </div>
    );
  }

  const activate = activateRef.current;
  const toggle = toggleRef.current;
  const pickRow = pickRef.current;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const result = treeKey(e.key, rows, focused);
    if (!result) return;
    e.preventDefault();
    if (result.expand?.length || result.collapse?.length) {
      setExpanded((cur) => {
        const n = new Set(cur);
        for (const id of result.expand ?? []) n.add(id);
        for (const id of result.collapse ?? []) n.delete(id);
        return n;
      });
    }
    if (result.focus !== undefined) {
      setFocused(result.focus);
      previewProcess(result.focus);
    }
    if (result.activate !== undefined) activate(result.activate);
  };
  const selected = (selectedProcessId !== null ? tree.byId.get(selectedProcessId) : undefined) ?? null;
  return (
    <div className="tree-view" data-testid="process-tree-view">
      <div className="view-toolbar">
        {scopeSwitch}
        <input
          type="search"
          aria-label="Search the tree"
          data-testid="tree-search"
          placeholder="Search image, command line, PID (0x…), user"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        {search && <span className="small muted" aria-live="polite">{search.matches.size} match{search.matches.size === 1 ? '' : 'es'}</span>}
        <button type="button" data-testid="tree-expand-all" onClick={() => setExpanded(allParents(tree))}>Expand all</button>
        <button type="button" data-testid="tree-collapse-all" onClick={() => setExpanded(new Set())}>Collapse all</button>
        <span className="small muted" data-testid="tree-scope-label">
          {tree.byId.size} processes
          {hostScope ? ` · every session on ${escapeControlsSingleLine(host ?? '')}` : sessionId ? ` · session ${sessionId} and the sessions it created` : ''}
        </span>
      </div>
      <div className="tree-split">
        <div
          ref={treeRef}
          className="process-tree"
          role="tree"
          aria-label="Process tree"
          data-testid="process-tree"
          tabIndex={0}
          aria-activedescendant={focused !== null && focusIndex >= 0 ? `ptree-${focused}` : undefined}
          onKeyDown={onKeyDown}
          onFocus={() => {
            if (focused === null && rows[0]) setFocused(rows[0].id);
          }}
        >
          <div ref={attachScroller} className="tree-scroll">
            <div className="tree-spacer" style={{ height: rows.length * ROW }}>
              {/* As the event table's: the window of rows in normal flow, moved as one (one
                  transform a frame, not one per row), and rows keyed by their slot (windowKey):
                  a scroll step that replaces the whole window (a fast scroll over 20,000 rows)
                  updates its rows in place instead of destroying and building them all (a first
                  scroll over the expanded tree of 20,000 processes: renderer CPU 6.7 s -> 4.6 s),
                  and without reordering them (windowKeyBase). */}
              {windowSize > 0 && (
                <div className="tree-window" style={{ transform: `translateY(${first * ROW}px)` }}>
                  {rows.slice(first, last + 1).map((row, k) => {
                    const p = tree.byId.get(row.id)!;
                    const outside =
                      (range.to !== null && p.start !== null && p.start > range.to) || (range.from !== null && p.end !== null && p.end < range.from);
                    return (
                      <TreeRowView
                        key={windowKey(first + k, base, windowSize)}
                        row={row}
                        p={p}
                        focused={row.id === focused}
                        selected={row.id === selectedProcessId}
                        match={search?.matches.has(row.id) ?? false}
                        outside={outside}
                        zone={zone}
                        onPick={pickRow}
                        onActivate={activate}
                        onToggle={toggle}
                        findings={byProcess.get(row.id)}
                      />
                    );
                  })}
                </div>
              )}
            </div>
          </div>
        </div>
        {selected ? (
          <ProcessDetail key={selected.id} p={selected} creationEvent={creationEvent.get(selected.id) ?? null} findings={byProcess.get(selected.id)} />
        ) : (
          <aside className="process-detail muted pad">Select a process (click, or focus the tree and use the arrow keys) to see its full command line, decoded payload and parent edge.</aside>
        )}
      </div>
    </div>
  );
}
