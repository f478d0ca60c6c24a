import type { Finding, Severity } from '../../shared/findings.js';
import { clipText, escapeControlsSingleLine } from '../lib/escape-text.js';
import { severityClass } from '../lib/findings-view.js';
import { formatCount } from '../lib/format.js';
import { useAppStore } from '../store/app-store.js';

export function SeverityBadge({ level, count }: { level: Severity; count?: number }) {
  return (
    <span className={'badge ' + severityClass(level)} data-testid="severity-badge" data-level={level}>
      {count !== undefined ? `${formatCount(count)} ${level}` : level}
    </span>
  );
}

/** One badge for a process row: the worst active level and how many findings (all in the tooltip). */
export function FindingsBadge({ findings }: { findings: readonly Finding[] }) {
  const active = findings.filter((f) => f.suppressed === null);
  const shown = active.length > 0 ? active : findings;
  const worst = shown[0];
  if (!worst) return null;
  const title = shown.map((f) => `${f.level}: ${f.ruleTitle}${f.suppressed ? ' (suppressed)' : ''}`).join('\n');
  return (
    <span
      className={'badge ' + (active.length > 0 ? severityClass(worst.level) : 'badge-muted')}
      data-testid="process-finding-badge"
      data-level={worst.level}
      title={escapeControlsSingleLine(clipText(title, 2000).text)}
    >
      {active.length > 0 ? `${active.length} finding${active.length > 1 ? 's' : ''}` : `${findings.length} suppressed`}
    </span>
  );
}

/** Findings of an event or a process, each a button to the finding in the findings view. */
export function FindingList({ findings }: { findings: readonly Finding[] }) {
  const setSideTab = useAppStore((s) => s.setSideTab);
  const setFindingsTab = useAppStore((s) => s.setFindingsTab);
  const selectFinding = useAppStore((s) => s.selectFinding);
  return (
    <section className="detail-section" data-testid="finding-list" aria-label="Findings">
      <h4>Findings</h4>
      <ul className="finding-mini-list">
        {findings.map((f) => (
          <li key={f.id}>
            <button
              type="button"
              className="link-button finding-mini"
              data-testid="finding-mini"
              onClick={() => {
                setSideTab('findings');
                setFindingsTab(f.suppressed ? 'suppressed' : 'active');
                selectFinding(f.id);
              }}
            >
              <SeverityBadge level={f.level} /> {escapeControlsSingleLine(f.ruleTitle)}
              {f.suppressed && <span className="badge badge-muted">suppressed</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
