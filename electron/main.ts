// Electron's main process: a hardened window around the renderer, and the IPC side of the
// API contract. The engine runs in a worker thread (electron/engine/worker), so the window
// never freezes during an import. Nothing here touches evidence content directly.

import { app, BrowserWindow, dialog, ipcMain, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_METHODS, channelOf, type ApiMethod, type AppInfo, type ChainlineApi, type PickResult, type ReportFile, type ReportRequest } from '../shared/api.js';
import { validateArgs } from '../shared/api-validate.js';
import { APP_ROOT, APP_VERSION, RENDERER_DIR } from './engine/app-paths.js';
import { openDemoCase } from './engine/demo-case.js';
import type { EngineApi } from './engine/engine.js';
import { startEngine } from './engine/worker/engine-client.js';
import { CONTENT_SECURITY_POLICY } from './serve/serve-server.js';

const INDEX_HTML = join(RENDERER_DIR, 'index.html');
const INDEX_URL = pathToFileURL(INDEX_HTML).href;
const PRELOAD = join(APP_ROOT, 'dist', 'node', 'electron', 'preload.cjs');

let mainWindow: BrowserWindow | null = null;
let engine: EngineApi | null = null;

/** Only our own page, in our own window's main frame, may call the API. */
function senderIsTrusted(event: IpcMainInvokeEvent): boolean {
  if (!mainWindow || event.sender !== mainWindow.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== mainWindow.webContents.mainFrame) return false;
  return frame.url === INDEX_URL || frame.url.startsWith(INDEX_URL + '?') || frame.url.startsWith(INDEX_URL + '#');
}

async function pickEvidence(): Promise<PickResult> {
  if (!mainWindow) return { kind: 'cancelled' };
  // Windows and Linux dialogs pick files or folders, not both: ask which.
  let folders = false;
  if (process.platform !== 'darwin') {
    const choice = await dialog.showMessageBox(mainWindow, {
      type: 'question',
      buttons: ['Files…', 'A folder…', 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      message: 'Open event log files, or a folder (a KAPE or Velociraptor collection)?',
    });
    if (choice.response === 2) return { kind: 'cancelled' };
    folders = choice.response === 1;
  }
  const result = await dialog.showOpenDialog(mainWindow, {
    title: 'Open evidence',
    properties:
      process.platform === 'darwin'
        ? ['openFile', 'openDirectory', 'multiSelections']
        : folders
          ? ['openDirectory', 'multiSelections']
          : ['openFile', 'multiSelections'],
    filters: folders
      ? []
      : [
          { name: 'Windows event logs', extensions: ['evtx', 'xml', 'json', 'jsonl', 'ndjson'] },
          { name: 'All files', extensions: ['*'] },
        ],
  });
  if (result.canceled || result.filePaths.length === 0) return { kind: 'cancelled' };
  return { kind: 'picked', paths: result.filePaths };
}

function electronApi(e: EngineApi): ChainlineApi {
  return {
    getAppInfo: async (): Promise<AppInfo> => ({ name: 'Chainline', version: APP_VERSION, nativeDialogs: true }),
    pickEvidence,
    openEvidence: (request) => e.openEvidence(request),
    getIngestStatus: () => e.getIngestStatus(),
    cancelIngest: () => e.cancelIngest(),
    getCaseOverview: () => e.getCaseOverview(),
    queryEvents: (query) => e.queryEvents(query),
    getEventDetail: (eventId) => e.getEventDetail(eventId),
    listSessions: () => e.listSessions(),
    getSessionChain: (sessionId) => e.getSessionChain(sessionId),
    getSessionChainPage: (request) => e.getSessionChainPage(request),
    getSessionProcesses: (sessionId) => e.getSessionProcesses(sessionId),
    getHostProcesses: (host) => e.getHostProcesses(host),
    findProcesses: (query) => e.findProcesses(query),
    listFindings: (query) => e.listFindings(query),
    getFindingsSummary: () => e.getFindingsSummary(),
    getAllowList: () => e.getAllowList(),
    addAllowListEntry: (entry) => e.addAllowListEntry(entry),
    removeAllowListEntry: (id) => e.removeAllowListEntry(id),
    exportAllowList: () => e.exportAllowList(),
    importAllowList: (yamlText) => e.importAllowList(yamlText),
    getAttackLayer: () => e.getAttackLayer(),
    getHuntingQueries: (findingId) => e.getHuntingQueries(findingId),
    getBaselineCandidates: () => e.getBaselineCandidates(),
    getRuleStatus: () => e.getRuleStatus(),
    createReport: (request) => createReport(e, request),
    exportCase: (request) => e.exportCase(request),
    setRuleFolders: (request) => e.setRuleFolders(request),
    getEventHistogram: (request) => e.getEventHistogram(request),
    listNotes: () => e.listNotes(),
    saveNote: (input) => e.saveNote(input),
    deleteNote: (noteId) => e.deleteNote(noteId),
    getCoverage: () => e.getCoverage(),
    getProcessPage: (request) => e.getProcessPage(request),
  };
}

function registerIpc(api: ChainlineApi): void {
  for (const method of API_METHODS) {
    ipcMain.handle(channelOf(method), async (event, ...args: unknown[]) => {
      if (!senderIsTrusted(event)) throw new Error('refused: the request did not come from the Chainline window');
      const validated = validateArgs(method as ApiMethod, args);
      const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
      return fn.apply(api, validated as unknown[]);
    });
  }
}

/**
 * The case report as the app hands it over. PDF is printed here (the engine runs in a worker
 * and cannot reach Chromium): the engine's self-contained HTML is loaded from a temporary file
 * into a hidden window with JavaScript off, sandboxed, and printed with printToPDF.
 */
async function createReport(e: EngineApi, request: ReportRequest): Promise<ReportFile> {
  if (request.format === 'html') return e.createReport(request);
  const html = await e.createReport({ ...request, format: 'html' });
  const dir = await mkdtemp(join(tmpdir(), 'chainline-report-'));
  const file = join(dir, 'report.html');
  const win = new BrowserWindow({
    show: false,
    webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  try {
    await writeFile(file, html.content, 'utf8');
    await win.loadFile(file);
    const pdf = await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    return { ...html, fileName: html.fileName.replace(/\.html$/, '.pdf'), mimeType: 'application/pdf', encoding: 'base64', content: pdf.toString('base64') };
  } finally {
    win.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Navigation, new windows, webviews and permissions: all denied. */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== INDEX_URL) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Chainline',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(INDEX_HTML);
  return win;
}

function caseArgument(argv: readonly string[]): { caseDir?: string; paths: string[] } {
  // `electron . [--case <dir>] [evidence…]`: the app's own arguments follow the app path.
  const args = argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('--') || a === '--case');
  const out: { caseDir?: string; paths: string[] } = { paths: [] };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--case') out.caseDir = args[++i];
    else if (args[i]) out.paths.push(args[i] as string);
  }
  return out;
}

async function start(): Promise<void> {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));

  engine = startEngine();
  const { caseDir, paths } = caseArgument(process.argv);
  const dataDir = process.env['CHAINLINE_DATA_DIR'] ?? app.getPath('userData');
  if (caseDir) await engine.openCase(resolve(caseDir), { firstScreen: true });
  else if (paths.length > 0) await engine.openCase(join(dataDir, 'cases', `case-${Date.now()}`));
  else await openDemoCase(engine, join(dataDir, 'cases', 'demo'));
  // Rules: the folders named in CHAINLINE_RULES (path-list separated) with the built-in pack,
  // else the selection the case was last used with, else the built-in pack.
  const ruleDirs = (process.env['CHAINLINE_RULES'] ?? '').split(delimiter).filter((d) => d.trim() !== '');
  if (ruleDirs.length > 0 || !(await engine.getRuleStatus())) await engine.setRuleFolders({ dirs: ruleDirs.map((d) => resolve(d)), builtin: true });
  if (paths.length > 0) await engine.openEvidence({ paths });

  registerIpc(electronApi(engine));
  mainWindow = createWindow();
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

app.enableSandbox();
app.whenReady().then(start, (error: unknown) => {
  dialog.showErrorBox('Chainline could not start', error instanceof Error ? error.message : String(error));
  app.quit();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !engine) return;
  // Close the case cleanly (DuckDB checkpoint) before the process ends.
  event.preventDefault();
  quitting = true;
  void engine.shutdown().finally(() => app.quit());
});
app.on('window-all-closed', () => app.quit());
