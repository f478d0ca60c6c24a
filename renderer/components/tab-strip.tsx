import type { ReactNode } from 'react';

export interface TabDef<T extends string> {
  readonly id: T;
  readonly label: string;
}

/**
 * A WAI-ARIA tab list: roving tabindex, ←/→ move and select (wrapping), Alt+arrows left to the
 * navigation history. Tabs are `${prefix}-tab-${id}` (also their test ids) and control
 * `${prefix}-tabpanel`, which the caller renders.
 */
export function TabStrip<T extends string>(props: {
  readonly tabs: readonly TabDef<T>[];
  readonly current: T;
  readonly onSelect: (id: T) => void;
  readonly prefix: string;
  readonly label: string;
  /** Extra content after a tab's label (counts). */
  readonly extra?: (id: T) => ReactNode;
}) {
  const { tabs, current, onSelect, prefix, label, extra } = props;
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`${prefix}-tab-${t.id}`}
          aria-controls={`${prefix}-tabpanel`}
          aria-selected={current === t.id}
          tabIndex={current === t.id ? 0 : -1}
          data-testid={`${prefix}-tab-${t.id}`}
          className={'tab' + (current === t.id ? ' tab-on' : '')}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => {
            const i = tabs.findIndex((x) => x.id === current);
            const next = e.altKey ? undefined : e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i + tabs.length - 1) % tabs.length] : undefined;
            if (next) {
              e.preventDefault();
              onSelect(next.id);
              document.getElementById(`${prefix}-tab-${next.id}`)?.focus();
            }
          }}
        >
          {t.label}
          {extra?.(t.id)}
        </button>
      ))}
    </div>
  );
}
