import { useShallow } from 'zustand/react/shallow';
import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { formatCount } from '../lib/format.js';
import { useAppStore } from '../store/app-store.js';
import { TimeText } from './time-text.js';

/** What the evidence can and cannot tell: shown before anyone concludes from an absence. */
export function CoveragePanel() {
  const { coverage, loading, load, openEvent } = useAppStore(
    useShallow((s) => ({ coverage: s.coverage, loading: s.coverageLoading, load: s.loadCoverage, openEvent: s.openEvent })),
  );
  if (coverage === null) {
    return (
      <div className="pad">
        <p className="muted">{loading ? 'Measuring coverage…' : 'Coverage not computed yet.'}</p>
        {!loading && <button type="button" onClick={() => void load()}>Compute coverage</button>}
      </div>
    );
  }
  const pc = coverage.processCreation;
  const noCmd = pc.events > 0 && pc.withCommandLine < pc.events;
  return (
    <div className="coverage" data-testid="coverage">
      <section className="overview-section">
        <h3>Process command lines</h3>
        {pc.events === 0 ? (
          <p className="muted">No 4688 process creation events: enable “Audit Process Creation”.</p>
        ) : noCmd ? (
          <div className="note note-warn" data-testid="coverage-cmdline-warning" role="note">
            <p>
              <strong>{formatCount(pc.events - pc.withCommandLine)} of {formatCount(pc.events)} 4688 events have no CommandLine.</strong> What those processes ran cannot be known from this evidence.
            </p>
            <p>
              Fix for the future: Group Policy → Computer Configuration → Administrative Templates → System → Audit Process Creation →
              “Include command line in process creation events” = Enabled; or registry
              <span className="mono"> HKLM\Software\Microsoft\Windows\CurrentVersion\Policies\System\Audit\ProcessCreationIncludeCmdLine_Enabled = 1</span> (DWORD).
            </p>
          </div>
        ) : (
          <p data-testid="coverage-cmdline-ok">All {formatCount(pc.events)} 4688 events carry their CommandLine.</p>
        )}
      </section>
      <section className="overview-section">
        <h3>Sources</h3>
        <ul className="plain-list">
          <li>{coverage.sysmonEvents > 0 ? <>Sysmon: <span className="num">{formatCount(coverage.sysmonEvents)}</span> events</> : <span className="warn">No Sysmon events: no process GUIDs, network or file events; parent links rest on PID and time.</span>}</li>
          <li>{coverage.scriptBlockEvents > 0 ? <>PowerShell 4104: <span className="num">{formatCount(coverage.scriptBlockEvents)}</span> script blocks</> : <span className="warn">No 4104 script blocks: PowerShell content is not visible (enable Script Block Logging).</span>}</li>
        </ul>
      </section>
      <section className="overview-section">
        <h3>Log clears <span className="muted">({coverage.clears.length})</span></h3>
        {coverage.clears.length === 0 ? (
          <p className="muted">No 1102 (Security) or 104 (System) log-cleared events.</p>
        ) : (
          <ul className="plain-list">
            {coverage.clears.map((c) => (
              <li key={c.eventRowId} className="warn">
                <button type="button" className="link-button" onClick={() => openEvent(c.eventRowId)}>{c.eventId}</button>{' '}
                {escapeControlsSingleLine(c.channel)} cleared on {escapeControlsSingleLine(c.host)} at <TimeText iso={c.time} precision="s" />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="overview-section">
        <h3>Record-id gaps <span className="muted">({coverage.gaps.length}{coverage.gapsTruncated ? '+' : ''})</span></h3>
        {coverage.gaps.length === 0 ? (
          <p className="muted">Record ids run without gaps in every log.</p>
        ) : (
          <ul className="plain-list small">
            {coverage.gaps.map((g) => (
              <li key={`${g.host}|${g.channel}|${g.afterRecordId}`}>
                {escapeControlsSingleLine(g.host)} {escapeControlsSingleLine(g.channel)}: <span className="num">{formatCount(g.missing)}</span> missing after #{g.afterRecordId} (<TimeText iso={g.time} precision="s" />)
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="overview-section">
        <h3>Channels per host</h3>
        {coverage.hosts.map((h) => (
          <div key={h.host} className="coverage-host">
            <strong>{escapeControlsSingleLine(h.host)}</strong>
            <table className="mini-table">
              <tbody>
                {h.channels.map((c) => (
                  <tr key={c.channel}>
                    <td>{escapeControlsSingleLine(c.channel)}</td>
                    <td className="num">{formatCount(c.events)}</td>
                    <td className="small"><TimeText iso={c.first} precision="s" /> – <TimeText iso={c.last} precision="s" /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </section>
    </div>
  );
}
