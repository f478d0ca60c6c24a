import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../store/app-store.js';
import type { SideTab } from '../store/views-types.js';
import { CoveragePanel } from './coverage-panel.js';
import { FindingsPanel } from './findings-panel.js';
import { PanelBoundary } from './error-boundary.js';
import { NotesPanel } from './notes-panel.js';
import { Overview } from './overview.js';
import { SessionsList } from './sessions-list.js';

const TABS: readonly { id: SideTab; label: string }[] = [
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
      <div className="tabs" role="tablist" aria-label="Side panel">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`side-tab-${t.id}`}
            aria-controls="side-tabpanel"
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            data-testid={`side-tab-${t.id}`}
            className={'tab' + (tab === t.id ? ' tab-on' : '')}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              const i = TABS.findIndex((x) => x.id === tab);
              const next = e.altKey ? undefined : e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : undefined;
              if (next) {
                e.preventDefault();
                setTab(next.id);
                document.getElementById(`side-tab-${next.id}`)?.focus();
              }
            }}
          >
            {t.label}
            {t.id === 'notes' && notes > 0 && <span className="tab-count">{notes}</span>}
            {t.id === 'findings' && findings > 0 && <span className="tab-count">{findings}</span>}
          </button>
        ))}
      </div>
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
