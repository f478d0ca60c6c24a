import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { escapeControlsSingleLine } from '../lib/escape-text.js';
import { formatCount } from '../lib/format.js';
import { useAppStore } from '../store/app-store.js';

export function FilterBar() {
  const s = useAppStore(
    useShallow((st) => ({
      eventIdText: st.eventIdText,
      invalid: st.invalidEventIds,
      host: st.host,
      channel: st.channel,
      text: st.text,
      from: st.from,
      to: st.to,
      total: st.total,
      hosts: st.overview?.hosts,
      channels: st.overview?.channels,
      setEventIdText: st.setEventIdText,
      setHost: st.setHost,
      setChannel: st.setChannel,
      setText: st.setText,
      clearFilters: st.clearFilters,
    })),
  );
  const id = useId();
  const any = s.eventIdText !== '' || s.host !== '' || s.channel !== '' || s.text !== '' || s.from !== null || s.to !== null;
  const hostKeys = s.hosts?.map((h) => h.key) ?? [];
  const channelKeys = s.channels?.map((c) => c.key) ?? [];
  // A filter value from a previous overview stays selectable.
  if (s.host && !hostKeys.includes(s.host)) hostKeys.unshift(s.host);
  if (s.channel && !channelKeys.includes(s.channel)) channelKeys.unshift(s.channel);
  return (
    <div className="filter-bar" role="search">
      <div className="field">
        <label htmlFor={id + '-eid'}>Event ID</label>
        <input
          id={id + '-eid'}
          data-testid="filter-eventid"
          className={'mono' + (s.invalid.length ? ' invalid' : '')}
          placeholder="4624, 4688"
          value={s.eventIdText}
          aria-invalid={s.invalid.length > 0}
          title={s.invalid.length ? 'Ignored: ' + s.invalid.join(' ') : 'Comma-separated ids, ranges like 4624-4634'}
          onChange={(e) => s.setEventIdText(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={id + '-host'}>Host</label>
        <select id={id + '-host'} data-testid="filter-host" value={s.host} onChange={(e) => s.setHost(e.target.value)}>
          <option value="">All hosts</option>
          {hostKeys.map((k) => (
            <option key={k} value={k}>
              {escapeControlsSingleLine(k)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={id + '-ch'}>Channel</label>
        <select
          id={id + '-ch'}
          data-testid="filter-channel"
          value={s.channel}
          onChange={(e) => s.setChannel(e.target.value)}
        >
          <option value="">All channels</option>
          {channelKeys.map((k) => (
            <option key={k} value={k}>
              {escapeControlsSingleLine(k)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-grow">
        <label htmlFor={id + '-text'}>Text</label>
        <input
          id={id + '-text'}
          type="search"
          data-testid="filter-text"
          placeholder="Search summary and data values"
          value={s.text}
          onChange={(e) => s.setText(e.target.value)}
        />
      </div>
      {any && (
        <button type="button" onClick={s.clearFilters}>
          Clear
        </button>
      )}
      <div className="filter-count" aria-live="polite" data-testid="filter-total" data-count={s.total ?? undefined}>
        {s.total === null ? <span className="muted">…</span> : <><span className="num">{formatCount(s.total)}</span> rows</>}
      </div>
    </div>
  );
}
