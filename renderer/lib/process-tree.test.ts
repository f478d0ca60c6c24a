import { describe, expect, it } from 'vitest';
import type { ProcessRow } from '../../shared/api.js';
import { seededRandom } from '../../electron/engine/testing/seeded-random.js';
import { buildProcessTree, buildProcessTreeInSlices } from './process-tree.js';

function proc(id: string, parentId: string | null, start: number): ProcessRow {
  return {
    id, host: 'WS01', pid: 4, guid: null, image: `C:\\${id}.exe`, commandLine: null, decodedCommand: null,
    start: `2024-03-12T10:00:${String(start % 60).padStart(2, '0')}.0000000Z`, end: null, user: 'u', logonId: null, sessionId: 's1',
    integrity: null, elevation: null, parentId, parentBasis: parentId ? 'pid+time' : '', candidates: [],
  };
}

/** The tree parents as they were first computed: one walk up per process, cut where it loops. */
function parentsByWalking(processes: readonly ProcessRow[]): Map<string, string | null> {
  const byId = new Map(processes.map((p) => [p.id, p]));
  const out = new Map<string, string | null>();
  for (const p of processes) {
    let parent = p.parentId !== null && byId.has(p.parentId) && p.parentId !== p.id ? p.parentId : null;
    if (parent !== null) {
      const seen = new Set([p.id]);
      let cur: string | null = parent;
      while (cur !== null) {
        if (seen.has(cur)) {
          parent = null;
          break;
        }
        seen.add(cur);
        const up: string | null | undefined = byId.get(cur)?.parentId;
        cur = up !== undefined && up !== null && byId.has(up) ? up : null;
      }
    }
    out.set(p.id, parent);
  }
  return out;
}

describe('buildProcessTree parent edges', () => {
  it('cuts the edges of every process whose chain of parents runs into a loop, as one walk per process did', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = seededRandom(seed);
      const n = 1 + Math.floor(rnd() * 40);
      const procs: ProcessRow[] = [];
      for (let i = 0; i < n; i++) {
        // Parents anywhere (loops, self-loops), outside the list, or none.
        const r = rnd();
        const parent = r < 0.1 ? null : r < 0.2 ? `x${i}` : `p${Math.floor(rnd() * n)}`;
        procs.push(proc(`p${i}`, parent, Math.floor(rnd() * 60)));
      }
      const tree = buildProcessTree(procs);
      expect(tree.parentOf, `seed ${seed}`).toEqual(parentsByWalking(procs));
      // Every process is reachable from a root exactly once.
      const seen: string[] = [];
      const walk = (ids: readonly string[]): void => {
        for (const id of ids) {
          seen.push(id);
          walk(tree.children.get(id) ?? []);
        }
      };
      walk(tree.roots);
      expect(seen.sort()).toEqual(procs.map((p) => p.id).sort());
    }
  });

  it('keeps a deep chain without loops whole', () => {
    const procs = Array.from({ length: 5000 }, (_, i) => proc(`p${i}`, i === 0 ? null : `p${i - 1}`, i));
    const tree = buildProcessTree(procs);
    expect(tree.roots).toEqual(['p0']);
    expect(tree.parentOf.get('p4999')).toBe('p4998');
  });
});

describe('buildProcessTreeInSlices', () => {
  const randomProcs = (seed: number, n: number): ProcessRow[] => {
    const rnd = seededRandom(seed);
    const procs: ProcessRow[] = [];
    for (let i = 0; i < n; i++) {
      const r = rnd();
      const parent = r < 0.05 ? null : r < 0.1 ? `x${i}` : r < 0.2 ? `p${Math.floor(rnd() * n)}` : `p${Math.max(0, i - 1 - Math.floor(rnd() * 50))}`;
      procs.push(proc(`p${i}`, parent, Math.floor(rnd() * 60)));
    }
    return procs;
  };

  it('builds the same tree as buildProcessTree, yielding between slices', async () => {
    for (const [seed, n] of [[1, 0], [2, 1], [3, 600], [4, 3000], [5, 5000]] as const) {
      const procs = randomProcs(seed, n);
      let yields = 0;
      const tree = await buildProcessTreeInSlices(procs, { sliceMs: 0, yieldTo: async () => void yields++ });
      const once = buildProcessTree(procs);
      expect(tree.roots, `seed ${seed}`).toEqual(once.roots);
      expect([...tree.children], `seed ${seed}`).toEqual([...once.children]);
      expect([...tree.parentOf], `seed ${seed}`).toEqual([...once.parentOf]);
      expect([...tree.byId.keys()]).toEqual([...once.byId.keys()]);
      // Children in start order (ties by id), as the tree shows them.
      for (const [, kids] of tree.children) {
        const starts = kids.map((id) => tree.byId.get(id)!.start!);
        expect(starts).toEqual([...starts].sort());
      }
      if (n >= 3000) expect(yields).toBeGreaterThan(n / 512);
    }
  });

  it('stops when its signal is aborted', async () => {
    const procs = randomProcs(9, 5000);
    const controller = new AbortController();
    let yields = 0;
    const built = buildProcessTreeInSlices(procs, {
      signal: controller.signal,
      sliceMs: 0,
      yieldTo: async () => {
        if (++yields === 3) controller.abort();
      },
    });
    await expect(built).rejects.toThrow();
    expect(yields).toBe(3);
  });
});
