import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EventDetail as Detail } from '../../shared/api.js';
import { TimeText } from './time-text.js';
import { clipText, escapeControlsMultiline, escapeControlsSingleLine } from '../lib/escape-text.js';
import { formatCount, formatOffset } from '../lib/format.js';
import { useAppStore } from '../store/app-store.js';
import { findingsOfEvent } from '../lib/findings-view.js';
import { FindingList } from './finding-badges.js';
import { NoteButton } from './note-editor.js';
import { PIVOT_FIELDS, PivotValue } from './pivot.js';

/** First view of a value; "show more" reveals this many more characters each time. */
const VALUE_FIRST = 2000;
const VALUE_STEP = 50_000;
const RAW_FIRST = 20_000;

function ClippedText({ text, first, testId }: { text: string; first: number; testId?: string }) {
  const [limit, setLimit] = useState(first);
  const shown = clipText(text, limit);
  const rest = text.length - shown.text.length;
  return (
    <>
      <span className="value-text" data-testid={testId}>
        {escapeControlsMultiline(shown.text)}
      </span>
      {shown.clipped && (
        <span className="value-more">
          <span className="muted">… {formatCount(rest)} more characters </span>
          <button type="button" className="link-button" onClick={() => setLimit((l) => l + VALUE_STEP)}>
            show {rest > VALUE_STEP ? `${formatCount(VALUE_STEP)} more` : 'all'}
          </button>
          {rest > VALUE_STEP && (
            <button type="button" className="link-button" onClick={() => setLimit(text.length)}>
              show all
            </button>
          )}
        </span>
      )}
    </>
  );
}

function FieldList({ title, fields, host }: { title: string; fields: readonly (readonly [string, string])[]; host?: string }) {
  return (
    <section className="detail-section">
      <h3>
        {title} <span className="muted">({fields.length})</span>
      </h3>
      {fields.length === 0 ? (
        <p className="muted small">none</p>
      ) : (
        <dl className="fields">
          {fields.map(([name, value]) => (
            <div key={name} className="field-row" data-testid="detail-field" data-name={name}>
              <dt className="mono" title={escapeControlsSingleLine(name)}>
                {escapeControlsSingleLine(name)}
              </dt>
              <dd className="mono">
                <ClippedText key={value.length} text={value} first={VALUE_FIRST} />
                {PIVOT_FIELDS[name] !== undefined && value.length <= 512 && value !== '' && value !== '-' && (
                  <PivotValue kind={PIVOT_FIELDS[name]!} value={value} host={PIVOT_FIELDS[name] === 'host' ? undefined : host} className="pivot-inline">
                    filter
                  </PivotValue>
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function DetailBody({ detail }: { detail: Detail }) {
  const r = detail.row;
  const src = detail.source;
  const sourceFields: [string, string][] = [
    ['file', src.file],
    ['format', src.format],
    ['offset', formatOffset(src.offset)],
    ['length', String(src.length)],
  ];
  if (src.line !== undefined) sourceFields.push(['line', String(src.line)]);
  if (src.chunk !== undefined) sourceFields.push(['chunk', String(src.chunk)]);
  sourceFields.push(['time source', detail.timeSource], ['evidence sha256', detail.evidenceSha256]);
  return (
    <>
      <div className="detail-title">
        <TimeText iso={r.time} precision={r.timePrecision} />
        <span className="badge badge-info">{r.eventId}</span>
        <span>{escapeControlsSingleLine(r.provider)}</span>
        <span className="muted">{escapeControlsSingleLine(r.channel)}</span>
        <span className="muted">{escapeControlsSingleLine(r.host)}</span>
        {r.recordId !== null && <span className="muted">record {r.recordId}</span>}
        {r.recovered && <span className="badge badge-warn">recovered</span>}
        <NoteButton target={{ kind: 'event', id: String(r.id) }} label={`${r.eventId} on ${r.host} at ${r.time.slice(0, 19)}: ${r.summary.slice(0, 120)}`} />
      </div>
      <EventFindings eventId={r.id} />
      <div className="detail-columns">
        <div>
          <FieldList title="EventData" fields={Object.entries(detail.data)} host={r.host} />
          <FieldList title="System" fields={Object.entries(detail.system)} />
          <FieldList title="Source" fields={sourceFields} />
        </div>
        <section className="detail-section">
          <h3>Raw record</h3>
          {detail.rawTruncated && <p className="note">The record is clipped for display.</p>}
          {detail.rawError !== null && (
            <p className="note note-warn">Raw record unavailable: {escapeControlsSingleLine(detail.rawError)}</p>
          )}
          <pre className="raw mono" data-testid="raw-record">
            <ClippedText key={detail.raw.length} text={detail.raw} first={RAW_FIRST} />
          </pre>
        </section>
      </div>
    </>
  );
}

/**
 * Findings about this event: those the case returns for it, then any in the lists already loaded
 * (the view's and the open session's) that it has not returned yet.
 */
function EventFindings({ eventId }: { eventId: number }) {
  const { fetched, active, suppressed, session } = useAppStore(
    useShallow((s) => ({ fetched: s.detailFindings, active: s.activeFindings, suppressed: s.suppressedFindings, session: s.sessionFindings })),
  );
  const findings = useMemo(
    () => findingsOfEvent([fetched, session, active, suppressed], eventId),
    [fetched, session, active, suppressed, eventId],
  );
  if (findings.length === 0) return null;
  return <FindingList findings={findings} />;
}

export function EventDetailPane() {
  const { detail, loading, error, selectedId } = useAppStore(
    useShallow((s) => ({
      detail: s.detail,
      loading: s.detailLoading,
      error: s.detailError,
      selectedId: s.selectedId,
    })),
  );
  // While the next event loads (arrow keys held down), keep the previous one on screen, dimmed.
  const current = detail !== null && (detail.row.id === selectedId || loading) ? detail : null;
  const stale = current !== null && current.row.id !== selectedId;
  return (
    <section
      className={'event-detail' + (stale ? ' stale' : '')}
      data-testid="event-detail"
      data-event-id={current?.row.id}
      aria-label="Event detail"
      aria-busy={loading}
    >
      {selectedId === null ? (
        <p className="muted pad">Select an event to see every field, its source and the raw record. ↑/↓ move the selection.</p>
      ) : error !== null ? (
        <p className="note note-warn pad">Could not load event {selectedId}: {escapeControlsSingleLine(error)}</p>
      ) : current === null ? (
        <p className="muted pad">Loading event {selectedId}…</p>
      ) : (
        <DetailBody key={current.row.id} detail={current} />
      )}
    </section>
  );
}
