import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { parseTimestamp, ticksToEpochMs } from '../../shared/time.js';
import { escapeControlsSingleLine, clipText } from '../lib/escape-text.js';
import { emptyChain, processCreationEvents } from '../lib/chain-table.js';
import { baseName } from '../lib/process-tree.js';
import { fitDomain, formatSpan, msToIso, panBy, ticks, timeToX, wheelFactor, zoomAt, type TimeDomain } from '../lib/time-scale.js';
import { formatInZone, zoneOffsetAt } from '../lib/time-zone.js';
import { useAppStore } from '../store/app-store.js';
import { useWidth } from './use-width.js';

export type Lane = 'logons' | 'processes' | 'scripts' | 'services' | 'network' | 'findings';
const LANES: readonly Lane[] = ['logons', 'processes', 'scripts', 'services', 'network', 'findings'];
const LANE_H = 30;
const AXIS_H = 22;
const LABEL_W = 84;

interface Mark {
  readonly lane: Lane;
  readonly start: number;
  readonly end: number | null;
  readonly eventId: number | null;
  readonly label: string;
  /** Processes stack in rows inside their lane. */
  readonly row: number;
  /** Extra class (a finding's severity). */
  readonly cls?: string;
}

function ms(iso: string | null): number | null {
  if (iso === null) return null;
  const p = parseTimestamp(iso);
  return p ? ticksToEpochMs(p.ticks) + Number(p.ticks % 10_000n) / 10_000 : null;
}

function laneOf(kind: string): Lane | null {
  switch (kind) {
    case 'logon':
    case 'logoff':
    case 'privileges':
    case 'explicit-credentials':
    case 'created-session':
      return 'logons';
    case 'script':
      return 'scripts';
    case 'service':
      return 'services';
    case 'network':
    case 'lateral-in':
    case 'lateral-out':
      return 'network';
    default:
      return null; // processes are drawn from their nodes (start → end), not from chain steps
  }
}

const PROCESS_ROWS = 3;


export function TimelineView() {
  const { chain, processes, zone, openEvent, setTimeRange } = useAppStore(
    useShallow((s) => ({ chain: s.chain, processes: s.chainProcesses, zone: s.zone, openEvent: s.openEvent, setTimeRange: s.navigate })),
  );
  const selectedId = useAppStore((s) => s.selectedId);
  const findings = useAppStore((s) => s.sessionFindings);
  const marks = useMemo<Mark[]>(() => {
    const out: Mark[] = [];
    for (const f of findings ?? []) {
      const t = ms(f.time);
      if (t === null) continue;
      out.push({
        lane: 'findings',
        start: t,
        end: null,
        eventId: f.eventIds[0] ?? null,
        label: `${f.level}${f.suppressed ? ' (suppressed)' : ''}: ${f.ruleTitle} — ${clipText(f.summary, 200).text}`,
        row: 0,
        cls: f.suppressed ? 'tl-sev-suppressed' : `tl-sev-${f.level}`,
      });
    }
    const steps = chain ?? emptyChain();
    for (let i = 0; i < steps.length; i++) {
      const kind = steps.kindAt(i);
      const lane = laneOf(kind);
      if (lane === null) continue;
      const t = ms(steps.timeAt(i));
      if (t !== null) out.push({ lane, start: t, end: null, eventId: steps.firstEventIdAt(i) ?? null, label: `${kind}: ${clipText(steps.reasonAt(i), 200).text}`, row: 0 });
    }
    const creation = processCreationEvents(steps);
    const procs = [...(processes ?? [])].sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));
    procs.forEach((p, i) => {
      const s = ms(p.start);
      if (s === null) return;
      out.push({
        lane: 'processes',
        start: s,
        end: ms(p.end),
        eventId: creation.get(p.id) ?? null,
        label: `${baseName(p.image)} PID ${p.pid ?? '?'}${p.end ? '' : ' (still running at the end of the evidence)'}`,
        row: i % PROCESS_ROWS,
      });
    });
    return out;
  }, [chain, processes, findings]);
  const extent = useMemo(() => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of marks) {
      lo = Math.min(lo, m.start);
      hi = Math.max(hi, m.end ?? m.start);
    }
    return Number.isFinite(lo) ? { lo, hi } : null;
  }, [marks]);
  const [boxRef, boxWidth] = useWidth(900);
  const width = Math.max(200, boxWidth - LABEL_W);
  const [domain, setDomain] = useState<TimeDomain | null>(null);
  useEffect(() => {
    setDomain(extent ? fitDomain(extent.lo, extent.hi) : null);
  }, [extent]);
  const [hover, setHover] = useState<Mark | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = svgRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const x = e.clientX - el.getBoundingClientRect().left - LABEL_W;
      setDomain((d) => (d ? zoomAt(d, width, x, wheelFactor(e.deltaY)) : d));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [width, domain === null]);
  const drag = useRef<{ x: number; moved: boolean } | null>(null);
  if (chain === null) return <p className="muted pad">Loading the timeline…</p>;
  if (!domain || !extent) return <p className="muted pad">Nothing in this session has a time to draw.</p>;
  const offset = zoneOffsetAt(zone, domain.start);
  const axis = ticks(domain, width, offset);
  const height = AXIS_H + LANES.length * LANE_H;
  const onPointerDown = (e: ReactPointerEvent<SVGSVGElement>) => {
    drag.current = { x: e.clientX, moved: false };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (Math.abs(dx) > 2) d.moved = true;
    if (d.moved) {
      d.x = e.clientX;
      setDomain((cur) => (cur ? panBy(cur, width, dx) : cur));
    }
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const zoom = (factor: number) => setDomain((d) => (d ? zoomAt(d, width, width / 2, factor) : d));
  const iso = msToIso;
  return (
    <div className="timeline-view" data-testid="timeline-view" ref={boxRef}>
      <div className="view-toolbar">
        <button type="button" onClick={() => zoom(0.5)} aria-label="Zoom in">+</button>
        <button type="button" onClick={() => zoom(2)} aria-label="Zoom out">−</button>
        <button type="button" onClick={() => setDomain(fitDomain(extent.lo, extent.hi))}>Fit session</button>
        <button
          type="button"
          data-testid="timeline-filter"
          title="Show only the events of the visible window in the table"
          onClick={() => setTimeRange({ kind: 'filter', text: useAppStore.getState().text, host: useAppStore.getState().host, from: iso(domain.start), to: iso(domain.end) })}
        >
          Filter table to this window
        </button>
        <span className="small muted">
          {formatSpan(domain.end - domain.start)} shown · wheel zooms at the cursor, drag pans · click a mark to open its record
        </span>
      </div>
      <svg
        ref={svgRef}
        className="timeline-svg"
        width={width + LABEL_W}
        height={height}
        role="img"
        aria-label={`Session timeline from ${formatInZone(iso(domain.start), zone, 's')} to ${formatInZone(iso(domain.end), zone, 's')}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <g transform={`translate(${LABEL_W},0)`}>
          {axis.map((t) => (
            <g key={t.t} transform={`translate(${t.x},0)`}>
              <line y1={AXIS_H - 4} y2={height} className={t.major ? 'tl-grid tl-grid-major' : 'tl-grid'} />
              <text y={12} x={3} className="tl-tick">{t.label}</text>
            </g>
          ))}
        </g>
        {LANES.map((lane, i) => (
          <g key={lane} transform={`translate(0,${AXIS_H + i * LANE_H})`} data-lane={lane}>
            <rect x={0} y={0} width={width + LABEL_W} height={LANE_H} className={i % 2 ? 'tl-lane tl-lane-odd' : 'tl-lane'} />
            <text x={6} y={LANE_H / 2 + 4} className="tl-lane-label">{lane}</text>
          </g>
        ))}
        <g transform={`translate(${LABEL_W},0)`}>
          {marks.map((m, k) => {
            const laneIndex = LANES.indexOf(m.lane);
            const y = AXIS_H + laneIndex * LANE_H;
            const x0 = timeToX(domain, width, m.start);
            if (m.lane === 'processes') {
              const x1 = m.end === null ? width + 4 : timeToX(domain, width, m.end);
              if (x1 < -2 || x0 > width + 2) return null;
              const left = Math.max(-2, x0);
              const barH = (LANE_H - 6) / PROCESS_ROWS;
              return (
                <rect
                  key={k}
                  x={left}
                  y={y + 3 + m.row * barH}
                  width={Math.max(3, Math.min(width + 4, x1) - left)}
                  height={barH - 1}
                  className={'tl-bar' + (m.end === null ? ' tl-bar-open' : '') + (m.eventId !== null && m.eventId === selectedId ? ' tl-selected' : '')}
                  data-testid="timeline-mark"
                  onPointerEnter={() => setHover(m)}
                  onPointerLeave={() => setHover(null)}
                  onClick={() => m.eventId !== null && !drag.current?.moved && openEvent(m.eventId)}
                >
                  <title>{escapeControlsSingleLine(m.label)}</title>
                </rect>
              );
            }
            if (x0 < -6 || x0 > width + 6) return null;
            return (
              <circle
                key={k}
                cx={x0}
                cy={y + LANE_H / 2}
                r={5}
                className={'tl-dot tl-dot-' + m.lane + (m.cls ? ' ' + m.cls : '') + (m.eventId !== null && m.eventId === selectedId ? ' tl-selected' : '')}
                data-testid="timeline-mark"
                data-mark-lane={m.lane}
                onPointerEnter={() => setHover(m)}
                onPointerLeave={() => setHover(null)}
                onClick={() => m.eventId !== null && openEvent(m.eventId)}
              >
                <title>{escapeControlsSingleLine(m.label)}</title>
              </circle>
            );
          })}
        </g>
        {!marks.some((m) => m.lane === 'findings') && (
          <text x={LABEL_W + 6} y={AXIS_H + LANES.indexOf('findings') * LANE_H + LANE_H / 2 + 4} className="tl-empty">
            {findings === null ? 'loading findings…' : 'no findings in this session'}
          </text>
        )}
      </svg>
      <div className="timeline-hover small" aria-live="polite">
        {hover ? (
          <>
            <span className="mono">{formatInZone(iso(hover.start), zone)}</span> {escapeControlsSingleLine(hover.label)}
          </>
        ) : (
          <span className="muted">Hover a mark to see its event.</span>
        )}
      </div>
    </div>
  );
}
