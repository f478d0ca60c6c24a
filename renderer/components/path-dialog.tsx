import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { useAppStore } from '../store/app-store.js';

/** Splits the text box into paths: one per line, blank lines ignored, surrounding quotes removed. */
export function parsePathLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^"(.*)"$/, '$1'))
    .filter((l) => l !== '');
}

/** Shown when the shell has no native picker (`chainline serve`): paths are typed. */
export function PathDialog() {
  const { open, setOpen, openPaths, lastOpen, clearLastOpen } = useAppStore(
    useShallow((s) => ({
      open: s.pathDialogOpen,
      setOpen: s.setPathDialogOpen,
      openPaths: s.openPaths,
      lastOpen: s.lastOpen,
      clearLastOpen: s.clearLastOpen,
    })),
  );
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const inputId = useId();

  useEffect(() => {
    if (open) {
      setSubmitted(false);
      clearLastOpen();
      inputRef.current?.focus();
    }
  }, [open, clearLastOpen]);

  // Escape closes even when focus has left the dialog (the submit button disables while busy).
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, setOpen]);

  if (!open) return null;
  const paths = parsePathLines(text);
  const result = submitted ? lastOpen : null;

  const submit = async (): Promise<void> => {
    if (paths.length === 0 || busy) return;
    setBusy(true);
    const r = await openPaths(paths);
    setBusy(false);
    setSubmitted(true);
    // Everything accepted: close; otherwise stay open to show what was refused and why.
    if (r && r.rejected.length === 0) {
      setOpen(false);
      setText('');
    } else {
      inputRef.current?.focus();
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={inputId + '-title'}
        data-testid="path-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
        }}
      >
        <h2 id={inputId + '-title'}>Open evidence</h2>
        <p className="muted">
          This window cannot browse the server's disk. Type the paths of evidence files or folders on the machine
          running Chainline, one per line. Folders are searched recursively.
        </p>
        <label htmlFor={inputId}>Paths (one per line)</label>
        <textarea
          id={inputId}
          ref={inputRef}
          data-testid="path-input"
          className="mono"
          rows={6}
          spellCheck={false}
          placeholder={'/cases/2024-017/WS01/Security.evtx\n/cases/2024-017/exports/'}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        {result && result.rejected.length > 0 && (
          <div className="rejected" role="alert">
            <strong>Not opened:</strong>
            <ul>
              {result.rejected.map((r, i) => (
                <li key={i}>
                  <span className="mono">{escapeControlsSingleLine(r.path)}</span> — {escapeControlsSingleLine(r.reason)}
                </li>
              ))}
            </ul>
            {result.accepted.length > 0 && <p>{result.accepted.length} path(s) accepted and importing.</p>}
          </div>
        )}
        <div className="modal-actions">
          <span className="muted small">Ctrl+Enter to open</span>
          <button type="button" onClick={() => setOpen(false)}>
            Close
          </button>
          <button
            type="button"
            className="primary"
            data-testid="path-submit"
            disabled={paths.length === 0 || busy}
            onClick={() => void submit()}
          >
            {busy ? 'Opening…' : `Open ${paths.length > 1 ? paths.length + ' paths' : ''}`.trim()}
          </button>
        </div>
      </div>
    </div>
  );
}
