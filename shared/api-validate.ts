// Argument validation for every API method. Both shells run it on everything that crosses
// the boundary (Electron main on IPC arguments, `chainline serve` on request bodies), so a
// compromised or buggy renderer cannot hand the engine anything the contract does not allow.

import {
  API_LIMITS,
  EXPORT_KINDS,
  API_METHODS,
  type ApiArgs,
  type ApiMethod,
  type EventFilter,
  type EventQuery,
  type HistogramRequest,
  type ReportRequest,
  type ExportKind,
  type RuleFoldersRequest,
  type NoteInput,
  type OpenEvidenceRequest,
} from './api.js';
import { ALLOW_LIMITS, AllowListError, validateNewEntry } from './allowlist.js';
import { SEVERITIES, type FindingQuery, type Severity } from './findings.js';

export class ApiValidationError extends Error {
  override readonly name = 'ApiValidationError';
}

function fail(message: string): never {
  throw new ApiValidationError(message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) &&
    (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${what}: unexpected field "${key}"`);
  }
}

function str(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string') fail(`${what} must be a string`);
  if (value.length > max) fail(`${what} is longer than ${max} characters`);
  if (value.includes('\u0000')) fail(`${what} contains a NUL character`);
  return value;
}

function int(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${what} must be an integer`);
  if (value < min || value > max) fail(`${what} must be between ${min} and ${max}`);
  return value;
}

function list<T>(value: unknown, what: string, max: number, item: (v: unknown, w: string) => T): T[] {
  if (!Array.isArray(value)) fail(`${what} must be an array`);
  if (value.length > max) fail(`${what} has more than ${max} items`);
  return value.map((v, i) => item(v, `${what}[${i}]`));
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function iso(value: unknown, what: string): string {
  const text = str(value, what, 40);
  if (!ISO_RE.test(text)) fail(`${what} must be an ISO 8601 UTC time`);
  return text;
}

export function validateFilter(value: unknown): EventFilter {
  if (!isPlainObject(value)) fail('filter must be an object');
  onlyKeys(value, ['eventIds', 'hosts', 'channels', 'text', 'from', 'to'], 'filter');
  const out: { -readonly [K in keyof EventFilter]: EventFilter[K] } = {};
  if (value['eventIds'] !== undefined) {
    out.eventIds = list(value['eventIds'], 'filter.eventIds', API_LIMITS.maxFilterItems, (v, w) => int(v, w, 0, 65535));
  }
  if (value['hosts'] !== undefined) {
    out.hosts = list(value['hosts'], 'filter.hosts', API_LIMITS.maxFilterItems, (v, w) => str(v, w, 1024));
  }
  if (value['channels'] !== undefined) {
    out.channels = list(value['channels'], 'filter.channels', API_LIMITS.maxFilterItems, (v, w) => str(v, w, 1024));
  }
  if (value['text'] !== undefined) out.text = str(value['text'], 'filter.text', API_LIMITS.maxFilterText);
  if (value['from'] !== undefined) out.from = iso(value['from'], 'filter.from');
  if (value['to'] !== undefined) out.to = iso(value['to'], 'filter.to');
  return out;
}

function validateQuery(value: unknown): EventQuery {
  if (!isPlainObject(value)) fail('query must be an object');
  onlyKeys(value, ['filter', 'sort', 'offset', 'limit'], 'query');
  const sort = value['sort'];
  if (sort !== 'asc' && sort !== 'desc') fail('query.sort must be "asc" or "desc"');
  return {
    filter: validateFilter(value['filter'] ?? {}),
    sort,
    offset: int(value['offset'], 'query.offset', 0, Number.MAX_SAFE_INTEGER),
    limit: int(value['limit'], 'query.limit', 1, API_LIMITS.maxPageSize),
  };
}

function validateFindingQuery(value: unknown): FindingQuery {
  if (!isPlainObject(value)) fail('query must be an object');
  onlyKeys(value, ['suppressed', 'minLevel', 'ruleId', 'sessionId', 'processId', 'host', 'eventId', 'offset', 'limit'], 'query');
  const out: { -readonly [K in keyof FindingQuery]: FindingQuery[K] } = {
    offset: int(value['offset'], 'query.offset', 0, Number.MAX_SAFE_INTEGER),
    limit: int(value['limit'], 'query.limit', 1, API_LIMITS.maxPageSize),
  };
  if (value['suppressed'] !== undefined) {
    if (typeof value['suppressed'] !== 'boolean') fail('query.suppressed must be a boolean');
    out.suppressed = value['suppressed'];
  }
  if (value['minLevel'] !== undefined) {
    if (!(SEVERITIES as readonly unknown[]).includes(value['minLevel'])) fail(`query.minLevel must be one of ${SEVERITIES.join(', ')}`);
    out.minLevel = value['minLevel'] as Severity;
  }
  if (value['ruleId'] !== undefined) out.ruleId = str(value['ruleId'], 'query.ruleId', 256);
  if (value['sessionId'] !== undefined) out.sessionId = str(value['sessionId'], 'query.sessionId', 64);
  if (value['processId'] !== undefined) out.processId = str(value['processId'], 'query.processId', 64);
  if (value['host'] !== undefined) out.host = str(value['host'], 'query.host', 1024);
  if (value['eventId'] !== undefined) out.eventId = int(value['eventId'], 'query.eventId', 0, Number.MAX_SAFE_INTEGER);
  return out;
}

function validateOpenEvidence(value: unknown): OpenEvidenceRequest {
  if (!isPlainObject(value)) fail('request must be an object');
  onlyKeys(value, ['paths'], 'request');
  const paths = list(value['paths'], 'paths', API_LIMITS.maxPaths, (v, w) => str(v, w, API_LIMITS.maxPathLength));
  if (paths.length === 0) fail('paths must name at least one file or folder');
  for (const p of paths) if (p.trim() === '') fail('paths must not be empty');
  return { paths };
}

function validateReportRequest(value: unknown): ReportRequest {
  if (!isPlainObject(value)) fail('request must be an object');
  onlyKeys(value, ['sessionIds', 'analyst', 'format'], 'request');
  const sessionIds = list(value['sessionIds'], 'sessionIds', 100, (v, w) => str(v, w, 64));
  const analyst = str(value['analyst'], 'analyst', 200);
  if (value['format'] !== 'html' && value['format'] !== 'pdf') fail('format must be "html" or "pdf"');
  return { sessionIds, analyst, format: value['format'] };
}

function validateRuleFolders(value: unknown): RuleFoldersRequest {
  if (!isPlainObject(value)) fail('request must be an object');
  onlyKeys(value, ['dirs', 'builtin'], 'request');
  const dirs = list(value['dirs'], 'dirs', 100, (v, w) => str(v, w, API_LIMITS.maxPathLength));
  for (const d of dirs) if (d.trim() === '') fail('dirs must not be empty');
  if (typeof value['builtin'] !== 'boolean') fail('builtin must be true or false');
  return { dirs, builtin: value['builtin'] };
}

function validateHistogram(value: unknown): HistogramRequest {
  if (!isPlainObject(value)) fail('request must be an object');
  onlyKeys(value, ['filter', 'buckets'], 'request');
  return {
    filter: validateFilter(value['filter'] ?? {}),
    buckets: int(value['buckets'], 'request.buckets', 1, API_LIMITS.maxBuckets),
  };
}

function validateNote(value: unknown): NoteInput {
  if (!isPlainObject(value)) fail('note must be an object');
  onlyKeys(value, ['target', 'label', 'bookmarked', 'tags', 'text'], 'note');
  const target = value['target'];
  if (!isPlainObject(target)) fail('note.target must be an object');
  onlyKeys(target, ['kind', 'id'], 'note.target');
  const kind = target['kind'];
  if (kind !== 'event' && kind !== 'process' && kind !== 'session') fail('note.target.kind must be event, process or session');
  const id = str(target['id'], 'note.target.id', 64);
  if (id === '') fail('note.target.id must not be empty');
  if (kind === 'event' && !/^\d{1,15}$/.test(id)) fail('note.target.id of an event must be its numeric id');
  if (typeof value['bookmarked'] !== 'boolean') fail('note.bookmarked must be a boolean');
  const tags = list(value['tags'], 'note.tags', API_LIMITS.maxTags, (v, w) => {
    const tag = str(v, w, API_LIMITS.maxTagLength).trim();
    if (tag === '') fail(`${w} must not be empty`);
    return tag;
  });
  return {
    target: { kind, id },
    label: str(value['label'], 'note.label', API_LIMITS.maxNoteLabel),
    bookmarked: value['bookmarked'],
    tags,
    text: str(value['text'], 'note.text', API_LIMITS.maxNoteText),
  };
}

function noArgs(args: readonly unknown[], method: string): [] {
  if (args.length !== 0) fail(`${method} takes no arguments`);
  return [];
}

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

/** Checks a call's arguments against the contract; throws ApiValidationError otherwise. */
export function validateArgs<M extends ApiMethod>(method: M, args: readonly unknown[]): ApiArgs<M> {
  const m: ApiMethod = method;
  switch (m) {
    case 'getAppInfo':
    case 'pickEvidence':
    case 'getIngestStatus':
    case 'cancelIngest':
    case 'getCaseOverview':
      return noArgs(args, m) as ApiArgs<M>;
    case 'openEvidence':
      if (args.length !== 1) fail('openEvidence takes one argument');
      return [validateOpenEvidence(args[0])] as ApiArgs<M>;
    case 'queryEvents':
      if (args.length !== 1) fail('queryEvents takes one argument');
      return [validateQuery(args[0])] as ApiArgs<M>;
    case 'getEventDetail':
      if (args.length !== 1) fail('getEventDetail takes one argument');
      return [int(args[0], 'eventId', 0, Number.MAX_SAFE_INTEGER)] as ApiArgs<M>;
    case 'listSessions':
      return noArgs(args, m) as ApiArgs<M>;
    case 'getSessionChain':
    case 'getSessionProcesses':
      if (args.length !== 1) fail(`${m} takes one argument`);
      return [str(args[0], 'sessionId', 64)] as ApiArgs<M>;
    case 'getHostProcesses':
      if (args.length !== 1) fail('getHostProcesses takes one argument');
      return [str(args[0], 'host', 1024)] as ApiArgs<M>;
    case 'findProcesses': {
      if (args.length !== 1) fail('findProcesses takes one argument');
      const q = args[0];
      if (!isPlainObject(q)) fail('query must be an object');
      onlyKeys(q, ['text', 'limit'], 'query');
      return [{ text: str(q['text'], 'query.text', API_LIMITS.maxFilterText), limit: int(q['limit'], 'query.limit', 1, API_LIMITS.maxProcessHits) }] as ApiArgs<M>;
    }
    case 'listFindings':
      if (args.length !== 1) fail('listFindings takes one argument');
      return [validateFindingQuery(args[0])] as ApiArgs<M>;
    case 'getFindingsSummary':
    case 'getAllowList':
    case 'exportAllowList':
    case 'getAttackLayer':
    case 'getBaselineCandidates':
    case 'getRuleStatus':
      return noArgs(args, m) as ApiArgs<M>;
    case 'createReport':
      if (args.length !== 1) fail('createReport takes one argument');
      return [validateReportRequest(args[0])] as ApiArgs<M>;
    case 'exportCase': {
      if (args.length !== 1) fail('exportCase takes one argument');
      const r = args[0];
      if (!isPlainObject(r)) fail('request must be an object');
      onlyKeys(r, ['kind', 'path'], 'request');
      if (!(EXPORT_KINDS as readonly unknown[]).includes(r['kind'])) fail(`kind must be one of ${EXPORT_KINDS.join(', ')}`);
      const path = str(r['path'], 'path', API_LIMITS.maxPathLength);
      if (path.trim() === '') fail('path must not be empty');
      return [{ kind: r['kind'] as ExportKind, path }] as ApiArgs<M>;
    }
    case 'setRuleFolders':
      if (args.length !== 1) fail('setRuleFolders takes one argument');
      return [validateRuleFolders(args[0])] as ApiArgs<M>;
    case 'addAllowListEntry':
      if (args.length !== 1) fail('addAllowListEntry takes one argument');
      try {
        return [validateNewEntry(args[0])] as ApiArgs<M>;
      } catch (error) {
        if (error instanceof AllowListError) fail(error.message);
        throw error;
      }
    case 'removeAllowListEntry':
      if (args.length !== 1) fail('removeAllowListEntry takes one argument');
      return [str(args[0], 'id', 64)] as ApiArgs<M>;
    case 'importAllowList':
      if (args.length !== 1) fail('importAllowList takes one argument');
      return [str(args[0], 'yamlText', ALLOW_LIMITS.maxYaml)] as ApiArgs<M>;
    case 'getHuntingQueries':
      if (args.length !== 1) fail('getHuntingQueries takes one argument');
      return [str(args[0], 'findingId', 512)] as ApiArgs<M>;
    case 'getEventHistogram':
      if (args.length !== 1) fail('getEventHistogram takes one argument');
      return [validateHistogram(args[0])] as ApiArgs<M>;
    case 'getProcessPage': {
      if (args.length !== 1) fail('getProcessPage takes one argument');
      const r = args[0];
      if (!isPlainObject(r)) fail('request must be an object');
      onlyKeys(r, ['scope', 'id', 'offset', 'limit'], 'request');
      if (r['scope'] !== 'session' && r['scope'] !== 'host' && r['scope'] !== 'chain') fail('request.scope must be "session", "host" or "chain"');
      return [{
        scope: r['scope'],
        id: str(r['id'], 'request.id', r['scope'] === 'host' ? 1024 : 64),
        offset: int(r['offset'], 'request.offset', 0, Number.MAX_SAFE_INTEGER),
        limit: int(r['limit'], 'request.limit', 1, API_LIMITS.maxPageSize),
      }] as ApiArgs<M>;
    }
    case 'getSessionChainPage': {
      if (args.length !== 1) fail('getSessionChainPage takes one argument');
      const r = args[0];
      if (!isPlainObject(r)) fail('request must be an object');
      onlyKeys(r, ['sessionId', 'offset', 'limit'], 'request');
      return [{
        sessionId: str(r['sessionId'], 'request.sessionId', 64),
        offset: int(r['offset'], 'request.offset', 0, Number.MAX_SAFE_INTEGER),
        limit: int(r['limit'], 'request.limit', 1, API_LIMITS.maxPageSize),
      }] as ApiArgs<M>;
    }
    case 'listNotes':
    case 'getCoverage':
      return noArgs(args, m) as ApiArgs<M>;
    case 'saveNote':
      if (args.length !== 1) fail('saveNote takes one argument');
      return [validateNote(args[0])] as ApiArgs<M>;
    case 'deleteNote':
      if (args.length !== 1) fail('deleteNote takes one argument');
      return [int(args[0], 'noteId', 1, Number.MAX_SAFE_INTEGER)] as ApiArgs<M>;
    default: {
      const unreachable: never = m;
      return fail(`unknown method ${String(unreachable)}`);
    }
  }
}
