// Exports of the case for other tools: events (CSV, JSONL, Timesketch, ECS), findings CSV,
// Parquet, the ATT&CK Navigator layer and the case bundle.

export { exportEcsSql, ecsSelect } from './ecs-sql.js';
export { exportEvents, EVENT_CSV_COLUMNS, TIMESKETCH_CSV_COLUMNS, type EventExportFormat, type EventExportOptions, type ExportResult } from './export-events.js';
export { exportCaseBundle, exportFindingsCsv, exportParquet, writeNavigatorLayer, BUNDLE_MANIFEST_FILE, FINDING_CSV_COLUMNS, type BundleManifest, type ParquetExport } from './export-case.js';
export { csvCell, csvRow, neutralizeFormula } from './csv.js';
