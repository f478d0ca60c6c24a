// Hunting queries: the finding's pattern (image, parent, a command-line fragment) written as
// KQL and Splunk SPL, so the investigator can look for it across the fleet. Every value from
// the evidence is escaped for the language it lands in: evidence is hostile, and a quote in a
// command line must not end the string the query is built around.

import type { Finding, HuntingQueries, HuntingQuery } from '../../../shared/findings.js';
import { imageName } from '../../../shared/normalize.js';
import type { FindingContext } from './findings.js';

/** Longest command-line fragment put into a query. */
export const FRAGMENT_MAX = 80;

/** Control characters cannot be typed into a query box; they end the fragment. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A KQL string literal: `"…"` with `\\`, `\"`, `\n`, `\r`, `\t` escaped. */
export function kqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // Other control characters have no escape every KQL host accepts; they are left out.
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) continue;
    else out += ch;
  }
  return out + '"';
}

/**
 * An SPL quoted search term: `"…"` with `\\` and `\"`. SPL has no escape for `*` in a search
 * term (it is always a wildcard), which can only widen the match, never break the query.
 */
export function splString(value: string): string {
  return '"' + value.replace(/[\\"]/g, (c) => '\\' + c).replace(/[\r\n\t]/g, ' ') + '"';
}

/** XML entity form, for values matched inside the Event table's EventData XML. */
export function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

function get(context: FindingContext, ...names: string[]): string {
  for (const n of names) {
    const v = context.data[n];
    if (v !== undefined && v.trim() !== '' && v !== '-') return v;
  }
  return '';
}

/**
 * The distinctive part of a command line: what follows the program name, cut at the first
 * control character and at FRAGMENT_MAX characters (on a space when one is near the end).
 */
export function commandFragment(commandLine: string, image: string): string {
  let rest = commandLine.trim();
  const m = /^"[^"]*"|^\S+/.exec(rest);
  if (m && (image === '' || imageName(m[0].replace(/"/g, '')) === imageName(image) || /\.exe"?$/i.test(m[0]))) {
    rest = rest.slice(m[0].length).trim();
  }
  const cut = CONTROL.exec(rest);
  if (cut) rest = rest.slice(0, cut.index).trim();
  if (rest.length > FRAGMENT_MAX) {
    const space = rest.lastIndexOf(' ', FRAGMENT_MAX);
    rest = rest.slice(0, space > FRAGMENT_MAX / 2 ? space : FRAGMENT_MAX);
  }
  return rest;
}

interface ProcessPattern {
  readonly image: string;
  readonly parent: string;
  readonly fragment: string;
}

function processPattern(context: FindingContext): ProcessPattern {
  const imagePath = get(context, 'NewProcessName', 'Image');
  const parentPath = get(context, 'ParentProcessName', 'ParentImage');
  const cmd = get(context, 'CommandLine');
  return { image: imageName(imagePath), parent: imageName(parentPath), fragment: cmd ? commandFragment(cmd, imagePath) : '' };
}

function processQueries(p: ProcessPattern): HuntingQuery[] {
  const { image, parent, fragment } = p;
  const kql = (table: string, first: string[], imageCol: string, parentCol: string, cmdCol: string, byName: boolean): string => {
    const lines = [table, ...first];
    if (image) lines.push(byName ? `| where ${imageCol} =~ ${kqlString(image)}` : `| where ${imageCol} endswith ${kqlString('\\' + image)}`);
    if (parent) lines.push(byName ? `| where ${parentCol} =~ ${kqlString(parent)}` : `| where ${parentCol} endswith ${kqlString('\\' + parent)}`);
    if (fragment) lines.push(`| where ${cmdCol} contains ${kqlString(fragment)}`);
    return lines.join('\n');
  };
  const security = kql('SecurityEvent', ['| where EventID == 4688'], 'NewProcessName', 'ParentProcessName', 'CommandLine', false) +
    '\n| project TimeGenerated, Computer, Account, ParentProcessName, NewProcessName, CommandLine';
  const defender = kql('DeviceProcessEvents', ['| where ActionType == "ProcessCreated"'], 'FileName', 'InitiatingProcessFileName', 'ProcessCommandLine', true) +
    '\n| project Timestamp, DeviceName, AccountName, InitiatingProcessFileName, FileName, ProcessCommandLine';
  // Sysmon in Log Analytics lands in the Event table with EventData as XML text: extract the
  // fields, and match values in their XML-escaped form.
  const sysmonLines = [
    'Event',
    '| where Source == "Microsoft-Windows-Sysmon" and EventID == 1',
    '| extend Image = extract(@\'<Data Name="Image">([^<]*)<\', 1, EventData), ParentImage = extract(@\'<Data Name="ParentImage">([^<]*)<\', 1, EventData), CommandLine = extract(@\'<Data Name="CommandLine">([^<]*)<\', 1, EventData)',
  ];
  if (image) sysmonLines.push(`| where Image endswith ${kqlString('\\' + xmlEscape(image))}`);
  if (parent) sysmonLines.push(`| where ParentImage endswith ${kqlString('\\' + xmlEscape(parent))}`);
  if (fragment) sysmonLines.push(`| where CommandLine contains ${kqlString(xmlEscape(fragment))}`);
  sysmonLines.push('| project TimeGenerated, Computer, ParentImage, Image, CommandLine');

  const spl = (base: string, imageField: string, parentField: string, cmdField: string, table: string): string => {
    const terms = [base];
    if (image) terms.push(`${imageField}=${splString('*\\' + image)}`);
    if (parent) terms.push(`${parentField}=${splString('*\\' + parent)}`);
    if (fragment) terms.push(`${cmdField}=${splString('*' + fragment + '*')}`);
    return terms.join(' ') + `\n| table ${table}`;
  };
  return [
    { language: 'kql', target: 'SecurityEvent (Security 4688)', query: security },
    { language: 'kql', target: 'DeviceProcessEvents (Defender for Endpoint)', query: defender },
    { language: 'kql', target: 'Event (Sysmon 1)', query: sysmonLines.join('\n') },
    {
      language: 'spl',
      target: 'Splunk, Security 4688 (XmlWinEventLog)',
      query: spl('source="XmlWinEventLog:Security" EventCode=4688', 'NewProcessName', 'ParentProcessName', 'CommandLine', '_time host ParentProcessName NewProcessName CommandLine'),
    },
    {
      language: 'spl',
      target: 'Splunk, Sysmon 1',
      query: spl('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1', 'Image', 'ParentImage', 'CommandLine', '_time host ParentImage Image CommandLine'),
    },
  ];
}

function serviceQueries(context: FindingContext): HuntingQuery[] {
  const name = get(context, 'ServiceName');
  const path = get(context, 'ImagePath', 'ServiceFileName');
  const fragment = path ? commandFragment(path, '') || path.slice(0, FRAGMENT_MAX) : '';
  const kqlLines = ['Event', '| where Source == "Service Control Manager" and EventID == 7045'];
  if (name) kqlLines.push(`| where EventData has ${kqlString(xmlEscape(name))}`);
  if (fragment) kqlLines.push(`| where EventData contains ${kqlString(xmlEscape(fragment))}`);
  kqlLines.push('| project TimeGenerated, Computer, RenderedDescription');
  const secLines = ['SecurityEvent', '| where EventID == 4697'];
  if (name) secLines.push(`| where EventData has ${kqlString(xmlEscape(name))}`);
  secLines.push('| project TimeGenerated, Computer, Account, EventData');
  const splTerms = ['source="XmlWinEventLog:System" EventCode=7045'];
  if (name) splTerms.push(`ServiceName=${splString(name)}`);
  if (fragment) splTerms.push(`ImagePath=${splString('*' + fragment + '*')}`);
  return [
    { language: 'kql', target: 'Event (System 7045)', query: kqlLines.join('\n') },
    { language: 'kql', target: 'SecurityEvent (Security 4697)', query: secLines.join('\n') },
    { language: 'spl', target: 'Splunk, System 7045', query: splTerms.join(' ') + '\n| table _time host ServiceName ImagePath AccountName' },
  ];
}

function scriptQueries(context: FindingContext): HuntingQuery[] {
  const text = get(context, 'ScriptBlockText');
  const fragment = commandFragment('x ' + text, '');
  if (!fragment) return [];
  return [
    {
      language: 'kql',
      target: 'Event (PowerShell 4104)',
      query: ['Event', '| where Source == "Microsoft-Windows-PowerShell" and EventID == 4104', `| where EventData contains ${kqlString(xmlEscape(fragment))}`, '| project TimeGenerated, Computer, EventData'].join('\n'),
    },
    {
      language: 'spl',
      target: 'Splunk, PowerShell 4104',
      query: `source="XmlWinEventLog:Microsoft-Windows-PowerShell/Operational" EventCode=4104 ScriptBlockText=${splString('*' + fragment + '*')}\n| table _time host ScriptBlockText`,
    },
  ];
}

/** The hunting queries of one finding, from the event it was made on. */
export function huntingQueries(finding: Pick<Finding, 'id'>, context: FindingContext): HuntingQueries {
  const provider = context.provider.toLowerCase();
  const id = context.eventId;
  const sysmon = provider === 'microsoft-windows-sysmon' || context.channel.toLowerCase() === 'microsoft-windows-sysmon/operational';
  if ((id === 4688 && !sysmon) || (id === 1 && sysmon)) {
    const pattern = processPattern(context);
    const note = pattern.fragment
      ? null
      : 'The event has no command line (command-line auditing off?): the queries match on the image and parent only.';
    return { findingId: finding.id, queries: processQueries(pattern), note };
  }
  if (id === 7045 || id === 4697) return { findingId: finding.id, queries: serviceQueries(context), note: null };
  if (id === 4104) {
    const queries = scriptQueries(context);
    return { findingId: finding.id, queries, note: queries.length ? null : 'The script block is empty.' };
  }
  return {
    findingId: finding.id,
    queries: [],
    note: `No hunting query is built for event ${id} (${context.channel}) yet: process creations, service installs and script blocks are.`,
  };
}
