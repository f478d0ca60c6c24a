import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CountRow, EvidenceFileInfo, EvidenceStatus } from '../../shared/api.js';
import { formatIsoForDisplay } from '../../shared/time.js';
import { escapeControlsSingleLine, escapeControlsMultiline } from '../lib/escape-text.js';
import { formatBytes, formatCount, shortHash } from '../lib/format.js';
import { parseEventIds } from '../lib/filter-parse.js';
import { useAppStore } from '../store/app-store.js';

const TOP_EVENT_IDS = 30;
const FIRST_EVIDENCE = 8;
const TOP_KEYS = 50;

function statusTone(status: EvidenceStatus): string {
  switch (status) {
    case 'complete':
      return 'ok';
    case 'pending':
    case 'importing':
    case 'duplicate':
      return 'info';
    case 'incomplete':
      return 'warn';
    case 'failed':
      return 'bad';
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

function splitPath(path: string): { dir: string; base: string } {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? { dir: '', base: path } : { dir: path.slice(0, i + 1), base: path.slice(i + 1) };
}

function Hash({ value, importing }: { value: string; importing: boolean }) {
  const [full, setFull] = useState(false);
  // A file is hashed while it is read: its SHA-256 is recorded when the read ends.
  if (value === '') return <span className="hash mono muted">{importing ? 'sha256 when read' : 'sha256 not taken'}</span>;
  return (
    <button
      type="button"
      className={'hash mono' + (full ? ' hash-full' : '')}
      title={`sha256 ${value} (click to ${full ? 'shorten' : 'show in full'})`}
      onClick={() => setFull((f) => !f)}
    >
      {full ? value : shortHash(value)}
    </button>
  );
}

function EvidenceItem({ file }: { file: EvidenceFileInfo }) {
  const { dir, base } = splitPath(escapeControlsSingleLine(file.path));
  return (
    <li className="evidence" data-testid="evidence-row" data-status={file.status}>
      <div className="evidence-path" title={escapeControlsSingleLine(file.path)}>
        <strong>{base}</strong> <span className="muted">{dir}</span>
      </div>
      <div className="evidence-meta">
        <span className={`badge badge-${statusTone(file.status)}`}>{file.status}</span>
        <span className="muted">{file.format}</span>
        <span>{formatBytes(file.size)}</span>
        <Hash value={file.sha256} importing={file.status === 'importing'} />
      </div>
      <div className="evidence-meta">
        <span>
          <span className="num">{formatCount(file.events)}</span> events
        </span>
        <span className={file.errors > 0 ? 'warn' : undefined}>
          <span className="num">{formatCount(file.errors)}</span> errors
        </span>
        {file.recovered > 0 && (
          <span>
            <span className="num">{formatCount(file.recovered)}</span> recovered
          </span>
        )}
      </div>
      {file.errorSamples.length > 0 && (
        <details className="error-samples">
          <summary>
            {file.errorSamples.length} error sample{file.errorSamples.length > 1 ? 's' : ''}
          </summary>
          <ul>
            {file.errorSamples.map((s, i) => (
              <li key={i} className="mono">
                {escapeControlsMultiline(s)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}

function EvidenceSection({ evidence }: { evidence: readonly EvidenceFileInfo[] }) {
  const [all, setAll] = useState(false);
  const [problemsOnly, setProblemsOnly] = useState(false);
  let events = 0;
  let errors = 0;
  let problems = 0;
  for (const f of evidence) {
    events += f.events;
    errors += f.errors;
    if (f.errors > 0 || f.status === 'failed' || f.status === 'incomplete') problems++;
  }
  const listed = problemsOnly
    ? evidence.filter((f) => f.errors > 0 || f.status === 'failed' || f.status === 'incomplete')
    : evidence;
  const shown = all ? listed : listed.slice(0, FIRST_EVIDENCE);
  return (
    <section className="overview-section">
      <h3>
        Evidence <span className="muted">({evidence.length})</span>
      </h3>
      {evidence.length === 0 ? (
        <p className="muted">Nothing imported. Use “Open evidence…” or drop files on the window.</p>
      ) : (
        <>
          <p className="evidence-totals">
            <span className="num">{formatCount(events)}</span> events,{' '}
            <span className={errors > 0 ? 'warn' : undefined}>
              <span className="num">{formatCount(errors)}</span> errors
            </span>
            {problems > 0 && (
              <label className="inline-check">
                <input type="checkbox" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} />
                only the {problems} with problems
              </label>
            )}
          </p>
          <ul className="evidence-list">
            {shown.map((f) => (
              <EvidenceItem key={f.id} file={f} />
            ))}
          </ul>
          {listed.length > FIRST_EVIDENCE && (
            <button type="button" className="link-button small" onClick={() => setAll((a) => !a)}>
              {all ? `Show first ${FIRST_EVIDENCE}` : `Show all ${listed.length}`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function CountList(props: {
  readonly title: string;
  readonly rows: readonly CountRow[];
  readonly limit: number;
  readonly testId: string;
  readonly active: (key: string) => boolean;
  readonly onPick: (key: string) => void;
  readonly hint: string;
}) {
  const [all, setAll] = useState(false);
  const rows = all ? props.rows : props.rows.slice(0, props.limit);
  const max = props.rows.reduce((m, r) => Math.max(m, r.count), 1);
  return (
    <section className="overview-section">
      <h3>
        {props.title} <span className="muted">({props.rows.length})</span>
      </h3>
      <ul className="count-list">
        {rows.map((r) => (
          <li key={r.key} data-testid={props.testId} data-key={r.key}>
            <button
              type="button"
              className={'count-row' + (props.active(r.key) ? ' count-row-active' : '')}
              onClick={() => props.onPick(r.key)}
              title={`${props.hint} ${escapeControlsSingleLine(r.key)}`}
              aria-pressed={props.active(r.key)}
            >
              <span className="count-bar" style={{ width: `${(r.count / max) * 100}%` }} aria-hidden="true" />
              <span className="count-key">{r.key === '' ? '(empty)' : escapeControlsSingleLine(r.key)}</span>
              <span className="count-num num">{formatCount(r.count)}</span>
            </button>
          </li>
        ))}
      </ul>
      {props.rows.length > props.limit && (
        <button type="button" className="link-button small" onClick={() => setAll((a) => !a)}>
          {all ? 'Show top ' + props.limit : `Show all ${props.rows.length}`}
        </button>
      )}
    </section>
  );
}

export function Overview() {
  const s = useAppStore(
    useShallow((st) => ({
      overview: st.overview,
      host: st.host,
      channel: st.channel,
      eventIdText: st.eventIdText,
      setHost: st.setHost,
      setChannel: st.setChannel,
      filterToEventId: st.filterToEventId,
      setEventIdText: st.setEventIdText,
    })),
  );
  const o = s.overview;
  const activeIds = parseEventIds(s.eventIdText).ids;
  if (!o) {
    return (
      <aside className="overview" data-testid="overview" aria-label="Case overview">
        <p className="muted pad">Loading case…</p>
      </aside>
    );
  }
  return (
    <aside className="overview" data-testid="overview" aria-label="Case overview">
      <section className="overview-section">
        <h3>Time range (UTC)</h3>
        {o.firstTime !== null && o.lastTime !== null ? (
          <div className="time-range mono">
            <div>{formatIsoForDisplay(o.firstTime, 0)}</div>
            <div>{formatIsoForDisplay(o.lastTime, 0)}</div>
          </div>
        ) : (
          <p className="muted">No events yet.</p>
        )}
      </section>
      <EvidenceSection evidence={o.evidence} />
      {o.eventIds.length > 0 && (
        <CountList
          title="Event IDs"
          rows={o.eventIds}
          limit={TOP_EVENT_IDS}
          testId="overview-eventid"
          hint="Show only event id"
          active={(k) => activeIds.includes(Number(k))}
          onPick={(k) => (activeIds.length === 1 && activeIds[0] === Number(k) ? s.setEventIdText('') : s.filterToEventId(Number(k)))}
        />
      )}
      {o.hosts.length > 0 && (
        <CountList
          title="Hosts"
          rows={o.hosts}
          limit={TOP_KEYS}
          testId="overview-host"
          hint="Show only host"
          active={(k) => s.host === k}
          onPick={(k) => s.setHost(s.host === k ? '' : k)}
        />
      )}
      {o.channels.length > 0 && (
        <CountList
          title="Channels"
          rows={o.channels}
          limit={TOP_KEYS}
          testId="overview-channel"
          hint="Show only channel"
          active={(k) => s.channel === k}
          onPick={(k) => s.setChannel(s.channel === k ? '' : k)}
        />
      )}
    </aside>
  );
}
