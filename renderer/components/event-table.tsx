import { functionalUpdate, useTable, type CellData, type Header, type SortingState } from '@tanstack/react-table';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import type { EventRow } from '../../shared/api.js';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../store/app-store.js';
import { eventPager } from '../store/pager.js';
import { heldFills } from '../lib/row-fill.js';
import { rowWindow, windowKey } from '../lib/row-window.js';
import { useWindowKeyBase } from './use-window-key-base.js';
import { EVENT_COLUMN_IDS, eventCell, eventColumns, gridTemplate, tableFeaturesSet, type WindowRow } from './event-columns.js';
import type { DisplayZone } from '../lib/time-zone.js';

export const ROW_HEIGHT = 24;
/** Wait for scrolling to pause this long before asking for pages, so a fast drag across
 * a million rows does not request every page it passes. */
const FETCH_SETTLE_MS = 40;
/**
 * Rows filled per frame when a page arrives within this long of the last scroll (see
 * row-fill.ts): a scroll's frames are the ones that must stay smooth. At rest (a new query, the
 * first screen) the page is drawn whole.
 */
const FILLS_PER_FRAME = 10;
const SPREAD_FILLS_MS = 1000;
const NO_ROWS_HELD: ReadonlySet<number> = new Set();

/**
 * Browsers cap an element's height (Chromium ~33.5M px, Firefox ~17.9M px). Past that the
 * spacer is capped and scroll positions are scaled; below it (a million rows at 24 px in
 * Chromium) scrolling is 1:1.
 */
const MAX_SCROLL_PX =
  typeof document !== 'undefined' && 'MozAppearance' in document.documentElement.style ? 15_000_000 : 30_000_000;

interface RowViewProps {
  readonly index: number;
  readonly ev: EventRow | undefined;
  readonly selected: boolean;
  readonly zone: DisplayZone;
  readonly onPick: (index: number) => void;
}

/**
 * One grid row, in the flow of the window (see the body below). Memoized on what it shows, so
 * a small scroll renders only the rows entering the window.
 */
const RowView = memo(function RowView(p: RowViewProps) {
  return (
    <div
      id={`event-row-${p.index}`}
      role="row"
      aria-rowindex={p.index + 2}
      aria-selected={p.selected}
      className={
        'et-row' + (p.index % 2 ? ' et-row-odd' : '') + (p.selected ? ' et-row-selected' : '') + (p.ev ? '' : ' et-row-loading')
      }
      data-testid={p.ev ? 'event-row' : 'event-row-loading'}
      data-event-id={p.ev?.id}
      data-eventid={p.ev?.eventId}
      data-index={p.index}
      onMouseDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault(); // keep focus on the grid, not the scroller
        p.onPick(p.index);
      }}
    >
      {EVENT_COLUMN_IDS.map((id) => (
        <div key={id} role="gridcell" className={`et-td et-td-${id}`}>
          {eventCell(id, p.ev, p.zone)}
        </div>
      ))}
    </div>
  );
});

/** The table's row model is not used for the body (see event-columns.ts): no rows for TanStack. */
const NO_ROWS: WindowRow[] = [];

function rowIndexes(first: number, last: number): number[] {
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(i);
  return out;
}

export interface EventTableProps {
  /**
   * At most how tall the rows' scroller can be before the first layout (px): the window of the
   * first render. Without it the first render builds a window's height of rows (~40 at 900 px)
   * where ~20 fit, twice the rows for the first screen to build and lay out.
   */
  readonly heightHint?: number;
}

export function EventTable({ heightHint }: EventTableProps = {}) {
  const s = useAppStore(
    useShallow((st) => ({
      total: st.total,
      sort: st.sort,
      pageTick: st.pageTick,
      queryId: st.queryId,
      selectedIndex: st.selectedIndex,
      selectedId: st.selectedId,
      zone: st.zone,
      setSort: st.setSort,
      selectIndex: st.selectIndex,
    })),
  );
  // While a new query's first page is on its way, keep the previous height (placeholder rows)
  // instead of collapsing the table to nothing and back on every keystroke.
  const lastCountRef = useRef(0);
  if (s.total !== null) lastCountRef.current = s.total;
  const count = s.total ?? lastCountRef.current;
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);

  // Scroll scaling (see MAX_SCROLL_PX): virtual px per real px, read live on scroll.
  const virtualHeight = count * ROW_HEIGHT;
  const realHeight = Math.min(virtualHeight, MAX_SCROLL_PX);
  // The window of rows: all rows are ROW_HEIGHT high, so it is arithmetic (see row-window.ts).
  // The scroll position is read synchronously on scroll so the rows move in the frame that
  // scrolled; the window works in virtual px (scaled, see MAX_SCROLL_PX).
  const [scrollTop, setScrollTop] = useState(0);
  // The scroller's height is not read on mount: reading it there forced a synchronous layout of
  // the whole first screen (~160 ms on a large case) before its first paint. The window's height
  // is one that covers the scroller (the hint, else the window's) until the ResizeObserver, which
  // reports after the browser's own layout, gives the real one.
  const [viewportHeight, setViewportHeight] = useState(() =>
    heightHint !== undefined && heightHint > 0 ? heightHint : typeof window === 'undefined' ? 600 : window.innerHeight,
  );
  const ratioRef = useRef(1);
  const lastScrollAtRef = useRef(-Infinity);
  // The rows drawn as placeholders in the last commit, and a tick that draws the next rows held.
  const placeholdersRef = useRef<ReadonlySet<number>>(NO_ROWS_HELD);
  const [, setFillTick] = useState(0);
  ratioRef.current =
    virtualHeight > realHeight && realHeight > viewportHeight ? (virtualHeight - viewportHeight) / (realHeight - viewportHeight) : 1;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const read = () => setScrollTop(el.scrollTop);
    const onScroll = () => {
      lastScrollAtRef.current = performance.now();
      flushSync(read);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    const observer =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver(() => setViewportHeight(el.clientHeight)); // after layout: no forced layout
    observer?.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      observer?.disconnect();
    };
  }, []);
  // A few rows past each edge: a fast scroll replaces the whole window every frame, and every
  // overscanned row is DOM to build and lay out for nothing.
  const scrollOffset = scrollTop * ratioRef.current;
  const { first, last } = rowWindow(count, ROW_HEIGHT, scrollOffset, viewportHeight, 4);
  const windowSize = last - first + 1;
  const keyBase = useWindowKeyBase(first, windowSize);
  const held =
    performance.now() - lastScrollAtRef.current < SPREAD_FILLS_MS
      ? heldFills(
          first,
          last,
          Math.floor(scrollOffset / ROW_HEIGHT),
          Math.ceil((scrollOffset + viewportHeight) / ROW_HEIGHT) - 1,
          (index) => eventPager.rowAt(index) !== undefined,
          placeholdersRef.current,
          FILLS_PER_FRAME,
        )
      : NO_ROWS_HELD;
  const placeholders = new Set<number>();
  useLayoutEffect(() => {
    placeholdersRef.current = placeholders;
    if (held.size === 0) return;
    const frame = requestAnimationFrame(() => setFillTick((t) => t + 1));
    return () => cancelAnimationFrame(frame);
  });

  // New query: back to the top (not on mount: the scroller starts there).
  const shownQueryRef = useRef(s.queryId);
  useEffect(() => {
    if (shownQueryRef.current === s.queryId) return;
    shownQueryRef.current = s.queryId;
    scrollRef.current?.scrollTo({ top: 0 });
  }, [s.queryId]);

  useEffect(() => {
    if (last < first) return;
    const timer = setTimeout(() => eventPager.ensureRange(first, last), FETCH_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [first, last, s.pageTick, s.queryId]);

  const sorting = useMemo<SortingState>(() => [{ id: 'time', desc: s.sort === 'desc' }], [s.sort]);
  const setSort = s.setSort;
  const table = useTable(
    {
      features: tableFeaturesSet,
      columns: eventColumns,
      data: NO_ROWS,
      getRowId: (r) => String(r.index),
      manualSorting: true,
      columnResizeMode: 'onChange',
      enableColumnResizing: true,
      enableSortingRemoval: false,
      state: { sorting },
      onSortingChange: (updater) => {
        const next = functionalUpdate(updater, sorting);
        setSort(next[0]?.desc ? 'desc' : 'asc');
      },
    },
    (state) => ({ sorting: state.sorting, columnSizing: state.columnSizing }),
  );

  const columns = table.getAllLeafColumns();
  // Drag the right edge of a header to resize its column; double-click restores the default.
  const resizer = (header: Header<typeof tableFeaturesSet, WindowRow, CellData>) =>
    header.column.id === 'summary' ? null : (
      <span
        className={'col-resizer' + (header.column.getIsResizing() ? ' col-resizer-active' : '')}
        onMouseDown={header.getResizeHandler()}
        onTouchStart={header.getResizeHandler()}
        onDoubleClick={() => header.column.resetSize()}
        aria-hidden="true"
      />
    );
  const template = gridTemplate(columns.map((c) => ({ id: c.id, size: c.getSize() })));

  const pageRows = Math.max(1, Math.floor(viewportHeight / ROW_HEIGHT) - 1);
  const selectIndex = s.selectIndex;
  /**
   * Scrolls just enough to show row `index`. Done here rather than with the virtualizer's
   * scrollToIndex, which clamps to the element's (capped) scroll height in scaled mode.
   */
  const ensureVisible = useCallback((index: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const ratio = ratioRef.current;
    const viewTop = el.scrollTop * ratio;
    const viewHeight = el.clientHeight;
    const rowTop = index * ROW_HEIGHT;
    if (rowTop < viewTop) el.scrollTop = Math.floor(rowTop / ratio);
    else if (rowTop + ROW_HEIGHT > viewTop + viewHeight) el.scrollTop = Math.ceil((rowTop + ROW_HEIGHT - viewHeight) / ratio);
  }, []);

  const moveTo = useCallback(
    (index: number) => {
      if (count === 0) return;
      const clamped = Math.max(0, Math.min(count - 1, index));
      selectIndex(clamped);
      ensureVisible(clamped);
    },
    [count, selectIndex, ensureVisible],
  );

  const pick = useCallback(
    (index: number) => {
      gridRef.current?.focus({ preventScroll: true });
      moveTo(index);
    },
    [moveTo],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const current = s.selectedIndex;
    let target: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
        target = current === null ? first : current + 1;
        break;
      case 'ArrowUp':
        target = current === null ? first : current - 1;
        break;
      case 'PageDown':
        target = (current ?? first) + pageRows;
        break;
      case 'PageUp':
        target = (current ?? first) - pageRows;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = count - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    moveTo(target);
  };

  // Rows are placed relative to the viewport so the scaled (capped) spacer still works.
  const virtualOffset = scrollOffset;
  const realOffset = virtualOffset / ratioRef.current;
  const windowTop = realOffset + (first * ROW_HEIGHT - virtualOffset);
  const activeRowId = s.selectedIndex !== null ? `event-row-${s.selectedIndex}` : undefined;

  return (
    <div
      ref={gridRef}
      className="event-table"
      data-testid="event-table"
      role="grid"
      aria-label="Events"
      aria-rowcount={count + 1}
      aria-colcount={columns.length}
      aria-busy={s.total === null}
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-activedescendant={activeRowId}
    >
      {table.getHeaderGroups().map((group) => (
        <div key={group.id} role="row" aria-rowindex={1} className="et-header" style={{ gridTemplateColumns: template }}>
          {group.headers.map((header) => {
            const sorted = header.column.getIsSorted();
            if (header.column.getCanSort()) {
              return (
                <div
                  key={header.id}
                  role="columnheader"
                  className="et-th"
                  aria-sort={sorted === 'desc' ? 'descending' : sorted === 'asc' ? 'ascending' : 'none'}
                >
                  <button
                    type="button"
                    className="sort-button"
                    data-testid={header.column.id === 'time' ? 'sort-time' : undefined}
                    data-sort={sorted || 'none'}
                    onClick={header.column.getToggleSortingHandler()}
                    title={`Sorted ${sorted === 'desc' ? 'newest first' : 'oldest first'}; click to reverse`}
                  >
                    <table.FlexRender header={header} />
                    <span className="sort-arrow" aria-hidden="true">
                      {sorted === 'desc' ? '▼' : '▲'}
                    </span>
                  </button>
                  {resizer(header)}
                </div>
              );
            }
            return (
              <div key={header.id} role="columnheader" className="et-th">
                <table.FlexRender header={header} />
                {resizer(header)}
              </div>
            );
          })}
        </div>
      ))}
      <div
        ref={scrollRef}
        className="et-scroll"
        // The grid handles the arrow keys (aria-activedescendant); the scroller is focusable too so
        // that keyboard users can scroll it (axe: scrollable-region-focusable); its keys reach the grid.
        tabIndex={0}
        aria-label="Events"
        role="rowgroup"
      >
        <div className="et-spacer" style={{ height: realHeight }}>
          {/* The window of rows in normal flow, the window moved as one: one transform a frame
              rather than one per row (each a paint property node to rebuild). Rows are keyed by
              their slot (windowKey): a jump across the table updates the window's rows in place,
              without destroying, building or reordering them (windowKeyBase), and a scroll by
              one row moves the row that left at one end to the other. */}
          {last >= first && (
            <div className="et-window" style={{ transform: `translateY(${windowTop}px)`, ['--et-cols' as string]: template }}>
              {rowIndexes(first, last).map((index) => {
                const ev = held.has(index) ? undefined : eventPager.rowAt(index);
                if (ev === undefined) placeholders.add(index);
                const selected = s.selectedIndex === index && (s.selectedId === null || ev === undefined || ev.id === s.selectedId);
                return <RowView key={windowKey(index, keyBase, windowSize)} index={index} ev={ev} selected={selected} zone={s.zone} onPick={pick} />;
              })}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
