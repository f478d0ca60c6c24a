// The OTRF Empire PSRemoting dataset: correlation must reproduce the investigator's ground truth
// and draw no edge that the Sysmon GUIDs contradict.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../shared/events.js';
import { SHARED_DIR, SHARED_MISSING_REASON, sharedAvailable } from '../testing/shared-data.js';
import { jsonReader } from '../readers/json/json-reader.js';
import { correlate } from './correlate.js';
import { toCorrelationInput, type CorrelationInput } from './input.js';
import type { CorrelationResult, ProcessNode } from './model.js';
import { buildAnalysisDocument } from './document.js';
import { sessionChain } from './chain.js';

const DATASET = resolve(SHARED_DIR, 'chains', 'empire_psremoting_stager_2020-09-20170827.json');
const TRUTH = resolve(SHARED_DIR, 'chains', 'empire_psremoting_stager_2020-09-20170827.ground_truth.json');

interface Truth {
  readonly host: string;
  readonly logon_4624: { readonly TargetLogonId: string; readonly LogonType: string; readonly TargetUserName: string; readonly TargetDomainName: string; readonly LogonGuid: string };
  readonly edges: ReadonlyArray<{
    readonly host: string;
    readonly child_pid_hex: string;
    readonly child_image: string;
    readonly parent_pid_hex: string;
    readonly parent_image: string;
    readonly child_guid: string;
    readonly parent_guid: string;
    readonly parent_in_chain: boolean;
  }>;
  readonly processes: ReadonlyArray<{ readonly image: string; readonly effective_logon_id: string; readonly sec4688: { readonly RecordNumber: number } }>;
  readonly scriptblocks_4104: ReadonlyArray<{ readonly ScriptBlockId: string; readonly ExecutionProcessID: number; readonly attributed_pid_hex: string; readonly text_len: number; readonly text_prefix: string }>;
}

const bareGuid = (g: string): string => g.replace(/[{}]/g, '').toUpperCase();

if (!sharedAvailable()) console.warn(`empire.shared.test: ${SHARED_MISSING_REASON}`);

describe.skipIf(!sharedAvailable())('correlation on the Empire PSRemoting dataset', () => {
  let truth: Truth;
  let events: NormalizedEvent[];
  let result: CorrelationResult;
  const byGuid = new Map<string, ProcessNode>();

  beforeAll(async () => {
    truth = JSON.parse(readFileSync(TRUTH, 'utf8')) as Truth;
    events = [];
    const inputs: CorrelationInput[] = [];
    for await (const batch of jsonReader.read(DATASET)) {
      for (const item of batch) {
        if (item.kind !== 'event') continue;
        const row = events.length;
        events.push(item.event);
        const input = toCorrelationInput(item.event, row);
        if (input) inputs.push(input);
      }
    }
    result = correlate(inputs);
    for (const p of result.processes) if (p.guid) byGuid.set(`${p.hostKey}|${p.guid}`, p);
  });

  it('finds the three hosts', () => {
    expect(result.hosts.map((h) => h.key)).toEqual(['mordordc', 'workstation5', 'workstation6']);
  });

  it('reproduces the 4624 session and its details', () => {
    const t = truth.logon_4624;
    const matches = result.sessions.filter((s) => s.hostKey === truth.host.toLowerCase() && s.logonId === t.TargetLogonId);
    expect(matches).toHaveLength(1);
    const s = matches[0]!;
    expect(s.logonRow).not.toBeNull();
    expect(s.logonType).toBe(Number(t.LogonType));
    expect(s.user).toBe(t.TargetUserName);
    expect(s.domain).toBe(t.TargetDomainName);
    expect(s.logonGuid).toBe(t.LogonGuid);
    expect(s.admin).toBe(true);
    // Every process of the ground truth belongs to it.
    for (const p of truth.processes) {
      const node = result.processes.find((n) => n.securityRow !== null && events[n.securityRow]!.system.recordId === p.sec4688.RecordNumber);
      expect(node, p.image).toBeDefined();
      expect(node!.logonId).toBe(p.effective_logon_id);
      expect(node!.sessionId).toBe(s.id);
    }
  });

  it('reproduces every ground-truth edge with PIDs and GUIDs, 4688 and Sysmon 1 as one node', () => {
    for (const e of truth.edges) {
      const hostKey = e.host.toLowerCase();
      const child = byGuid.get(`${hostKey}|${bareGuid(e.child_guid)}`);
      expect(child, e.child_image).toBeDefined();
      expect(child!.pid).toBe(parseInt(e.child_pid_hex, 16));
      expect(child!.image.toLowerCase()).toBe(e.child_image.toLowerCase());
      expect(child!.securityRow).not.toBeNull();
      expect(child!.sysmonRow).not.toBeNull();
      const parent = result.processes.find((p) => p.id === child!.parentId);
      expect(parent, `parent of ${e.child_image}`).toBeDefined();
      expect(parent!.guid).toBe(bareGuid(e.parent_guid));
      expect(parent!.pid).toBe(parseInt(e.parent_pid_hex, 16));
      expect(parent!.image.toLowerCase()).toBe(e.parent_image.toLowerCase());
      expect(parent!.placeholder).toBe(!e.parent_in_chain);
      expect(child!.parentBasis).toBe(e.parent_in_chain ? 'guid' : 'placeholder');
    }
    const ps = byGuid.get(`${truth.host.toLowerCase()}|${bareGuid(truth.edges[1]!.child_guid)}`)!;
    expect(ps.decodedCommand).toContain('$PSVErSioNTaBlE');
  });

  it('attaches the 4104 block to that powershell.exe', () => {
    for (const b of truth.scriptblocks_4104) {
      const block = result.scripts.find((s) => s.scriptBlockId === b.ScriptBlockId);
      expect(block).toBeDefined();
      expect(block!.pid).toBe(b.ExecutionProcessID);
      expect(block!.missingParts).toEqual([]);
      expect(block!.text.length).toBe(b.text_len);
      expect(block!.text.startsWith(b.text_prefix)).toBe(true);
      const proc = result.processes.find((p) => p.id === block!.processId);
      expect(proc?.pid).toBe(parseInt(b.attributed_pid_hex, 16));
      expect(proc?.image.toLowerCase()).toContain('powershell.exe');
    }
  });

  it('draws no wrong edge: every PID+time parent agrees with the GUID parent', () => {
    let compared = 0;
    for (const p of result.processes) {
      if (p.placeholder || !p.guid || !p.parentGuid) continue;
      const guidParent = byGuid.get(`${p.hostKey}|${p.parentGuid}`);
      if (p.pidTimeParentId !== null && guidParent && !guidParent.placeholder) {
        compared++;
        expect(p.pidTimeParentId, `${p.image} PID ${p.pid}`).toBe(guidParent.id);
      }
      if (guidParent) expect(p.parentId).toBe(guidParent.id);
    }
    expect(compared).toBeGreaterThanOrEqual(3);
    // No process is its own ancestor.
    const byId = new Map(result.processes.map((p) => [p.id, p]));
    for (const p of result.processes) {
      const seen = new Set<string>();
      for (let q: ProcessNode | undefined = p; q; q = q.parentId ? byId.get(q.parentId) : undefined) {
        expect(seen.has(q.id)).toBe(false);
        seen.add(q.id);
      }
    }
  });

  it('tells the session chain and links the remoting source on WORKSTATION5', () => {
    const s = result.sessions.find((x) => x.logonId === truth.logon_4624.TargetLogonId)!;
    const chain = sessionChain(result, s.id);
    const kinds = chain.map((c) => c.kind);
    expect(kinds[0]).toBe('logon');
    expect(kinds).toContain('script');
    const script = chain.find((c) => c.kind === 'script')!;
    expect(script.reason).toMatch(/^4104 ExecutionProcessID 10116 = powershell\.exe PID 10116 of this session at 21:09:11/);
    const lat = result.lateral.find((l) => l.targetSessionId === s.id);
    expect(lat?.sourceHostKey).toBe('workstation5');
    // The source side: WORKSTATION5's powershell.exe connecting to WinRM (5985) on WORKSTATION6
    // (WORKSTATION5 has no process-creation records in this dataset, so no process node).
    expect(lat?.basis).toMatch(/Sysmon 3 connection to 172\.18\.39\.6:5985 by powershell\.exe/);
    expect(events[lat!.sourceRow!]!.system.computer).toBe('WORKSTATION5.theshire.local');
    const doc = buildAnalysisDocument(result);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(doc.sessions.find((x) => x.id === s.id)?.start).toBe('2020-09-20T21:09:08.0000000Z');
  });
});
