import { lazy, Suspense } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../store/app-store.js';
import type { SideTab } from '../store/views-types.js';
import { PanelBoundary } from './error-boundary.js';
import { SessionsList } from './sessions-list.js';
import { TabStrip, type TabDef } from './tab-strip.js';

// The tabs behind the first one load when opened: the first screen parses only what it shows.
const CoveragePanel = lazy(() => import('./coverage-panel.js').then((m) => ({ default: m.CoveragePanel })));
const FindingsPanel = lazy(() => import('./findings-panel.js').then((m) => ({ default: m.FindingsPanel })));
const NotesPanel = lazy(() => import('./notes-panel.js').then((m) => ({ default: m.NotesPanel })));
const Overview = lazy(() => import('./overview.js').then((m) => ({ default: m.Overview })));

const TABS: readonly TabDef<SideTab>[] = [
  { id: 'sessions', label: 'Sessions' },
  { id: 'findings', label: 'Findings' },
  { id: 'overview', label: 'Case' },
  { id: 'coverage', label: 'Coverage' },
  { id: 'notes', label: 'Notes' },
];

export function SidePanel() {
  const { tab, setTab, notes, findings } = useAppStore(
    useShallow((s) => ({ tab: s.sideTab, setTab: s.setSideTab, notes: s.notes?.length ?? 0, findings: s.findingsSummary ? s.findingsSummary.total - s.findingsSummary.suppressed : 0 })),
  );
  return (
    <aside className="side-panel" aria-label="Case navigation">
      <TabStrip
        tabs={TABS}
        current={tab}
        onSelect={setTab}
        prefix="side"
        label="Side panel"
        extra={(id) =>
          id === 'notes' && notes > 0 ? <span className="tab-count">{notes}</span> : id === 'findings' && findings > 0 ? <span className="tab-count">{findings}</span> : null
        }
      />
      <div className="side-body" role="tabpanel" id="side-tabpanel" aria-labelledby={`side-tab-${tab}`}>
        <PanelBoundary name={TABS.find((t) => t.id === tab)?.label ?? tab}>
          {tab === 'sessions' && <SessionsList />}
          <Suspense fallback={<p className="muted pad">Loading…</p>}>
            {tab === 'overview' && <Overview />}
            {tab === 'coverage' && <CoveragePanel />}
            {tab === 'notes' && <NotesPanel />}
            {tab === 'findings' && <FindingsPanel />}
          </Suspense>
        </PanelBoundary>
      </div>
    </aside>
  );
}
