import { lazy, Suspense, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../store/app-store.js';
import { PanelBoundary } from './error-boundary.js';
import { ErrorBanner } from './error-banner.js';
import { EventDetailPane } from './event-detail.js';
import { EventTable } from './event-table.js';
import { FilterBar } from './filter-bar.js';
import { Header } from './header.js';
import { IngestProgress } from './ingest-progress.js';
import { readSize, writeSize } from '../lib/pane-sizes.js';
import { CaseHistogram } from './case-histogram.js';
import { SidePanel } from './side-panel.js';
import { PathDialog } from './path-dialog.js';
import { CommandPalette } from './command-palette.js';
import { SessionViewEmpty } from './session-empty.js';

// A session's views (chain, tree, timeline) load when a session is first opened.
const SessionView = lazy(() => import('./session-view.js').then((m) => ({ default: m.SessionView })));

/** Whole-window drag and drop: Electron gives real paths; a browser cannot. */
function useDropEvidence(): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      const store = useAppStore.getState();
      const shell = window.chainlineShell;
      if (!shell) {
        store.setNotice(
          'Dropping files needs the desktop app: a browser does not reveal where a file lives. Use “Open evidence…” and type the paths.',
        );
        return;
      }
      let paths: string[];
      try {
        paths = shell.pathsForFiles(files).filter((p) => p !== '');
      } catch (err) {
        store.pushError(err, 'Drop');
        return;
      }
      if (paths.length === 0) store.setNotice('The dropped items have no file system path.');
      else void store.openPaths(paths);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return dragging;
}

/** A vertical split whose fraction (the first pane's share) is remembered under `key`. */
function useSplit(key: string, initial: number) {
  const [fraction, setFractionRaw] = useState(() => readSize(key, 0.15, 0.85, initial));
  const setFraction = (f: number | ((f: number) => number)) =>
    setFractionRaw((cur) => {
      const next = typeof f === 'function' ? f(cur) : f;
      writeSize(key, next);
      return next;
    });
  const containerRef = useRef<HTMLDivElement>(null);
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    const el = containerRef.current;
    if (!el) return;
    e.preventDefault();
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const rect = el.getBoundingClientRect();
    const move = (ev: PointerEvent) => {
      setFraction(Math.max(0.15, Math.min(0.85, (ev.clientY - rect.top) / rect.height)));
    };
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'ArrowUp') setFraction((f) => Math.max(0.15, f - 0.05));
    else if (e.key === 'ArrowDown') setFraction((f) => Math.min(0.85, f + 0.05));
    else return;
    e.preventDefault();
  };
  return { fraction, containerRef, onPointerDown, onKeyDown };
}

/** .table-pane's min-height (app.css). */
const TABLE_PANE_MIN_PX = 80;

function MainArea() {
  const { showEmpty, evidenceCount } = useAppStore(
    useShallow((s) => ({
      showEmpty:
        s.total === 0 && s.eventIdText === '' && s.host === '' && s.channel === '' && s.text === '' &&
        s.overview !== null && s.overview.totalEvents === 0,
      evidenceCount: s.overview?.evidence.length ?? 0,
    })),
  );
  const noMatch = useAppStore((s) => s.total === 0 && !showEmpty);
  const clearFilters = useAppStore((s) => s.clearFilters);
  const split = useSplit('table', 0.58);
  return (
    <main className="main" ref={split.containerRef}>
      <PanelBoundary name="Event histogram">
        <CaseHistogram />
      </PanelBoundary>
      <PanelBoundary name="Filters">
        <FilterBar />
      </PanelBoundary>
      <div className="table-pane" style={{ flexBasis: `${split.fraction * 100}%` }}>
        {showEmpty && (
          <div className="empty-state" data-testid="empty-state">
            <h2>{evidenceCount === 0 ? 'No evidence in this case yet' : 'No events in this case'}</h2>
            <p>
              Use <strong>Open evidence…</strong> (top right) to import Windows event logs — EVTX, XML, JSON or JSON
              Lines, files or whole folders — or drop them onto this window in the desktop app.
            </p>
          </div>
        )}
        {noMatch && (
          <div className="empty-state empty-state-filter">
            <p>No events match the filters.</p>
            <button type="button" onClick={clearFilters}>
              Clear filters
            </button>
          </div>
        )}
        <PanelBoundary name="Event table">
          {/* The pane is its share of the main area (flex-basis, never grown), itself within
              the window: a bound on the rows' height before anything is laid out. */}
          <EventTable heightHint={Math.max(TABLE_PANE_MIN_PX, split.fraction * window.innerHeight)} />
        </PanelBoundary>
      </div>
      <div
        className="splitter"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize table and detail"
        aria-valuenow={Math.round(split.fraction * 100)}
        aria-valuemin={15}
        aria-valuemax={85}
        tabIndex={0}
        onPointerDown={split.onPointerDown}
        onKeyDown={split.onKeyDown}
      />
      <div className="detail-pane">
        <PanelBoundary name="Event detail">
          <EventDetailPane />
        </PanelBoundary>
      </div>
    </main>
  );
}

/** The side panel with a draggable right edge; its width is remembered. */
function SideColumn() {
  const [width, setWidth] = useState(() => readSize('side', 260, 640, 380));
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const startX = e.clientX;
    const startW = width;
    const move = (ev: PointerEvent) => setWidth(Math.max(260, Math.min(640, startW + ev.clientX - startX)));
    const up = (ev: PointerEvent) => {
      writeSize('side', Math.max(260, Math.min(640, startW + ev.clientX - startX)));
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const step = e.key === 'ArrowLeft' ? -20 : e.key === 'ArrowRight' ? 20 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = Math.max(260, Math.min(640, width + step));
    setWidth(next);
    writeSize('side', next);
  };
  return (
    <>
      <div className="side-column" style={{ width }}>
        <PanelBoundary name="Side panel">
          <SidePanel />
        </PanelBoundary>
      </div>
      <div
        className="splitter-v"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the side panel"
        aria-valuenow={width}
        aria-valuemin={260}
        aria-valuemax={640}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
      />
    </>
  );
}

/** The selected session's views above the event table and detail. */
function WorkArea() {
  const split = useSplit('session', 0.42);
  const hasSession = useAppStore((s) => s.selectedSessionId !== null);
  return (
    <div className="work" ref={split.containerRef}>
      <div className={'session-pane' + (hasSession ? '' : ' session-pane-empty')} style={hasSession ? { flexBasis: `${split.fraction * 100}%` } : undefined}>
        <PanelBoundary name="Session">
          {hasSession ? (
            <Suspense fallback={<p className="muted pad">Loading…</p>}>
              <SessionView />
            </Suspense>
          ) : (
            <SessionViewEmpty />
          )}
        </PanelBoundary>
      </div>
      {hasSession && (
        <div
          className="splitter"
          role="separator"
          aria-orientation="horizontal"
          aria-label="Resize session views and events"
          aria-valuenow={Math.round(split.fraction * 100)}
          aria-valuemin={15}
          aria-valuemax={85}
          tabIndex={0}
          onPointerDown={split.onPointerDown}
          onKeyDown={split.onKeyDown}
        />
      )}
      <MainArea />
    </div>
  );
}

/** Alt+Left / Alt+Right walk the navigation history; the theme follows the store. */
function useGlobalKeys(): void {
  const theme = useAppStore((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === 'ArrowLeft') {
        e.preventDefault();
        useAppStore.getState().back();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        useAppStore.getState().forward();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function App() {
  useGlobalKeys();
  const dragging = useDropEvidence();
  return (
    <div className={'app' + (dragging ? ' app-dragging' : '')}>
      <PanelBoundary name="Header">
        <Header />
      </PanelBoundary>
      <PanelBoundary name="Import progress">
        <IngestProgress />
      </PanelBoundary>
      <ErrorBanner />
      <div className="body">
        <SideColumn />
        <WorkArea />
      </div>
      <PanelBoundary name="Open evidence dialog">
        <PathDialog />
      </PanelBoundary>
      <PanelBoundary name="Find anything">
        <CommandPalette />
      </PanelBoundary>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop evidence files or folders to import them
        </div>
      )}
    </div>
  );
}
