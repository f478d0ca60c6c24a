import { useId, useState } from 'react';
import type { ReportFile } from '../../shared/api.js';
import { cleanIpcMessage, getApi } from '../api/api-client.js';
import { useAppStore } from '../store/app-store.js';

/** Saves a generated report through the browser's download (Electron asks where to save). */
function download(file: ReportFile): void {
  const bytes =
    file.encoding === 'base64' ? Uint8Array.from(atob(file.content), (c) => c.charCodeAt(0)) : new TextEncoder().encode(file.content);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the download a moment to start before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The Report button of the header: analyst, sessions (the selected one or the suspicious ones), HTML or PDF. */
export function ReportButton() {
  const selectedSessionId = useAppStore((s) => s.selectedSessionId);
  const hasCase = useAppStore((s) => s.overview?.case != null);
  const [open, setOpen] = useState(false);
  const [analyst, setAnalyst] = useState('');
  const [format, setFormat] = useState<'html' | 'pdf'>('html');
  const [onlySelected, setOnlySelected] = useState(true);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const id = useId();
  const create = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const sessionIds = onlySelected && selectedSessionId ? [selectedSessionId] : [];
      const file = await getApi().createReport({ sessionIds, analyst: analyst.slice(0, 200), format });
      download(file);
      setMessage(file.problems.length > 0 ? `Saved ${file.fileName}. Note: ${file.problems.join('; ')}` : `Saved ${file.fileName}`);
    } catch (error) {
      setMessage(`The report failed: ${cleanIpcMessage(error instanceof Error ? error.message : String(error))}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="report-button">
      <button type="button" className="header-button" data-testid="report-open" disabled={!hasCase} aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Report…
      </button>
      {open && (
        <div className="report-popover" role="dialog" aria-label="Case report" data-testid="report-dialog">
          <label htmlFor={`${id}-analyst`}>Analyst</label>
          <input id={`${id}-analyst`} data-testid="report-analyst" value={analyst} maxLength={200} onChange={(e) => setAnalyst(e.target.value)} />
          <label htmlFor={`${id}-format`}>Format</label>
          <select id={`${id}-format`} data-testid="report-format" value={format} onChange={(e) => setFormat(e.target.value === 'pdf' ? 'pdf' : 'html')}>
            <option value="html">HTML (self-contained)</option>
            <option value="pdf">PDF</option>
          </select>
          <label className="checkbox">
            <input type="checkbox" checked={onlySelected && selectedSessionId !== null} disabled={selectedSessionId === null} onChange={(e) => setOnlySelected(e.target.checked)} />
            {selectedSessionId !== null ? 'Only the selected session' : 'Sessions: those with findings (select one to report it alone)'}
          </label>
          <div className="report-actions">
            <button type="button" className="primary" data-testid="report-create" disabled={busy} onClick={() => void create()}>
              {busy ? 'Writing the report…' : 'Create report'}
            </button>
            <button type="button" onClick={() => setOpen(false)}>Close</button>
          </div>
          {message !== null && (
            <p className="small" role="status" data-testid="report-message">
              {message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
