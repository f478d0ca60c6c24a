// The correlation core's public surface. Typical use:
//
//   const inputs: CorrelationInput[] = [];
//   for (const { event, rowId } of events) { const i = toCorrelationInput(event, rowId); if (i) inputs.push(i); }
//   const result = correlate(inputs);
//   const document = buildAnalysisDocument(result);      // `analyze --json`
//   const chain = sessionChain(result, sessionId, { follow: true });

export { correlate, hostKeyOf, parseServiceCommand, type CorrelateOptions } from './correlate.js';
export { toCorrelationInput, splitTicks, type CorrelationInput, type CorrelationTime } from './input.js';
export { buildAnalysisDocument, type AnalysisDocument } from './document.js';
export { buildChainIndex, sessionChain, type ChainEntry, type ChainEntryKind, type ChainIndex, type ChainOptions } from './chain.js';
export { decodePowerShell, decodedSummary, type DecodeOptions, type DecodeResult, type DecodedLayer } from './decode-powershell.js';
export { compareTime, isoOf, strictlyBefore } from './time.js';
export type {
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
