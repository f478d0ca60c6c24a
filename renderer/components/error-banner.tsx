import { useShallow } from 'zustand/react/shallow';
import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { useAppStore } from '../store/app-store.js';

export function ErrorBanner() {
  const { errors, notice, dismissError, setNotice } = useAppStore(
    useShallow((s) => ({ errors: s.errors, notice: s.notice, dismissError: s.dismissError, setNotice: s.setNotice })),
  );
  if (errors.length === 0 && notice === null) return null;
  return (
    <div className="banners">
      {notice !== null && (
        <div className="banner banner-notice" role="status">
          <span>{notice}</span>
          <button type="button" className="link-button" onClick={() => setNotice(null)} aria-label="Dismiss notice">
            ×
          </button>
        </div>
      )}
      {errors.length > 0 && (
        <div className="banner banner-error" role="alert" data-testid="error-banner">
          <ul>
            {errors.map((e) => (
              <li key={e.id}>
                <span className="banner-message">{escapeControlsSingleLine(e.message)}</span>
                <button type="button" className="link-button" onClick={() => dismissError(e.id)} aria-label="Dismiss error">
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
