// The correlation core: logon sessions, process trees, script blocks, services and lateral
// movement from an array of CorrelationInput. Pure and synchronous. Every lookup goes through
// a Map of time-sorted arrays and a binary search, so the cost is O(n log n).
//
// Time. Each time stands for the interval its precision allows: 10:00:05 at precision `s` is
// [10:00:05, 10:00:06). "a strictly before b" means a's interval ends at or before b starts;
// two times neither of which is strictly before the other are "unordered".
//
// Sessions are keyed by host + LogonId + boot epoch. A boot epoch starts at each 4608/4609/
// 6005/6006/6008 (markers within 10 minutes are one restart). Within an epoch every 4624
// starts a new session (a LogonId is unique per boot, so a second 4624 with it means a missed
// boot marker); an event belongs to the latest session of its LogonId whose logon is not
// strictly after it. Events before any 4624, or for LogonIds never logged on, make a session
// without a logon event. SYSTEM/NETWORK SERVICE/LOCAL SERVICE (0x3e7/0x3e4/0x3e5/0x3e6) are
// one session per epoch however many type 5 logons they log.
//
// Process identity. A 4688 and a Sysmon 1 are one process when host, PID (or, when the Sysmon
// record lost its ProcessId, the image), image name and parent PID agree and their times are
// within their precisions plus `mergeSlackMs`; the finer time is the creation time.
//
// Parents. With Sysmon, ParentProcessGuid decides (basis `guid`). Otherwise the candidates
// for the parent are the processes of the same host and boot with PID = the child's parent
// PID that were
//   - not created strictly after the child,
//   - not exited strictly before the child was created,
//   - of the image named by ParentProcessName/ParentImage (when both are known),
//   - not ruled out by PID uniqueness: if some holder H of that PID was created strictly
//     before the child, every holder created strictly before H had exited before H got the
//     PID (Windows never gives a live process's PID to another), even when its exit is
//     missing from the logs.
// One candidate: basis `pid+time`. Several (they were created in the same second as each
// other, or one was created in the child's own second so it may be younger than the child):
// basis `pid+time (ambiguous: n candidates)`, `candidates` lists them and parentId stays
// null: nothing is guessed. None: a placeholder named from ParentProcessName (basis
// `placeholder`), one per host + boot + PID + image, shared by later siblings until a
// process start or an exit with that PID shows the PID changed hands (Sysmon placeholders
// are keyed by the parent GUID). `pidTimeParentId` keeps the PID+time answer even where the
// GUID decided, so the two can be compared.

import { imageName as imageNameOf } from '../../../shared/normalize.js';
import { hostKeyOf, isAddress } from '../../../shared/host-key.js';
import { decodePowerShell, decodedSummary } from './decode-powershell.js';
import type {
  BootInput,
  CorrelationInput,
  CorrelationTime,
  ExplicitCredentialsInput,
  LogoffInput,
  LogonInput,
  PrivilegesInput,
  ProcessActivityInput,
  ProcessEndInput,
  ProcessStartInput,
  ScriptBlockInput,
  ServiceInstallInput,
} from './input.js';
import type {
  BinaryOrigin,
  CorrelatedHost,
  CorrelationResult,
  LateralEdge,
  ParentBasis,
  ProcessNode,
  ScriptBlock,
  ServiceInstall,
  Session,
} from './model.js';
import { compareTime, diffTicks, strictlyBefore } from './time.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MSession = Mutable<Session> & { privilegeRows: number[]; logoffRows: number[]; explicitCredentialRows: number[] };
/**
 * A process while it is being worked on. Until ids exist, the link fields hold the linked
 * objects themselves (parentId → parent, pidTimeParentId → PID+time parent, candidates →
 * candidate processes, sessionId → session) and are turned into ids at the end: the result
 * is then the very objects built here, with no second copy of 300 000 processes.
 */
type MProcess = Mutable<ProcessNode> & { endRows: number[]; activity: ProcessActivityInput[]; candidates: string[] };
const parentOf = (p: MProcess): MProcess | null => p.parentId as unknown as MProcess | null;
const pidParentOf = (p: MProcess): MProcess | null => p.pidTimeParentId as unknown as MProcess | null;
const candidateNodesOf = (p: MProcess): MProcess[] => p.candidates as unknown as MProcess[];
const sessionOf = (p: MProcess): MSession | null => p.sessionId as unknown as MSession | null;
// Most processes have no exit rows, activity or candidates: they share this empty list until
// something is added (never pushed into).
const SHARED_EMPTY: never[] = [];
function addTo<T>(list: T[], value: T): T[] {
  if (list === SHARED_EMPTY) return [value];
  list.push(value);
  return list;
}

export interface CorrelateOptions {
  /** 4688 and Sysmon 1 of one process: times further apart than their precisions plus this are different processes. */
  readonly mergeSlackMs?: number;
  /** Boot markers closer than this are one boot. */
  readonly bootMergeMs?: number;
  /** 7045 and 4697 of one install are at most this far apart. */
  readonly serviceJoinMs?: number;
  /** How long after an install services.exe's process still counts as the service's start. */
  readonly serviceStartWindowMs?: number;
  /** Source-side activity this long before a remote logon is linked to it. */
  readonly lateralWindowMs?: number;
  /** Told how long each phase took (for the benchmark). */
  readonly onPhase?: (phase: string, ms: number) => void;
}

const DEFAULTS: Required<Omit<CorrelateOptions, 'onPhase'>> = {
  mergeSlackMs: 1000,
  bootMergeMs: 10 * 60_000,
  serviceJoinMs: 5 * 60_000,
  serviceStartWindowMs: 24 * 3_600_000,
  lateralWindowMs: 2 * 60_000,
};

/** LogonIds that stay the same for a whole boot: SYSTEM, NETWORK SERVICE, LOCAL SERVICE, anonymous. */
/** How far back a command line naming a service's binary is looked for. */
const NAMES_IT_WINDOW_MS = 3_600_000;

const WELL_KNOWN_LOGON_IDS = new Set(['0x3e7', '0x3e4', '0x3e5', '0x3e6']);

// ---------------------------------------------------------------------------------------------
// Hosts

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

// Hosts are keyed by shared/host-key.ts (also used by the store's findings-by-host query).
export { hostKeyOf };

const IP_CACHE = new Map<string, string | null>();
/** The address in comparable form, or null for none/loopback/unspecified; memoised (addresses repeat). */
function ipKey(ip: string | undefined): string | null {
  if (!ip) return null;
  let k = IP_CACHE.get(ip);
  if (k === undefined) {
    k = usableIp(ip) ? normIp(ip) : null;
    if (IP_CACHE.size > 100_000) IP_CACHE.clear();
    IP_CACHE.set(ip, k);
  }
  return k;
}

function usableIp(ip: string | undefined): ip is string {
  if (!ip) return false;
  const t = ip.trim().toLowerCase();
  if (t === '' || t === '-' || t === '::1' || t === '0.0.0.0' || t === '::' || t.startsWith('127.')) return false;
  return isAddress(t);
}

function normIp(ip: string): string {
  const t = ip.trim().toLowerCase();
  return t.startsWith('::ffff:') && IPV4.test(t.slice(7)) ? t.slice(7) : t;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

export function byTime<T extends CorrelationTime & { readonly row: number }>(a: T, b: T): number {
  return a.ms - b.ms || a.sub - b.sub || a.row - b.row;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Sorts records in place exactly as `list.sort(byTime)` would (ms, then sub, then row; equal
 * records keep their order). Records read back from a case come mostly in import order, or
 * out of order only locally (interleaved hosts, 1-second times): the built-in TimSort does
 * well on those (measured on the benchmark's set: up to 35 % of neighbours out of order,
 * still faster than the keys below). Records in no order to speak of (40 % or more of
 * neighbours out of order; 50 % for a random order) are sorted without a comparator call per
 * comparison instead: (ms − earliest, index) packed into 64-bit keys that a BigUint64Array
 * sorts natively, then each run of one ms put in (sub, row) order. A million records in
 * random order: 1.3 s with the comparator, 0.1 s so. Times that do not fit the key (not whole
 * ms, or too wide a span) take the comparator.
 */
export function sortByTime<T extends CorrelationTime & { readonly row: number }>(list: T[]): void {
  const n = list.length;
  if (n < 2) return;
  // How much out of order, from up to 4096 neighbouring pairs (the choice of method only).
  const step = Math.max(1, Math.floor((n - 1) / 4096));
  let pairs = 0;
  let descents = 0;
  for (let i = 1; i < n; i += step, pairs++) if (byTime(list[i - 1] as T, list[i] as T) > 0) descents++;
  if (descents * 5 < pairs * 2) {
    list.sort(byTime);
    return;
  }
  // Each field read once into packed arrays: the lists are of ten record kinds, and reads
  // that see that many are slow (and box every `ms`).
  const msOf = new Float64Array(n);
  const subOf = new Float64Array(n);
  const rowOf = new Float64Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = list[i] as T;
    const ms = r.ms;
    const sub = r.sub;
    if (!Number.isInteger(ms) || !Number.isInteger(sub)) {
      list.sort(byTime);
      return;
    }
    msOf[i] = ms;
    subOf[i] = sub;
    rowOf[i] = r.row;
    if (ms < min) min = ms;
    if (ms > max) max = ms;
  }
  const indexBits = Math.max(1, Math.ceil(Math.log2(n)));
  if (indexBits > 31 || max - min >= 2 ** (64 - indexBits) || max - min > Number.MAX_SAFE_INTEGER) {
    list.sort(byTime);
    return;
  }
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer);
  const lo = LITTLE_ENDIAN ? 0 : 1;
  const hi = 1 - lo;
  const relLoSpan = 2 ** (32 - indexBits);
  const indexSpan = 2 ** indexBits;
  for (let i = 0; i < n; i++) {
    const rel = (msOf[i] as number) - min;
    const relLo = rel % relLoSpan;
    words[2 * i + hi] = (rel - relLo) / relLoSpan;
    words[2 * i + lo] = relLo * indexSpan + i;
  }
  keys.sort();
  const mask = indexSpan - 1;
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = (words[2 * k + lo] as number) & mask;
  // Runs of one ms are in input order: put them in (sub, row) order, stably.
  const after = (a: number, b: number): number => (subOf[a] as number) - (subOf[b] as number) || (rowOf[a] as number) - (rowOf[b] as number);
  for (let start = 0; start < n; ) {
    const ms = msOf[order[start] as number] as number;
    let end = start + 1;
    while (end < n && msOf[order[end] as number] === ms) end++;
    if (end - start > 1) {
      if (end - start <= 32) {
        for (let i = start + 1; i < end; i++) {
          const x = order[i] as number;
          let j = i - 1;
          while (j >= start && after(order[j] as number, x) > 0) {
            order[j + 1] = order[j] as number;
            j--;
          }
          order[j + 1] = x;
        }
      } else {
        const run = Array.from(order.subarray(start, end)).sort(after);
        order.set(run, start);
      }
    }
    start = end;
  }
  const original = list.slice();
  for (let i = 0; i < n; i++) list[i] = original[order[i] as number] as T;
}

/** Index of the last element whose `ms` ≤ `ms` (−1 when none); arr sorted by time. */
function lastAtOrBefore(arr: readonly CorrelationTime[], ms: number): number {
  let lo = 0;
  let hi = arr.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((arr[mid] as CorrelationTime).ms <= ms) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** lastAtOrBefore over processes sorted by creation (no array of times is built). */
function lastStart(list: readonly ProcessNode[], ms: number): number {
  let lo = 0;
  let hi = list.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (((list[mid] as ProcessNode).start as CorrelationTime).ms <= ms) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** firstAtOrAfter over processes sorted by creation. */
function firstStart(list: readonly ProcessNode[], ms: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (((list[mid] as ProcessNode).start as CorrelationTime).ms < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Processes of one host and PID by creation, with their creation `ms` beside them in a packed
 * array: the binary searches (about a million per million events) then read consecutive
 * doubles instead of following two pointers per step (measured: 1 s of cache misses at 1M).
 */
class StartList {
  readonly nodes: MProcess[] = [];
  readonly ms: number[] = [];
  /** Exits (4689, Sysmon 5) with this PID, by time; a list of their own only once there is one. */
  exits: CorrelationTime[] = SHARED_EMPTY;
  add(node: MProcess): void {
    this.nodes.push(node);
    this.ms.push((node.start as CorrelationTime).ms);
  }
  /** Index of the last process created at or before `ms` (−1 when none). */
  lastAtOrBefore(ms: number): number {
    const a = this.ms;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((a[mid] as number) <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}

/** Index of the first element whose `ms` ≥ `ms` (arr.length when none). */
function firstAtOrAfter(arr: readonly CorrelationTime[], ms: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((arr[mid] as CorrelationTime).ms < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** firstAtOrAfter over indexes into `records` (sorted by time). */
function firstIndexAtOrAfter(records: readonly CorrelationTime[], indexes: readonly number[], ms: number): number {
  let lo = 0;
  let hi = indexes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((records[indexes[mid] as number] as CorrelationTime).ms < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Map keyed by host then by a per-host key: no key strings built per lookup. */
class HostMap<K, V> {
  private readonly byHost = new Map<string, Map<K, V>>();
  get(host: string, key: K): V | undefined {
    return this.byHost.get(host)?.get(key);
  }
  set(host: string, key: K, value: V): void {
    let inner = this.byHost.get(host);
    if (!inner) {
      inner = new Map();
      this.byHost.set(host, inner);
    }
    inner.set(key, value);
  }
  *values(): IterableIterator<V> {
    for (const inner of this.byHost.values()) yield* inner.values();
  }
  *entries(): IterableIterator<[string, K, V]> {
    for (const [host, inner] of this.byHost) for (const [k, v] of inner) yield [host, k, v];
  }
}

function pushHost<K, V>(map: HostMap<K, V[]>, host: string, key: K, value: V): void {
  const list = map.get(host, key);
  if (list) list.push(value);
  else map.set(host, key, [value]);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// Image paths repeat (interned by toCorrelationInput): their lower-case names are computed once.
const IMAGE_NAMES = new Map<string, string>();
function imageName(path: string): string {
  let name = IMAGE_NAMES.get(path);
  if (name === undefined) {
    name = imageNameOf(path);
    if (IMAGE_NAMES.size > 100_000) IMAGE_NAMES.clear();
    IMAGE_NAMES.set(path, name);
  }
  return name;
}

function timeOf(t: CorrelationTime): CorrelationTime {
  return { ms: t.ms, sub: t.sub, precision: t.precision };
}

// Process and session times are all objects made by timeOf (one hidden class), and so are
// the two scratch copies below that lookups compare against: comparing them in helpers of
// their own keeps V8's property loads monomorphic. time.ts's helpers see every input kind,
// and past four kinds V8 reads `ms` through a generic path that allocates a number per load
// (50 MB per million events in the parent search alone).

/** strictlyBefore for timeOf-made times. */
function before(a: CorrelationTime, b: CorrelationTime): boolean {
  return (b.ms - a.ms) * 10_000 + (b.sub - a.sub) >= precisionOf(a);
}

/** compareTime for timeOf-made times. */
function compareTimes(a: CorrelationTime, b: CorrelationTime): number {
  return a.ms - b.ms || a.sub - b.sub;
}

type Scratch = { ms: number; sub: number; precision: CorrelationTime['precision'] };
/** A query time copied for one lookup (never kept): the lookups' helpers then see one class. */
function copyInto(scratch: Scratch, t: CorrelationTime): CorrelationTime {
  scratch.ms = t.ms;
  scratch.sub = t.sub;
  scratch.precision = t.precision;
  return scratch;
}
const SESSION_QUERY = timeOf({ ms: 0, sub: 0, precision: '100ns' }) as Scratch;
const PROCESS_QUERY = timeOf({ ms: 0, sub: 0, precision: '100ns' }) as Scratch;

/** `C:\Windows\System32\cmd.exe`, `\??\C:\…`, `\Device\HarddiskVolume2\…` → comparable lower-case path. */
function normPath(path: string): string {
  let p = path.trim().replace(/^"|"$/g, '').toLowerCase();
  if (p.startsWith('\\??\\')) p = p.slice(4);
  return p;
}

// Image paths repeat (interned by toCorrelationInput): normalised once each.
const IMAGE_PATHS = new Map<string, string>();
function imagePathKey(path: string): string {
  let key = IMAGE_PATHS.get(path);
  if (key === undefined) {
    key = normPath(path);
    if (IMAGE_PATHS.size > 100_000) IMAGE_PATHS.clear();
    IMAGE_PATHS.set(path, key);
  }
  return key;
}

const SWITCH_MARKER = /[-/\u2013\u2014\u2015]e|frombase64string/i;

/**
 * What every SWITCH_MARKER match holds (a dash or slash before `e`/`E`, or the `64` of
 * FromBase64String in any case), as a case-sensitive regex: several times cheaper than the
 * case-insensitive alternation over every command line, which still decides.
 */
const MAY_BE_ENCODED = /[-/\u2013-\u2015][eE]|64/;

function decodeIfEncoded(text: string | null): string | null {
  if (!text || !MAY_BE_ENCODED.test(text) || !SWITCH_MARKER.test(text)) return null;
  return decodedSummary(decodePowerShell(text));
}

// ---------------------------------------------------------------------------------------------
// The pass

/** Runs correlation over inputs in any order. */
export function correlate(inputs: readonly CorrelationInput[], options: CorrelateOptions = {}): CorrelationResult {
  const { onPhase, ...rest } = options;
  const opts: Required<Omit<CorrelateOptions, 'onPhase'>> = { ...DEFAULTS, ...rest };
  let phaseStart = performance.now();
  const phase = (name: string): void => {
    if (!onPhase) return;
    const now = performance.now();
    onPhase(name, now - phaseStart);
    phaseStart = now;
  };

  // The loops over every input or every process below each run inside a small function of
  // its own, `(() => { for … })();`: V8 optimises a hot loop of a function that runs once by
  // compiling that function again on the spot (on-stack replacement), and for this
  // thousand-line function that meant a large compile per loop while the loop ran
  // unoptimised; the loops iterate by index, which allocates nothing before they are
  // optimised (for…of made an iterator result per element until then).

  // Split by kind in one pass.
  const logons: LogonInput[] = [];
  const logoffs: LogoffInput[] = [];
  const privileges: PrivilegesInput[] = [];
  const explicit: ExplicitCredentialsInput[] = [];
  const starts: ProcessStartInput[] = [];
  const ends: ProcessEndInput[] = [];
  const blocks: ScriptBlockInput[] = [];
  const installs: ServiceInstallInput[] = [];
  const activity: ProcessActivityInput[] = [];
  const boots: BootInput[] = [];
  const hostNames = new Map<string, Set<string>>();
  const seenHosts = new Set<string>();
  (() => {
    for (let inputIx = 0; inputIx < inputs.length; inputIx++) {
      const input = inputs[inputIx] as (typeof inputs)[number];
      if (!seenHosts.has(input.host)) {
        seenHosts.add(input.host);
        const key = hostKeyOf(input.host);
        const names = hostNames.get(key);
        if (names) names.add(input.host);
        else hostNames.set(key, new Set([input.host]));
      }
      switch (input.kind) {
        case 'logon':
          logons.push(input);
          break;
        case 'logoff':
          logoffs.push(input);
          break;
        case 'privileges':
          privileges.push(input);
          break;
        case 'explicit-credentials':
          explicit.push(input);
          break;
        case 'process-start':
          starts.push(input);
          break;
        case 'process-end':
          ends.push(input);
          break;
        case 'script-block':
          blocks.push(input);
          break;
        case 'service-install':
          installs.push(input);
          break;
        case 'network':
        case 'image-load':
        case 'dns':
        case 'file-create':
          activity.push(input);
          break;
        case 'boot':
          boots.push(input);
          break;
        default: {
          const unreachable: never = input;
          throw new Error(`unknown input ${String(unreachable)}`);
        }
      }
    }
  })();
  for (const list of [logons, logoffs, privileges, explicit, starts, ends, blocks, installs, activity, boots] as CorrelationInput[][]) {
    sortByTime(list);
  }

  // Host keys: one per input host string, computed once.
  const keyCache = new Map<string, string>();
  const hk = (host: string): string => {
    let k = keyCache.get(host);
    if (k === undefined) {
      k = hostKeyOf(host);
      keyCache.set(host, k);
    }
    return k;
  };
  const displayName = new Map<string, string>();
  for (const [key, names] of hostNames) {
    let best = '';
    for (const n of names) if (n.length > best.length) best = n;
    displayName.set(key, best);
  }
  const hostName = (key: string): string => displayName.get(key) ?? key;

  phase('split+sort');
  // ---- Boot epochs -------------------------------------------------------------------------
  // LogonIds and PIDs restart at every boot. A boot boundary is any startup/shutdown marker;
  // markers within `bootMergeMs` of the previous boundary belong to the same restart.
  const bootBoundaries = new Map<string, CorrelationTime[]>();
  for (const b of boots) {
    const key = hk(b.host);
    const list = bootBoundaries.get(key) ?? [];
    const last = list[list.length - 1];
    if (!last || diffTicks(b, last) > opts.bootMergeMs * 10_000) list.push(timeOf(b));
    bootBoundaries.set(key, list);
  }
  // The boundaries' times as packed numbers: epochOf runs two or three times per event.
  const bootMs = new Map<string, { ms: number[]; sub: number[] }>();
  for (const [key, list] of bootBoundaries) bootMs.set(key, { ms: list.map((b) => b.ms), sub: list.map((b) => b.sub) });
  const epochOf = (hostKey: string, t: CorrelationTime): number => {
    const packed = bootMs.get(hostKey);
    if (!packed) return 0;
    const { ms, sub } = packed;
    // Events in the same tick as a marker, or before it, belong to the old boot.
    let lo = 0;
    let hi = ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = ms[mid] as number;
      if (m < t.ms || (m === t.ms && (sub[mid] as number) <= t.sub)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  phase('boot epochs');
  // ---- Sessions ----------------------------------------------------------------------------
  const sessions: MSession[] = [];
  /** Placeholders only: when their first child was created (they sort just before it). */
  const firstChildOf = new Map<MProcess, CorrelationTime>();
  // Links kept beside the objects (adding or deleting properties would make V8 store a
  // million objects as slow dictionaries).
  const creatorOf = new Map<MSession, MSession>();
  /**
   * host → LogonId → boot epoch → sessions of that key, by start (every one but the first has
   * a 4624). Nested maps: no key string is built per lookup (evidence with many reboots made
   * one per event).
   */
  const sessionIndex = new HostMap<string, Map<number, MSession[]>>();
  const sessionsOf = (hostKey: string, logonId: string, epoch: number): MSession[] | undefined =>
    sessionIndex.get(hostKey, logonId)?.get(epoch);
  const setSessions = (hostKey: string, logonId: string, epoch: number, list: MSession[]): void => {
    let byEpoch = sessionIndex.get(hostKey, logonId);
    if (!byEpoch) {
      byEpoch = new Map();
      sessionIndex.set(hostKey, logonId, byEpoch);
    }
    byEpoch.set(epoch, list);
  };
  const newSession = (hostKey: string, logonId: string, epoch: number, t: CorrelationTime, logon: LogonInput | null): MSession => {
    const s: MSession = {
      id: '',
      hostKey,
      host: hostName(hostKey),
      logonId,
      epoch,
      logonRow: logon ? logon.row : null,
      logonType: logon ? logon.logonType : null,
      user: logon ? logon.user : '',
      domain: logon ? logon.domain : '',
      userSid: logon ? logon.userSid : '',
      sourceIp: logon ? logon.ipAddress : '',
      sourcePort: logon ? logon.ipPort : '',
      workstationName: logon ? logon.workstationName : '',
      logonProcessName: logon ? logon.logonProcessName : '',
      authenticationPackageName: logon ? logon.authenticationPackageName : '',
      elevatedToken: logon ? logon.elevatedToken : null,
      logonGuid: logon ? logon.logonGuid : '',
      linkedLogonId: logon && logon.linkedLogonId !== '0x0' ? logon.linkedLogonId : null,
      linkedSessionId: null,
      createdBySessionId: null,
      outboundUser: logon && logon.outboundUser !== '-' ? logon.outboundUser : '',
      outboundDomain: logon && logon.outboundDomain !== '-' ? logon.outboundDomain : '',
      start: timeOf(t),
      end: null,
      admin: false,
      privilegeRows: SHARED_EMPTY,
      logoffRows: SHARED_EMPTY,
      explicitCredentialRows: SHARED_EMPTY,
    };
    sessions.push(s);
    return s;
  };
  (() => {
    for (let logonIx = 0; logonIx < logons.length; logonIx++) {
      const logon = logons[logonIx] as (typeof logons)[number];
      if (!logon.logonId || logon.logonId === '0x0') continue;
      const hostKey = hk(logon.host);
      const epoch = epochOf(hostKey, logon);
      const list = sessionsOf(hostKey, logon.logonId, epoch);
      if (list && WELL_KNOWN_LOGON_IDS.has(logon.logonId)) {
        // SYSTEM and the service accounts log on again and again with one LogonId: one session.
        const first = list[0] as MSession;
        if (first.logonRow === null) Object.assign(first, newSessionDetails(logon));
        continue;
      }
      // A LogonId is unique within a boot; a second 4624 with it means a boot marker is missing
      // (log gap): it is a new session, never merged with the first.
      const s = newSession(hostKey, logon.logonId, epoch, logon, logon);
      if (list) list.push(s);
      else setSessions(hostKey, logon.logonId, epoch, [s]);
    }
  })();
  /** The session a LogonId names on a host at a time; created when the evidence has no 4624 for it. */
  const sessionAt = (host: string, logonId: string | null, time: CorrelationTime): MSession | null => {
    if (!logonId || logonId === '0x0') return null;
    const t = copyInto(SESSION_QUERY, time);
    const hostKey = hk(host);
    const epoch = epochOf(hostKey, t);
    let list = sessionsOf(hostKey, logonId, epoch);
    if (list && WELL_KNOWN_LOGON_IDS.has(logonId)) {
      // One SYSTEM (or service account) session per boot, whatever the order of its events.
      const only = list[0] as MSession;
      if (compareTimes(t, only.start) < 0) only.start = timeOf(t);
      return only;
    }
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) {
        const s = list[i] as MSession;
        // Not certainly after t: at 1-second precision a process in the logon's second belongs to it.
        if (!before(t, s.start)) return s;
      }
      const first = list[0] as MSession;
      if (first.logonRow === null) {
        if (compareTimes(t, first.start) < 0) first.start = timeOf(t);
        return first;
      }
    }
    // Seen before any 4624 of this boot (the log starts mid-session) or never logged on.
    const s = newSession(hostKey, logonId, epoch, t, null);
    if (!list) {
      list = [];
      setSessions(hostKey, logonId, epoch, list);
    }
    list.unshift(s);
    return s;
  };
  (() => {
    for (let pIx = 0; pIx < privileges.length; pIx++) {
      const p = privileges[pIx] as (typeof privileges)[number];
      const s = sessionAt(p.host, p.logonId, p);
      if (s) {
        s.admin = true;
        s.privilegeRows = addTo(s.privilegeRows, p.row);
      }
    }
  })();
  (() => {
    for (let oIx = 0; oIx < logoffs.length; oIx++) {
      const o = logoffs[oIx] as (typeof logoffs)[number];
      const s = sessionAt(o.host, o.logonId, o);
      if (s) {
        s.logoffRows = addTo(s.logoffRows, o.row);
        if (!s.end || compareTime(s.end, o) < 0) s.end = timeOf(o);
      }
    }
  })();
  (() => {
    for (let eIx = 0; eIx < explicit.length; eIx++) {
      const e = explicit[eIx] as (typeof explicit)[number];
      const s = sessionAt(e.host, e.subjectLogonId, e);
      if (s) s.explicitCredentialRows = addTo(s.explicitCredentialRows, e.row);
    }
  })();
  const sessionByLogonRow = new Map<number, MSession>();
  (() => {
    for (let sIx = 0; sIx < sessions.length; sIx++) {
      const s = sessions[sIx] as (typeof sessions)[number];
      if (s.logonRow !== null) sessionByLogonRow.set(s.logonRow, s);
    }
  })();
  (() => {
    for (let logonIx = 0; logonIx < logons.length; logonIx++) {
      const logon = logons[logonIx] as (typeof logons)[number];
      if (logon.logonType !== 9) continue;
      const s = sessionByLogonRow.get(logon.row);
      const creator = sessionAt(logon.host, logon.subjectLogonId, logon);
      if (s && creator && creator !== s) creatorOf.set(s, creator);
    }
  })();

  phase('sessions');
  // ---- Processes ---------------------------------------------------------------------------
  const processes: MProcess[] = [];
  // Starts are referred to by their index in `starts`: the pairing is then two typed arrays
  // instead of a Map and two Sets over a hundred thousand records.
  const securityStarts = new HostMap<number | null, number[]>();
  const sysmonStarts: ProcessStartInput[] = [];
  const sysmonIndexes: number[] = [];
  (() => {
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i] as ProcessStartInput;
      if (s.origin === 'security') pushHost(securityStarts, hk(s.host), s.pid, i);
      else {
        sysmonStarts.push(s);
        sysmonIndexes.push(i);
      }
    }
  })();
  // Sysmon records without a ProcessId (NXLog drops it) match 4688s by image instead.
  const securityByImage = new Map<string, number[]>();
  if (sysmonStarts.some((s) => s.pid === null)) {
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i] as ProcessStartInput;
      if (s.origin === 'security') push(securityByImage, `${hk(s.host)}|${imageName(s.image)}`, i);
    }
  }
  /** For a 4688 at index i, the index of the Sysmon 1 of the same process (−1: none). */
  const sysmonMate = new Int32Array(starts.length).fill(-1);
  /** 1 for a Sysmon 1 paired with a 4688. */
  const pairedSysmon = new Uint8Array(starts.length);
  (() => {
    for (let k = 0; k < sysmonStarts.length; k++) {
      const sm = sysmonStarts[k] as ProcessStartInput;
      const hostKey = hk(sm.host);
      const pool = sm.pid !== null ? securityStarts.get(hostKey, sm.pid) : securityByImage.get(`${hostKey}|${imageName(sm.image)}`);
      if (!pool) continue;
      const slack = 2000 + opts.mergeSlackMs;
      const from = firstIndexAtOrAfter(starts, pool, sm.ms - slack);
      let best = -1;
      let bestGap = Infinity;
      for (let i = from; i < pool.length; i++) {
        const secIndex = pool[i] as number;
        const sec = starts[secIndex] as ProcessStartInput;
        if (sec.ms > sm.ms + slack) break;
        if (sysmonMate[secIndex] !== -1) continue;
        if (imageName(sec.image) !== imageName(sm.image)) continue;
        if (sec.parentPid !== null && sm.parentPid !== null && sec.parentPid !== sm.parentPid) continue;
        if (sm.pid !== null && sec.pid !== sm.pid) continue;
        // Within the two precisions plus the slack.
        const gapTicks = Math.abs(diffTicks(sm, sec));
        const allowed = (opts.mergeSlackMs * 10_000) + Math.max(precisionOf(sec), precisionOf(sm));
        if (gapTicks > allowed) continue;
        if (gapTicks < bestGap) {
          best = secIndex;
          bestGap = gapTicks;
        }
      }
      if (best !== -1) {
        const smIndex = sysmonIndexes[k] as number;
        sysmonMate[best] = smIndex;
        pairedSysmon[smIndex] = 1;
      }
    }
  })();
  phase('merge 4688/Sysmon 1');
  const guidIndex = new HostMap<string, MProcess>();
  const makeNode = (hostKey: string, epoch: number): MProcess => ({
    id: '',
    hostKey,
    host: hostName(hostKey),
    pid: null,
    guid: null,
    image: '',
    commandLine: null,
    decodedCommand: null,
    parentPid: null,
    parentImage: '',
    parentGuid: null,
    user: '',
    logonId: null,
    logonIdField: null,
    sessionId: null,
    integrity: null,
    elevation: null,
    epoch,
    start: null,
    end: null,
    securityRow: null,
    sysmonRow: null,
    endRows: SHARED_EMPTY,
    placeholder: false,
    parentId: null,
    parentBasis: 'none',
    candidates: SHARED_EMPTY,
    pidTimeParentId: null,
    activity: SHARED_EMPTY,
  });
  (() => {
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i] as ProcessStartInput;
      // A Sysmon 1 paired with a 4688 is made into a node together with it.
      if (s.origin === 'sysmon' && pairedSysmon[i] === 1) continue;
      const sec = s.origin === 'security' ? s : null;
      const mate = s.origin === 'security' ? (sysmonMate[i] as number) : -1;
      const sm = s.origin === 'security' ? (mate === -1 ? null : (starts[mate] as ProcessStartInput)) : s;
      const hostKey = hk(s.host);
      // The finer of the two times is the creation time.
      const primary = sm && sec ? (precisionOf(sm) < precisionOf(sec) ? sm : sec) : s;
      // Made whole in one literal (of makeNode's properties in makeNode's order: one hidden
      // class for every process) rather than made empty and filled in.
      const start = timeOf(primary);
      const commandLine = sec?.commandLine ?? sm?.commandLine ?? null;
      const logonSource = sec ?? sm;
      const logonId = logonSource?.logonId ?? null;
      const decodedCommand = decodeIfEncoded(commandLine);
      const session = sessionAt(s.host, logonId, start);
      const node: MProcess = {
        id: '',
        hostKey,
        host: hostName(hostKey),
        pid: sec?.pid ?? sm?.pid ?? null,
        guid: sm?.guid ?? null,
        image: (sec?.image || sm?.image) ?? '',
        commandLine,
        decodedCommand,
        parentPid: sec?.parentPid ?? sm?.parentPid ?? null,
        parentImage: (sec?.parentImage || sm?.parentImage) ?? '',
        parentGuid: sm?.parentGuid ?? null,
        user: (sm?.user || sec?.user) ?? '',
        logonId,
        logonIdField: logonSource?.logonIdField ?? null,
        sessionId: session as unknown as string | null,
        integrity: sec?.integrity ?? sm?.integrity ?? null,
        elevation: sec?.elevation ?? null,
        epoch: epochOf(hostKey, primary),
        start,
        end: null,
        securityRow: sec ? sec.row : null,
        sysmonRow: sm ? sm.row : null,
        endRows: SHARED_EMPTY,
        placeholder: false,
        parentId: null,
        parentBasis: 'none',
        candidates: SHARED_EMPTY,
        pidTimeParentId: null,
        activity: SHARED_EMPTY,
      };
      if (node.guid) guidIndex.set(hostKey, node.guid, node);
      processes.push(node);
    }
  })();
  phase('process nodes');
  // Sysmon without ProcessId: a child's ParentProcessId names its parent's PID.
  (() => {
    for (let nodeIx = 0; nodeIx < processes.length; nodeIx++) {
      const node = processes[nodeIx] as (typeof processes)[number];
      if (!node.parentGuid || node.parentPid === null) continue;
      const parent = guidIndex.get(node.hostKey, node.parentGuid);
      if (parent && parent.pid === null) parent.pid = node.parentPid;
    }
  })();
  processes.sort((a, b) => compareTimes(a.start as CorrelationTime, b.start as CorrelationTime) || (a.securityRow ?? a.sysmonRow ?? 0) - (b.securityRow ?? b.sysmonRow ?? 0));
  /** host|pid → real processes by start time. */
  const pidIndex = new HostMap<number, StartList>();
  (() => {
    for (let nodeIx = 0; nodeIx < processes.length; nodeIx++) {
      const node = processes[nodeIx] as (typeof processes)[number];
      if (node.pid === null) continue;
      let entry = pidIndex.get(node.hostKey, node.pid);
      if (!entry) {
        entry = new StartList();
        pidIndex.set(node.hostKey, node.pid, entry);
      }
      entry.add(node);
    }
  })();

  phase('pid index');
  // Exits.
  (() => {
    for (let endIx = 0; endIx < ends.length; endIx++) {
      const end = ends[endIx] as (typeof ends)[number];
      const q = copyInto(PROCESS_QUERY, end);
      const hostKey = hk(end.host);
      // The exit times live beside the PID's processes (an exit of a PID never seen starting
      // gets an empty process list): one lookup per exit serves both.
      let entry: StartList | undefined;
      if (end.pid !== null) {
        entry = pidIndex.get(hostKey, end.pid);
        if (!entry) {
          entry = new StartList();
          pidIndex.set(hostKey, end.pid, entry);
        }
        entry.exits = addTo(entry.exits, end as CorrelationTime);
      }
      let node: MProcess | null = null;
      if (end.guid) node = guidIndex.get(hostKey, end.guid) ?? null;
      if (!node && end.pid !== null) {
        if (entry) {
          const list = entry.nodes;
          const name = imageName(end.image);
          const top = entry.lastAtOrBefore(end.ms + 1000);
          for (let i = top; i >= 0 && i > top - 64; i--) {
            const c = list[i] as MProcess;
            if (before(q, c.start as CorrelationTime)) continue;
            if (name && c.image && imageName(c.image) !== name) continue;
            // Already ended well before: this exit is of a later, unseen holder of the PID.
            if (c.end && before(c.end, q) && (q.ms - c.end.ms) * 10_000 + (q.sub - c.end.sub) > 20_000_000) break;
            node = c;
            break;
          }
        }
      }
      if (node) {
        node.endRows = addTo(node.endRows, end.row);
        if (!node.end || compareTimes(q, node.end) < 0) node.end = timeOf(end);
      }
    }
  })();

  phase('exits');
  // Parents.
  const placeholders = new Map<string, { node: MProcess; first: CorrelationTime }>();
  /** Children whose parent is not certainly older: every parent loop goes through one. */
  const loopSuspects: MProcess[] = [];
  const placeholderNodes: MProcess[] = [];
  // The candidates of one child, in a list reused from child to child (most children have
  // exactly one: no array is made for them); copied only for an ambiguous edge.
  const viable: MProcess[] = [];
  const viableParents = (child: MProcess): MProcess[] => {
    viable.length = 0;
    if (child.parentPid === null) return viable;
    const entry = pidIndex.get(child.hostKey, child.parentPid);
    if (!entry) return viable;
    const list = entry.nodes;
    const t = child.start as CorrelationTime;
    const wantName = imageName(child.parentImage);
    let anchor: MProcess | null = null;
    const top = entry.lastAtOrBefore(t.ms + 1000);
    for (let i = top, steps = 0; i >= 0 && steps < 256; i--, steps++) {
      const c = list[i] as MProcess;
      if (c === child) continue;
      if (c.epoch !== child.epoch) break;
      const cs = c.start as CorrelationTime;
      if (before(t, cs)) continue; // created after the child
      if (anchor && before(cs, anchor.start as CorrelationTime)) break; // PIDs are unique among live processes
      if (!anchor && before(cs, t)) anchor = c;
      if (c.end && before(c.end, t)) continue; // exited before the child was created
      if (wantName && c.image && imageName(c.image) !== wantName) continue;
      if (child.parentGuid && c.guid && c.guid !== child.parentGuid) continue;
      viable.push(c);
    }
    return viable;
  };
  const placeholderFor = (child: MProcess): MProcess | null => {
    if (child.parentPid === null && !child.parentGuid) return null;
    const t = child.start as CorrelationTime;
    const key = child.parentGuid
      ? `${child.hostKey}|g|${child.parentGuid}`
      : `${child.hostKey}|${child.epoch}|${child.parentPid}|${imageName(child.parentImage)}`;
    const found = placeholders.get(key);
    if (found && !child.parentGuid && child.parentPid !== null) {
      // Reused while nothing shows the PID changing hands since the first sibling.
      const entry = pidIndex.get(child.hostKey, child.parentPid);
      const changed = countStartsBetween(entry, found.first, t) > 0 || countBetween(entry?.exits, found.first, t) > 0;
      if (!changed) return found.node;
    } else if (found) return found.node;
    const node = makeNode(child.hostKey, child.epoch);
    node.placeholder = true;
    node.pid = child.parentPid;
    node.guid = child.parentGuid;
    node.image = child.parentImage;
    node.commandLine = child.sysmonRow !== null ? parentCommandLines.get(child) ?? null : null;
    node.decodedCommand = decodeIfEncoded(node.commandLine);
    placeholders.set(key, { node, first: t });
    placeholderNodes.push(node);
    if (node.guid && !guidIndex.get(node.hostKey, node.guid)) guidIndex.set(node.hostKey, node.guid, node);
    return node;
  };
  const parentCommandLines = new Map<MProcess, string>();
  {
    const bySysmonRow = new Map<number, ProcessStartInput>();
    (() => {
      for (let sIx = 0; sIx < sysmonStarts.length; sIx++) {
        const s = sysmonStarts[sIx] as (typeof sysmonStarts)[number];
        if (s.parentCommandLine) bySysmonRow.set(s.row, s);
      }
    })();
    if (bySysmonRow.size > 0) {
      for (let nodeIx = 0; nodeIx < processes.length; nodeIx++) {
        const node = processes[nodeIx] as (typeof processes)[number];
        if (node.sysmonRow === null) continue;
        const s = bySysmonRow.get(node.sysmonRow);
        if (s?.parentCommandLine) parentCommandLines.set(node, s.parentCommandLine);
      }
    }
  }
  (() => {
    for (let nodeIx = 0; nodeIx < processes.length; nodeIx++) {
      const node = processes[nodeIx] as (typeof processes)[number];
      viableParents(node);
      const pidParent = viable.length === 1 ? (viable[0] as MProcess) : null;
      let byGuid = node.parentGuid ? guidIndex.get(node.hostKey, node.parentGuid) : undefined;
      // A parent is created before its child: a GUID saying otherwise (or naming the process
      // itself) is not followed.
      if (byGuid && (byGuid === node || (byGuid.start && before(node.start as CorrelationTime, byGuid.start)))) byGuid = undefined;
      if (byGuid && !byGuid.placeholder) {
        setParent(node, byGuid, 'guid');
      } else if (pidParent) {
        setParent(node, pidParent, 'pid+time');
      } else if (viable.length > 1) {
        node.parentBasis = `pid+time (ambiguous: ${viable.length} candidates)`;
        node.candidates = viable.slice() as unknown as string[];
      } else {
        const ph = byGuid ?? placeholderFor(node);
        if (ph) setParent(node, ph, 'placeholder');
      }
      node.pidTimeParentId = pidParent as unknown as string | null;
    }
  })();

  phase('parents');
  // Process activity (Sysmon 3/7/11/22).
  /** Every process that could hold `pid` at `t`, into `alive` (cleared first). */
  const processesAt = (hostKey: string, pid: number | null, time: CorrelationTime, alive: MProcess[]): MProcess[] => {
    alive.length = 0;
    if (pid === null) return alive;
    const entry = pidIndex.get(hostKey, pid);
    if (!entry) return alive;
    const list = entry.nodes;
    const t = copyInto(PROCESS_QUERY, time);
    let anchor: MProcess | null = null;
    for (let i = entry.lastAtOrBefore(t.ms + 1000), steps = 0; i >= 0 && steps < 256; i--, steps++) {
      const c = list[i] as MProcess;
      const cs = c.start as CorrelationTime;
      if (before(t, cs)) continue;
      if (anchor && before(cs, anchor.start as CorrelationTime)) break;
      if (!anchor && before(cs, t)) anchor = c;
      if (c.end && before(c.end, t)) continue;
      alive.push(c);
    }
    return alive;
  };
  const processAt = (hostKey: string, pid: number | null, t: CorrelationTime): MProcess[] => processesAt(hostKey, pid, t, []);
  /** The one process holding `pid` at `t`, or null when none or several could (no array built). */
  const oneProcessAt = (hostKey: string, pid: number | null, time: CorrelationTime): MProcess | null => {
    if (pid === null) return null;
    const entry = pidIndex.get(hostKey, pid);
    if (!entry) return null;
    const list = entry.nodes;
    const t = copyInto(PROCESS_QUERY, time);
    let found: MProcess | null = null;
    let anchor: MProcess | null = null;
    for (let i = entry.lastAtOrBefore(t.ms + 1000), steps = 0; i >= 0 && steps < 256; i--, steps++) {
      const c = list[i] as MProcess;
      const cs = c.start as CorrelationTime;
      if (before(t, cs)) continue;
      if (anchor && before(cs, anchor.start as CorrelationTime)) break;
      if (!anchor && before(cs, t)) anchor = c;
      if (c.end && before(c.end, t)) continue;
      if (found) return null;
      found = c;
    }
    return found;
  };
  (() => {
    for (let aIx = 0; aIx < activity.length; aIx++) {
      const a = activity[aIx] as (typeof activity)[number];
      const hostKey = hk(a.host);
      const node = (a.guid ? guidIndex.get(hostKey, a.guid) : undefined) ?? oneProcessAt(hostKey, a.pid, a);
      if (node) node.activity = addTo(node.activity, a);
    }
  })();

  if (loopSuspects.length > 0 && hasLoop(loopSuspects)) breakLoops(processes);
  phase('activity');
  // ---- Script blocks -----------------------------------------------------------------------
  // Grouped by host and ScriptBlockId (a block without one is its own group, keyed `row<n>`
  // as before), groups numbered in the order first seen: no key string per block, and no
  // array for the one-part blocks that are nearly all of them.
  const groupOf = new HostMap<string, number>();
  const groupFirst: ScriptBlockInput[] = [];
  const groupParts: Array<ScriptBlockInput[] | null> = [];
  (() => {
    for (let bIx = 0; bIx < blocks.length; bIx++) {
      const b = blocks[bIx] as (typeof blocks)[number];
      const hostKey = hk(b.host);
      const key = b.scriptBlockId ? b.scriptBlockId : `row${b.row}`;
      const g = groupOf.get(hostKey, key);
      if (g === undefined) {
        groupOf.set(hostKey, key, groupFirst.length);
        groupFirst.push(b);
        groupParts.push(null);
      } else {
        const parts = groupParts[g];
        if (parts) parts.push(b);
        else groupParts[g] = [groupFirst[g] as ScriptBlockInput, b];
      }
    }
  })();
  // Until ids exist, processId holds the process and processCandidates the candidate
  // processes (as for processes): the result is then these objects, not a copy.
  const scripts: Array<Mutable<ScriptBlock>> = [];
  const alive: MProcess[] = [];
  (() => {
    for (let g = 0; g < groupFirst.length; g++) {
      const first = groupFirst[g] as ScriptBlockInput;
      const parts = groupParts[g] ?? null;
      const hostKey = hk(first.host);
      let present: number[];
      let missing: number[];
      let total: number;
      let text: string;
      let rows: number[];
      if (parts === null && (first.messageNumber ?? 1) === 1 && (first.messageTotal ?? 1) === 1) {
        // Nearly every block is one part.
        present = ONE;
        missing = NONE;
        total = 1;
        text = first.text;
        rows = [first.row];
      } else {
        const all = parts ?? [first];
        rows = new Array<number>(all.length);
        for (let i = 0; i < all.length; i++) rows[i] = (all[i] as ScriptBlockInput).row;
        const byNumber = new Map<number, ScriptBlockInput>();
        total = 0;
        for (let pIx = 0; pIx < all.length; pIx++) {
          const p = all[pIx] as (typeof all)[number];
          const n = p.messageNumber ?? 1;
          if (!byNumber.has(n)) byNumber.set(n, p);
          total = Math.max(total, p.messageTotal ?? 1, n);
        }
        // MessageTotal is evidence too: a forged 4 000 000 must not make a 4-million-line text.
        total = Math.min(total, MAX_SCRIPT_PARTS);
        present = [...byNumber.keys()].filter((n) => n >= 1 && n <= total).sort((a, b) => a - b);
        missing = [];
        const pieces: string[] = [];
        let gapFrom = 0;
        for (let n = 1; n <= total + 1; n++) {
          const p = n <= total ? byNumber.get(n) : undefined;
          if (n <= total && !p) {
            missing.push(n);
            if (gapFrom === 0) gapFrom = n;
            continue;
          }
          if (gapFrom !== 0) {
            // A run of missing parts is one line.
            pieces.push(gapFrom === n - 1 ? `\n[part ${gapFrom} of ${total} missing]\n` : `\n[parts ${gapFrom}–${n - 1} of ${total} missing]\n`);
            gapFrom = 0;
          }
          if (p) pieces.push(p.text);
        }
        text = pieces.join('');
      }
      processesAt(hostKey, first.pid, first, alive);
      const chosen = alive.length === 1 ? (alive[0] as MProcess) : null;
      scripts.push({
        id: '',
        hostKey,
        host: hostName(hostKey),
        scriptBlockId: first.scriptBlockId,
        pid: first.pid,
        processId: chosen as unknown as string | null,
        processCandidates: (alive.length > 1 ? alive.slice() : SHARED_EMPTY) as unknown as string[],
        rows,
        partsPresent: present,
        total,
        missingParts: missing,
        text,
        path: first.path,
        decoded: decodeIfEncoded(text),
        start: timeOf(first),
      });
    }
  })();
  scripts.sort((a, b) => compareTimes(a.start, b.start) || (a.rows[0] ?? 0) - (b.rows[0] ?? 0));

  phase('scripts');
  // ---- Services ----------------------------------------------------------------------------
  const services: Array<Mutable<ServiceInstall> & { sessionNode: MSession | null; processNode: MProcess | null; origins: Array<{ node: MProcess; relation: BinaryOrigin['relation']; row: number }> }> = [];
  {
    const security = installs.filter((i) => i.origin === 'security');
    const used = new Set<ServiceInstallInput>();
    const pairs: Array<[ServiceInstallInput | null, ServiceInstallInput | null]> = [];
    (() => {
      for (let sysIx = 0; sysIx < installs.length; sysIx++) {
        const sys = installs[sysIx] as (typeof installs)[number];
        if (sys.origin !== 'system') continue;
        let best: ServiceInstallInput | null = null;
        let bestGap = Infinity;
        const from = firstAtOrAfter(security, sys.ms - opts.serviceJoinMs);
        for (let i = from; i < security.length; i++) {
          const sec = security[i] as ServiceInstallInput;
          if (sec.ms > sys.ms + opts.serviceJoinMs) break;
          if (used.has(sec) || hk(sec.host) !== hk(sys.host)) continue;
          const sameName = sec.serviceName.toLowerCase() === sys.serviceName.toLowerCase() && sys.serviceName !== '';
          const samePath = normPath(sec.imagePath) === normPath(sys.imagePath) && sys.imagePath !== '';
          if (!sameName && !samePath) continue;
          const gap = Math.abs(diffTicks(sys, sec));
          if (gap < bestGap) {
            best = sec;
            bestGap = gap;
          }
        }
        if (best) used.add(best);
        pairs.push([sys, best]);
      }
    })();
    for (let secIx = 0; secIx < security.length; secIx++) {
      const sec = security[secIx] as (typeof security)[number];
      if (!used.has(sec)) pairs.push([null, sec]);
    }
    // The indexes below serve installs only: evidence without any costs nothing here.
    const serviceChildren = new Map<string, MProcess[]>();
    const byHost = new Map<string, MProcess[]>();
    /** host → image path → processes that ran it. */
    const byImagePath = new HostMap<string, MProcess[]>();
    const fileCreates = new HostMap<string, ProcessActivityInput[]>();
    if (pairs.length > 0) {
      for (let nodeIx = 0; nodeIx < processes.length; nodeIx++) {
        const node = processes[nodeIx] as (typeof processes)[number];
        if (imageName(node.parentImage) === 'services.exe') push(serviceChildren, node.hostKey, node);
        push(byHost, node.hostKey, node);
        pushHost(byImagePath, node.hostKey, imagePathKey(node.image), node);
      }
      for (let aIx = 0; aIx < activity.length; aIx++) {
        const a = activity[aIx] as (typeof activity)[number];
        if (a.kind === 'file-create') pushHost(fileCreates, hk(a.host), normPath(a.target), a);
      }
    }
    for (const [sys, sec] of pairs) {
      const any = (sys ?? sec) as ServiceInstallInput;
      const hostKey = hk(any.host);
      const time = sys && sec ? (compareTime(sys, sec) <= 0 ? sys : sec) : any;
      const imagePath = sys?.imagePath || sec?.imagePath || '';
      const session = sec ? sessionAt(sec.host, sec.subjectLogonId, sec) : null;
      const { exe, args, binaries } = parseServiceCommand(imagePath);
      // The process services.exe started for it.
      let started: MProcess | null = null;
      const children = serviceChildren.get(hostKey) ?? [];
      for (let i = firstStart(children, time.ms - 1000), steps = 0; i < children.length && steps < 50_000; i++, steps++) {
        const c = children[i] as MProcess;
        const cs = c.start as CorrelationTime;
        if (cs.ms > time.ms + opts.serviceStartWindowMs) break;
        if (strictlyBefore(cs, time)) continue;
        if (exe && imageName(c.image) !== imageName(exe)) continue;
        if (args && !(c.commandLine ?? '').toLowerCase().includes(args.toLowerCase())) continue;
        started = c;
        break;
      }
      // Earlier processes that ran, named or wrote the binary.
      const origins: Array<{ node: MProcess; relation: BinaryOrigin['relation']; row: number }> = [];
      const hostProcs = byHost.get(hostKey) ?? [];
      // "Names it": a command line holding the path, in the hour before the install.
      const lo = firstStart(hostProcs, time.ms - NAMES_IT_WINDOW_MS);
      const hi = lastStart(hostProcs, time.ms + 1000);
      for (const bin of binaries) {
        for (const fc of fileCreates.get(hostKey, bin) ?? []) {
          if (strictlyBefore(time, fc)) continue;
          const alive = fc.guid ? [guidIndex.get(hostKey, fc.guid)].filter((x): x is MProcess => !!x) : processAt(hostKey, fc.pid, fc);
          if (alive.length === 1) origins.push({ node: alive[0] as MProcess, relation: 'created it (Sysmon 11)', row: fc.row });
        }
        for (const c of byImagePath.get(hostKey, bin) ?? []) {
          if (c === started || c.epoch !== epochOf(hostKey, time) || strictlyBefore(time, c.start as CorrelationTime)) continue;
          origins.push({ node: c, relation: 'ran it', row: c.securityRow ?? c.sysmonRow ?? -1 });
        }
        const named = new RegExp(bin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
        for (let i = Math.max(lo, hi - 2000); i <= hi && i >= 0; i++) {
          const c = hostProcs[i] as MProcess;
          if (c === started || !c.commandLine || c.commandLine.length < bin.length || imagePathKey(c.image) === bin) continue;
          if (named.test(c.commandLine)) {
            origins.push({ node: c, relation: 'names it', row: c.securityRow ?? c.sysmonRow ?? -1 });
          }
        }
      }
      services.push({
        id: '',
        hostKey,
        host: hostName(hostKey),
        name: sys?.serviceName || sec?.serviceName || '',
        imagePath,
        accountName: sys?.accountName || sec?.accountName || '',
        time: timeOf(time),
        systemRow: sys ? sys.row : null,
        securityRow: sec ? sec.row : null,
        subjectLogonId: sec?.subjectLogonId ?? null,
        sessionId: null,
        decodedImagePath: decodeIfEncoded(imagePath),
        processId: null,
        binaryOrigins: [],
        sessionNode: session,
        processNode: started,
        origins,
      });
    }
    services.sort((a, b) => compareTimes(a.time, b.time));
  }

  phase('services');
  // ---- Hosts and lateral movement ----------------------------------------------------------
  const nameToHost = new Map<string, string>();
  for (const [key, names] of hostNames) {
    nameToHost.set(key, key);
    for (const n of names) nameToHost.set(n.toLowerCase(), key);
  }
  const nameCache = new Map<string, string | null>();
  const resolveName = (name: string): string | null => {
    let hit = nameCache.get(name);
    if (hit !== undefined) return hit;
    const t = name.trim().toLowerCase().replace(/^\\\\/, '');
    hit = t === '' || t === '-' ? null : (nameToHost.get(t) ?? nameToHost.get(hostKeyOf(t)) ?? null);
    if (nameCache.size < 100_000) nameCache.set(name, hit);
    return hit;
  };
  const ipOwners = new Map<string, Set<string>>();
  const learn = (ip: string | undefined, hostKey: string): void => {
    const k = ipKey(ip);
    if (k === null) return;
    const set = ipOwners.get(k) ?? new Set<string>();
    set.add(hostKey);
    ipOwners.set(k, set);
  };
  (() => {
    for (let aIx = 0; aIx < activity.length; aIx++) {
      const a = activity[aIx] as (typeof activity)[number];
      if (a.kind !== 'network') continue;
      if (a.initiated === true) learn(a.sourceIp, hk(a.host));
      else if (a.initiated === false) learn(a.destinationIp, hk(a.host));
    }
  })();
  (() => {
    for (let lIx = 0; lIx < logons.length; lIx++) {
      const l = logons[lIx] as (typeof logons)[number];
      const src = resolveName(l.workstationName);
      if (src && src !== hk(l.host)) learn(l.ipAddress, src);
    }
  })();
  // An address claimed by two hosts (DHCP, NAT) names neither.
  const ipOwner = new Map<string, string>();
  for (const [ip, owners] of ipOwners) if (owners.size === 1) ipOwner.set(ip, owners.values().next().value as string);
  const resolveIp = (ip: string): string | null => {
    const k = ipKey(ip);
    if (k === null) return null;
    return ipOwner.get(k) ?? null;
  };
  const resolveHost = (text: string): string | null => (isAddress(text.trim()) ? resolveIp(text) : resolveName(text));
  const hostIps = new Map<string, string[]>();
  for (const [ip, owners] of ipOwners) if (owners.size === 1) push(hostIps, [...owners][0] as string, ip);

  // Until ids exist, the three link fields hold the sessions and the process themselves.
  const lateral: Array<Mutable<LateralEdge>> = [];
  if (hostNames.size > 1) {
    const explicitByHost = new Map<string, ExplicitCredentialsInput[]>();
    for (let eIx = 0; eIx < explicit.length; eIx++) {
      const e = explicit[eIx] as (typeof explicit)[number];
      push(explicitByHost, hk(e.host), e);
    }
    const outboundByHost = new Map<string, ProcessActivityInput[]>();
    /**
     * Beside each outbound connection, the loaded host its destination address belongs to
     * (null: none), resolved once here rather than at every remote logon that scans past it.
     */
    const outboundOwnerByHost = new Map<string, Array<string | null>>();
    const inboundByHost = new Map<string, ProcessActivityInput[]>();
    (() => {
      for (let aIx = 0; aIx < activity.length; aIx++) {
        const a = activity[aIx] as (typeof activity)[number];
        if (a.kind !== 'network') continue;
        if (a.initiated === false) push(inboundByHost, hk(a.host), a);
        else {
          const hostKey = hk(a.host);
          push(outboundByHost, hostKey, a);
          push(outboundOwnerByHost, hostKey, a.destinationIp !== undefined ? (ipOwner.get(ipKey(a.destinationIp) ?? '') ?? null) : null);
        }
      }
    })();
    // Only command lines that can name a remote host at all (UNC, -ComputerName, /node:, …),
    // lower-cased once: scanning every process start in the window for every remote logon
    // was quadratic on busy hosts (measured: 80k events took 75 s in this phase).
    const startsByHost = new Map<string, MProcess[]>();
    const lowerCommand = new Map<MProcess, string>();
    (() => {
      for (let nodeIx = 0; nodeIx < processes.length; nodeIx++) {
        const node = processes[nodeIx] as (typeof processes)[number];
        // The case-insensitive test on the text as written passes every command line whose
        // lower-case form passes (no character lower-cases into a letter of these prefixes
        // followed by the rest of it), so only those are lower-cased.
        if (!node.commandLine || !REMOTE_HINT_ANY_CASE.test(node.commandLine)) continue;
        const cmd = node.commandLine.toLowerCase();
        if (!REMOTE_HINT.test(cmd)) continue;
        lowerCommand.set(node, cmd);
        push(startsByHost, node.hostKey, node);
      }
    })();
    const windowTicks = opts.lateralWindowMs * 10_000;
    const remoteNames = new Map<string, string[]>();
    for (const [key, names] of hostNames) {
      remoteNames.set(key, [...new Set([...[...names].map((n) => n.toLowerCase()), key, ...(hostIps.get(key) ?? [])])]);
    }
    // What a session did, in time order: its logon and its processes' creations. Only the
    // runas /netonly sessions are ever asked (activeWithin), so only theirs is collected.
    const sessionActivity = new Map<MSession, CorrelationTime[]>();
    for (let sIx = 0; sIx < sessions.length; sIx++) {
      const s = sessions[sIx] as (typeof sessions)[number];
      if (s.logonType === 9 && s.outboundUser) sessionActivity.set(s, [s.start]);
    }
    if (sessionActivity.size > 0) {
      for (let nodeIx = 0; nodeIx < processes.length; nodeIx++) {
        const node = processes[nodeIx] as (typeof processes)[number];
        const s = sessionOf(node);
        if (s) sessionActivity.get(s)?.push(node.start as CorrelationTime);
      }
    }
    for (const list of sessionActivity.values()) list.sort(compareTime);
    /** The session did something in the lateral window before `t` (a credential is used when something runs). */
    const activeWithin = (s: MSession, t: CorrelationTime): boolean => {
      const list = sessionActivity.get(s) ?? [];
      const i = lastAtOrBefore(list, t.ms + 5000);
      return i >= 0 && diffTicks(t, list[i] as CorrelationTime) <= windowTicks;
    };
    const netonly = new Map<string, MSession[]>();
    for (let sIx = 0; sIx < sessions.length; sIx++) {
      const s = sessions[sIx] as (typeof sessions)[number];
      if (s.logonType === 9 && s.outboundUser) push(netonly, s.outboundUser.toLowerCase(), s);
    }
    (() => {
      for (let lIx = 0; lIx < logons.length; lIx++) {
        const l = logons[lIx] as (typeof logons)[number];
        if (l.logonType !== 3 && l.logonType !== 10 && l.logonType !== 8) continue;
        const target = hk(l.host);
        let source: string | null = null;
        let how = '';
        const byIp = resolveIp(l.ipAddress);
        if (byIp && byIp !== target) {
          source = byIp;
          how = `IpAddress ${l.ipAddress} = ${hostName(byIp)}`;
        } else {
          const byName = resolveName(l.workstationName);
          if (byName && byName !== target) {
            source = byName;
            how = `WorkstationName ${l.workstationName} = ${hostName(byName)}`;
          }
        }
        let viaCredentials: MSession | null = null;
        if (!source && l.user) {
          // The account is the network identity of a runas /netonly (type 9) session open on
          // exactly one other loaded host at that time: that session made the logon.
          const found = (netonly.get(`${l.user.toLowerCase()}`) ?? []).filter(
            (s) =>
              s.hostKey !== target &&
              sameDomain(s.outboundDomain, l.domain) &&
              !strictlyBefore(l, s.start) &&
              !(s.end && strictlyBefore(s.end, l)) &&
              activeWithin(s, l),
          );
          const hostsFound = new Set(found.map((s) => s.hostKey));
          if (hostsFound.size === 1) {
            viaCredentials = found[found.length - 1] as MSession;
            source = viaCredentials.hostKey;
            how = `account ${l.domain}\\${l.user} = network credentials of the type 9 (runas /netonly) session ${viaCredentials.logonId} on ${hostName(source)}`;
          }
        }
        if (!source) {
          // No address in the 4624 (Kerberos often writes "-"): an inbound connection to the
          // target in the seconds before the logon, from a loaded host, names the source.
          const inbound = inboundByHost.get(target) ?? [];
          let bestIn: ProcessActivityInput | null = null;
          for (let i = lastAtOrBefore(inbound, l.ms + 1000); i >= 0; i--) {
            const a = inbound[i] as ProcessActivityInput;
            if (diffTicks(l, a) > 5 * 10_000_000) break;
            const owner = resolveIp(a.sourceIp ?? '');
            if (owner && owner !== target) {
              bestIn = a;
              source = owner;
              break;
            }
          }
          if (!bestIn || !source) continue;
          how = `inbound connection from ${bestIn.sourceIp} (${hostName(source)}) to port ${bestIn.destinationPort ?? '?'} at logon time (Sysmon 3 on target)`;
        }
        // The source side.
        let sourceSession: MSession | null = viaCredentials;
        let sourceProcess: MProcess | null = null;
        let sourceRow: number | null = null;
        let basis = how;
        const ex = explicitByHost.get(source) ?? [];
        for (let i = lastAtOrBefore(ex, l.ms + 5000); i >= 0; i--) {
          const e = ex[i] as ExplicitCredentialsInput;
          if (diffTicks(l, e) > windowTicks) break;
          if (resolveHost(e.targetServer) !== target && resolveIp(e.ipAddress) !== target) continue;
          sourceSession = sessionAt(e.host, e.subjectLogonId, e);
          sourceProcess = oneProcessAt(source, e.processId, e);
          sourceRow = e.row;
          basis = `${how}; 4648 explicit credentials to ${e.targetServer}`;
          break;
        }
        if (sourceRow === null) {
          const out = outboundByHost.get(source) ?? [];
          const owners = outboundOwnerByHost.get(source) ?? [];
          for (let i = lastAtOrBefore(out, l.ms + 5000); i >= 0; i--) {
            const a = out[i] as ProcessActivityInput;
            if (diffTicks(l, a) > windowTicks) break;
            // The destination address is one of the target's (an address only it was seen with).
            const toTarget =
              owners[i] === target ||
              (a.destinationHostname ? resolveName(a.destinationHostname) === target : false);
            if (!toTarget) continue;
            const node = a.guid ? guidIndex.get(source, a.guid) : (oneProcessAt(source, a.pid, a) ?? undefined);
            // The connection is evidence even when its process was never seen starting.
            sourceProcess = node ?? null;
            sourceSession = node ? sessionOf(node) : null;
            sourceRow = a.row;
            basis = `${how}; Sysmon 3 connection to ${a.destinationIp}:${a.destinationPort ?? ''} by ${imageName(a.image) || '?'} PID ${a.pid ?? '?'}${node ? '' : ' (no process record)'}`;
            break;
          }
        }
        if (sourceRow === null) {
          const list = startsByHost.get(source) ?? [];
          const names = remoteNames.get(target) ?? [];
          for (let i = lastStart(list, l.ms + 5000), scanned = 0; i >= 0 && scanned < LATERAL_SCAN_LIMIT; i--, scanned++) {
            const c = list[i] as MProcess;
            if (diffTicks(l, c.start as CorrelationTime) > windowTicks) break;
            const cmd = lowerCommand.get(c) ?? '';
            const named = names.find((n) => mentionsRemote(cmd, n));
            if (!named) continue;
            sourceProcess = c;
            sourceSession = sessionOf(c);
            sourceRow = c.securityRow ?? c.sysmonRow;
            basis = `${how}; command line names ${named} (${imageName(c.image)})`;
            break;
          }
        }
        lateral.push({
          id: '',
          sourceHostKey: source,
          targetHostKey: target,
          time: timeOf(l),
          targetRow: l.row,
          targetSessionId: (sessionByLogonRow.get(l.row) ?? null) as unknown as string | null,
          sourceSessionId: sourceSession as unknown as string | null,
          sourceProcessId: sourceProcess as unknown as string | null,
          basis,
          sourceRow,
        });
      }
    })();
  }

  phase('lateral');
  // ---- Ids and links -----------------------------------------------------------------------
  sessions.sort((a, b) => compareTimes(a.start, b.start) || cmpText(a.hostKey, b.hostKey) || cmpText(a.logonId, b.logonId));
  sessions.forEach((s, i) => (s.id = `s${i + 1}`));
  (() => {
    for (let sIx = 0; sIx < sessions.length; sIx++) {
      const s = sessions[sIx] as (typeof sessions)[number];
      const creator = creatorOf.get(s);
      s.createdBySessionId = creator ? creator.id : null;
      if (s.linkedLogonId) {
        const list = sessionsOf(s.hostKey, s.linkedLogonId, s.epoch);
        if (list && list.length > 0) {
          let best = list[0] as MSession;
          for (const c of list) if (Math.abs(diffTicks(c.start, s.start)) < Math.abs(diffTicks(best.start, s.start))) best = c;
          s.linkedSessionId = best.id;
        }
      }
    }
  })();
  // Processes are already in time order; placeholders go just before their first child.
  const sortTime = (p: MProcess): CorrelationTime => p.start ?? firstChildOf.get(p) ?? EPOCH_ZERO;
  placeholderNodes.sort((a, b) => compareTimes(sortTime(a), sortTime(b)));
  const all: MProcess[] = new Array<MProcess>(processes.length + placeholderNodes.length);
  (() => {
    for (let i = 0, j = 0, k = 0; k < all.length; k++) {
      const ph = placeholderNodes[j];
      const real = processes[i];
      if (ph && (!real || compareTimes(sortTime(ph), real.start as CorrelationTime) <= 0)) {
        all[k] = ph;
        j++;
      } else {
        all[k] = real as MProcess;
        i++;
      }
    }
  })();
  all.forEach((p, i) => (p.id = `p${i + 1}`));
  (() => {
    for (let pIx = 0; pIx < all.length; pIx++) {
      const p = all[pIx] as (typeof all)[number];
      const parent = parentOf(p);
      p.parentId = parent ? parent.id : null;
      const pidParent = pidParentOf(p);
      p.pidTimeParentId = pidParent ? pidParent.id : null;
      const cands = candidateNodesOf(p);
      if (cands.length > 0) p.candidates = cands.map((c) => c.id);
      const session = sessionOf(p);
      p.sessionId = session ? session.id : null;
    }
  })();
  scripts.forEach((s, i) => {
    s.id = `b${i + 1}`;
    const node = s.processId as unknown as MProcess | null;
    s.processId = node ? node.id : null;
    const candidates = s.processCandidates as unknown as MProcess[];
    s.processCandidates = candidates.length > 0 ? candidates.map((c) => c.id) : [];
  });
  services.forEach((s, i) => {
    s.id = `v${i + 1}`;
    s.sessionId = s.sessionNode ? s.sessionNode.id : null;
    s.processId = s.processNode ? s.processNode.id : null;
    s.binaryOrigins = s.origins.map((o) => ({ processId: o.node.id, relation: o.relation, row: o.row }));
  });
  lateral.sort((a, b) => compareTimes(a.time, b.time) || a.targetRow - b.targetRow);
  lateral.forEach((l, i) => {
    l.id = `l${i + 1}`;
    const targetSession = l.targetSessionId as unknown as MSession | null;
    const sourceSession = l.sourceSessionId as unknown as MSession | null;
    const sourceProcess = l.sourceProcessId as unknown as MProcess | null;
    l.targetSessionId = targetSession ? targetSession.id : null;
    l.sourceSessionId = sourceSession ? sourceSession.id : null;
    l.sourceProcessId = sourceProcess ? sourceProcess.id : null;
  });

  phase('ids');
  const hosts: CorrelatedHost[] = [...hostNames.entries()]
    .map(([key, names]) => ({ key, name: hostName(key), names: [...names].sort(), ips: (hostIps.get(key) ?? []).sort() }))
    .sort((a, b) => cmpText(a.key, b.key));

  return {
    hosts,
    sessions: sessions as Session[],
    processes: all,
    scripts,
    services: services.map(({ sessionNode: _s, processNode: _p, origins: _o, ...rest }) => rest),
    lateral,
  };

  function setParent(node: MProcess, parent: MProcess, basis: ParentBasis): void {
    node.parentBasis = basis;
    node.parentId = parent as unknown as string;
    // Parent and child in one precision window: only then could forged records make a loop.
    if (parent.start && !before(parent.start, node.start as CorrelationTime)) loopSuspects.push(node);
    if (parent.placeholder) {
      const first = firstChildOf.get(parent);
      if (!first || compareTimes(node.start as CorrelationTime, first) < 0) firstChildOf.set(parent, node.start as CorrelationTime);
    }
  }
}

/** `CORP` and `corp.example` name one domain. */
function sameDomain(a: string, b: string): boolean {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  if (x === '' || y === '' || x === '-' || y === '-') return true;
  return x === y || x.split('.')[0] === y.split('.')[0];
}

/** Parts of one script block considered (PowerShell splits at ~32 KB: 10 000 parts is 300 MB). */
const MAX_SCRIPT_PARTS = 10_000;


const ONE: number[] = [1];
const NONE: number[] = [];
const EPOCH_ZERO: CorrelationTime = { ms: 0, sub: 0, precision: '100ns' };

/** Code-unit order: deterministic and much faster than localeCompare. */
function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function precisionOf(t: CorrelationTime): number {
  return t.precision === 's' ? 10_000_000 : t.precision === 'ms' ? 10_000 : t.precision === 'us' ? 10 : 1;
}

/** Times in the sorted list strictly after `from` and not after `to`. */
function countBetween(times: readonly CorrelationTime[] | undefined, from: CorrelationTime, to: CorrelationTime): number {
  if (!times) return 0;
  let n = 0;
  for (let i = lastAtOrBefore(times, to.ms); i >= 0; i--) {
    const t = times[i] as CorrelationTime;
    if (compareTime(t, to) > 0) continue;
    if (compareTime(t, from) <= 0) break;
    n++;
  }
  return n;
}

/**
 * Whether any parent loop exists. Along an edge whose parent is strictly before its child the
 * creation time falls, so a loop must hold an edge that is not: walking up from the children
 * of those edges (the suspects) finds every loop, while visiting only their ancestors (a few
 * thousand of 300 000 processes) instead of every process as breakLoops does.
 */
function hasLoop(suspects: readonly MProcess[]): boolean {
  const clean = new Set<MProcess>(); // reaches a root
  const path = new Set<MProcess>();
  for (const start of suspects) {
    path.clear();
    let p: MProcess | null = start;
    while (p && !clean.has(p)) {
      if (path.has(p)) return true;
      path.add(p);
      p = parentOf(p);
    }
    for (const q of path) clean.add(q);
  }
  return false;
}

/** Cuts any parent loop (possible only with forged records in one second): the edge that closes it goes. */
function breakLoops(processes: readonly MProcess[]): void {
  // `done`: walked before. The current walk's own nodes are a short list (a process tree is
  // rarely deep), so one set insertion per process is all the bookkeeping (a state map cost
  // four map operations per process).
  const done = new Set<MProcess>();
  const path: MProcess[] = [];
  for (let startIx = 0; startIx < processes.length; startIx++) {
    const start = processes[startIx] as (typeof processes)[number];
    path.length = 0;
    let onPath: Set<MProcess> | null = null;
    let p: MProcess | null = start;
    while (p && !done.has(p)) {
      path.push(p);
      if (onPath) onPath.add(p);
      else if (path.length > 32) onPath = new Set(path);
      const parent: MProcess | null = parentOf(p);
      if (parent && (onPath ? onPath.has(parent) : path.includes(parent))) {
        p.parentId = null;
        p.parentBasis = 'none';
        break;
      }
      p = parent;
    }
    for (const q of path) done.add(q);
  }
}

/** Processes in the creation-sorted list created strictly after `from` and not after `to`. */
function countStartsBetween(entry: StartList | undefined, from: CorrelationTime, to: CorrelationTime): number {
  if (!entry) return 0;
  const list = entry.nodes;
  let n = 0;
  for (let i = entry.lastAtOrBefore(to.ms); i >= 0; i--) {
    const t = (list[i] as ProcessNode).start as CorrelationTime;
    if (compareTimes(t, to) > 0) continue;
    if (compareTimes(t, from) <= 0) break;
    n++;
  }
  return n;
}

/** `\\target`, `-ComputerName target`, `/node:target`, `-r:target` and friends in a command line. */
/** A command line that could name a remote host (the prefixes mentionsRemote accepts). */
const REMOTE_HINT = /\\\\|-computername|-cn\s|\/node:|-r:|\/s\s|-session|-computer\s|enter-pssession|new-pssession|https?:\/\//;
const REMOTE_HINT_ANY_CASE = new RegExp(REMOTE_HINT.source, 'i');

/** Process starts examined per remote logon at the most (a bound for pathological logs). */
const LATERAL_SCAN_LIMIT = 5000;

function mentionsRemote(cmd: string, name: string): boolean {
  if (!name) return false;
  let at = cmd.indexOf(name);
  while (at !== -1) {
    const before = cmd.slice(Math.max(0, at - 16), at);
    const after = cmd.charAt(at + name.length);
    const boundary = after === '' || /[\s\\/"':.,;]/.test(after);
    if (boundary && /(\\\\|-computername\s+|-cn\s+|\/node:|-r:|\/s\s+|-session\s+|-computer\s+|enter-pssession\s+|new-pssession\s+|https?:\/\/)["']?$/.test(before)) {
      return true;
    }
    at = cmd.indexOf(name, at + 1);
  }
  return false;
}

const ENV_EXPANSIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/%comspec%/gi, 'c:\\windows\\system32\\cmd.exe'],
  [/%systemroot%|%windir%/gi, 'c:\\windows'],
];

/**
 * A service ImagePath split into the executable, its arguments, and every file path in it that
 * could be the payload (`%COMSPEC% /c C:\x\upd.exe` → cmd.exe, `/c C:\x\upd.exe`, [cmd.exe, upd.exe]).
 */
export function parseServiceCommand(imagePath: string): { exe: string; args: string; binaries: string[] } {
  let text = imagePath.trim();
  for (const [re, to] of ENV_EXPANSIONS) text = text.replace(re, to);
  let exe: string;
  let rest: string;
  if (text.startsWith('"')) {
    const close = text.indexOf('"', 1);
    exe = close === -1 ? text.slice(1) : text.slice(1, close);
    rest = close === -1 ? '' : text.slice(close + 1);
  } else {
    const m = /^(.*?\.(?:exe|com|bat|cmd|dll|sys))(?=\s|$)/i.exec(text);
    exe = m ? (m[1] as string) : (text.split(/\s+/)[0] ?? '');
    rest = text.slice(exe.length);
  }
  const binaries = new Set<string>();
  const add = (p: string): void => {
    const n = normPath(p);
    if (n.length > 3 && (n.includes('\\') || n.includes('/'))) binaries.add(n);
  };
  add(exe);
  for (const m of rest.matchAll(/"([^"]+\.(?:exe|com|bat|cmd|dll|ps1|vbs|js|sys))"|([^\s"]+\.(?:exe|com|bat|cmd|dll|ps1|vbs|js|sys))\b/gi)) {
    add((m[1] ?? m[2]) as string);
  }
  return { exe, args: rest.trim(), binaries: [...binaries] };
}

function newSessionDetails(logon: LogonInput): Partial<MSession> {
  return {
    logonRow: logon.row,
    logonType: logon.logonType,
    user: logon.user,
    domain: logon.domain,
    userSid: logon.userSid,
    sourceIp: logon.ipAddress,
    sourcePort: logon.ipPort,
    workstationName: logon.workstationName,
    logonProcessName: logon.logonProcessName,
    authenticationPackageName: logon.authenticationPackageName,
    elevatedToken: logon.elevatedToken,
    logonGuid: logon.logonGuid,
  };
}
