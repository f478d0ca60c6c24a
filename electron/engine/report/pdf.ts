// The report as PDF. The HTML is the report; a PDF is that HTML printed by a browser engine.
// Who prints is passed in: Electron's webContents.printToPDF in the app, headless Chromium
// for the CLI and `chainline serve` (found via CHAINLINE_CHROMIUM or PATH).

import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Turns a self-contained HTML document into PDF bytes. */
export type PdfPrinter = (html: string) => Promise<Uint8Array>;

export class NoChromiumError extends Error {
  override readonly name = 'NoChromiumError';
}

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The Chromium to print with: CHAINLINE_CHROMIUM if set, else the first of the usual names on PATH. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const forced = env['CHAINLINE_CHROMIUM'];
  if (forced) return (await executable(forced)) ? forced : null;
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    for (const name of CANDIDATES) {
      const candidate = join(dir, name);
      if (await executable(candidate)) return candidate;
    }
  }
  return null;
}

export const NO_CHROMIUM_MESSAGE =
  'PDF needs a Chromium-based browser and none was found (looked for CHAINLINE_CHROMIUM, then chromium, chromium-browser, google-chrome on PATH). ' +
  'Install Chromium, set CHAINLINE_CHROMIUM=/path/to/chromium, or write the report as .html and print it from a browser.';

/**
 * A printer running headless Chromium on a temporary copy of the HTML. The report has no
 * script and a CSP forbidding any load, so printing it needs no network and runs nothing.
 */
export async function chromiumPrinter(options: { readonly chromium?: string; readonly timeoutMs?: number } = {}): Promise<PdfPrinter> {
  const chromium = options.chromium ?? (await findChromium());
  if (!chromium) throw new NoChromiumError(NO_CHROMIUM_MESSAGE);
  const timeout = options.timeoutMs ?? 120_000;
  return async (html: string): Promise<Uint8Array> => {
    const dir = await mkdtemp(join(tmpdir(), 'chainline-pdf-'));
    try {
      const htmlPath = join(dir, 'report.html');
      const pdfPath = join(dir, 'report.pdf');
      await writeFile(htmlPath, html);
      await new Promise<void>((resolveRun, reject) => {
        execFile(
          chromium,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-extensions',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            `--user-data-dir=${join(dir, 'profile')}`,
            '--no-pdf-header-footer',
            `--print-to-pdf=${pdfPath}`,
            pathToFileURL(htmlPath).href,
          ],
          { timeout, maxBuffer: 16 << 20 },
          (error, _stdout, stderr) => {
            if (error) reject(new Error(`${chromium} could not print the report: ${error.message}${stderr ? `\n${String(stderr).slice(0, 2000)}` : ''}`));
            else resolveRun();
          },
        );
      });
      const pdf = await readFile(pdfPath).catch(() => null);
      if (!pdf || pdf.length < 5 || pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
        throw new Error(`${chromium} ran but wrote no PDF`);
      }
      return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}

/** Writes the report: HTML as it is, or PDF through the printer given. */
export async function writeReport(html: string, out: string, printer?: () => Promise<PdfPrinter>): Promise<'html' | 'pdf'> {
  if (/\.pdf$/i.test(out)) {
    const print = await (printer ?? (() => chromiumPrinter()))();
    await writeFile(out, await print(html));
    return 'pdf';
  }
  await writeFile(out, html);
  return 'html';
}
