import { memo, useDeferredValue, useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { useAppStore } from '../store/app-store.js';
import type { ViewTab } from '../store/views-types.js';
import { ChainView } from './chain-view.js';
import { PanelBoundary } from './error-boundary.js';
import { SessionViewEmpty } from './session-empty.js';
import { NoteButton } from './note-editor.js';
import { PivotValue } from './pivot.js';
import { ProcessTreeView } from './process-tree-view.js';
import { TimelineView } from './timeline-view.js';
import { TabStrip, type TabDef } from './tab-strip.js';
import { TimeText } from './time-text.js';

const TABS: readonly TabDef<ViewTab>[] = [
  { id: 'chain', label: 'Chain' },
  { id: 'tree', label: 'Process tree' },
  { id: 'timeline', label: 'Timeline' },
];

/** Loads the findings of every session the open chain touches (tree badges, timeline lane, event detail). */
function useSessionFindings(): void {
  const sessionId = useAppStore((s) => s.selectedSessionId);
  const processes = useAppStore((s) => s.chainProcesses);
  const load = useAppStore((s) => s.loadSessionFindings);
  const key = useMemo(() => {
    const ids = new Set<string>();
    if (sessionId !== null) ids.add(sessionId);
    for (const p of processes ?? []) if (p.sessionId !== null) ids.add(p.sessionId);
    return [...ids].sort().join('|');
  }, [sessionId, processes]);
  useEffect(() => {
    void load(key === '' ? [] : key.split('|'));
  }, [key, load]);
}

/**
 * The open view. Memoized on its tab: the tab strip answers a click at once, and the view a
 * click opens renders at a lower priority (SessionView passes a deferred tab), which React
 * splits into slices of a few ms instead of one task: opening the tree of a 20,000-process
 * session built ~40 ms of React work in the click's own task, a dropped frame or two (issue 6).
 */
const ViewBody = memo(function ViewBody({ tab }: { readonly tab: ViewTab }) {
  return (
    <div className="view-body" role="tabpanel" id="view-tabpanel" aria-labelledby={`view-tab-${tab}`}>
      <PanelBoundary name={tab}>
        {tab === 'chain' && <ChainView />}
        {tab === 'tree' && <ProcessTreeView />}
        {tab === 'timeline' && <TimelineView />}
      </PanelBoundary>
    </div>
  );
});

export function SessionView() {
  useSessionFindings();
  const { sessionId, session, tab, setTab } = useAppStore(
    useShallow((s) => ({
      sessionId: s.selectedSessionId,
      session: s.sessions?.sessions.find((x) => x.id === s.selectedSessionId) ?? null,
      tab: s.viewTab,
      setTab: s.setViewTab,
    })),
  );
  const shownTab = useDeferredValue(tab);
  if (sessionId === null) {
    return <SessionViewEmpty />;
  }
  const who = session ? (session.domain ? session.domain + '\\' : '') + session.user : sessionId;
  return (
    <section className="session-view" data-testid="session-view" data-session-id={sessionId} aria-label={`Session ${sessionId}`}>
      <div className="session-header">
        <strong>{escapeControlsSingleLine(who)}</strong>
        {session && (
          <>
            <span className="muted">on</span>
            <PivotValue kind="host" value={session.host} />
            <span className="badge badge-info">type {session.logonType ?? '?'} {session.logonTypeName}</span>
            <span className="muted small">LogonId</span>
            <PivotValue kind="logonId" value={session.logonId} host={session.host} className="mono" />
            {session.sourceIp !== '' && session.sourceIp !== '-' && <PivotValue kind="ip" value={session.sourceIp} className="mono" />}
            {session.user !== '' && <PivotValue kind="user" value={session.user} />}
            {session.admin && <span className="badge badge-warn">admin</span>}
            <span className="small"><TimeText iso={session.start} precision="s" /> → {session.end ? <TimeText iso={session.end} precision="s" /> : 'open'}</span>
          </>
        )}
        <NoteButton target={{ kind: 'session', id: sessionId }} label={`session ${sessionId}: ${who}${session ? ` on ${session.host}, type ${session.logonType ?? '?'}` : ''}`} />
      </div>
      <TabStrip tabs={TABS} current={tab} onSelect={setTab} prefix="view" label="Session views" />
      <ViewBody tab={shownTab} />
    </section>
  );
}
