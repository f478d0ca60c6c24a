// Allow-lists and baselines: conditions on a finding's event that mark it suppressed (never
// deleted), the YAML form investigators exchange, and baseline proposals from correlation.

import { randomUUID } from 'node:crypto';
import { parseDocument, stringify } from 'yaml';
import {
  ALLOW_LIMITS,
  AllowListError,
  validateNewEntry,
  type AllowCondition,
  type AllowListEntry,
  type BaselineCandidate,
  type NewAllowListEntry,
} from '../../../shared/allowlist.js';
import type { Finding, Suppression } from '../../../shared/findings.js';
import { imageName } from '../../../shared/normalize.js';
import { hostKeyOf, isoOf, type CorrelationResult } from '../correlate/index.js';
import type { FindingContext } from './findings.js';

export function newEntryId(): string {
  return 'al-' + randomUUID().slice(0, 13);
}

/** Completes a validated new entry with its id and time. */
export function makeEntry(entry: NewAllowListEntry, now = new Date()): AllowListEntry {
  return {
    id: newEntryId(),
    kind: entry.kind,
    ruleId: entry.ruleId,
    conditions: entry.conditions,
    reason: entry.reason,
    by: entry.by,
    at: entry.at ?? now.toISOString(),
  };
}

const wildcardCache = new Map<string, RegExp>();
/** `*` any run, `?` one character, everything else literal (backslashes are path separators). */
export function wildcardRegExp(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : '\\' + c));
    re = new RegExp(`^${body}$`, 'i');
    if (wildcardCache.size > 1000) wildcardCache.clear();
    wildcardCache.set(pattern, re);
  }
  return re;
}

/** A data field by name, case-insensitively (Windows field names vary in case across exports). */
function field(context: FindingContext, name: string): { value: string; clipped: boolean } | null {
  const exact = context.data[name];
  if (exact !== undefined) return { value: exact, clipped: context.clipped.includes(name) };
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(context.data)) {
    if (k.toLowerCase() === lower) return { value: v, clipped: context.clipped.includes(k) };
  }
  return null;
}

function first(context: FindingContext, names: readonly string[]): { value: string; clipped: boolean } | null {
  for (const n of names) {
    const f = field(context, n);
    if (f) return f;
  }
  return null;
}

const COMMAND_LINE_FIELDS = ['CommandLine', 'ProcessCommandLine'];
const IMAGE_FIELDS = ['NewProcessName', 'Image'];
const PARENT_IMAGE_FIELDS = ['ParentProcessName', 'ParentImage'];
const SOURCE_HOST_FIELDS = ['WorkstationName', 'IpAddress', 'SourceIp', 'SourceHostname', 'SourceAddress', 'ClientAddress'];

/** Image names compare by file name unless the condition gives a full path. */
function sameImage(condition: string, value: string): boolean {
  if (/[\\/]/.test(condition)) return condition.toLowerCase() === value.toLowerCase();
  return imageName(condition) === imageName(value);
}

export function conditionHolds(c: AllowCondition, finding: Pick<Finding, 'host'>, context: FindingContext): boolean {
  switch (c.kind) {
    case 'field': {
      const f = field(context, c.field);
      // A clipped value is not the whole value: it proves nothing either way, so it never matches.
      if (!f || f.clipped) return false;
      return c.match === 'equals' ? f.value.toLowerCase() === c.value.toLowerCase() : wildcardRegExp(c.value).test(f.value);
    }
    case 'host': {
      const key = hostKeyOf(c.host);
      if (hostKeyOf(finding.host) === key) return true;
      return SOURCE_HOST_FIELDS.some((n) => {
        const f = field(context, n);
        return f !== null && f.value.trim() !== '' && hostKeyOf(f.value) === key;
      });
    }
    case 'command-line': {
      const f = first(context, COMMAND_LINE_FIELDS);
      return f !== null && !f.clipped && f.value === c.value;
    }
    case 'chain': {
      const image = first(context, IMAGE_FIELDS);
      const parent = first(context, PARENT_IMAGE_FIELDS);
      const cmd = first(context, COMMAND_LINE_FIELDS);
      if (!image || !parent || !cmd || cmd.clipped) return false;
      return sameImage(c.image, image.value) && sameImage(c.parentImage, parent.value) && cmd.value === c.commandLine;
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

export function entryMatches(entry: AllowListEntry, finding: Pick<Finding, 'host' | 'ruleId'>, context: FindingContext): boolean {
  if (entry.ruleId !== '*' && entry.ruleId !== finding.ruleId) return false;
  return entry.conditions.length > 0 && entry.conditions.every((c) => conditionHolds(c, finding, context));
}

export function suppressionOf(entry: AllowListEntry): Suppression {
  return { entryId: entry.id, kind: entry.kind, reason: entry.reason, by: entry.by, at: entry.at };
}

/** The first entry (in list order) that matches the finding, as its suppression; else null. */
export function suppressionFor(
  entries: readonly AllowListEntry[],
  finding: Pick<Finding, 'host' | 'ruleId'>,
  context: FindingContext,
): Suppression | null {
  for (const e of entries) if (entryMatches(e, finding, context)) return suppressionOf(e);
  return null;
}

/** Same rule and same conditions: the same entry, whoever wrote it. */
export function sameEntry(a: Pick<AllowListEntry, 'ruleId' | 'conditions' | 'kind'>, b: Pick<AllowListEntry, 'ruleId' | 'conditions' | 'kind'>): boolean {
  return a.kind === b.kind && a.ruleId === b.ruleId && JSON.stringify(a.conditions) === JSON.stringify(b.conditions);
}

// ---------------------------------------------------------------------------------------------
// YAML. The file form is friendlier than the JSON form:
//
//   format: chainline-allowlist
//   version: 1
//   entries:
//     - kind: allow
//       rule: '*'
//       reason: …
//       by: …
//       at: 2024-03-12T12:00:00Z
//       when:
//         - {field: SubjectUserSid, equals: S-1-5-18}
//         - {field: ParentProcessName, like: 'C:\Windows\System32\svchost.exe'}
//         - {host: SCAN01, tag: scanner}
//         - {commandLine: '"C:\Program Files\x.exe" /update'}
//         - {chain: {parent: userinit.exe, image: cmd.exe, commandLine: …}}

export const ALLOWLIST_FORMAT = 'chainline-allowlist';

function conditionToYaml(c: AllowCondition): Record<string, unknown> {
  switch (c.kind) {
    case 'field':
      return c.match === 'equals' ? { field: c.field, equals: c.value } : { field: c.field, like: c.value };
    case 'host':
      return { host: c.host, tag: c.tag };
    case 'command-line':
      return { commandLine: c.value };
    case 'chain':
      return { chain: { parent: c.parentImage, image: c.image, commandLine: c.commandLine } };
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

export function allowListToYaml(entries: readonly AllowListEntry[]): string {
  const doc = {
    format: ALLOWLIST_FORMAT,
    version: 1,
    entries: entries.map((e) => ({
      id: e.id,
      kind: e.kind,
      rule: e.ruleId,
      reason: e.reason,
      by: e.by,
      at: e.at,
      when: e.conditions.map(conditionToYaml),
    })),
  };
  return '# Chainline allow-list: suppressed findings stay visible with the reason below.\n' + stringify(doc, { lineWidth: 0 });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function conditionFromYaml(v: unknown, what: string): unknown {
  if (!isRecord(v)) throw new AllowListError(`${what} must be a mapping`);
  const only = (allowed: string[]): void => {
    for (const k of Object.keys(v)) if (!allowed.includes(k)) throw new AllowListError(`${what}: unexpected key "${k}"`);
  };
  if ('field' in v) {
    only(['field', 'equals', 'like']);
    if ('equals' in v === 'like' in v) throw new AllowListError(`${what}: a field condition needs exactly one of "equals" or "like"`);
    return 'equals' in v
      ? { kind: 'field', field: v['field'], match: 'equals', value: scalarText(v['equals']) }
      : { kind: 'field', field: v['field'], match: 'wildcard', value: scalarText(v['like']) };
  }
  if ('host' in v) {
    only(['host', 'tag']);
    return { kind: 'host', host: v['host'], tag: v['tag'] ?? 'trusted' };
  }
  if ('commandLine' in v) {
    only(['commandLine']);
    return { kind: 'command-line', value: v['commandLine'] };
  }
  if ('chain' in v) {
    only(['chain']);
    const c = v['chain'];
    if (!isRecord(c)) throw new AllowListError(`${what}.chain must be a mapping with parent, image and commandLine`);
    for (const k of Object.keys(c)) {
      if (!['parent', 'image', 'commandLine'].includes(k)) throw new AllowListError(`${what}.chain: unexpected key "${k}"`);
    }
    return { kind: 'chain', parentImage: c['parent'], image: c['image'], commandLine: c['commandLine'] };
  }
  throw new AllowListError(`${what} must have one of the keys field, host, commandLine, chain`);
}

/** YAML turns `S-1-5-18` into a string but `1` into a number; equality values are text. */
function scalarText(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}

export interface ParsedAllowList {
  readonly entries: readonly (NewAllowListEntry & { readonly id?: string })[];
}

/** Parses and validates an allow-list file; errors name the line or the entry. */
export function parseAllowListYaml(text: string): ParsedAllowList {
  if (text.length > ALLOW_LIMITS.maxYaml) throw new AllowListError(`the allow-list is larger than ${ALLOW_LIMITS.maxYaml} bytes`);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new AllowListError(`YAML error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${e.message.split('\n')[0]}`);
  }
  // Dates stay text: `at: 2024-03-12T10:00:00Z` must not become a Date.
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!isRecord(root)) throw new AllowListError('the allow-list must be a mapping with "format" and "entries"');
  if (root['format'] !== ALLOWLIST_FORMAT) throw new AllowListError(`"format" must be "${ALLOWLIST_FORMAT}"`);
  if (root['version'] !== 1) throw new AllowListError('"version" must be 1');
  for (const k of Object.keys(root)) {
    if (!['format', 'version', 'entries'].includes(k)) throw new AllowListError(`unexpected top-level key "${k}"`);
  }
  const raw = root['entries'] ?? [];
  if (!Array.isArray(raw)) throw new AllowListError('"entries" must be a list');
  if (raw.length > ALLOW_LIMITS.maxEntries) throw new AllowListError(`more than ${ALLOW_LIMITS.maxEntries} entries`);
  const entries = raw.map((v, i) => {
    const what = `entries[${i}]`;
    if (!isRecord(v)) throw new AllowListError(`${what} must be a mapping`);
    for (const k of Object.keys(v)) {
      if (!['id', 'kind', 'rule', 'reason', 'by', 'at', 'when'].includes(k)) throw new AllowListError(`${what}: unexpected key "${k}"`);
    }
    const when = v['when'];
    if (!Array.isArray(when)) throw new AllowListError(`${what}.when must be a list of conditions`);
    const at = v['at'] instanceof Date ? v['at'].toISOString() : v['at'];
    const entry = validateNewEntry(
      {
        kind: v['kind'] ?? 'allow',
        ruleId: v['rule'] ?? '*',
        conditions: when.map((c, j) => conditionFromYaml(c, `${what}.when[${j}]`)),
        reason: v['reason'],
        by: v['by'],
        ...(at === undefined ? {} : { at }),
      },
      what,
    );
    const id = v['id'];
    if (id !== undefined && (typeof id !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(id))) {
      throw new AllowListError(`${what}.id must be up to 64 letters, digits or _ . : -`);
    }
    return id === undefined ? entry : { ...entry, id };
  });
  return { entries };
}

/**
 * Merges imported entries into a list: an entry already present (same id, or same rule and
 * conditions) is counted as a duplicate, the others are added with their own id when free.
 */
export function mergeImported(
  existing: readonly AllowListEntry[],
  imported: ParsedAllowList,
  now = new Date(),
): { entries: AllowListEntry[]; added: number; duplicates: number } {
  const out = [...existing];
  const ids = new Set(existing.map((e) => e.id));
  let added = 0;
  let duplicates = 0;
  for (const e of imported.entries) {
    if ((e.id && ids.has(e.id)) || out.some((x) => sameEntry(x, e))) {
      duplicates++;
      continue;
    }
    const made = makeEntry(e, now);
    const entry = e.id ? { ...made, id: e.id } : made;
    ids.add(entry.id);
    out.push(entry);
    added++;
  }
  if (out.length > ALLOW_LIMITS.maxEntries) throw new AllowListError(`the allow-list would hold more than ${ALLOW_LIMITS.maxEntries} entries`);
  return { entries: out, added, duplicates };
}

// ---------------------------------------------------------------------------------------------
// Baselines.

export interface BaselineOptions {
  /** Seen in at least this many logon sessions … */
  readonly minSessions?: number;
  /** … or on this many days … */
  readonly minDays?: number;
  /** … or in this many different hours (an hourly updater in one SYSTEM session). */
  readonly minHours?: number;
  readonly by?: string;
}

/**
 * Chains (parent image → image → exact command line) that recur across sessions, days or
 * hours: candidates for a baseline entry. The investigator decides; nothing is applied here.
 */
export function proposeBaselines(result: CorrelationResult, options: BaselineOptions = {}): BaselineCandidate[] {
  const minSessions = options.minSessions ?? 2;
  const minDays = options.minDays ?? 2;
  const minHours = options.minHours ?? 3;
  const byId = new Map(result.processes.map((p) => [p.id, p]));
  interface Group {
    parentImage: string;
    image: string;
    commandLine: string;
    hosts: Set<string>;
    sessions: Set<string>;
    days: Set<string>;
    hours: Set<string>;
    processIds: string[];
    first: number;
    last: number;
    firstIso: string;
    lastIso: string;
    count: number;
  }
  const groups = new Map<string, Group>();
  for (const p of result.processes) {
    if (p.placeholder || !p.start || p.commandLine === null || p.commandLine.trim() === '') continue;
    const parent = p.parentId ? byId.get(p.parentId) : undefined;
    const parentImage = parent?.image || p.parentImage;
    if (!parentImage) continue;
    const key = `${imageName(parentImage)}\u0000${imageName(p.image)}\u0000${p.commandLine}`;
    let g = groups.get(key);
    const iso = isoOf(p.start);
    if (!g) {
      g = {
        parentImage: imageName(parentImage),
        image: imageName(p.image),
        commandLine: p.commandLine,
        hosts: new Set(),
        sessions: new Set(),
        days: new Set(),
        hours: new Set(),
        processIds: [],
        first: p.start.ms,
        last: p.start.ms,
        firstIso: iso,
        lastIso: iso,
        count: 0,
      };
      groups.set(key, g);
    }
    g.count++;
    g.hosts.add(p.host);
    if (p.sessionId) g.sessions.add(p.sessionId);
    g.days.add(iso.slice(0, 10));
    g.hours.add(iso.slice(0, 13));
    if (g.processIds.length < 10) g.processIds.push(p.id);
    if (p.start.ms < g.first) {
      g.first = p.start.ms;
      g.firstIso = iso;
    }
    if (p.start.ms > g.last) {
      g.last = p.start.ms;
      g.lastIso = iso;
    }
  }
  const out: BaselineCandidate[] = [];
  for (const g of groups.values()) {
    if (g.count < 2) continue;
    if (g.sessions.size < minSessions && g.days.size < minDays && g.hours.size < minHours) continue;
    const seen = `${g.count} times in ${g.sessions.size} session(s) over ${g.days.size} day(s) on ${[...g.hosts].join(', ')}`;
    out.push({
      parentImage: g.parentImage,
      image: g.image,
      commandLine: g.commandLine,
      hosts: [...g.hosts].sort(),
      occurrences: g.count,
      sessions: g.sessions.size,
      days: g.days.size,
      first: g.firstIso,
      last: g.lastIso,
      processIds: g.processIds,
      entry: {
        kind: 'baseline',
        ruleId: '*',
        conditions: [{ kind: 'chain', parentImage: g.parentImage, image: g.image, commandLine: g.commandLine }],
        reason: `Recurring ${g.parentImage} → ${g.image}: ${seen}`,
        by: options.by ?? 'baseline proposal',
      },
    });
  }
  return out.sort((a, b) => b.occurrences - a.occurrences || a.image.localeCompare(b.image));
}
