import { useShallow } from 'zustand/react/shallow';
import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { formatCount } from '../lib/format.js';
import { useAppStore } from '../store/app-store.js';

export function Header() {
  const { caseName, demo, version, totalEvents, pickEvidence } = useAppStore(
    useShallow((s) => ({
      caseName: s.overview?.case?.name ?? null,
      demo: s.overview?.case?.demo ?? false,
      version: s.appInfo?.version ?? null,
      totalEvents: s.overview?.totalEvents ?? null,
      pickEvidence: s.pickEvidence,
    })),
  );
  return (
    <header className="app-header" data-testid="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Chainline</span>
        {version !== null && <span className="brand-version">{version}</span>}
      </div>
      <div className="case-name" title={caseName ?? undefined}>
        {caseName !== null ? (
          <>
            <span className="muted">Case</span> {escapeControlsSingleLine(caseName)}
            {demo && <span className="badge badge-info">demo</span>}
          </>
        ) : (
          <span className="muted">No case open</span>
        )}
      </div>
      <div className="header-stats">
        {totalEvents !== null && (
          <span>
            <span data-testid="total-events" data-count={totalEvents} className="num">{formatCount(totalEvents)}</span>{' '}
            <span className="muted">events</span>
          </span>
        )}
      </div>
      <button type="button" className="primary" data-testid="open-evidence" onClick={() => void pickEvidence()}>
        Open evidence…
      </button>
    </header>
  );
}
