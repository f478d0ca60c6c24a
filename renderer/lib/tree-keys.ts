// Keyboard handling of the process tree, per the WAI-ARIA tree pattern: ↑/↓ move, → opens a
// closed node or enters an open one, ← closes an open node or goes to the parent, Home/End jump,
// Enter activates, * opens every sibling. Pure: the component applies the result.

import type { VisibleRow } from './process-tree.js';

export interface TreeKeyResult {
  /** The row to focus next. */
  readonly focus?: string;
  readonly expand?: readonly string[];
  readonly collapse?: readonly string[];
  /** Enter: open the row's record (select it). */
  readonly activate?: string;
}

/** What a key does on the visible rows with `focused` focused; null when the key is not the tree's. */
export function treeKey(key: string, rows: readonly VisibleRow[], focused: string | null): TreeKeyResult | null {
  if (rows.length === 0) return null;
  const index = focused === null ? -1 : rows.findIndex((r) => r.id === focused);
  const first = rows[0] as VisibleRow;
  const last = rows[rows.length - 1] as VisibleRow;
  if (index < 0) {
    // Nothing focused (or the focused row vanished): any navigation key lands on the first row.
    switch (key) {
      case 'ArrowDown':
      case 'ArrowUp':
      case 'ArrowLeft':
      case 'ArrowRight':
      case 'Home':
        return { focus: first.id };
      case 'End':
        return { focus: last.id };
      default:
        return null;
    }
  }
  const row = rows[index] as VisibleRow;
  switch (key) {
    case 'ArrowDown':
      return { focus: (rows[index + 1] ?? row).id };
    case 'ArrowUp':
      return { focus: (rows[index - 1] ?? row).id };
    case 'Home':
      return { focus: first.id };
    case 'End':
      return { focus: last.id };
    case 'ArrowRight':
      if (!row.hasChildren) return { focus: row.id };
      if (!row.expanded) return { focus: row.id, expand: [row.id] };
      return { focus: (rows[index + 1] ?? row).id };
    case 'ArrowLeft':
      if (row.hasChildren && row.expanded) return { focus: row.id, collapse: [row.id] };
      return { focus: row.parentId ?? row.id };
    case 'Enter':
      return { focus: row.id, activate: row.id };
    case '*': {
      const siblings = rows.filter((r) => r.parentId === row.parentId && r.hasChildren && !r.expanded).map((r) => r.id);
      return { focus: row.id, expand: siblings };
    }
    default:
      return null;
  }
}
