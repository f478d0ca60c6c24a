import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ProcessRow } from '../../shared/api.js';
import { ROLE_LABEL, tellStory, type StoryStep } from '../lib/chain-story.js';
import { emptyChain } from '../lib/chain-table.js';
import { clipText, escapeControlsSingleLine } from '../lib/escape-text.js';
import { useAppStore } from '../store/app-store.js';
import { TimeText } from './time-text.js';

const REASON_MAX = 400;
/** Steps rendered at first; a busy session can have tens of thousands. */
const CHAIN_FIRST = 500;

function StepItem({ story, index }: { story: StoryStep; index: number }) {
  const openEvent = useAppStore((s) => s.openEvent);
  const selectedId = useAppStore((s) => s.selectedId);
  const navigate = useAppStore((s) => s.navigate);
  const st = story.step;
  const decoded = story.role === 'encoded-powershell' ? story.process?.decodedCommand ?? null : null;
  return (
    <li
      className={'chain-step' + (story.role ? ' chain-step-key' : '') + (st.eventIds.includes(selectedId ?? -1) ? ' chain-step-selected' : '')}
      data-testid="chain-step"
      data-kind={st.kind}
      data-role={story.role ?? ''}
      data-event-ids={st.eventIds.join(',')}
    >
      <span className="chain-index num" aria-hidden="true">{index + 1}</span>
      <div className="chain-body">
        <div className="chain-head">
          <TimeText iso={st.time} />
          <span className={'badge ' + (story.role ? 'badge-bad' : 'badge-info')}>{story.role ? ROLE_LABEL[story.role] : st.kind}</span>
          <strong>{escapeControlsSingleLine(story.title)}</strong>
          {st.sessionId !== '' && <span className="muted small">session {escapeControlsSingleLine(st.sessionId)}</span>}
          <span className="chain-links">
            {st.eventIds.map((id) => (
              <button
                key={id}
                type="button"
                className="link-button small"
                data-testid="chain-record"
                title="Open this record in the event detail"
                onClick={() => openEvent(id)}
              >
                record #{id}
              </button>
            ))}
            {st.processId !== null && story.process?.sessionId && (
              <button
                type="button"
                className="link-button small"
                title="Show the process in its tree"
                onClick={() => navigate({ kind: 'process', sessionId: story.process!.sessionId!, processId: st.processId! })}
              >
                in tree
              </button>
            )}
          </span>
        </div>
        <div className="chain-reason small">{escapeControlsSingleLine(clipText(st.reason, REASON_MAX).text)}</div>
        {decoded !== null && (
          <pre className="chain-decoded mono small" data-testid="chain-decoded">{escapeControlsSingleLine(clipText(decoded, 2000).text)}</pre>
        )}
      </div>
    </li>
  );
}

export function ChainView() {
  const { chain, processes, sessionId, loading, error } = useAppStore(
    useShallow((s) => ({ chain: s.chain, processes: s.chainProcesses, sessionId: s.selectedSessionId, loading: s.sessionLoading, error: s.sessionError })),
  );
  const [all, setAll] = useState(false);
  const [limit, setLimit] = useState(CHAIN_FIRST);
  const story = useMemo(() => {
    const byId = new Map<string, ProcessRow>((processes ?? []).map((p) => [p.id, p]));
    return tellStory(chain ?? emptyChain(), sessionId ?? '', byId);
  }, [chain, processes, sessionId]);
  if (error !== null) return <p className="note note-warn pad">Could not load the session: {escapeControlsSingleLine(error)}</p>;
  if (loading || chain === null) return <p className="muted pad">Loading the chain…</p>;
  const key = story.keys;
  // The indexes of the steps shown: every step, or the key ones.
  const everyStep = all || key.length === 0;
  const shownCount = everyStep ? story.length : key.length;
  const shownIndexes = Array.from({ length: Math.min(limit, shownCount) }, (_, k) => (everyStep ? k : key[k]!));
  return (
    <div className="chain-view" data-testid="chain-view">
      <div className="view-toolbar">
        <span className="small muted">
          {key.length > 0 ? `${key.length} key steps of ${story.length} records` : `${story.length} records; no step stands out`}
        </span>
        {key.length > 0 && (
          <div role="group" aria-label="Chain steps shown" className="segmented">
            <button type="button" aria-pressed={!all} data-testid="chain-key-only" onClick={() => setAll(false)}>Key steps</button>
            <button type="button" aria-pressed={all} data-testid="chain-all" onClick={() => setAll(true)}>All evidence</button>
          </div>
        )}
      </div>
      {story.length === 0 ? (
        <p className="muted pad">This session has no evidence beyond its logon.</p>
      ) : (
        <ol className="chain-list">
          {shownIndexes.map((stepIndex, i) => {
            const s = story.at(stepIndex);
            return <StepItem key={s.step.kind + s.step.eventIds.join(',') + s.step.sessionId + i} story={s} index={i} />;
          })}
          {shownCount > limit && (
            <li className="pad">
              <button type="button" className="link-button" onClick={() => setLimit((l) => l + 5000)}>
                Show {Math.min(5000, shownCount - limit)} more of {shownCount - limit} remaining steps
              </button>
            </li>
          )}
        </ol>
      )}
    </div>
  );
}
