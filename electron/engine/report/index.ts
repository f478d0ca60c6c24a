// The case report: gather (buildReportModel), render (renderReportHtml), print (a PdfPrinter:
// Electron's printToPDF in the app, headless Chromium for the CLI and serve).

export { buildReportModel, defaultSessionSelection, eventDetailFromStore, summarizeFindings, verifyEvidenceFile, REPORT_LIMITS, type ReportInputs } from './build-report.js';
export { renderReportHtml, escapeHtml, REPORT_CSP } from './render-html.js';
export { chromiumPrinter, findChromium, writeReport, NoChromiumError, NO_CHROMIUM_MESSAGE, type PdfPrinter } from './pdf.js';
export { tacticsOf, techniquesOf } from './attack.js';
export type * from './report-model.js';

import { buildReportModel, type ReportInputs } from './build-report.js';
import { writeReport, type PdfPrinter } from './pdf.js';
import { renderReportHtml } from './render-html.js';
import type { ReportModel } from './report-model.js';

/**
 * Gathers, renders and writes the report to `out` (.html, or .pdf through `printer`). The
 * Electron side passes a printer wrapping webContents.printToPDF on a hidden window loading
 * the HTML; without one a .pdf is printed by headless Chromium.
 */
export async function generateReport(inputs: ReportInputs, out: string, printer?: () => Promise<PdfPrinter>): Promise<ReportModel> {
  const model = await buildReportModel(inputs);
  await writeReport(renderReportHtml(model), out, printer);
  return model;
}
