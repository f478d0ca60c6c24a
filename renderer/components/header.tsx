import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatOffsetLabel, parseOffset, zoneLabel, type DisplayZone } from '../lib/time-zone.js';
import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { formatCount } from '../lib/format.js';
import { useAppStore } from '../store/app-store.js';
import { ReportButton } from './report-button.js';
import { RulesButton } from './rules-button.js';

export function Header() {
  const { caseName, demo, version, totalEvents, pickEvidence, setPaletteOpen } = useAppStore(
    useShallow((s) => ({
      caseName: s.overview?.case?.name ?? null,
      demo: s.overview?.case?.demo ?? false,
      version: s.appInfo?.version ?? null,
      totalEvents: s.overview?.totalEvents ?? null,
      pickEvidence: s.pickEvidence,
      setPaletteOpen: s.setPaletteOpen,
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
      <button type="button" className="header-button" data-testid="open-palette" title="Find anything by name (Ctrl+K)" onClick={() => setPaletteOpen(true)}>
        Find… <kbd>Ctrl K</kbd>
      </button>
      <NavButtons />
      <ZonePicker />
      <ThemeToggle />
      <RulesButton />
      <ReportButton />
      <button type="button" className="primary" data-testid="open-evidence" onClick={() => void pickEvidence()}>
        Open evidence…
      </button>
    </header>
  );
}

function NavButtons() {
  const { canBack, canForward, back, forward } = useAppStore(
    useShallow((s) => ({ canBack: s.historyIndex > 0, canForward: s.historyIndex < s.history.length - 1, back: s.back, forward: s.forward })),
  );
  return (
    <div className="nav-buttons" role="group" aria-label="Navigation history">
      <button type="button" className="header-button" data-testid="nav-back" disabled={!canBack} onClick={back} title="Back (Alt+←)" aria-label="Back">
        ←
      </button>
      <button type="button" className="header-button" data-testid="nav-forward" disabled={!canForward} onClick={forward} title="Forward (Alt+→)" aria-label="Forward">
        →
      </button>
    </div>
  );
}

function ZonePicker() {
  const { zone, setZone } = useAppStore(useShallow((s) => ({ zone: s.zone, setZone: s.setZone })));
  const [custom, setCustom] = useState(zone.kind === 'fixed' ? formatOffsetLabel(zone.minutes).replace('UTC', '') : '');
  const value = zone.kind === 'fixed' ? 'fixed' : zone.kind;
  return (
    <div className="zone-picker">
      <label htmlFor="zone-select" className="muted small">Times</label>
      <select
        id="zone-select"
        data-testid="zone-select"
        value={value}
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'utc' || v === 'local') setZone({ kind: v });
          else setZone({ kind: 'fixed', minutes: parseOffset(custom) ?? 0 });
        }}
      >
        <option value="utc">UTC</option>
        <option value="local">local</option>
        <option value="fixed">offset…</option>
      </select>
      {zone.kind === 'fixed' && (
        <input
          aria-label="UTC offset, like +05:30"
          className={'zone-offset mono' + (parseOffset(custom) === null ? ' invalid' : '')}
          value={custom}
          placeholder="+02:00"
          onChange={(e) => {
            setCustom(e.target.value);
            const m = parseOffset(e.target.value);
            if (m !== null) setZone({ kind: 'fixed', minutes: m } satisfies DisplayZone);
          }}
        />
      )}
      <span className="sr-only">{zoneLabel(zone)}</span>
    </div>
  );
}

function ThemeToggle() {
  const { theme, setTheme } = useAppStore(useShallow((s) => ({ theme: s.theme, setTheme: s.setTheme })));
  return (
    <button
      type="button"
      className="header-button"
      data-testid="theme-toggle"
      aria-pressed={theme === 'dark'}
      onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
      title="Light or dark theme"
    >
      {theme === 'dark' ? 'Light' : 'Dark'}
    </button>
  );
}
