// `chainline sigma`: run Sigma rules (the built-in pack and the user's folders) over evidence.
// stdout: one JSON line per match; correlation matches name their member events. stderr: rules
// rejected or skipped, and reading errors, as JSON lines with the reason.

import type { NormalizedEvent } from '../../shared/events.js';
import { SEVERITIES, type Severity } from '../../shared/findings.js';
import { createMatcher, evaluateCorrelations, loadRulePack, RULE_STATUSES, type CorrelationHit, type RuleStatus } from '../engine/detect/sigma/index.js';
import { UsageError, type ParsedArgs } from './args.js';
import { readEvidence, type EvidenceErrorLine } from './read-evidence.js';

export const SIGMA_HELP = `Usage: chainline sigma [--rules <dir>]… [--no-builtin] <files or folders…>

Runs Sigma rules over EVTX, XML and JSON evidence: Chainline's built-in triage rules plus every
.yml/.yaml rule below each --rules folder (a SigmaHQ checkout works). Prints one JSON line per
match on stdout:
  {"ruleId","ruleTitle","level","file","recordId","eventId","computer","timeCreated"}
and per correlation rule match (event_count, value_count, temporal, temporal_ordered):
  {"ruleId","ruleTitle","level","correlation","group","timeCreated","events":[{"file","recordId","eventId","computer","timeCreated"}…]}
Rules that are rejected (broken, unsupported) or skipped (a log source Chainline cannot map, the
level or status filters) go to stderr as JSON lines {"rule","id","title","kind","reason"};
reading errors as {"file","offset","error"}.

Options:
  --rules <dir>          a folder (or file) of Sigma rules; repeat for several
  --no-builtin           leave out the built-in rules
  --min-level <level>    skip rules below informational|low|medium|high|critical
  --status <list>        statuses to load, comma-separated (default stable,test,experimental)
  --tz-offset <±HH:MM>   local time zone of zone-less times (NXLog EventTime), if known
  --help                 this text`;

interface MatchLine {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly level: Severity;
  readonly file: string;
  readonly recordId: number | null;
  readonly eventId: number;
  readonly computer: string;
  readonly timeCreated: string;
}

function eventRef(e: NormalizedEvent): { file: string; recordId: number | null; eventId: number; computer: string; timeCreated: string } {
  return { file: e.source.file, recordId: e.system.recordId ?? null, eventId: e.system.eventId, computer: e.system.computer, timeCreated: e.time };
}

async function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (text === '' || stream.write(text)) return;
  await new Promise<void>((r) => stream.once('drain', () => r()));
}

export async function commandSigma(args: ParsedArgs, tzOffsetMinutes: number | undefined): Promise<number> {
  if (args.positional.length === 0) throw new UsageError('sigma needs at least one file or folder');
  const builtin = !args.flags.has('no-builtin');
  const dirs = (args.lists.get('rules') ?? []).map((d) => d[0] as string);
  if (!builtin && dirs.length === 0) throw new UsageError('--no-builtin leaves no rules: add --rules <dir>');
  const minLevelText = args.options.get('min-level');
  if (minLevelText !== undefined && !(SEVERITIES as readonly string[]).includes(minLevelText)) {
    throw new UsageError(`--min-level must be one of ${SEVERITIES.join(', ')}`);
  }
  const statusText = args.options.get('status');
  const statuses = statusText?.split(',').map((s) => s.trim().toLowerCase());
  for (const s of statuses ?? []) if (!(RULE_STATUSES as readonly string[]).includes(s)) throw new UsageError(`--status: unknown status ${JSON.stringify(s)}`);

  const pack = await loadRulePack({
    dirs,
    builtin,
    ...(minLevelText !== undefined ? { minLevel: minLevelText as Severity } : {}),
    ...(statuses ? { statuses: statuses as RuleStatus[] } : {}),
  });
  let problems = '';
  for (const p of pack.problems) problems += JSON.stringify({ rule: p.path, id: p.id ?? null, title: p.title ?? null, kind: p.kind, reason: p.reason }) + '\n';
  await write(process.stderr, problems);
  process.stderr.write(`${pack.rules.length} rules and ${pack.correlations.length} correlation rules loaded\n`);

  const matcher = createMatcher(pack);
  // Only hits of rules a correlation refers to are kept for the correlation pass.
  const referenced = new Set(pack.correlations.flatMap((c) => c.rules));
  const kept: CorrelationHit[] = [];
  let failed = false;
  const onError = async (error: EvidenceErrorLine): Promise<void> => {
    failed = true;
    await write(process.stderr, JSON.stringify(error) + '\n');
  };
  for await (const events of readEvidence(args.positional, tzOffsetMinutes === undefined ? {} : { localTimeOffsetMinutes: tzOffsetMinutes }, onError)) {
    let out = '';
    for (const event of events) {
      for (const rule of matcher.match(event)) {
        const line: MatchLine = { ruleId: rule.id, ruleTitle: rule.title, level: rule.level, ...eventRef(event) };
        out += JSON.stringify(line) + '\n';
        if (referenced.has(rule.id) || (rule.name !== undefined && referenced.has(rule.name))) kept.push({ rule, event, rowId: kept.length });
      }
    }
    await write(process.stdout, out);
  }
  if (pack.correlations.length > 0) {
    let out = '';
    for (const m of evaluateCorrelations(pack, kept)) {
      out +=
        JSON.stringify({
          ruleId: m.correlation.id,
          ruleTitle: m.correlation.title,
          level: m.correlation.level,
          correlation: m.correlation.type,
          group: m.group,
          timeCreated: m.firstTime,
          events: m.rowIds.map((id) => eventRef((kept[id] as CorrelationHit).event)),
        }) + '\n';
    }
    await write(process.stdout, out);
  }
  return failed ? 1 : 0;
}
