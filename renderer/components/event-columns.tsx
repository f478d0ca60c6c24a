import {
  columnResizingFeature,
  columnSizingFeature,
  createColumnHelper,
  rowSortingFeature,
  tableFeatures,
} from '@tanstack/react-table';
import type { ReactNode } from 'react';
import type { EventRow } from '../../shared/api.js';
import { clipText, escapeControlsSingleLine } from '../lib/escape-text.js';
import { formatInZone, type DisplayZone } from '../lib/time-zone.js';

/** One rendered slot of the virtual window: the row once its page has arrived. */
export interface WindowRow {
  readonly index: number;
  readonly row: EventRow | undefined;
}

export const tableFeaturesSet = tableFeatures({ rowSortingFeature, columnSizingFeature, columnResizingFeature });

const helper = createColumnHelper<typeof tableFeaturesSet, WindowRow>();

/** Longest summary rendered into a cell; the rest is in the detail pane. */
const SUMMARY_MAX = 1000;

function Placeholder() {
  return <span className="placeholder" aria-hidden="true" />;
}

// Module level: stable identity, so the table never rebuilds its columns. TanStack Table keeps
// the header, sorting and column sizes; the body's cells are drawn by eventCell (below) without
// a row model: scrolling replaces the whole window of rows each frame on a fast drag, and
// building TanStack rows and cells for it was script in every frame.
export const eventColumns = helper.columns([
  helper.accessor((r) => r.row?.time, { id: 'time', header: 'Time', size: 262, minSize: 120, enableSorting: true }),
  helper.accessor((r) => r.row?.host, { id: 'host', header: 'Host', size: 150, minSize: 60, enableSorting: false }),
  helper.accessor((r) => r.row?.channel, { id: 'channel', header: 'Channel', size: 210, minSize: 60, enableSorting: false }),
  helper.accessor((r) => r.row?.eventId, { id: 'eventId', header: 'Event ID', size: 76, minSize: 50, enableSorting: false }),
  helper.accessor((r) => r.row?.summary, { id: 'summary', header: 'Summary', size: 300, minSize: 120, enableSorting: false }),
]);

/** The column ids in order (the body's cells follow them). */
export const EVENT_COLUMN_IDS = ['time', 'host', 'channel', 'eventId', 'summary'] as const;
export type EventColumnId = (typeof EVENT_COLUMN_IDS)[number];

/**
 * One body cell's content: the event's value, or a placeholder while its page loads. The time is
 * in the display zone the table passes (one store subscription for the table, not one per row).
 */
export function eventCell(id: EventColumnId, row: EventRow | undefined, zone: DisplayZone): ReactNode {
  if (!row) return <Placeholder />;
  switch (id) {
    case 'time':
      return (
        <time className="mono " dateTime={row.time} title={row.time}>
          {formatInZone(row.time, zone, row.timePrecision)}
        </time>
      );
    case 'host':
      return escapeControlsSingleLine(row.host);
    case 'channel':
      return escapeControlsSingleLine(row.channel);
    case 'eventId':
      return String(row.eventId);
    case 'summary': {
      const text = escapeControlsSingleLine(clipText(row.summary, SUMMARY_MAX).text);
      return (
        <span title={text}>
          {row.recovered && <span className="badge badge-warn">recovered</span>}
          {text}
        </span>
      );
    }
    default: {
      const unreachable: never = id;
      return unreachable;
    }
  }
}

/** CSS grid columns: fixed widths, the summary takes the rest. */
export function gridTemplate(sizes: readonly { id: string; size: number }[]): string {
  return sizes.map((c) => (c.id === 'summary' ? `minmax(${c.size}px, 1fr)` : `${c.size}px`)).join(' ');
}
