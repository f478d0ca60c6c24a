import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { formatBytes, formatCount, percent } from '../lib/format.js';
import { useAppStore } from '../store/app-store.js';
import { isActivePhase } from '../store/ingest-slice.js';

export function IngestProgress() {
  const { ingest, cancelIngest } = useAppStore(useShallow((s) => ({ ingest: s.ingest, cancelIngest: s.cancelIngest })));
  const [dismissedRun, setDismissedRun] = useState<number | null>(null);
  const [seenActiveRun, setSeenActiveRun] = useState<number | null>(null);
  const active = ingest !== null && isActivePhase(ingest.phase);
  useEffect(() => {
    if (ingest && active) setSeenActiveRun(ingest.runId);
  }, [ingest, active]);

  if (!ingest) return null;
  if (active) {
    const pct = percent(ingest.bytesDone, ingest.bytesTotal);
    // Folders are walked while importing, so bytesTotal grows and its percentage hovers near
    // 100 %; the bar follows files (with the current file's bytes) when there are several.
    const bar =
      ingest.filesTotal > 1
        ? percent(Math.min(ingest.filesDone + (pct >= 100 ? 0 : pct / 100), ingest.filesTotal), ingest.filesTotal)
        : pct;
    return (
      <section className="ingest" data-testid="ingest-progress" aria-label="Import progress">
        <div className="ingest-line">
          <span className="badge badge-info">{ingest.phase}</span>
          <span className="ingest-file mono" title={ingest.currentFile ?? undefined}>
            {ingest.currentFile !== null ? escapeControlsSingleLine(ingest.currentFile) : '…'}
          </span>
          <span>
            files <span className="num">{ingest.filesDone}/{ingest.filesTotal}</span>
          </span>
          <span>
            <span className="num">{formatBytes(ingest.bytesDone)}</span> / {formatBytes(ingest.bytesTotal)} (
            <span className="num">{pct.toFixed(0)}%</span>)
          </span>
          <span>
            <span className="num">{formatCount(ingest.events)}</span> events
          </span>
          <span className={ingest.errors > 0 ? 'warn' : undefined}>
            <span className="num">{formatCount(ingest.errors)}</span> errors
          </span>
          <button type="button" data-testid="ingest-cancel" onClick={() => void cancelIngest()}>
            Cancel
          </button>
        </div>
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(bar)}
          aria-label="Import progress"
        >
          <div className="progress-fill" style={{ width: `${bar}%` }} />
        </div>
      </section>
    );
  }
  // After a run this window watched, a one-line result until dismissed.
  if (seenActiveRun !== ingest.runId || dismissedRun === ingest.runId || ingest.phase === 'idle') return null;
  const tone = ingest.phase === 'done' && ingest.errors === 0 ? 'ok' : ingest.phase === 'failed' ? 'bad' : 'warn';
  return (
    <section className={`ingest ingest-summary ingest-${tone}`} data-testid="ingest-summary" aria-label="Import result">
      <div className="ingest-line">
        <span className="badge">{ingest.phase === 'done' ? 'import finished' : `import ${ingest.phase}`}</span>
        <span>
          <span className="num">{ingest.filesDone}/{ingest.filesTotal}</span> files,{' '}
          <span className="num">{formatCount(ingest.events)}</span> events,{' '}
          <span className="num">{formatCount(ingest.errors)}</span> errors
        </span>
        {ingest.message !== null && <span className="muted">{escapeControlsSingleLine(ingest.message)}</span>}
        <button type="button" className="link-button" onClick={() => setDismissedRun(ingest.runId)} aria-label="Dismiss">
          ×
        </button>
      </div>
    </section>
  );
}
