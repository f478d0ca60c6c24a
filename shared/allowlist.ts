// Allow-list and baseline entries: how an investigator quiets a finding without deleting it.
// Plain JSON so they cross the API, live in the case, and round-trip through YAML.

/**
 * One condition on the finding's event. All conditions of an entry must hold.
 * - `field`: an event data field (SubjectUserSid, ParentProcessName, …) equals a value, or
 *   matches a wildcard pattern (`*` any run, `?` one character); case-insensitive, as Windows is.
 * - `host`: the finding's host, or the event's source workstation/IP, is this host (a
 *   vulnerability scanner, say). `tag` says why the host is trusted.
 * - `command-line`: the process's command line is exactly this text (case and spaces count).
 * - `chain`: the baseline form: parent image → image → command line, as seen again and again
 *   (a logon script). Images compare by file name; the command line exactly.
 */
export type AllowCondition =
  | { readonly kind: 'field'; readonly field: string; readonly match: 'equals' | 'wildcard'; readonly value: string }
  | { readonly kind: 'host'; readonly host: string; readonly tag: string }
  | { readonly kind: 'command-line'; readonly value: string }
  | { readonly kind: 'chain'; readonly parentImage: string; readonly image: string; readonly commandLine: string };

export const ALLOW_CONDITION_KINDS: readonly AllowCondition['kind'][] = ['field', 'host', 'command-line', 'chain'];

export interface AllowListEntry {
  readonly id: string;
  /** `allow`: a false positive the investigator explains; `baseline`: normal, recurring activity. */
  readonly kind: 'allow' | 'baseline';
  /** The rule it applies to, or `*` for any rule. */
  readonly ruleId: string;
  readonly conditions: readonly AllowCondition[];
  readonly reason: string;
  readonly by: string;
  /** ISO time the entry was made. */
  readonly at: string;
}

/** What `addAllowListEntry` takes: the id and, when absent, the time are filled in. */
export interface NewAllowListEntry {
  readonly kind: 'allow' | 'baseline';
  readonly ruleId: string;
  readonly conditions: readonly AllowCondition[];
  readonly reason: string;
  readonly by: string;
  readonly at?: string;
}

export interface AllowListImportResult {
  readonly added: number;
  /** Entries already in the list (same rule and conditions) are not added twice. */
  readonly duplicates: number;
  readonly entries: readonly AllowListEntry[];
}

/** Limits the shells enforce on entries (the YAML import applies the same). */
export const ALLOW_LIMITS = {
  maxEntries: 10_000,
  maxConditions: 16,
  maxValue: 32_768,
  maxText: 4096,
  maxYaml: 8 * 1024 * 1024,
} as const;

export class AllowListError extends Error {
  override readonly name = 'AllowListError';
}

function bad(message: string): never {
  throw new AllowListError(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, what: string, max: number, allowEmpty = false): string {
  if (typeof value !== 'string') bad(`${what} must be a string`);
  if (value.length > max) bad(`${what} is longer than ${max} characters`);
  if (value.includes('\u0000')) bad(`${what} contains a NUL character`);
  if (!allowEmpty && value.trim() === '') bad(`${what} must not be empty`);
  return value;
}

function keysOnly(value: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(value)) if (!allowed.includes(k)) bad(`${what}: unexpected field "${k}"`);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Checks one condition in its JSON form (the API's). */
export function validateCondition(value: unknown, what: string): AllowCondition {
  if (!isRecord(value)) bad(`${what} must be an object`);
  const kind = value['kind'];
  switch (kind) {
    case 'field': {
      keysOnly(value, ['kind', 'field', 'match', 'value'], what);
      const match = value['match'];
      if (match !== 'equals' && match !== 'wildcard') bad(`${what}.match must be "equals" or "wildcard"`);
      const field = text(value['field'], `${what}.field`, 256);
      if (!/^[A-Za-z0-9_.\-]+$/.test(field)) bad(`${what}.field must be a field name (letters, digits, _ . -)`);
      return { kind, field, match, value: text(value['value'], `${what}.value`, ALLOW_LIMITS.maxValue, true) };
    }
    case 'host':
      keysOnly(value, ['kind', 'host', 'tag'], what);
      return { kind, host: text(value['host'], `${what}.host`, 1024), tag: text(value['tag'], `${what}.tag`, 256) };
    case 'command-line':
      keysOnly(value, ['kind', 'value'], what);
      return { kind, value: text(value['value'], `${what}.value`, ALLOW_LIMITS.maxValue) };
    case 'chain':
      keysOnly(value, ['kind', 'parentImage', 'image', 'commandLine'], what);
      return {
        kind,
        parentImage: text(value['parentImage'], `${what}.parentImage`, 4096),
        image: text(value['image'], `${what}.image`, 4096),
        commandLine: text(value['commandLine'], `${what}.commandLine`, ALLOW_LIMITS.maxValue, true),
      };
    default:
      return bad(`${what}.kind must be one of ${ALLOW_CONDITION_KINDS.map((k) => `"${k}"`).join(', ')}`);
  }
}

/** Checks a new entry in its JSON form (what `addAllowListEntry` receives). */
export function validateNewEntry(value: unknown, what = 'entry'): NewAllowListEntry {
  if (!isRecord(value)) bad(`${what} must be an object`);
  keysOnly(value, ['kind', 'ruleId', 'conditions', 'reason', 'by', 'at'], what);
  const kind = value['kind'];
  if (kind !== 'allow' && kind !== 'baseline') bad(`${what}.kind must be "allow" or "baseline"`);
  const ruleId = text(value['ruleId'], `${what}.ruleId`, 256);
  const raw = value['conditions'];
  if (!Array.isArray(raw)) bad(`${what}.conditions must be an array`);
  if (raw.length > ALLOW_LIMITS.maxConditions) bad(`${what}.conditions has more than ${ALLOW_LIMITS.maxConditions} items`);
  const conditions = raw.map((c, i) => validateCondition(c, `${what}.conditions[${i}]`));
  // An entry without a condition would quiet every finding of the rule (or of all rules): that
  // is disabling a rule, not allow-listing, and must be said with at least one condition.
  if (conditions.length === 0) bad(`${what}.conditions must hold at least one condition`);
  if (kind === 'baseline' && !conditions.some((c) => c.kind === 'chain')) bad(`${what}: a baseline entry needs a "chain" condition`);
  const out: { -readonly [K in keyof NewAllowListEntry]: NewAllowListEntry[K] } = {
    kind,
    ruleId,
    conditions,
    reason: text(value['reason'], `${what}.reason`, ALLOW_LIMITS.maxText),
    by: text(value['by'], `${what}.by`, 256),
  };
  if (value['at'] !== undefined) {
    const at = text(value['at'], `${what}.at`, 40);
    if (!ISO.test(at)) bad(`${what}.at must be an ISO 8601 UTC time`);
    out.at = at;
  }
  return out;
}

/** A chain seen again and again, proposed as a baseline entry (detect/allowlist.ts). */
export interface BaselineCandidate {
  readonly parentImage: string;
  readonly image: string;
  readonly commandLine: string;
  readonly hosts: readonly string[];
  readonly occurrences: number;
  readonly sessions: number;
  readonly days: number;
  readonly first: string;
  readonly last: string;
  /** A few of the processes (ProcessRow.id). */
  readonly processIds: readonly string[];
  readonly entry: NewAllowListEntry;
}
