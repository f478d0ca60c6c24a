// CSV as spreadsheets and Timeline Explorer read it: RFC 4180 quoting, CRLF rows, a UTF-8 BOM
// (so Excel reads UTF-8), cells that a spreadsheet would run as a formula neutralised, and
// cells longer than a spreadsheet cell can hold clipped with a stated length.

/** Excel's cell limit is 32,767 characters; longer cells break the row in some readers. */
export const CSV_MAX_CELL = 32_000;

export const UTF8_BOM = '\uFEFF';

/**
 * A cell starting with `=`, `+`, `-`, `@`, tab or CR is a formula (or becomes one) in Excel,
 * LibreOffice and Google Sheets; a leading `'` makes it text (OWASP "CSV injection").
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function clipCell(value: string, max = CSV_MAX_CELL): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}…[clipped: ${value.length.toLocaleString('en-US')} characters in full]`;
}

/** One cell, quoted when RFC 4180 needs it. */
export function csvCell(value: string | number | boolean | null | undefined, options: { neutralize?: boolean; maxChars?: number } = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  let text = clipCell(value, options.maxChars ?? CSV_MAX_CELL);
  if (options.neutralize ?? true) text = neutralizeFormula(text);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly (string | number | boolean | null | undefined)[], options: { neutralize?: boolean; maxChars?: number } = {}): string {
  return values.map((v) => csvCell(v, options)).join(',') + '\r\n';
}
