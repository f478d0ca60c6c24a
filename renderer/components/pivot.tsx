import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { useAppStore } from '../store/app-store.js';
import type { PivotKind } from '../store/views-types.js';

const KIND_LABEL: Readonly<Record<PivotKind, string>> = {
  logonId: 'LogonId',
  pid: 'PID',
  processGuid: 'ProcessGuid',
  host: 'host',
  user: 'user',
  sid: 'SID',
  ip: 'IP address',
  hash: 'hash',
  service: 'service name',
  scriptBlockId: 'script block id',
  text: 'value',
};

/** A value that filters the event table by itself when clicked (recorded in the history). */
export function PivotValue(props: {
  readonly kind: PivotKind;
  readonly value: string;
  /** What to search for when it differs from what is shown (a PID shown decimal, searched hex). */
  readonly search?: string;
  readonly host?: string;
  readonly children?: React.ReactNode;
  readonly className?: string;
}) {
  const pivot = useAppStore((s) => s.pivot);
  const navigate = useAppStore((s) => s.navigate);
  const value = props.value;
  // A LogonId names a session: offer to jump to it (when it is not the one on screen).
  const sessionId = useAppStore((s) => {
    if (props.kind !== 'logonId' || !s.sessions) return null;
    const id = value.toLowerCase();
    const hit = s.sessions.sessions.find((x) => x.logonId.toLowerCase() === id && (props.host === undefined || x.host === props.host));
    return hit && hit.id !== s.selectedSessionId ? hit.id : null;
  });
  if (value === '' || value === '-') return <span className={props.className}>{props.children ?? escapeControlsSingleLine(value)}</span>;
  const search = props.search ?? value;
  return (
    <>
    <button
      type="button"
      className={'pivot ' + (props.className ?? '')}
      data-testid="pivot"
      data-pivot-kind={props.kind}
      data-pivot-value={search}
      title={`Show the events that mention this ${KIND_LABEL[props.kind]} (${escapeControlsSingleLine(search)})`}
      onClick={(e) => {
        e.stopPropagation();
        pivot(props.kind, search, props.host);
      }}
    >
      {props.children ?? escapeControlsSingleLine(value)}
    </button>
    {sessionId !== null && (
      <button
        type="button"
        className="link-button small"
        data-testid="pivot-session"
        title={`Open session ${sessionId}`}
        onClick={(e) => {
          e.stopPropagation();
          navigate({ kind: 'session', sessionId, tab: 'chain' });
        }}
      >
        → session
      </button>
    )}
    </>
  );
}

/** Event data fields whose values are worth pivoting on, and as what. */
export const PIVOT_FIELDS: Readonly<Record<string, PivotKind>> = {
  TargetLogonId: 'logonId',
  SubjectLogonId: 'logonId',
  LogonId: 'logonId',
  TargetLinkedLogonId: 'logonId',
  NewProcessId: 'pid',
  ProcessId: 'pid',
  ParentProcessId: 'pid',
  ProcessID: 'pid',
  ProcessGuid: 'processGuid',
  ParentProcessGuid: 'processGuid',
  Computer: 'host',
  WorkstationName: 'host',
  TargetUserName: 'user',
  SubjectUserName: 'user',
  User: 'user',
  TargetUserSid: 'sid',
  SubjectUserSid: 'sid',
  UserID: 'sid',
  IpAddress: 'ip',
  SourceIp: 'ip',
  DestinationIp: 'ip',
  Hashes: 'hash',
  Hash: 'hash',
  ServiceName: 'service',
  ScriptBlockId: 'scriptBlockId',
};
