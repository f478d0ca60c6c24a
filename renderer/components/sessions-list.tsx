import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SessionRow } from '../../shared/api.js';
import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { sessionCounts, worstLevel } from '../lib/findings-view.js';
import { rankSessions, scoreSession, type FindingCounts, type SessionSort } from '../lib/session-rank.js';
import { SEVERITIES, type Severity } from '../../shared/findings.js';
import { SeverityBadge } from './finding-badges.js';
import { useAppStore } from '../store/app-store.js';
import { TimeText } from './time-text.js';

const TYPE_FILTERS: readonly { type: number; label: string }[] = [
  { type: 2, label: '2 interactive' },
  { type: 3, label: '3 network' },
  { type: 9, label: '9 new creds' },
  { type: 10, label: '10 RDP' },
  { type: 5, label: '5 service' },
];

interface SessionCardProps {
  readonly session: SessionRow;
  /** The ranking's score (sessionScore): the reasons are worked out here, for the cards shown only. */
  readonly score: number;
  readonly counts: FindingCounts | undefined;
  readonly selected: boolean;
  readonly onPick: (id: string) => void;
}

/**
 * One session. Memoized on what it shows: when the findings summary arrives (seconds after the
 * first screen on a case still being analysed), or the sort or a filter changes, the list is
 * ranked again but only the cards whose session, counts or selection changed render again,
 * instead of every card in view.
 */
const SessionCard = memo(function SessionCard({ session: s, score, counts, selected, onPick }: SessionCardProps) {
  const reasons = scoreSession(s, counts).reasons;
  const who = s.user === '' ? '(unknown user)' : (s.domain ? s.domain + '\\' : '') + s.user;
  const from = [s.sourceIp, s.workstation].filter((v) => v !== '' && v !== '-').join(' · ');
  return (
    <button
      type="button"
      className={'session-card' + (selected ? ' session-card-selected' : '') + (score >= 50 ? ' session-card-flagged' : '')}
      data-testid="session-row"
      data-session-id={s.id}
      data-score={score}
      aria-current={selected ? 'true' : undefined}
      onClick={() => onPick(s.id)}
    >
      <span className="session-line">
        <strong className="session-user">{escapeControlsSingleLine(who)}</strong>
        <span className="muted">on</span>
        <span className="session-host">{escapeControlsSingleLine(s.host)}</span>
        {s.admin && <span className="badge badge-warn">admin</span>}
      </span>
      {worstLevel(counts) !== null && (
        <span className="session-line small" data-testid="session-findings">
          {[...SEVERITIES].reverse().map((level: Severity) => ((counts?.[level] ?? 0) > 0 ? <SeverityBadge key={level} level={level} count={counts?.[level] ?? 0} /> : null))}
        </span>
      )}
      <span className="session-line">
        <span className="badge badge-info" title={`LogonType ${s.logonType ?? '?'}`}>
          {s.logonType === null ? 'type ?' : `type ${s.logonType}`} {s.logonTypeName}
        </span>
        {from !== '' && <span className="mono small">{escapeControlsSingleLine(from)}</span>}
        <span className="mono small muted">{escapeControlsSingleLine(s.logonId)}</span>
      </span>
      <span className="session-line small">
        <TimeText iso={s.start} precision="s" />
        <span className="muted">→</span>
        {s.end === null ? <span className="badge">open</span> : <TimeText iso={s.end} precision="s" />}
      </span>
      <span className="session-line small session-counts">
        <span><span className="num">{s.processes}</span> proc</span>
        <span><span className="num">{s.scripts}</span> scripts</span>
        <span className={s.services > 0 ? 'warn' : undefined}><span className="num">{s.services}</span> services</span>
        {s.createdBySessionId !== null && <span className="muted">from {s.createdBySessionId}</span>}
      </span>
      {reasons.length > 0 && (
        <span className="session-reasons small" data-testid="session-reasons">
          {reasons.join(' · ')}
        </span>
      )}
    </button>
  );
});

/** A card's height before it is measured (four lines; findings and reasons add two). */
const CARD_ESTIMATE = 92;

// The list is measured by ResizeObserver only, never by reading sizes while React commits: the
// library's defaults read the scroller's rect and each new card's offsetHeight in the commit,
// which forces the whole page's first layout inside the first screen's render task and again
// after the cards move (~80 ms more before the first paint of a large case). A ResizeObserver
// reports after the browser's own layout, before paint; a card not yet measured counts at its
// estimate (or its size from before, when it scrolls back into view).
type ListVirtualizer = Virtualizer<HTMLDivElement, Element>;

function observeScrollerSize(instance: ListVirtualizer, cb: (rect: { width: number; height: number }) => void): () => void {
  const element = instance.scrollElement;
  if (!element) return () => undefined;
  const observer = new ResizeObserver((entries) => {
    const rect = entries[entries.length - 1]?.contentRect;
    if (rect) cb({ width: Math.round(rect.width), height: Math.round(rect.height) });
  });
  observer.observe(element);
  return () => observer.disconnect();
}

function cardSize(element: Element, entry: ResizeObserverEntry | undefined, instance: ListVirtualizer): number {
  const box = entry?.borderBoxSize?.[0];
  if (box) return Math.round(box.blockSize);
  const index = instance.indexFromElement(element);
  return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? instance.options.estimateSize(index);
}

/** Each card scroller's scrollTop as its scroll events last reported it (0 before any). */
const lastTops = new WeakMap<Element, number>();

/**
 * The scroller's position is written only when it changes: on mount the library writes the
 * offset it starts from (0) to the new scroller, and any scroll write makes the browser lay the
 * page out there and then, in the middle of React's commit.
 */
function scrollCards(offset: number, options: { adjustments?: number; behavior?: ScrollBehavior }, instance: ListVirtualizer): void {
  const element = instance.scrollElement;
  if (!element) return;
  const top = offset + (options.adjustments ?? 0);
  if (top === (lastTops.get(element) ?? 0) && options.behavior !== 'smooth') return;
  element.scrollTo({ top, behavior: options.behavior });
}


/** The scroller's height before it is observed: the window's (the side panel is nearly as tall). */
const initialRect = (): { width: number; height: number } => ({ width: 0, height: typeof window === 'undefined' ? 0 : window.innerHeight });

export function SessionsList() {
  const scrollRef = useRef<HTMLDivElement>(null);
  const s = useAppStore(
    useShallow((st) => ({
      sessions: st.sessions,
      loading: st.sessionsLoading,
      sort: st.sessionSort,
      search: st.sessionSearch,
      types: st.sessionTypes,
      adminOnly: st.sessionAdminOnly,
      selected: st.selectedSessionId,
      totalEvents: st.overview?.totalEvents ?? null,
      summary: st.findingsSummary,
    })),
  );
  const actions = useAppStore(
    useShallow((st) => ({
      setSort: st.setSessionSort,
      setSearch: st.setSessionSearch,
      toggleType: st.toggleSessionType,
      setAdminOnly: st.setSessionAdminOnly,
      navigate: st.navigate,
    })),
  );
  const id = useId();
  const counts = useMemo(() => sessionCounts(s.summary), [s.summary]);
  const ranked = useMemo(
    () => (s.sessions ? rankSessions(s.sessions.sessions, { sort: s.sort, search: s.search, logonTypes: s.types, adminOnly: s.adminOnly }, counts) : []),
    [s.sessions, s.sort, s.search, s.types, s.adminOnly, counts],
  );
  // Only the cards in view (and a few past each edge) exist: a case has thousands of sessions,
  // and 300 cards were ~7,000 elements that every style recalculation, layout and garbage
  // collection walked (the browser's mark-compact traced them: 35-50 ms pauses while the process
  // tree opened, issue 6).
  const virtualizer = useVirtualizer({
    count: ranked.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CARD_ESTIMATE,
    getItemKey: (i) => ranked[i]?.session.id ?? i,
    overscan: 4,
    initialRect: initialRect(),
    observeElementRect: observeScrollerSize,
    measureElement: cardSize,
    scrollToFn: scrollCards,
  });
  // A new sort or filter starts at the top of its ranking. Not on mount: the list starts there,
  // and scrollToOffset reads the scroller's height (a forced layout in the first screen's commit).
  const ranking = `${s.sort}\n${s.search}\n${s.types.join(',')}\n${s.adminOnly}`;
  const rankedBy = useRef(ranking);
  useEffect(() => {
    if (rankedBy.current === ranking) return;
    rankedBy.current = ranking;
    virtualizer.scrollToOffset(0);
  }, [ranking, virtualizer]);
  // The selected session scrolled into view when the selection changes (a pivot or Back can
  // select one far down the list); not when the list is sorted or filtered again.
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (s.selected === scrolledTo.current) return;
    const index = ranked.findIndex((r) => r.session.id === s.selected);
    // Not in the list yet (sessions still loading, or filtered out): tried again when it is.
    if (s.selected !== null && index < 0) return;
    scrolledTo.current = s.selected;
    if (index < 0) return;
    // Nothing to do when the card is in view already (a click on it): scrollToIndex reads the
    // scroller's height, a forced layout of the page in the middle of the click's work.
    const card = virtualizer.measurementsCache[index];
    const top = virtualizer.scrollOffset ?? 0;
    const height = virtualizer.scrollRect?.height ?? 0;
    if (card && card.start >= top && card.end <= top + height) return;
    virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [s.selected, ranked, virtualizer]);
  // Stable, so the memoized cards do not all render again whenever the list does.
  const navigate = actions.navigate;
  const pick = useCallback((sessionId: string) => navigate({ kind: 'session', sessionId, tab: 'chain' }), [navigate]);
  const all = s.sessions?.sessions.length ?? 0;
  return (
    <section className="sessions" aria-label="Logon sessions" data-testid="sessions">
      <div className="sessions-controls">
        <input
          type="search"
          aria-label="Search sessions"
          data-testid="session-search"
          placeholder="Search user, host, IP, LogonId…"
          value={s.search}
          onChange={(e) => actions.setSearch(e.target.value)}
        />
        <label htmlFor={id + '-sort'} className="small muted">Sort</label>
        <select id={id + '-sort'} data-testid="session-sort" value={s.sort} onChange={(e) => actions.setSort(e.target.value as SessionSort)}>
          <option value="suspicious">suspicious first</option>
          <option value="start">start time</option>
          <option value="host">host</option>
          <option value="user">user</option>
          <option value="processes">processes</option>
        </select>
      </div>
      <div className="sessions-chips" role="group" aria-label="Logon types">
        {TYPE_FILTERS.map((t) => (
          <button
            key={t.type}
            type="button"
            className={'chip' + (s.types.includes(t.type) ? ' chip-on' : '')}
            aria-pressed={s.types.includes(t.type)}
            onClick={() => actions.toggleType(t.type)}
          >
            {t.label}
          </button>
        ))}
        <button type="button" className={'chip' + (s.adminOnly ? ' chip-on' : '')} aria-pressed={s.adminOnly} onClick={() => actions.setAdminOnly(!s.adminOnly)}>
          admin
        </button>
      </div>
      <p className="small muted sessions-count" aria-live="polite">
        {s.sessions === null ? (s.loading ? 'Correlating sessions…' : '') : `${ranked.length} of ${all} sessions`}
      </p>
      {s.sessions !== null && all === 0 ? (
        <div className="empty-inline" data-testid="sessions-empty">
          {s.totalEvents === 0 ? (
            <p>No sessions yet: open evidence with Security logs (4624 logons, 4688 process creation) and they appear here.</p>
          ) : (
            <p>No logon sessions in this evidence. Sessions come from Security 4624/4634 and 4688; add the Security log of the hosts to see them.</p>
          )}
        </div>
      ) : ranked.length === 0 && s.sessions !== null ? (
        <div className="empty-inline">
          <p>No session matches. Clear the search or the type filters.</p>
        </div>
      ) : (
        <div className="session-scroll" ref={scrollRef} data-testid="session-scroll" onScroll={(e) => lastTops.set(e.currentTarget, e.currentTarget.scrollTop)}>
          <ul className="session-list" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const r = ranked[item.index];
              if (!r) return null;
              return (
                <li key={item.key} className="session-vrow" data-index={item.index} ref={virtualizer.measureElement} style={{ transform: `translateY(${item.start}px)` }}>
                  <SessionCard session={r.session} score={r.score} counts={counts.get(r.session.id)} selected={r.session.id === s.selected} onPick={pick} />
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
