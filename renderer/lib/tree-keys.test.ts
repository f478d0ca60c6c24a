import { describe, expect, it } from 'vitest';
import type { ProcessRow } from '../../shared/api.js';
import { buildProcessTree, edgeBasis, formatPid, searchTree, visibleRows } from './process-tree.js';
import { treeKey } from './tree-keys.js';

function proc(id: string, parentId: string | null, start: string, over: Partial<ProcessRow> = {}): ProcessRow {
  return {
    id, host: 'WS01', pid: Number(id.slice(1)) * 100, guid: null, image: `C:\\Windows\\System32\\${id}.exe`, commandLine: null,
    decodedCommand: null, start: `2024-03-12T10:24:${start}.0000000Z`, end: null, user: 'CORP\\jdoe', logonId: '0x5a4f02',
    sessionId: 's12', integrity: 'high', elevation: 'default', parentId, parentBasis: parentId ? 'pid+time' : '', candidates: [], ...over,
  };
}

// runas (parent outside the session) → cmd → {conhost, powershell → upd}; a second root.
const procs = [
  proc('p36', 'p35', '55'),
  proc('p33', 'p32', '51'),
  proc('p34', 'p33', '52'),
  proc('p35', 'p33', '53', { image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', decodedCommand: "$u='http://203.0.113.47/s.exe'", pid: 7996 }),
  proc('p40', 'p1', '59', { parentBasis: 'placeholder' }),
];
const tree = buildProcessTree(procs);

describe('process tree model', () => {
  it('roots processes whose parent is not in the session and orders children by start', () => {
    expect(tree.roots).toEqual(['p33', 'p40']);
    expect(tree.children.get('p33')).toEqual(['p34', 'p35']);
    expect(tree.parentOf.get('p36')).toBe('p35');
  });

  it('shows only expanded branches, with aria levels and positions', () => {
    expect(visibleRows(tree, new Set()).map((r) => r.id)).toEqual(['p33', 'p40']);
    const rows = visibleRows(tree, new Set(['p33', 'p35']));
    expect(rows.map((r) => [r.id, r.level, r.posinset, r.setsize])).toEqual([
      ['p33', 1, 1, 2], ['p34', 2, 1, 2], ['p35', 2, 2, 2], ['p36', 3, 1, 1], ['p40', 1, 2, 2],
    ]);
    expect(rows.find((r) => r.id === 'p34')?.hasChildren).toBe(false);
  });

  it('breaks a parent loop instead of recursing forever', () => {
    const loop = buildProcessTree([proc('p1', 'p2', '01'), proc('p2', 'p1', '02')]);
    expect(visibleRows(loop, new Set(['p1', 'p2'])).length).toBe(2);
  });

  it('searches image, decoded payload and PID (hex or decimal), keeping ancestors', () => {
    const s = searchTree(tree, '203.0.113.47')!;
    expect([...s.matches]).toEqual(['p35']);
    expect(visibleRows(tree, new Set(), s.keep).map((r) => r.id)).toEqual(['p33', 'p35']);
    expect([...searchTree(tree, '0x1f3c')!.matches]).toEqual(['p35']);
    expect([...searchTree(tree, '7996')!.matches]).toEqual(['p35']);
    expect(searchTree(tree, '  ')).toBeNull();
  });

  it('names the basis of each edge', () => {
    expect(edgeBasis(procs[0]!)).toEqual({ kind: 'pid+time' });
    expect(edgeBasis(procs[4]!)).toEqual({ kind: 'placeholder' });
    expect(edgeBasis(proc('p9', 'p8', '01', { parentBasis: 'pid+time (ambiguous: 3 candidates)', candidates: ['a', 'b', 'c'] }))).toEqual({ kind: 'ambiguous', candidates: 3 });
    expect(edgeBasis(proc('p9', 'p8', '01', { parentBasis: 'guid' }))).toEqual({ kind: 'guid' });
    expect(edgeBasis(proc('p9', null, '01'))).toEqual({ kind: 'none' });
    expect(formatPid(7996)).toBe('7996 (0x1f3c)');
  });
});

describe('tree keyboard handling (WAI-ARIA tree)', () => {
  const open = new Set(['p33', 'p35']);
  const rows = visibleRows(tree, open);

  it('moves with up and down, stopping at the ends', () => {
    expect(treeKey('ArrowDown', rows, 'p33')).toEqual({ focus: 'p34' });
    expect(treeKey('ArrowUp', rows, 'p34')).toEqual({ focus: 'p33' });
    expect(treeKey('ArrowUp', rows, 'p33')).toEqual({ focus: 'p33' });
    expect(treeKey('ArrowDown', rows, 'p40')).toEqual({ focus: 'p40' });
  });

  it('jumps with Home and End', () => {
    expect(treeKey('Home', rows, 'p36')).toEqual({ focus: 'p33' });
    expect(treeKey('End', rows, 'p33')).toEqual({ focus: 'p40' });
  });

  it('right opens a closed node, then enters it; on a leaf it stays', () => {
    const closed = visibleRows(tree, new Set(['p33']));
    expect(treeKey('ArrowRight', closed, 'p35')).toEqual({ focus: 'p35', expand: ['p35'] });
    expect(treeKey('ArrowRight', rows, 'p35')).toEqual({ focus: 'p36' });
    expect(treeKey('ArrowRight', rows, 'p34')).toEqual({ focus: 'p34' });
  });

  it('left closes an open node, else goes to the parent; a root stays', () => {
    expect(treeKey('ArrowLeft', rows, 'p35')).toEqual({ focus: 'p35', collapse: ['p35'] });
    expect(treeKey('ArrowLeft', rows, 'p36')).toEqual({ focus: 'p35' });
    expect(treeKey('ArrowLeft', rows, 'p40')).toEqual({ focus: 'p40' });
  });

  it('Enter activates; * opens the closed siblings; other keys are not the tree’s', () => {
    expect(treeKey('Enter', rows, 'p35')).toEqual({ focus: 'p35', activate: 'p35' });
    const closed = visibleRows(tree, new Set());
    expect(treeKey('*', closed, 'p33')).toEqual({ focus: 'p33', expand: ['p33'] });
    expect(treeKey('a', rows, 'p33')).toBeNull();
  });

  it('with nothing focused, navigation lands on the first (End: the last) row', () => {
    expect(treeKey('ArrowDown', rows, null)).toEqual({ focus: 'p33' });
    expect(treeKey('End', rows, 'gone')).toEqual({ focus: 'p40' });
    expect(treeKey('Enter', rows, null)).toBeNull();
    expect(treeKey('ArrowDown', [], 'p33')).toBeNull();
  });
});
