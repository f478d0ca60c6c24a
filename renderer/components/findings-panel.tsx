import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Finding } from '../../shared/findings.js';
import { SEVERITIES } from '../../shared/findings.js';
import { clipText, escapeControlsMultiline, escapeControlsSingleLine } from '../lib/escape-text.js';
import { flattenGroups, groupFindings, summaryAfterTitle, type FindingListRow, type GroupBy } from '../lib/findings-view.js';
import { formatCount } from '../lib/format.js';
import { useAppStore } from '../store/app-store.js';
import { FINDINGS_CAP, type FindingsTab } from '../store/findings-slice.js';
import { AllowDraftForm, AllowListEditor } from './allow-list-editor.js';
import { downloadText } from './download.js';
import { TabStrip, type TabDef } from './tab-strip.js';
import { TimeText } from './time-text.js';
import { SeverityBadge } from './finding-badges.js';

const ROW = 46;
const GROUP_ROW = 30;

const FindingRowView = memo(function FindingRowView({ f, selected, onPick }: { f: Finding; selected: boolean; onPick: (f: Finding) => void }) {
  return (
    <button
      type="button"
      className={'finding-row' + (selected ? ' finding-row-selected' : '')}
      data-testid="finding-row"
      data-finding-id={f.id}
      aria-current={selected ? 'true' : undefined}
      onClick={() => onPick(f)}
    >
      <span className="finding-line">
        <SeverityBadge level={f.level} />
        <strong className="finding-title">{escapeControlsSingleLine(f.ruleTitle)}</strong>
      </span>
      <span className="finding-line small">
        <span className="mono muted finding-summary">{clipText(escapeControlsSingleLine(summaryAfterTitle(f)), 300).text}</span>
      </span>
    </button>
  );
});

/** Active findings grouped by tactic or rule; virtualized (a case can hold tens of thousands). */
function GroupedFindings() {
  const { findings, total, groupBy, setGroupBy, selectedId, selectFinding } = useAppStore(
    useShallow((s) => ({
      findings: s.activeFindings,
      total: s.activeTotal,
      groupBy: s.findingsGroupBy,
      setGroupBy: s.setFindingsGroupBy,
      selectedId: s.selectedFindingId,
      selectFinding: s.selectFinding,
    })),
  );
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const groups = useMemo(() => groupFindings(findings ?? [], groupBy), [findings, groupBy]);
  const rows = useMemo(() => flattenGroups(groups, collapsed), [groups, collapsed]);
  const toggle = (key: string) => {
    const next = new Set(collapsed);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setCollapsed(next);
  };
  const openFinding = useAppStore((s) => s.openFinding);
  // A click selects the finding (its detail below) and opens its session, process and event.
  const pick = (f: Finding) => {
    selectFinding(f.id);
    openFinding(f);
  };
  return (
    <>
      <div className="findings-controls" role="group" aria-label="Group findings by">
        <span className="small muted">Group by</span>
        <button type="button" className={'chip' + (groupBy === 'tactic' ? ' chip-on' : '')} aria-pressed={groupBy === 'tactic'} data-testid="group-by-tactic" onClick={() => setGroupBy('tactic')}>
          ATT&amp;CK tactic
        </button>
        <button type="button" className={'chip' + (groupBy === 'rule' ? ' chip-on' : '')} aria-pressed={groupBy === 'rule'} data-testid="group-by-rule" onClick={() => setGroupBy('rule')}>
          rule
        </button>
      </div>
      {findings !== null && total > findings.length && (
        <p className="small warn pad-x">Showing the first {formatCount(findings.length)} of {formatCount(total)} (cap {formatCount(FINDINGS_CAP)}); filter by rule to see the rest.</p>
      )}
      {findings !== null && findings.length === 0 ? (
        <div className="empty-inline" data-testid="findings-empty">
          <p>No active findings. Detection runs at the end of an import; suppressed findings are in their own tab.</p>
        </div>
      ) : (
        <VirtualRows rows={rows} groupBy={groupBy} selectedId={selectedId} onPick={pick} onToggle={toggle} />
      )}
    </>
  );
}

function VirtualRows({ rows, groupBy, selectedId, onPick, onToggle }: { rows: readonly FindingListRow[]; groupBy: GroupBy; selectedId: string | null; onPick: (f: Finding) => void; onToggle: (key: string) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'group' ? GROUP_ROW : ROW),
    overscan: 8,
  });
  return (
    <div className="findings-scroll" ref={scrollRef} data-testid="findings-list">
      <div className="findings-spacer" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div key={item.key} className="findings-vrow" style={{ transform: `translateY(${item.start}px)`, height: item.size }}>
              {row.kind === 'group' ? (
                <button
                  type="button"
                  className="finding-group"
                  data-testid="finding-group"
                  data-group={row.group.key}
                  aria-expanded={!row.collapsed}
                  onClick={() => onToggle(row.group.key)}
                >
                  <span aria-hidden="true">{row.collapsed ? '▸' : '▾'}</span>
                  <strong className="finding-title" title={row.group.id ?? undefined}>{escapeControlsSingleLine(row.group.label)}</strong>
                  {groupBy === 'tactic' && row.group.id !== null && <span className="mono small muted">{row.group.id}</span>}
                  <span className="num">{formatCount(row.group.findings.length)}</span>
                  <SeverityBadge level={row.group.worst} />
                </button>
              ) : (
                <FindingRowView f={row.finding} selected={row.finding.id === selectedId} onPick={onPick} />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function SuppressedFindings() {
  const { findings, selectedId, selectFinding, openFinding } = useAppStore(
    useShallow((s) => ({ findings: s.suppressedFindings, selectedId: s.selectedFindingId, selectFinding: s.selectFinding, openFinding: s.openFinding })),
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const list = findings ?? [];
  const virtualizer = useVirtualizer({ count: list.length, getScrollElement: () => scrollRef.current, estimateSize: () => 64, overscan: 8 });
  if (findings !== null && findings.length === 0) {
    return (
      <div className="empty-inline" data-testid="suppressed-empty">
        <p>Nothing is suppressed. Quiet a false positive from its finding (“Allow-list…”); it stays listed here with the reason.</p>
      </div>
    );
  }
  return (
    <div className="findings-scroll" ref={scrollRef} data-testid="suppressed-list">
      <div className="findings-spacer" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const f = list[item.index];
          if (!f) return null;
          return (
            <div key={f.id} className="findings-vrow" style={{ transform: `translateY(${item.start}px)`, height: item.size }}>
              <button
                type="button"
                className={'finding-row' + (f.id === selectedId ? ' finding-row-selected' : '')}
                data-testid="suppressed-row"
                data-finding-id={f.id}
                onClick={() => {
                  selectFinding(f.id);
                  openFinding(f);
                }}
              >
                <span className="finding-line">
                  <SeverityBadge level={f.level} />
                  <strong className="finding-title">{escapeControlsSingleLine(f.ruleTitle)}</strong>
                </span>
                {f.suppressed && (
                  <span className="finding-line small" data-testid="suppression">
                    <span className="badge">{f.suppressed.kind}</span>
                    <span>{clipText(escapeControlsSingleLine(f.suppressed.reason), 200).text}</span>
                    <span className="muted">by {escapeControlsSingleLine(f.suppressed.by)}</span>
                    <TimeText iso={f.suppressed.at} precision="s" />
                  </span>
                )}
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'select'>('idle');
  const ref = useRef<HTMLPreElement>(null);
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // No clipboard (insecure origin, denied): select the text so Ctrl+C copies it.
      const el = ref.current;
      if (el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
      }
      setState('select');
    }
  };
  return (
    <>
      <button type="button" className="small" onClick={() => void copy()} aria-label={`Copy ${label}`} data-testid="copy-query">
        {state === 'copied' ? 'Copied' : state === 'select' ? 'Selected: press Ctrl+C' : 'Copy'}
      </button>
      <pre className="mono hunting-query" ref={ref} data-testid="hunting-query">{escapeControlsMultiline(text)}</pre>
    </>
  );
}

/** The selected finding: what it is, where it leads, how to hunt it fleet-wide, how to quiet it. */
function FindingDetail({ f }: { f: Finding }) {
  const { hunting, huntingError, navigate, openEvent, openAllowDraft, draftFinding } = useAppStore(
    useShallow((s) => ({
      hunting: s.hunting,
      huntingError: s.huntingError,
      navigate: s.navigate,
      openEvent: s.openEvent,
      openAllowDraft: s.openAllowDraft,
      draftFinding: s.allowDraftFinding,
    })),
  );
  const sessionId = f.sessionId;
  const processId = f.processId;
  const eventId = f.eventIds[0];
  const openFinding = useAppStore((s) => s.openFinding);
  const openAll = () => openFinding(f);
  return (
    <section className="finding-detail" data-testid="finding-detail" aria-label="Finding">
      <h3 className="finding-line">
        <SeverityBadge level={f.level} />
        <span>{escapeControlsSingleLine(f.ruleTitle)}</span>
      </h3>
      <p className="mono small break">{clipText(escapeControlsSingleLine(f.summary), 2000).text}</p>
      <p className="small">
        <span className="muted">rule </span>
        <span className="mono">{escapeControlsSingleLine(f.ruleId)}</span> <span className="badge">{f.origin}</span>{' '}
        <span className="muted">host </span>
        {escapeControlsSingleLine(f.host)} · <TimeText iso={f.time} precision="ms" />
      </p>
      {f.tags.length > 0 && (
        <p className="small">
          {f.tags.map((t) => (
            <span key={t} className="badge badge-info">{escapeControlsSingleLine(t)}</span>
          ))}
        </p>
      )}
      {f.suppressed && (
        <p className="small note note-warn" data-testid="finding-suppression">
          Suppressed ({f.suppressed.kind}): {escapeControlsSingleLine(f.suppressed.reason)} — by {escapeControlsSingleLine(f.suppressed.by)},{' '}
          <TimeText iso={f.suppressed.at} precision="s" />
        </p>
      )}
      <div className="finding-actions">
        <button type="button" className="primary" data-testid="finding-open" onClick={openAll} disabled={eventId === undefined && sessionId === null}>
          Open event{processId !== null ? ', process' : ''}{sessionId !== null ? ' and session' : ''}
        </button>
        {eventId !== undefined && (
          <button type="button" data-testid="finding-open-event" onClick={() => openEvent(eventId)}>Event only</button>
        )}
        {sessionId !== null && (
          <button type="button" data-testid="finding-open-session" onClick={() => navigate({ kind: 'session', sessionId, tab: 'chain' })}>Session</button>
        )}
        {!f.suppressed && (
          <button type="button" data-testid="finding-allow" onClick={() => openAllowDraft(f)}>Allow-list…</button>
        )}
      </div>
      {draftFinding?.id === f.id && <AllowDraftForm finding={f} />}
      <h4>Hunting queries</h4>
      {huntingError !== null && <p className="small warn">{huntingError}</p>}
      {hunting === null && huntingError === null && <p className="small muted">Building queries…</p>}
      {hunting !== null && hunting.findingId === f.id && (
        <div data-testid="hunting">
          {hunting.note !== null && <p className="small muted">{hunting.note}</p>}
          {hunting.queries.map((q, i) => (
            <div key={i} className="hunting-item">
              <p className="small">
                <span className="badge badge-info">{q.language.toUpperCase()}</span> {escapeControlsSingleLine(q.target)}
              </p>
              <CopyButton text={q.query} label={`${q.language.toUpperCase()} query for ${q.target}`} />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function CaseWarnings() {
  const warnings = useAppStore((s) => s.findingsSummary?.warnings);
  if (!warnings || warnings.length === 0) return null;
  return (
    <div data-testid="findings-warnings">
      {warnings.map((w) => (
        <details key={w.id} className="note note-warn" data-testid="case-warning" role="note">
          <summary>
            <strong>{escapeControlsSingleLine(w.title)}</strong>
          </summary>
          <p className="small">{escapeControlsSingleLine(w.detail)}</p>
          <p className="small">{w.remedy}</p>
          {w.hosts.length > 0 && (
            <ul className="small">
              {w.hosts.map((h) => (
                <li key={h.host}>
                  {escapeControlsSingleLine(h.host)}: {formatCount(h.without)} of {formatCount(h.total)}
                </li>
              ))}
            </ul>
          )}
        </details>
      ))}
    </div>
  );
}

function LayerDownload() {
  const [busy, setBusy] = useState(false);
  const pushError = useAppStore((s) => s.pushError);
  const download = async () => {
    setBusy(true);
    try {
      const { getApi } = await import('../api/api-client.js');
      const layer = await getApi().getAttackLayer();
      downloadText(JSON.stringify(layer, null, 2), 'chainline-attack-layer.json', 'application/json');
    } catch (e) {
      pushError(e, 'ATT&CK layer');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="small" data-testid="download-layer" disabled={busy} onClick={() => void download()}>
      ATT&amp;CK Navigator layer
    </button>
  );
}

const TABS: readonly TabDef<FindingsTab>[] = [
  { id: 'active', label: 'Active' },
  { id: 'suppressed', label: 'Suppressed' },
  { id: 'allowlist', label: 'Allow-list' },
];

export function FindingsPanel() {
  const { summary, tab, setTab, selectedId, active, suppressed, loading, allowCount } = useAppStore(
    useShallow((s) => ({
      summary: s.findingsSummary,
      tab: s.findingsTab,
      setTab: s.setFindingsTab,
      selectedId: s.selectedFindingId,
      active: s.activeFindings,
      suppressed: s.suppressedFindings,
      loading: s.findingsLoading,
      allowCount: s.allowList?.length ?? null,
    })),
  );
  const selected = useMemo(
    () => (selectedId === null ? null : (active?.find((f) => f.id === selectedId) ?? suppressed?.find((f) => f.id === selectedId) ?? null)),
    [selectedId, active, suppressed],
  );
  const count = (t: FindingsTab): string =>
    t === 'active' ? String(summary ? summary.total - summary.suppressed : '') : t === 'suppressed' ? String(summary?.suppressed ?? '') : String(allowCount ?? '');
  return (
    <section className="findings" aria-label="Findings" data-testid="findings">
      <header className="findings-head">
        <div className="finding-line">
          <strong>Findings</strong>
          {summary !== null &&
            [...SEVERITIES].reverse().map((level) =>
              summary.bySeverity[level] > 0 ? <SeverityBadge key={level} level={level} count={summary.bySeverity[level]} /> : null,
            )}
          {summary?.computedAt === null && <span className="small muted">detection has not run yet</span>}
          <span className="grow" />
          <LayerDownload />
        </div>
        <CaseWarnings />
      </header>
      <TabStrip
        tabs={TABS}
        current={tab}
        onSelect={setTab}
        prefix="findings"
        label="Findings"
        extra={(id) => (count(id) !== '' ? <span className="tab-count">{count(id)}</span> : null)}
      />
      <div className="findings-body" role="tabpanel" id="findings-tabpanel" aria-labelledby={`findings-tab-${tab}`}>
        {loading && active === null && <p className="pad muted">Loading findings…</p>}
        {tab === 'active' && <GroupedFindings />}
        {tab === 'suppressed' && <SuppressedFindings />}
        {tab === 'allowlist' && <AllowListEditor />}
      </div>
      {selected !== null && tab !== 'allowlist' && <FindingDetail f={selected} />}
    </section>
  );
}
