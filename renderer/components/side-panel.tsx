import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../store/app-store.js';
import type { SideTab } from '../store/views-types.js';
import { CoveragePanel } from './coverage-panel.js';
import { FindingsPanel } from './findings-panel.js';
import { PanelBoundary } from './error-boundary.js';
import { NotesPanel } from './notes-panel.js';
import { Overview } from './overview.js';
import { SessionsList } from './sessions-list.js';
import { TabStrip, type TabDef } from './tab-strip.js';

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
          {tab === 'overview' && <Overview />}
          {tab === 'coverage' && <CoveragePanel />}
          {tab === 'notes' && <NotesPanel />}
          {tab === 'findings' && <FindingsPanel />}
        </PanelBoundary>
      </div>
    </aside>
  );
}
