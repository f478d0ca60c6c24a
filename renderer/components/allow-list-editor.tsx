import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Finding } from '../../shared/findings.js';
import { getApi } from '../api/api-client.js';
import { clipText, escapeControlsSingleLine } from '../lib/escape-text.js';
import { describeCondition, draftFromFinding, entryFromDraft, type AllowDraft } from '../lib/findings-view.js';
import { formatCount } from '../lib/format.js';
import { useAppStore } from '../store/app-store.js';
import { errorText } from '../store/ui-slice.js';
import { downloadText } from './download.js';
import { TimeText } from './time-text.js';

const BY_KEY = 'chainline.analyst';

function analyst(): string {
  try {
    return window.localStorage.getItem(BY_KEY) ?? '';
  } catch {
    return '';
  }
}

/** The entry form opened from a finding: conditions prefilled from its event, each a checkbox. */
export function AllowDraftForm({ finding }: { finding: Finding }) {
  const { add, openDraft } = useAppStore(useShallow((s) => ({ add: s.addAllowEntry, openDraft: s.openAllowDraft })));
  const [draft, setDraft] = useState<AllowDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const id = useId();
  // The draft is made once per finding: a list reload (new objects, same finding) must not
  // throw away what the investigator has ticked and typed.
  const findingRef = useRef(finding);
  findingRef.current = finding;
  useEffect(() => {
    let live = true;
    const finding = findingRef.current;
    const eventId = finding.eventIds[0];
    const by = analyst();
    if (eventId === undefined) {
      setDraft(draftFromFinding(finding, null, by));
      return;
    }
    getApi()
      .getEventDetail(eventId)
      .then((d) => live && setDraft(draftFromFinding(finding, d.data, by)))
      .catch((e: unknown) => {
        if (!live) return;
        setError(`The event could not be read (${errorText(e)}); only the host is offered.`);
        setDraft(draftFromFinding(finding, null, by));
      });
    return () => {
      live = false;
    };
  }, [finding.id]);
  if (draft === null) return <p className="small muted">Reading the finding’s event…</p>;
  const save = async () => {
    let entry;
    try {
      entry = entryFromDraft(draft);
    } catch (e) {
      setError(errorText(e));
      return;
    }
    try {
      window.localStorage.setItem(BY_KEY, draft.by);
    } catch {
      // no storage: the name is asked again next time
    }
    setSaving(true);
    const made = await add(entry);
    setSaving(false);
    if (made === null) setError('The entry was not saved (see the error above).');
  };
  return (
    <form
      className="allow-form"
      data-testid="allow-form"
      aria-label="New allow-list entry"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p className="small">
        Quiet <span className="mono">{escapeControlsSingleLine(draft.ruleId)}</span> when all checked conditions hold. The finding stays listed under Suppressed.
      </p>
      <fieldset>
        <legend className="small muted">Conditions</legend>
        {draft.conditions.length === 0 && <p className="small warn">The event offers no condition; an entry needs one.</p>}
        {draft.conditions.map((c, i) => (
          <label key={i} className="allow-cond small">
            <input
              type="checkbox"
              checked={c.on}
              data-testid="allow-condition"
              data-kind={c.condition.kind}
              onChange={(e) =>
                setDraft({ ...draft, conditions: draft.conditions.map((x, j) => (j === i ? { ...x, on: e.target.checked } : x)) })
              }
            />
            <span className="mono break">{clipText(escapeControlsSingleLine(c.label), 400).text}</span>
          </label>
        ))}
      </fieldset>
      <label htmlFor={id + '-reason'} className="small">Reason</label>
      <input
        id={id + '-reason'}
        data-testid="allow-reason"
        value={draft.reason}
        placeholder="Why this is benign (e.g. nightly backup job)"
        onChange={(e) => setDraft({ ...draft, reason: e.target.value })}
      />
      <label htmlFor={id + '-by'} className="small">By</label>
      <input id={id + '-by'} data-testid="allow-by" value={draft.by} placeholder="Your name" onChange={(e) => setDraft({ ...draft, by: e.target.value })} />
      {error !== null && <p className="small warn" role="alert">{error}</p>}
      <div className="finding-actions">
        <button type="submit" className="primary" data-testid="allow-save" disabled={saving}>Suppress with this entry</button>
        <button type="button" onClick={() => openDraft(null)}>Cancel</button>
      </div>
    </form>
  );
}

/** The case's allow-list: entries, export/import as YAML, and baseline candidates. */
export function AllowListEditor() {
  const { entries, baselines, remove, add, importYaml, exportYaml, loadBaselines } = useAppStore(
    useShallow((s) => ({
      entries: s.allowList,
      baselines: s.baselines,
      remove: s.removeAllowEntry,
      add: s.addAllowEntry,
      importYaml: s.importAllowYaml,
      exportYaml: s.exportAllowYaml,
      loadBaselines: s.loadBaselines,
    })),
  );
  const fileRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<string | null>(null);
  const fileId = useId();
  const doExport = async () => {
    const text = await exportYaml();
    if (text !== null) downloadText(text, 'chainline-allowlist.yaml', 'application/yaml');
  };
  const doImport = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    const result = await importYaml(text);
    if (result !== null) setMessage(result);
    if (fileRef.current) fileRef.current.value = '';
  };
  return (
    <div className="allow-list" data-testid="allow-list">
      <div className="finding-actions pad-x">
        <button type="button" data-testid="allow-export" onClick={() => void doExport()}>Export YAML</button>
        <label htmlFor={fileId} className="button-like">Import YAML…</label>
        <input
          id={fileId}
          ref={fileRef}
          type="file"
          accept=".yaml,.yml,text/yaml,application/yaml"
          className="sr-only"
          data-testid="allow-import"
          onChange={(e) => void doImport(e.target.files?.[0])}
        />
        {message !== null && <span className="small ok" role="status">{message}</span>}
      </div>
      <h4 className="pad-x">Entries</h4>
      {entries === null ? (
        <p className="pad-x small muted">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="pad-x small muted" data-testid="allow-empty">No entries. Add one from a finding (“Allow-list…”) or import a YAML file.</p>
      ) : (
        <ul className="allow-entries">
          {entries.map((e) => (
            <li key={e.id} className="allow-entry" data-testid="allow-entry" data-entry-id={e.id}>
              <div className="finding-line">
                <span className="badge">{e.kind}</span>
                <span className="mono small">{escapeControlsSingleLine(e.ruleId)}</span>
                <span className="grow" />
                <button type="button" className="small" data-testid="allow-remove" aria-label={`Remove entry ${e.id}`} onClick={() => void remove(e.id)}>
                  Remove
                </button>
              </div>
              <ul className="small mono">
                {e.conditions.map((c, i) => (
                  <li key={i} className="break">{clipText(escapeControlsSingleLine(describeCondition(c)), 400).text}</li>
                ))}
              </ul>
              <p className="small">
                {escapeControlsSingleLine(e.reason)} <span className="muted">— {escapeControlsSingleLine(e.by)}, </span>
                <TimeText iso={e.at} precision="s" />
              </p>
            </li>
          ))}
        </ul>
      )}
      <h4 className="pad-x">
        Baseline candidates{' '}
        <button type="button" className="link-button small" onClick={() => void loadBaselines()}>refresh</button>
      </h4>
      {baselines === null ? (
        <p className="pad-x small muted">Loading…</p>
      ) : baselines.length === 0 ? (
        <p className="pad-x small muted">No chain recurs often enough to propose as a baseline.</p>
      ) : (
        <ul className="allow-entries">
          {baselines.slice(0, 200).map((b, i) => (
            <li key={i} className="allow-entry" data-testid="baseline-candidate">
              <p className="small mono break">
                {escapeControlsSingleLine(b.parentImage)} → {escapeControlsSingleLine(b.image)}
              </p>
              <p className="small mono break muted">{clipText(escapeControlsSingleLine(b.commandLine), 300).text}</p>
              <p className="small">
                {formatCount(b.occurrences)}× in {formatCount(b.sessions)} sessions over {formatCount(b.days)} day{b.days === 1 ? '' : 's'} on{' '}
                {b.hosts.slice(0, 3).map(escapeControlsSingleLine).join(', ')}
                {b.hosts.length > 3 ? ` +${b.hosts.length - 3}` : ''}
              </p>
              <button type="button" className="small" data-testid="baseline-accept" onClick={() => void add({ ...b.entry, by: analyst() || b.entry.by })}>
                Accept as baseline
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
