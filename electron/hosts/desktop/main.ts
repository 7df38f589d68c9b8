/**
 * Electron's main process: one window, hardened; the contract over IPC through the same
 * dispatch() the web host uses. Type-checked against electron's own types (tsconfig) even where
 * the binary is not installed.
 */
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OP_ID_PATTERN } from '../../../shared/api/operations';
import { callContext, dispatch } from '../../api/dispatch';
import { collectOnce } from '../../api/handlers/environment';
import { createWorkbench, shutdownWorkbench } from '../../services/workbench';
import { contentSecurityPolicy } from '../csp';

const wb = createWorkbench({ host: 'desktop' });
const rendererDir = join(wb.appRoot, 'dist', 'renderer');
const APP_ORIGIN = 'app://workbench';

// A privileged custom scheme instead of file:// gives the page a real origin ('self' in the CSP
// means only our files) and lets us refuse any path outside the built renderer.
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let mainWindow: BrowserWindow | undefined;
/** Aborted when a window's contents go: plain calls it made are cancelled. */
const windowSignals = new Map<string, AbortSignal>();
const clientOf = (contents: Electron.WebContents) => `desktop:${contents.id}`;

/** IPC is accepted only from our own top frame, never from an iframe or a navigated-away page. */
function senderIsTrusted(e: IpcMainInvokeEvent): boolean {
  const frame = e.senderFrame;
  return Boolean(frame && mainWindow && e.sender === mainWindow.webContents && frame === mainWindow.webContents.mainFrame && frame.url.startsWith(APP_ORIGIN + '/'));
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Repro Workbench',
    show: false,
    webPreferences: {
      preload: join(wb.appRoot, 'dist', 'electron', 'hosts', 'desktop', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  // Navigation and new windows are denied; http(s) links open in the user's browser instead.
  mainWindow.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(APP_ORIGIN + '/')) e.preventDefault();
  });
  mainWindow.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The window is one client: its subscriptions (log follows, watched operations) end with it.
  const contents = mainWindow.webContents;
  const client = clientOf(contents);
  const conn = wb.events.connect(client, (event, payload) => {
    if (!contents.isDestroyed()) contents.send('workbench:event', { event, payload });
  });
  const gone = new AbortController();
  windowSignals.set(client, gone.signal);
  contents.once('destroyed', () => {
    gone.abort();
    windowSignals.delete(client);
    conn.close();
  });
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  // `npm start` passes --open-sample: the app opens on the shipped sample incident.
  void mainWindow.loadURL(`${APP_ORIGIN}/index.html${process.argv.includes('--open-sample') ? '#open=sample' : ''}`);
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

void app.whenReady().then(() => {
  protocol.handle('app', (request) => {
    const url = new URL(request.url);
    const file = resolve(rendererDir, normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, ''));
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return new Response('forbidden', { status: 403 });
    return net.fetch(pathToFileURL(file).href);
  });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy('desktop')] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  ipcMain.handle('workbench:call', async (e, method: unknown, input: unknown, options: unknown) => {
    if (!senderIsTrusted(e)) return { error: { name: 'WorkbenchError', code: 'forbidden', message: 'IPC from an untrusted frame' } };
    if (typeof method !== 'string') return { error: { name: 'WorkbenchError', code: 'invalid_argument', message: 'method must be a string' } };
    const opId = (options as { opId?: unknown } | undefined)?.opId;
    if (opId !== undefined && (typeof opId !== 'string' || !OP_ID_PATTERN.test(opId))) return { error: { name: 'WorkbenchError', code: 'invalid_argument', message: 'opId is not an operation id' } };
    const client = clientOf(e.sender);
    return dispatch(method, input, callContext(wb, client, windowSignals.get(client)), opId ? { opId } : {});
  });
  ipcMain.handle('workbench:chooseBundle', async (e) => {
    if (!senderIsTrusted(e) || !mainWindow) return null;
    const result = await dialog.showOpenDialog(mainWindow, {
      title: 'Open incident bundle',
      properties: ['openFile', 'openDirectory'],
      filters: [{ name: 'Incident bundles', extensions: ['tgz', 'gz', 'tar', 'json'] }],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
  createWindow();
  void collectOnce(wb); // sessions orphaned by a crash (kill -9 mid-up) are removed at app start
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

// Quit cleanly: running operations are cancelled and waited for (an up removes what it made),
// open bundles and their unpacked folders are disposed; then the app really quits.
let cleanedUp = false;
app.on('before-quit', (e) => {
  if (cleanedUp) return;
  e.preventDefault();
  void shutdownWorkbench(wb).finally(() => {
    cleanedUp = true;
    app.quit();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
