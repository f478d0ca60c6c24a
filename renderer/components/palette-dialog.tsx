import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ProcessRow } from '../../shared/api.js';
import { getApi } from '../api/api-client.js';
import { clipText, escapeControlsSingleLine } from '../lib/escape-text.js';
import { paletteItems, PER_GROUP, type PaletteCommand, type PaletteItem, type ShowCommand } from '../lib/palette-search.js';
import { baseName, formatPid } from '../lib/process-tree.js';
import { useAppStore } from '../store/app-store.js';
import type { SideTab } from '../store/views-types.js';
import { TimeText } from './time-text.js';

const GROUP_LABEL: Record<PaletteItem['kind'], string> = {
  command: 'Commands',
  session: 'Sessions',
  process: 'Processes',
  host: 'Hosts',
  rule: 'Rules with findings',
  note: 'Notes and bookmarks',
  text: 'Events',
};

/** Evidence text shown on one line, clipped: a name can be a megabyte of anything. */
const line = (text: string, max = 160): string => escapeControlsSingleLine(clipText(text, max).text);

/** The side tab a show command opens. */
function tabOf(command: ShowCommand): SideTab {
  return command.slice('show-'.length) as SideTab;
}

function runCommand(command: PaletteCommand): void {
  const s = useAppStore.getState();
  switch (command) {
    case 'open-evidence':
      void s.pickEvidence();
      return;
    case 'show-sessions':
    case 'show-findings':
    case 'show-overview':
    case 'show-coverage':
    case 'show-notes':
      s.setSideTab(tabOf(command));
      return;
    case 'toggle-theme':
      s.setTheme(s.theme === 'dark' ? 'light' : 'dark');
      return;
    case 'times-utc':
      s.setZone({ kind: 'utc' });
      return;
    case 'times-local':
      s.setZone({ kind: 'local' });
      return;
    case 'back':
      s.back();
      return;
    case 'forward':
      s.forward();
      return;
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

function openProcess(p: ProcessRow): void {
  const s = useAppStore.getState();
  if (p.sessionId !== null) {
    s.setSideTab('sessions');
    s.navigate({ kind: 'process', sessionId: p.sessionId, processId: p.id });
  } else {
    // No logon names it: its events are what there is to see.
    s.pivot('text', baseName(p.image), p.host);
  }
}

/** Goes where an item points. Errors (a rule whose findings vanished, say) reach the banner. */
async function runItem(item: PaletteItem): Promise<void> {
  const s = useAppStore.getState();
  switch (item.kind) {
    case 'command':
      runCommand(item.command);
      return;
    case 'session':
      s.setSideTab('sessions');
      s.navigate({ kind: 'session', sessionId: item.session.id, tab: 'chain' });
      return;
    case 'process':
      openProcess(item.process);
      return;
    case 'host':
      s.pivot('host', item.host);
      return;
    case 'rule': {
      s.setSideTab('findings');
      s.setFindingsGroupBy('rule');
      const page = await getApi().listFindings({ ruleId: item.rule.ruleId, suppressed: item.rule.count > 0 ? false : true, offset: 0, limit: 1 });
      const first = page.rows[0];
      if (first) {
        s.selectFinding(first.id);
        s.openFinding(first);
      }
      return;
    }
    case 'note': {
      const target = item.note.target;
      switch (target.kind) {
        case 'event':
          s.openEvent(Number(target.id));
          return;
        case 'session':
          s.setSideTab('sessions');
          s.navigate({ kind: 'session', sessionId: target.id, tab: 'chain' });
          return;
        case 'process': {
          const found = await getApi().findProcesses({ text: target.id, limit: 1 });
          const p = found.rows.find((x) => x.id === target.id);
          if (p) openProcess(p);
          else s.setNotice(`The process ${target.id} of this note is no longer in the case's analysis.`);
          return;
        }
        default: {
          const unreachable: never = target.kind;
          return unreachable;
        }
      }
    }
    case 'text':
      s.pivot('text', item.text);
      return;
    default: {
      const unreachable: never = item;
      return unreachable;
    }
  }
}

function ItemView({ item }: { item: PaletteItem }) {
  switch (item.kind) {
    case 'command':
      return <span>{item.label}</span>;
    case 'session': {
      const x = item.session;
      return (
        <>
          <strong>{line((x.domain ? x.domain + '\\' : '') + x.user)}</strong> <span className="muted">on</span> {line(x.host, 80)}{' '}
          <span className="badge">type {x.logonType ?? '?'} {x.logonTypeName}</span> <span className="mono small">{line(x.logonId, 40)}</span>{' '}
          <span className="small muted"><TimeText iso={x.start} precision="s" /> · {x.processes} proc</span>
        </>
      );
    }
    case 'process': {
      const p = item.process;
      return (
        <>
          <strong>{line(baseName(p.image), 80)}</strong> <span className="mono small">{formatPid(p.pid)}</span> <span className="muted">on</span> {line(p.host, 80)}{' '}
          <span className="small muted">{line(p.user, 60)}</span> <span className="mono small muted">{line(p.commandLine ?? p.image, 100)}</span>
        </>
      );
    }
    case 'host':
      return (
        <>
          <strong>{line(item.host, 120)}</strong> <span className="small muted">{item.events} events · filter the table by this host</span>
        </>
      );
    case 'rule':
      return (
        <>
          <strong>{line(item.rule.ruleTitle)}</strong> <span className="badge">{item.rule.level}</span>{' '}
          <span className="small muted">{item.rule.count} findings{item.rule.suppressed > 0 ? `, ${item.rule.suppressed} suppressed` : ''}</span>
        </>
      );
    case 'note':
      return (
        <>
          {item.note.bookmarked && <span aria-label="bookmarked">★ </span>}
          <strong>{line(item.note.label || item.note.target.id)}</strong> <span className="badge">{item.note.target.kind}</span>{' '}
          <span className="small muted">{line(item.note.text, 100)}</span>
        </>
      );
    case 'text':
      return (
        <>
          Filter the events by <strong>“{line(item.text, 100)}”</strong>
        </>
      );
    default: {
      const unreachable: never = item;
      return unreachable;
    }
  }
}

/** The palette's dialog: loaded on first opening (not part of the first screen's code). */
export function PaletteDialog() {
  const { setOpen, sessions, hosts, rules, notes, loadNotes } = useAppStore(
    useShallow((s) => ({
      setOpen: s.setPaletteOpen,
      sessions: s.sessions?.sessions,
      hosts: s.overview?.hosts,
      rules: s.findingsSummary?.byRule,
      notes: s.notes,
      loadNotes: s.loadNotes,
    })),
  );
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [found, setFound] = useState<{ text: string; total: number; rows: readonly ProcessRow[] } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const request = useRef(0);
  const id = useId();

  // Focus the box; give focus back to where it was on closing.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    inputRef.current?.focus();
    if (notes === null) void loadNotes();
    return () => before?.focus({ preventScroll: true });
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once per opening

  // Processes are the engine's to find: asked once typing pauses, the latest answer only.
  useEffect(() => {
    const asked = text.trim();
    const mine = ++request.current;
    if (asked === '') {
      setFound(null);
      return;
    }
    const timer = setTimeout(() => {
      getApi()
        .findProcesses({ text: asked, limit: PER_GROUP })
        .then((r) => {
          if (mine === request.current) setFound({ text: asked, total: r.total, rows: r.rows });
        })
        .catch((e: unknown) => {
          if (mine === request.current) {
            setFound({ text: asked, total: 0, rows: [] });
            useAppStore.getState().pushError(e, 'Find processes');
          }
        });
    }, 150);
    return () => clearTimeout(timer);
  }, [text]);

  const items = useMemo(
    () =>
      paletteItems(text, {
        sessions: sessions ?? [],
        hosts: hosts ?? [],
        rules: rules ?? [],
        notes: notes ?? [],
        processes: found !== null && found.text === text.trim() ? found.rows : null,
      }),
    [text, sessions, hosts, rules, notes, found],
  );
  useEffect(() => setActive(0), [text]);
  const current = Math.min(active, items.length - 1);

  const run = (item: PaletteItem | undefined): void => {
    if (!item) return;
    setOpen(false);
    runItem(item).catch((e: unknown) => useAppStore.getState().pushError(e, 'Go to'));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((current + 1) % items.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((current - 1 + items.length) % items.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      run(items[current]);
    }
  };
  useEffect(() => {
    document.getElementById(`${id}-opt-${current}`)?.scrollIntoView({ block: 'nearest' });
  }, [current, id]);

  // Consecutive items of a kind form a group.
  const groups: { kind: PaletteItem['kind']; start: number; items: PaletteItem[] }[] = [];
  items.forEach((item, i) => {
    const last = groups[groups.length - 1];
    if (last && last.kind === item.kind) last.items.push(item);
    else groups.push({ kind: item.kind, start: i, items: [item] });
  });
  const searching = text.trim() !== '' && (found === null || found.text !== text.trim());
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <div className="modal palette" role="dialog" aria-modal="true" aria-label="Find anything" data-testid="command-palette" onKeyDown={onKeyDown}>
        <input
          ref={inputRef}
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls={`${id}-list`}
          aria-activedescendant={items.length > 0 ? `${id}-opt-${current}` : undefined}
          aria-autocomplete="list"
          aria-label="Find a session, process, host, rule, note or command"
          placeholder="Find a session, process, host, rule, note or command…"
          data-testid="palette-input"
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={4096}
        />
        <div className="palette-list" id={`${id}-list`} role="listbox" aria-label="Results">
          {groups.map((g) => (
            <div key={g.kind} role="group" aria-labelledby={`${id}-group-${g.kind}`} className="palette-group">
              <div className="palette-group-label small muted" id={`${id}-group-${g.kind}`}>
                {GROUP_LABEL[g.kind]}
                {g.kind === 'process' && found !== null && found.total > g.items.length && ` (${g.items.length} of ${found.total})`}
              </div>
              {g.items.map((item, k) => {
                const i = g.start + k;
                return (
                  <div
                    key={item.key}
                    id={`${id}-opt-${i}`}
                    role="option"
                    aria-selected={i === current}
                    data-testid="palette-item"
                    data-kind={item.kind}
                    className={'palette-item' + (i === current ? ' palette-item-active' : '')}
                    onMouseMove={() => i !== current && setActive(i)}
                    onClick={() => run(item)}
                  >
                    <ItemView item={item} />
                  </div>
                );
              })}
            </div>
          ))}
        </div>
        <div className="palette-foot small muted" aria-live="polite">
          {searching ? 'Looking for processes…' : '↑ ↓ to choose · Enter to go · Esc to close'}
        </div>
      </div>
    </div>
  );
}
