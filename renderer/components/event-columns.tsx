import {
  columnResizingFeature,
  columnSizingFeature,
  createColumnHelper,
  rowSortingFeature,
  tableFeatures,
} from '@tanstack/react-table';
import type { EventRow } from '../../shared/api.js';
import { TimeText } from './time-text.js';
import { clipText, escapeControlsSingleLine } from '../lib/escape-text.js';

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

// Module level: stable identity, so the table never rebuilds its columns.
export const eventColumns = helper.columns([
  helper.accessor((r) => r.row?.time, {
    id: 'time',
    header: 'Time',
    size: 262,
    minSize: 120,
    enableSorting: true,
    cell: (info) => {
      const row = info.row.original.row;
      // TimeText follows the display zone from the store on its own; the columns stay stable.
      return row ? <TimeText iso={row.time} precision={row.timePrecision} /> : <Placeholder />;
    },
  }),
  helper.accessor((r) => r.row?.host, {
    id: 'host',
    header: 'Host',
    size: 150,
    minSize: 60,
    enableSorting: false,
    cell: (info) => {
      const row = info.row.original.row;
      return row ? escapeControlsSingleLine(row.host) : <Placeholder />;
    },
  }),
  helper.accessor((r) => r.row?.channel, {
    id: 'channel',
    header: 'Channel',
    size: 210,
    minSize: 60,
    enableSorting: false,
    cell: (info) => {
      const row = info.row.original.row;
      return row ? escapeControlsSingleLine(row.channel) : <Placeholder />;
    },
  }),
  helper.accessor((r) => r.row?.eventId, {
    id: 'eventId',
    header: 'Event ID',
    size: 76,
    minSize: 50,
    enableSorting: false,
    cell: (info) => {
      const row = info.row.original.row;
      return row ? String(row.eventId) : <Placeholder />;
    },
  }),
  helper.accessor((r) => r.row?.summary, {
    id: 'summary',
    header: 'Summary',
    size: 300,
    minSize: 120,
    enableSorting: false,
    cell: (info) => {
      const row = info.row.original.row;
      if (!row) return <Placeholder />;
      const text = escapeControlsSingleLine(clipText(row.summary, SUMMARY_MAX).text);
      return (
        <span title={text}>
          {row.recovered && <span className="badge badge-warn">recovered</span>}
          {text}
        </span>
      );
    },
  }),
]);

/** CSS grid columns: fixed widths, the summary takes the rest. */
export function gridTemplate(sizes: readonly { id: string; size: number }[]): string {
  return sizes.map((c) => (c.id === 'summary' ? `minmax(${c.size}px, 1fr)` : `${c.size}px`)).join(' ');
}
