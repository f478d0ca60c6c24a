import { useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { parseTimestamp, ticksToEpochMs } from '../../shared/time.js';
import { formatCount } from '../lib/format.js';
import { msToIso, ticks, timeToX, xToTime, type TimeDomain } from '../lib/time-scale.js';
import { formatInZone, zoneOffsetAt } from '../lib/time-zone.js';
import { useAppStore } from '../store/app-store.js';
import { useWidth } from './use-width.js';

const H = 46;
const AXIS = 14;

function ms(iso: string | null): number | null {
  if (iso === null) return null;
  const p = parseTimestamp(iso);
  return p ? ticksToEpochMs(p.ticks) : null;
}

/** The event density of the whole case; dragging across it narrows the table to that range. */
export function CaseHistogram() {
  const s = useAppStore(
    useShallow((st) => ({
      histogram: st.histogram,
      from: st.from,
      to: st.to,
      zone: st.zone,
      navigate: st.navigate,
      text: st.text,
      host: st.host,
      clears: st.coverage?.clears,
    })),
  );
  const [boxRef, width] = useWidth(900);
  const [brush, setBrush] = useState<{ a: number; b: number } | null>(null);
  const h = s.histogram;
  const lo = ms(h?.from ?? null);
  const hi = ms(h?.to ?? null);
  if (!h || lo === null || hi === null || h.counts.length === 0) {
    return <div className="case-histogram case-histogram-empty" ref={boxRef} data-testid="case-histogram" />;
  }
  const domain: TimeDomain = { start: lo, end: Math.max(hi, lo + 1) };
  const max = Math.max(1, ...h.counts);
  const bw = width / h.counts.length;
  const axis = ticks(domain, width, zoneOffsetAt(s.zone, lo), 120);
  const xOf = (e: ReactPointerEvent<SVGSVGElement>) => Math.max(0, Math.min(width, e.clientX - e.currentTarget.getBoundingClientRect().left));
  const applyRange = (from: string | null, to: string | null) =>
    s.navigate({ kind: 'filter', text: s.text, host: s.host, from, to });
  const fromMs = ms(s.from);
  const toMs = ms(s.to);
  return (
    <div className="case-histogram" ref={boxRef} data-testid="case-histogram">
      <svg
        width={width}
        height={H}
        role="img"
        aria-label={`Event density, ${formatCount(h.total)} events from ${formatInZone(h.from!, s.zone, 's')} to ${formatInZone(h.to!, s.zone, 's')}; drag to filter the table to a time range`}
        onPointerDown={(e) => {
          const x = xOf(e);
          e.currentTarget.setPointerCapture(e.pointerId);
          setBrush({ a: x, b: x });
        }}
        onPointerMove={(e) => {
          if (brush) setBrush({ a: brush.a, b: xOf(e) });
        }}
        onPointerUp={() => {
          if (brush && Math.abs(brush.b - brush.a) > 3) {
            const a = xToTime(domain, width, Math.min(brush.a, brush.b));
            const b = xToTime(domain, width, Math.max(brush.a, brush.b));
            applyRange(msToIso(a), msToIso(Math.ceil(b)));
          }
          setBrush(null);
        }}
      >
        {h.counts.map((c, i) =>
          c === 0 ? null : (
            <rect key={i} x={i * bw} y={H - AXIS - ((H - AXIS - 2) * c) / max} width={Math.max(1, bw - 0.5)} height={((H - AXIS - 2) * c) / max} className="hist-bar">
              <title>{`${formatCount(c)} events`}</title>
            </rect>
          ),
        )}
        {(s.clears ?? []).map((c) => {
          const t = ms(c.time);
          if (t === null) return null;
          const x = timeToX(domain, width, t);
          return (
            <line key={c.eventRowId} x1={x} x2={x} y1={0} y2={H - AXIS} className="hist-clear">
              <title>{`log cleared (${c.eventId}) on ${c.host}`}</title>
            </line>
          );
        })}
        {fromMs !== null && toMs !== null && (
          <rect
            x={timeToX(domain, width, fromMs)}
            y={0}
            width={Math.max(2, timeToX(domain, width, toMs) - timeToX(domain, width, fromMs))}
            height={H - AXIS}
            className="hist-range"
          />
        )}
        {brush && <rect x={Math.min(brush.a, brush.b)} y={0} width={Math.abs(brush.b - brush.a)} height={H - AXIS} className="hist-brush" />}
        {axis.map((t) => (
          <text key={t.t} x={t.x + 2} y={H - 3} className="tl-tick">{t.label}</text>
        ))}
      </svg>
      {s.from !== null && (
        <div className="hist-range-label small">
          <span className="mono">{formatInZone(s.from, s.zone, 's')} → {s.to ? formatInZone(s.to, s.zone, 's') : '…'}</span>
          <button type="button" className="link-button small" data-testid="clear-time-range" onClick={() => applyRange(null, null)}>
            clear time range
          </button>
        </div>
      )}
    </div>
  );
}
