import { useEffect, useId, useState } from 'react';
import type { RulePackInfo } from '../../shared/findings.js';
import { cleanIpcMessage, getApi } from '../api/api-client.js';
import { escapeControlsSingleLine } from '../lib/escape-text.js';

/** How many rejected or skipped rules the popover lists (the rest are counted). */
const PROBLEMS_SHOWN = 200;

/**
 * The Rules button of the header: which Sigma rules detection runs (the built-in pack and the
 * folders added here), and every rule rejected or skipped with its reason. Folder paths are on
 * the machine running the engine (the app's own, or the `chainline serve` host).
 */
export function RulesButton() {
  const [open, setOpen] = useState(false);
  const [info, setInfo] = useState<RulePackInfo | null>(null);
  const [folders, setFolders] = useState('');
  const [builtin, setBuiltin] = useState(true);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    if (!open) return;
    let live = true;
    void getApi()
      .getRuleStatus()
      .then((status) => {
        if (!live) return;
        setInfo(status);
        if (status) {
          setFolders(status.dirs.join('\n'));
          setBuiltin(status.builtin);
        }
      })
      .catch((error: unknown) => live && setMessage(cleanIpcMessage(error instanceof Error ? error.message : String(error))));
    return () => {
      live = false;
    };
  }, [open]);
  const load = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const dirs = folders.split('\n').map((d) => d.trim()).filter((d) => d !== '');
      const loaded = await getApi().setRuleFolders({ dirs, builtin });
      setInfo(loaded);
      setMessage('Rules loaded: findings are recomputed when next shown.');
    } catch (error) {
      setMessage(`The rules were not loaded: ${cleanIpcMessage(error instanceof Error ? error.message : String(error))}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="report-button">
      <button type="button" className="header-button" data-testid="rules-open" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Rules…
      </button>
      {open && (
        <div className="report-popover rules-popover" role="dialog" aria-label="Detection rules" data-testid="rules-dialog">
          {info ? (
            <p data-testid="rules-summary">
              {info.rules} rules ({info.builtinRules} built-in, {info.userRules} from folders, {info.correlations} correlations);{' '}
              {info.rejected} rejected, {info.skipped} skipped.
            </p>
          ) : (
            <p>No Sigma rules are loaded: only Chainline's case checks run.</p>
          )}
          <label htmlFor={`${id}-folders`}>Rule folders (one path per line; a SigmaHQ checkout works)</label>
          <textarea id={`${id}-folders`} data-testid="rules-folders" rows={3} value={folders} onChange={(e) => setFolders(e.target.value)} />
          <label className="checkbox">
            <input type="checkbox" checked={builtin} onChange={(e) => setBuiltin(e.target.checked)} /> The built-in triage rules
          </label>
          <div className="report-actions">
            <button type="button" className="primary" data-testid="rules-load" disabled={busy} onClick={() => void load()}>
              {busy ? 'Loading…' : 'Load rules'}
            </button>
            <button type="button" onClick={() => setOpen(false)}>Close</button>
          </div>
          {message !== null && <p className="small" role="status">{message}</p>}
          {info && info.problems.length > 0 && (
            <ul className="rules-problems small" data-testid="rules-problems">
              {info.problems.slice(0, PROBLEMS_SHOWN).map((p, i) => (
                <li key={`${p.path}:${i}`}>
                  <strong>{p.kind}</strong> {escapeControlsSingleLine(p.title ?? p.path)}: {escapeControlsSingleLine(p.reason)}
                </li>
              ))}
              {info.rejected + info.skipped > PROBLEMS_SHOWN && <li>… and {info.rejected + info.skipped - PROBLEMS_SHOWN} more</li>}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
