// Turns one parsed JSON value into the System section, the data fields and the candidate
// times of a Windows event, whatever shape the exporter wrote:
//   - evtx_dump / the Rust evtx crate (and xmltodict-like renderings): {"Event":{"System":…,"EventData":…}}
//   - flattened collector records (NXLog im_msvistalog, often through Logstash): EventData
//     fields as top-level keys beside System-ish keys and collector metadata;
//   - Winlogbeat (7+: `winlog.*`; 6 and older: top-level `event_id`, `event_data`, …), also
//     wrapped in an Elasticsearch hit (`_source`).
// Values become strings in Windows' own rendering (see renderValue).

import type { RawSystem } from '../../../../shared/build-event.js';
import { normalizeHex } from '../../../../shared/normalize.js';
import { LongIntegerSource } from './json-bigint.js';
import { newDataObject } from './json-data-object.js';

export type JsonShape = 'evtx' | 'flat' | 'winlogbeat';

/** The candidate times of a record, resolved later in the order the reader documents. */
export interface EventTimes {
  /** System/TimeCreated/@SystemTime, or a flat `TimeCreated` / `SystemTime` key. */
  readonly systemTime?: string;
  /** Sysmon's UtcTime (UTC, ms). */
  readonly utcTime?: string;
  /** NXLog EventTime: the event's time in the collector's local zone, usually without a zone. */
  readonly eventTime?: string;
  /** Winlogbeat's @timestamp: the event's own time. */
  readonly beatTimestamp?: string;
  /** Logstash/collector @timestamp: when the collector got the event (last resort). */
  readonly collectorTimestamp?: string;
  /** NXLog EventReceivedTime: collector local time (used only to infer the zone offset). */
  readonly receivedTime?: string;
  /** Whose clock rendered EventTime: the collector host when known, else the event's computer. */
  readonly offsetKey?: string;
}

export interface ConvertedRecord {
  readonly shape: JsonShape;
  readonly raw: RawSystem;
  readonly data: Record<string, string>;
  readonly times: EventTimes;
}

type JsonObject = { readonly [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

function scalar(v: unknown): string | number | undefined {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (isObject(v)) return scalar(v['#text'] ?? v['$'] ?? v['value']);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Values

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isHexText(s: string): boolean {
  return s.length > 2 && s.charCodeAt(0) === 0x30 && (s.charCodeAt(1) | 0x20) === 0x78 && /^0x[0-9a-f]+$/i.test(s);
}

/**
 * normalizeHex of a value isHexText accepted. Most are already in Windows' own rendering
 * (`0x`, no leading zero, lower case) and come back as they are, without normalizeHex's
 * trimming, slicing and case change (a per-field cost of every collector event).
 */
function hexText(s: string): string {
  if (s.charCodeAt(1) !== 0x78 || (s.charCodeAt(2) === 0x30 && s.length > 3)) return normalizeHex(s);
  for (let i = 2; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x46) return normalizeHex(s);
  }
  return s;
}

/** Adds the braces Windows prints around a GUID, when an exporter (the evtx crate) dropped them. */
export function braceGuid(s: string): string {
  return s.length === 36 && s.charCodeAt(8) === 0x2d && GUID_RE.test(s) ? `{${s}}` : s;
}

// The text of the record being converted: integers JSON.parse rounded (past 2^53) get their
// exact digits back from it. Set by convertRecord for the duration of one (synchronous) call.
let currentText: string | null = null;
let currentLongIntegers: LongIntegerSource | null = null;

function exactInteger(v: number, key: string | undefined): string {
  if (currentText === null) return BigInt(v).toString();
  currentLongIntegers ??= new LongIntegerSource(currentText);
  return currentLongIntegers.literalFor(v, key);
}

/** A number as decimal text, with every digit of a 64-bit integer. */
function numberText(v: number, key?: string): string {
  return Number.isSafeInteger(v) || !Number.isInteger(v) ? String(v) : exactInteger(v, key);
}

/**
 * A field value as Windows renders it: strings as they are (hex `0x…` without padding),
 * numbers in decimal, booleans `true`/`false`, null as empty text, arrays joined with `, `,
 * other objects by their `#text` or as compact JSON. `guidBraces` restores the braces the evtx
 * crate drops from GUID-typed values.
 */
export function renderValue(v: unknown, guidBraces: boolean, key?: string): string {
  switch (typeof v) {
    case 'string':
      if (isHexText(v)) return hexText(v);
      return guidBraces ? braceGuid(v) : v;
    case 'number':
      return numberText(v, key);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'object':
      if (v === null) return '';
      if (Array.isArray(v)) return v.map((x) => renderValue(x, guidBraces)).join(', ');
      if ('#text' in v) return renderValue((v as JsonObject)['#text'], guidBraces);
      return JSON.stringify(v);
    default:
      return '';
  }
}

/** Keywords as hex: NXLog writes a signed 64-bit decimal (often past 2^53, quoted by the parser). */
export function keywordsHex(v: unknown, key?: string): string | undefined {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return undefined;
    v = numberText(v, key);
  }
  if (typeof v !== 'string') return undefined;
  // A log has a handful of Keywords values, repeated on every event.
  const known = keywordsSeen.get(v);
  if (known !== undefined) return known;
  const text = v.trim();
  let hex: string | undefined;
  if (/^-?\d+$/.test(text)) {
    let n = BigInt(text);
    if (n < 0n) n += 1n << 64n;
    hex = '0x' + n.toString(16);
  } else hex = text === '' ? undefined : normalizeHex(text);
  if (hex !== undefined && v.length <= 64) {
    if (keywordsSeen.size >= 256) keywordsSeen.clear();
    keywordsSeen.set(v, hex);
  }
  return hex;
}

const keywordsSeen = new Map<string, string>();

// ---------------------------------------------------------------------------------------------
// Channel names

const WELL_KNOWN_CHANNELS: readonly string[] = [
  'Application',
  'Security',
  'Setup',
  'System',
  'ForwardedEvents',
  'HardwareEvents',
  'Windows PowerShell',
  'Directory Service',
  'DNS Server',
  'DFS Replication',
  'Key Management Service',
  'Internet Explorer',
  'Microsoft-Windows-Sysmon/Operational',
  'Microsoft-Windows-PowerShell/Operational',
  'Microsoft-Windows-PowerShell/Admin',
  'Microsoft-Windows-WMI-Activity/Operational',
  'Microsoft-Windows-TaskScheduler/Operational',
  'Microsoft-Windows-Windows Defender/Operational',
  'Microsoft-Windows-Windows Firewall With Advanced Security/Firewall',
  'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
  'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational',
  'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational',
  'Microsoft-Windows-WinRM/Operational',
  'Microsoft-Windows-Bits-Client/Operational',
  'Microsoft-Windows-DNS-Client/Operational',
  'Microsoft-Windows-DNSServer/Analytical',
  'Microsoft-Windows-CodeIntegrity/Operational',
  'Microsoft-Windows-AppLocker/EXE and DLL',
  'Microsoft-Windows-AppLocker/MSI and Script',
  'Microsoft-Windows-AppLocker/Packaged app-Execution',
  'Microsoft-Windows-AppLocker/Packaged app-Deployment',
  'Microsoft-Windows-NTLM/Operational',
  'Microsoft-Windows-SMBServer/Security',
  'Microsoft-Windows-SMBClient/Security',
  'Microsoft-Windows-CAPI2/Operational',
  'Microsoft-Windows-Security-Mitigations/KernelMode',
  'Microsoft-Windows-Security-Mitigations/UserMode',
  'Microsoft-Windows-GroupPolicy/Operational',
  'Microsoft-Windows-Kernel-PnP/Configuration',
  'Microsoft-Windows-PrintService/Operational',
  'Microsoft-Windows-Shell-Core/Operational',
  'Microsoft-Windows-LSA/Operational',
  'Microsoft-Windows-Ntfs/Operational',
  'Microsoft-Windows-Diagnosis-Scripted/Operational',
  'Microsoft-Windows-Hyper-V-Netvsc/Diagnostic',
  'Microsoft-Windows-WinINet-Config/ProxyConfigChanged',
];

const CHANNEL_BY_LOWER: ReadonlyMap<string, string> = new Map(WELL_KNOWN_CHANNELS.map((c) => [c.toLowerCase(), c]));

/** Well-known channel names in Windows' own case ("security" → "Security"); others as given. */
export function normalizeChannel(name: string): string {
  const trimmed = name.trim();
  return CHANNEL_BY_LOWER.get(trimmed.toLowerCase()) ?? trimmed;
}

// ---------------------------------------------------------------------------------------------
// evtx_dump / Rust evtx crate shape

/** An XML attribute in the renderings seen in the wild: `#attributes.X`, `@X`, or `X`. */
function attr(node: unknown, name: string): unknown {
  if (!isObject(node)) return undefined;
  const attrs = node['#attributes'];
  if (isObject(attrs) && attrs[name] !== undefined) return attrs[name];
  if (node['@' + name] !== undefined) return node['@' + name];
  return node[name];
}

function attrText(node: unknown, name: string): string | undefined {
  const v = attr(node, name);
  return v === undefined || v === null ? undefined : renderValue(v, false);
}

function put(data: Record<string, string>, key: string, value: string): void {
  if (!(key in data)) {
    data[key] = value;
    return;
  }
  // Keep every value: a repeated name gets a numeric suffix.
  for (let n = 2; ; n++) {
    const k = `${key}_${n}`;
    if (!(k in data)) {
      data[k] = value;
      return;
    }
  }
}

/** EventData: named fields, `Data` as array / object / `#text` list (unnamed → Data1, Data2…), `Binary`. */
function collectEventData(node: unknown, data: Record<string, string>): void {
  if (!isObject(node)) {
    if (Array.isArray(node)) addUnnamed(node, data);
    else if (node !== null && node !== undefined) put(data, 'Data1', renderValue(node, true));
    return;
  }
  for (const key in node) {
    const v = node[key];
    if (key === '#attributes' || key.startsWith('@xmlns') || key === 'xmlns') continue;
    if (key === 'Data') {
      collectDataElements(v, data);
      continue;
    }
    if (key === '#text') {
      addUnnamed(Array.isArray(v) ? v : [v], data);
      continue;
    }
    put(data, key, renderValue(v, true, key));
  }
}

function addUnnamed(values: readonly unknown[], data: Record<string, string>): void {
  let n = 1;
  for (const v of values) {
    while (`Data${n}` in data) n++;
    data[`Data${n}`] = renderValue(v, true);
    n++;
  }
}

function collectDataElements(v: unknown, data: Record<string, string>): void {
  const items = Array.isArray(v) ? v : [v];
  for (const item of items) {
    if (isObject(item)) {
      const name = str(attr(item, 'Name'));
      const text = item['#text'] ?? item['$'] ?? item['value'] ?? '';
      if (name !== undefined && name !== '') put(data, name, renderValue(text, true));
      else if (Array.isArray(text)) addUnnamed(text, data);
      else addUnnamed([text], data);
    } else {
      addUnnamed([item], data);
    }
  }
}

/** UserData: the leaves by element name, whatever the nesting; attributes of the wrapper skipped. */
function collectUserData(node: unknown, data: Record<string, string>, depth = 0): void {
  if (!isObject(node) || depth > 32) return;
  for (const key in node) {
    if (key === '#attributes' || key.startsWith('@') || key === 'xmlns') continue;
    const v = node[key];
    if (isObject(v) && !('#text' in v && Object.keys(v).every((k) => k === '#text' || k === '#attributes'))) {
      collectUserData(v, data, depth + 1);
    } else {
      put(data, key, renderValue(v, true, key));
    }
  }
}

function fromEvtxShape(ev: JsonObject): ConvertedRecord | string {
  const sys = ev['System'];
  if (!isObject(sys)) return 'no System section';
  const provider = sys['Provider'];
  const eventIdNode = sys['EventID'];
  const eventId = scalar(eventIdNode);
  if (eventId === undefined) return 'no EventID in System';
  const correlation = sys['Correlation'];
  const execution = sys['Execution'];
  const timeNode = sys['TimeCreated'];
  const systemTime = typeof timeNode === 'string' ? timeNode : attrText(timeNode, 'SystemTime');
  const guid = attrText(provider, 'Guid');
  const activity = attrText(correlation, 'ActivityID');
  const related = attrText(correlation, 'RelatedActivityID');
  const computer = str(scalar(sys['Computer']))?.trim();
  const channel = str(scalar(sys['Channel']));
  const keywords = keywordsHex(scalar(sys['Keywords']), 'Keywords');
  const raw: RawSystem = {
    provider: attrText(provider, 'Name') ?? (typeof provider === 'string' ? provider : undefined),
    providerGuid: guid ? braceGuid(guid) : undefined,
    eventSourceName: attrText(provider, 'EventSourceName'),
    eventId,
    qualifiers: str(attr(eventIdNode, 'Qualifiers')),
    version: scalar(sys['Version']),
    level: scalar(sys['Level']),
    task: scalar(sys['Task']),
    opcode: scalar(sys['Opcode']),
    keywords,
    systemTime,
    recordId: scalar(sys['EventRecordID']),
    activityId: activity ? braceGuid(activity) : undefined,
    relatedActivityId: related ? braceGuid(related) : undefined,
    processId: str(attr(execution, 'ProcessID')),
    threadId: str(attr(execution, 'ThreadID')),
    channel: channel === undefined ? undefined : normalizeChannel(channel),
    computer,
    userSid: attrText(sys['Security'], 'UserID'),
  };
  const data = newDataObject();
  if (ev['EventData'] !== undefined) collectEventData(ev['EventData'], data);
  if (ev['UserData'] !== undefined) collectUserData(ev['UserData'], data);
  const times: EventTimes = { systemTime, utcTime: data['UtcTime'], offsetKey: computer };
  return { shape: 'evtx', raw, data, times };
}

// ---------------------------------------------------------------------------------------------
// Flattened collector records (NXLog im_msvistalog, Logstash)
//
// Top-level keys and what they are. Everything not named here is an EventData field.
//   System:  EventID/EventId → eventId; Channel → channel (well-known names re-cased);
//            Hostname/Computer/ComputerName → computer (the event's host, trimmed; the
//            Logstash `host` is the collector and is used only when none of these exists);
//            SourceName/ProviderName → provider; ProviderGuid; RecordNumber/EventRecordID →
//            recordId; ExecutionProcessID → processId; ExecutionThreadID/ThreadID → threadId;
//            Keywords (signed 64-bit decimal → hex); Version; Task; OpcodeValue → opcode
//            (Opcode only when numeric: as text it is the opcode's display name); Level when
//            numeric; UserID → userSid; ActivityID; RelatedActivityID; Qualifiers.
//   Times:   EventTime (event time, collector-local), TimeCreated/SystemTime, @timestamp
//            (collector receipt) and EventReceivedTime (collector local) are not data.
//            UtcTime stays in data (it is a Sysmon field) and is also a time candidate.
//   Collector metadata, never data: EventReceivedTime, SourceModuleName, SourceModuleType,
//            Severity, SeverityValue (NXLog's own scale, not Windows' Level), Category (the
//            task's display name), Message (the rendered message), ERROR_EVT_UNRESOLVED,
//            EventTypeOrignal/EventTypeOriginal, MessageSourceAddress, @timestamp, @version,
//            port, tags, host, type, beat, agent, ecs, log, input, fields, @metadata.
//   Conditional: EventType is NXLog's (INFO, AUDIT_SUCCESS, …) when its value is one of those
//            words, else data (Sysmon 12–14 carry EventType = SetValue, CreateKey, …).
//            AccountName, AccountType and Domain are NXLog's lookup of UserID when UserID is
//            present, else data.

const R_DATA = 0;
const R_SKIP = 1;
const R_EVENT_ID = 2;
const R_CHANNEL = 3;
const R_COMPUTER = 4;
const R_PROVIDER = 5;
const R_PROVIDER_GUID = 6;
const R_RECORD_ID = 7;
const R_PROCESS_ID = 8;
const R_THREAD_ID = 9;
const R_KEYWORDS = 10;
const R_VERSION = 11;
const R_TASK = 12;
const R_OPCODE_VALUE = 13;
const R_OPCODE = 14;
const R_LEVEL = 15;
const R_USER_SID = 16;
const R_ACTIVITY = 17;
const R_RELATED = 18;
const R_EVENT_TIME = 19;
const R_SYSTEM_TIME = 20;
const R_UTC_TIME = 21;
const R_TIMESTAMP = 22;
const R_RECEIVED = 23;
const R_EVENT_TYPE = 24;
const R_ACCOUNT = 25;
const R_HOST = 26;
const R_QUALIFIERS = 27;

const FLAT_ROLES: ReadonlyMap<string, number> = new Map<string, number>([
  ['EventID', R_EVENT_ID],
  ['EventId', R_EVENT_ID],
  ['Channel', R_CHANNEL],
  ['Hostname', R_COMPUTER],
  ['Computer', R_COMPUTER],
  ['ComputerName', R_COMPUTER],
  ['SourceName', R_PROVIDER],
  ['ProviderName', R_PROVIDER],
  ['ProviderGuid', R_PROVIDER_GUID],
  ['RecordNumber', R_RECORD_ID],
  ['EventRecordID', R_RECORD_ID],
  ['ExecutionProcessID', R_PROCESS_ID],
  ['ExecutionThreadID', R_THREAD_ID],
  ['ThreadID', R_THREAD_ID],
  ['Keywords', R_KEYWORDS],
  ['Version', R_VERSION],
  ['Task', R_TASK],
  ['OpcodeValue', R_OPCODE_VALUE],
  ['Opcode', R_OPCODE],
  ['Level', R_LEVEL],
  ['UserID', R_USER_SID],
  ['ActivityID', R_ACTIVITY],
  ['RelatedActivityID', R_RELATED],
  ['Qualifiers', R_QUALIFIERS],
  ['EventTime', R_EVENT_TIME],
  ['TimeCreated', R_SYSTEM_TIME],
  ['SystemTime', R_SYSTEM_TIME],
  ['UtcTime', R_UTC_TIME],
  ['@timestamp', R_TIMESTAMP],
  ['EventReceivedTime', R_RECEIVED],
  ['EventType', R_EVENT_TYPE],
  ['AccountName', R_ACCOUNT],
  ['AccountType', R_ACCOUNT],
  ['Domain', R_ACCOUNT],
  ['host', R_HOST],
  ['SourceModuleName', R_SKIP],
  ['SourceModuleType', R_SKIP],
  ['Severity', R_SKIP],
  ['SeverityValue', R_SKIP],
  ['Category', R_SKIP],
  ['Message', R_SKIP],
  ['ERROR_EVT_UNRESOLVED', R_SKIP],
  ['EventTypeOrignal', R_SKIP],
  ['EventTypeOriginal', R_SKIP],
  ['MessageSourceAddress', R_SKIP],
  ['@version', R_SKIP],
  ['@metadata', R_SKIP],
  ['port', R_SKIP],
  ['tags', R_SKIP],
  ['type', R_SKIP],
  ['beat', R_SKIP],
  ['agent', R_SKIP],
  ['ecs', R_SKIP],
  ['log', R_SKIP],
  ['input', R_SKIP],
  ['fields', R_SKIP],
]);

/** NXLog's EventType words (its own classification, not an event field). */
const NXLOG_EVENT_TYPES: ReadonlySet<string> = new Set([
  'CRITICAL',
  'ERROR',
  'WARNING',
  'INFO',
  'VERBOSE',
  'AUDIT_SUCCESS',
  'AUDIT_FAILURE',
]);

function numericOnly(v: unknown): string | number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(v)) return v.trim();
  return undefined;
}

function fromFlatShape(obj: JsonObject): ConvertedRecord | string {
  let eventId: string | number | undefined;
  let channel: string | undefined;
  let computer: string | undefined;
  let host: string | undefined;
  let provider: string | undefined;
  let providerGuid: string | undefined;
  let recordId: string | number | undefined;
  let processId: string | number | undefined;
  let threadId: string | number | undefined;
  let keywords: string | undefined;
  let version: string | number | undefined;
  let task: string | number | undefined;
  let opcodeValue: string | number | undefined;
  let opcode: string | number | undefined;
  let level: string | number | undefined;
  let userSid: string | undefined;
  let activityId: string | undefined;
  let relatedActivityId: string | undefined;
  let qualifiers: string | number | undefined;
  let eventTime: string | undefined;
  let systemTime: string | undefined;
  let utcTime: string | undefined;
  let timestamp: string | undefined;
  let receivedTime: string | undefined;
  let accountFields: [string, unknown][] | undefined;
  let hostIsText = false;
  const data = newDataObject();
  for (const key in obj) {
    const v = obj[key];
    const role = FLAT_ROLES.get(key) ?? R_DATA;
    switch (role) {
      case R_DATA:
        data[key] = renderValue(v, false, key);
        break;
      case R_SKIP:
        break;
      case R_EVENT_ID:
        eventId = scalar(v);
        break;
      case R_CHANNEL:
        channel = str(v);
        break;
      case R_COMPUTER:
        computer ??= str(v)?.trim();
        break;
      case R_PROVIDER:
        provider ??= str(v);
        break;
      case R_PROVIDER_GUID:
        providerGuid = str(v);
        break;
      case R_RECORD_ID:
        recordId = scalar(v);
        break;
      case R_PROCESS_ID:
        processId = scalar(v);
        break;
      case R_THREAD_ID:
        threadId = scalar(v);
        break;
      case R_KEYWORDS:
        keywords = keywordsHex(v, key);
        break;
      case R_VERSION:
        version = scalar(v);
        break;
      case R_TASK:
        task = numericOnly(v);
        break;
      case R_OPCODE_VALUE:
        opcodeValue = scalar(v);
        break;
      case R_OPCODE:
        opcode = numericOnly(v);
        break;
      case R_LEVEL:
        level = numericOnly(v);
        break;
      case R_USER_SID:
        userSid = str(v);
        break;
      case R_ACTIVITY:
        activityId = str(v);
        break;
      case R_RELATED:
        relatedActivityId = str(v);
        break;
      case R_QUALIFIERS:
        qualifiers = scalar(v);
        break;
      case R_EVENT_TIME:
        eventTime = str(v);
        break;
      case R_SYSTEM_TIME:
        systemTime = str(v);
        break;
      case R_UTC_TIME:
        utcTime = str(v);
        data[key] = renderValue(v, false, key);
        break;
      case R_TIMESTAMP:
        timestamp = str(v);
        break;
      case R_RECEIVED:
        receivedTime = str(v);
        break;
      case R_EVENT_TYPE:
        if (!(typeof v === 'string' && NXLOG_EVENT_TYPES.has(v))) data[key] = renderValue(v, false, key);
        break;
      case R_ACCOUNT:
        (accountFields ??= []).push([key, v]);
        break;
      case R_HOST:
        if (typeof v === 'string') {
          host = v.trim();
          hostIsText = true;
        } else if (isObject(v)) host = str(v['name'])?.trim();
        break;
      default:
        data[key] = renderValue(v, false, key);
    }
  }
  if (eventId === undefined) return 'no EventID';
  if (accountFields && userSid === undefined) {
    for (const [k, v] of accountFields) data[k] = renderValue(v, false, k);
  }
  const raw: RawSystem = {
    provider,
    providerGuid,
    eventId,
    qualifiers,
    version,
    level,
    task,
    opcode: opcodeValue ?? opcode,
    keywords,
    systemTime,
    recordId,
    activityId,
    relatedActivityId,
    processId,
    threadId,
    channel: channel === undefined ? undefined : normalizeChannel(channel),
    computer: computer ?? host,
    userSid,
  };
  const times: EventTimes = {
    systemTime,
    utcTime,
    eventTime,
    collectorTimestamp: timestamp,
    receivedTime,
    // The same key the pre-scan reads with its regexes (a text `host`, else Hostname).
    offsetKey: (hostIsText ? host : undefined) ?? computer,
  };
  return { shape: 'flat', raw, data, times };
}

// ---------------------------------------------------------------------------------------------
// Winlogbeat

function collectFlatMap(node: unknown, data: Record<string, string>): void {
  if (!isObject(node)) return;
  for (const key in node) put(data, key, renderValue(node[key], false, key));
}

function fromWinlogbeat(obj: JsonObject, w: JsonObject): ConvertedRecord | string {
  const event = isObject(obj['event']) ? obj['event'] : undefined;
  const hostObj = isObject(obj['host']) ? obj['host'] : undefined;
  const processNode = isObject(w['process']) ? w['process'] : undefined;
  const userNode = isObject(w['user']) ? w['user'] : undefined;
  const eventId = scalar(w['event_id']) ?? scalar(event?.['code']);
  if (eventId === undefined) return 'no winlog.event_id';
  const channel = str(w['channel'] ?? w['log_name']);
  const computer = (str(w['computer_name']) ?? str(hostObj?.['name']) ?? str(hostObj?.['hostname']))?.trim();
  const thread = processNode && isObject(processNode['thread']) ? processNode['thread'] : undefined;
  const raw: RawSystem = {
    provider: str(w['provider_name'] ?? w['source_name']),
    providerGuid: str(w['provider_guid']),
    eventId,
    version: numericOnly(w['version']),
    task: numericOnly(w['task']),
    opcode: numericOnly(w['opcode']),
    recordId: scalar(w['record_id'] ?? w['record_number']),
    activityId: str(w['activity_id']),
    relatedActivityId: str(w['related_activity_id']),
    processId: scalar(processNode?.['pid'] ?? w['process_id']),
    threadId: scalar(thread?.['id'] ?? w['thread_id']),
    channel: channel === undefined ? undefined : normalizeChannel(channel),
    computer,
    userSid: str(userNode?.['identifier']),
  };
  const data = newDataObject();
  collectFlatMap(w['event_data'], data);
  collectUserData(w['user_data'], data);
  const times: EventTimes = {
    beatTimestamp: str(obj['@timestamp']),
    utcTime: data['UtcTime'],
    offsetKey: computer,
  };
  return { shape: 'winlogbeat', raw, data, times };
}

// ---------------------------------------------------------------------------------------------

/**
 * Converts a parsed JSON value; returns the reason text when it is not a Windows event.
 * `text` is the JSON it was parsed from, for the exact digits of integers past 2^53.
 */
export function convertRecord(value: unknown, text?: string): ConvertedRecord | string {
  currentText = text ?? null;
  currentLongIntegers = null;
  try {
    return convertValue(value);
  } finally {
    currentText = null;
    currentLongIntegers = null;
  }
}

function convertValue(value: unknown): ConvertedRecord | string {
  if (Array.isArray(value)) return 'a JSON array, not an event object';
  if (!isObject(value)) return `a JSON ${value === null ? 'null' : typeof value}, not an event object`;
  let obj = value;
  // An Elasticsearch hit.
  if (isObject(obj['_source'])) obj = obj['_source'];
  const ev = obj['Event'];
  if (isObject(ev)) return fromEvtxShape(ev);
  // The same without the Event wrapper.
  if (isObject(obj['System']) && obj['EventID'] === undefined) return fromEvtxShape(obj);
  const w = obj['winlog'];
  if (isObject(w)) return fromWinlogbeat(obj, w);
  // Winlogbeat 6 and older: winlog fields at the top level.
  if (obj['event_id'] !== undefined && (isObject(obj['event_data']) || obj['log_name'] !== undefined)) {
    return fromWinlogbeat(obj, obj);
  }
  const result = fromFlatShape(obj);
  return typeof result === 'string' ? 'valid JSON but not a Windows event (no EventID)' : result;
}
