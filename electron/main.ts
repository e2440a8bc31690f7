// The desktop app's main process: wiring only. Everything with logic lives in
// electron/logic/ (tested without Electron); this file turns it into a tray, menus,
// notifications and one settings window, and runs the gateway in this process.
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, Notification, safeStorage, session, shell, Tray, type IpcMainEvent, type IpcMainInvokeEvent, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import Store from 'electron-store';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { fileSecrets } from '../proxy/config/secrets-file.js';
import { defaultStateDir } from '../proxy/config/state-file.js';
import type { GatewayEvent } from '../proxy/events/bus.js';
import { UI_CSP } from '../proxy/server/ui.js';
import { autostartCommand, autostartEntry, autostartPath } from './logic/autostart.js';
import { applyPlan, claudeSettingsPath, ClaudeSettingsError, planBaseUrl } from './logic/claude-settings.js';
import { GatewayController } from './logic/controller.js';
import { trayMenu, type MenuAction, type MenuItem } from './logic/menu.js';
import { NotificationPolicy, type Notice } from './logic/notifications.js';
import { keychainSecrets, type RecordStore } from './logic/secret-store.js';
import { readDesktopSettings, SETTINGS_KEY, toggled } from './logic/settings.js';
import type { GatewaySnapshot } from './logic/snapshot.js';
import { trayLook, type TrayLook, type TrayState } from './logic/tray-state.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** assets/ beside package.json (inside app.asar when packaged), from dist-electron/electron/ or electron/. */
const ASSETS = [join(HERE, '..', '..', 'assets'), join(HERE, '..', 'assets')].find((d) => existsSync(join(d, 'tray'))) ?? join(HERE, '..', '..', 'assets');
const log = pino({ level: process.env.SWITCHBOARD_LOG_LEVEL ?? 'info' });

// Tests (electron/e2e) keep the app's settings out of the real profile.
if (process.env.SWITCHBOARD_USER_DATA) app.setPath('userData', process.env.SWITCHBOARD_USER_DATA);

/** The state the test hook (electron/e2e) reads through Playwright's electronApp.evaluate. */
interface DesktopHook {
  snapshot(): GatewaySnapshot;
  tray(): TrayLook;
  menu(): MenuItem[];
  run(action: MenuAction): Promise<void>;
}
declare global {
  var switchboardDesktop: DesktopHook | undefined;
}

if (!app.requestSingleInstanceLock()) {
  // Another Switchboard owns the ports; it opens its dashboard (second-instance below).
  app.quit();
} else {
  void app.whenReady().then(main);
}

async function main(): Promise<void> {
  app.dock?.hide(); // a tray app: no Dock icon on macOS
  const store = new Store<Record<string, unknown>>({ name: 'switchboard' });
  let settings = readDesktopSettings(store.get(SETTINGS_KEY), (m) => log.warn(m));
  const warn = (msg: string) => log.warn(msg);
  const secrets = keychainSecrets({ safeStorage, store: store as unknown as RecordStore, fallback: fileSecrets(defaultStateDir(process.env)), platform: process.platform, warn });
  const policy = new NotificationPolicy({ label: (id) => controller.gateway?.settings.providers.get(id)?.label ?? id });
  const controller = new GatewayController({ env: process.env, secrets, logger: log, warn, onChange: () => refresh.schedule(), onEvent: (e) => notify(e) });
  const tray = new Tray(trayIcon('stopped'));
  let win: BrowserWindow | null = null;
  let quitting = false;

  const refresh = debounce(() => {
    const snapshot = controller.snapshot();
    const look = trayLook(snapshot);
    tray.setImage(trayIcon(look.state));
    tray.setToolTip(look.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(toElectron(menuItems(snapshot))));
  }, 200);

  const menuItems = (snapshot: GatewaySnapshot) => trayMenu({ snapshot, launchAtLogin: settings.launchAtLogin, startGatewayAtLaunch: settings.startGatewayAtLaunch, platform: process.platform });

  function notify(e: GatewayEvent): void {
    const notice = policy.consider(e);
    if (!notice || !settings.notifications || !Notification.isSupported()) return;
    const n = new Notification({ title: notice.title, body: notice.body, silent: notice.kind === 'provider-recovered' });
    n.on('click', () => openWindow(notice.page));
    n.show();
  }

  /** The window shows the gateway's own /ui (same origin as the admin API, so no guard change). */
  function openWindow(page: Notice['page'] | 'overview' | 'providers' | 'routing'): void {
    const url = controller.adminUrl;
    if (!url) return;
    const target = `${url}/ui/#/${page}`;
    if (win && !win.isDestroyed()) {
      void win.loadURL(target);
      win.show();
      win.focus();
      return;
    }
    win = new BrowserWindow({
      width: 1200,
      height: 800,
      title: 'Switchboard',
      icon: join(ASSETS, 'icon-256.png'),
      webPreferences: { preload: join(HERE, 'preload.cjs'), contextIsolation: true, nodeIntegration: false, sandbox: true, webSecurity: true, spellcheck: false },
    });
    win.on('closed', () => (win = null));
    void win.loadURL(target);
  }

  async function configureClaude(): Promise<void> {
    const url = controller.adminUrl;
    if (!url) return;
    const path = claudeSettingsPath(homedir(), process.env);
    const shown = path.startsWith(homedir()) ? '~' + path.slice(homedir().length) : path;
    try {
      const plan = planBaseUrl(path, url, shown);
      if (!plan.changed) {
        await dialog.showMessageBox({ type: 'info', message: `Claude Code already uses Switchboard (${url}).`, detail: `${shown} sets env.ANTHROPIC_BASE_URL to ${url}.` });
        return;
      }
      const answer = await dialog.showMessageBox({
        type: 'question',
        buttons: ['Apply', 'Cancel'],
        defaultId: 0,
        cancelId: 1,
        message: `Point Claude Code at ${url}?`,
        detail: `Only env.ANTHROPIC_BASE_URL in ${shown} changes; a backup is written first.\n\n${plan.preview}`,
      });
      if (answer.response !== 0) return;
      const { backup } = await applyPlan(plan);
      await dialog.showMessageBox({ type: 'info', message: 'Claude Code now uses Switchboard.', detail: `New Claude Code sessions will use ${url}.${backup ? `\nThe previous file was saved as ${backup}.` : ''}` });
    } catch (err) {
      const message = err instanceof ClaudeSettingsError ? err.message : `Could not change ${shown}: ${(err as Error).message}`;
      await dialog.showMessageBox({ type: 'error', message: 'Claude Code settings were not changed.', detail: message });
    }
  }

  function setLaunchAtLogin(on: boolean): void {
    if (process.platform !== 'linux') {
      app.setLoginItemSettings({ openAtLogin: on });
      return;
    }
    const path = autostartPath(homedir(), process.env);
    if (!on) rmSync(path, { force: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, autostartEntry(autostartCommand(process.execPath, process.env)));
    }
  }

  async function run(action: MenuAction): Promise<void> {
    switch (action.kind) {
      case 'start':
        return controller.start();
      case 'stop':
        return controller.stop(settings.drainSeconds * 1000);
      case 'copy':
        clipboard.writeText(action.text);
        return;
      case 'strategy':
        return controller.setStrategy(action.strategy);
      case 'open':
        openWindow(action.page);
        return;
      case 'configure-claude':
        return configureClaude();
      case 'toggle':
        settings = toggled(settings, action.setting);
        store.set(SETTINGS_KEY, settings);
        if (action.setting === 'launchAtLogin') setLaunchAtLogin(settings.launchAtLogin);
        refresh.schedule();
        return;
      case 'quit':
        app.quit();
        return;
    }
  }

  function toElectron(items: MenuItem[]): MenuItemConstructorOptions[] {
    return items.map((m): MenuItemConstructorOptions => {
      if (m.type === 'separator') return { type: 'separator' };
      if (m.type === 'submenu') return { label: m.label, enabled: m.enabled, submenu: toElectron(m.submenu) };
      const click = 'action' in m && m.action ? clickFor(m.action) : undefined;
      if (m.type === 'normal') return { label: m.label, enabled: m.enabled, click };
      return { type: m.type, label: m.label, enabled: m.enabled, checked: m.checked, click };
    });
  }

  function clickFor(action: MenuAction): () => void {
    return () => void run(action).catch((err: unknown) => log.error({ err: (err as Error).message, action: action.kind }, 'tray action failed'));
  }

  // Only pages served by the running gateway get the token and the clipboard.
  const trusted = (e: IpcMainEvent | IpcMainInvokeEvent) => {
    const url = controller.adminUrl;
    const from = e.senderFrame?.url;
    return !!url && !!from && from.startsWith(`${url}/ui/`);
  };
  ipcMain.on('switchboard:init', (e) => {
    e.returnValue = trusted(e) ? { adminUrl: controller.adminUrl, adminToken: controller.adminToken } : null;
  });
  ipcMain.handle('switchboard:copy', (e, text: unknown) => {
    if (!trusted(e) || typeof text !== 'string' || text.length > 100_000) return false;
    clipboard.writeText(text);
    return true;
  });

  lockDown(() => controller.adminUrl);
  app.on('second-instance', () => openWindow('overview'));
  app.on('window-all-closed', () => {
    // Stay in the tray.
  });
  app.on('before-quit', (e) => {
    if (quitting) return;
    quitting = true;
    e.preventDefault();
    // In-flight streams get the drain time, then an Anthropic error event; usage rows are flushed.
    void controller.stop(settings.drainSeconds * 1000).finally(() => app.exit(0));
  });

  globalThis.switchboardDesktop = { snapshot: () => controller.snapshot(), tray: () => trayLook(controller.snapshot()), menu: () => menuItems(controller.snapshot()), run };
  refresh.schedule();
  if (settings.startGatewayAtLaunch) await controller.start();
  else refresh.schedule();
}

/** Windows get the gateway's pages only: no navigation elsewhere, no pop-ups, no permissions, a strict CSP. */
function lockDown(gatewayUrl: () => string | null): void {
  const sameGateway = (url: string) => {
    const base = gatewayUrl();
    return !!base && (url === base || url.startsWith(base + '/'));
  };
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!sameGateway(url)) e.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      // Links out (provider docs) open in the browser; nothing opens inside the app.
      if (/^https:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    // The gateway already sends this for /ui; enforced here for every document it serves.
    if (sameGateway(details.url) && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-security-policy')) headers['Content-Security-Policy'] = [UI_CSP];
    callback({ responseHeaders: headers });
  });
}

const icons = new Map<TrayState, NativeImage>();

/** The tray icon for a state: macOS template images (black + alpha, tinted by the menu bar), colour elsewhere. */
function trayIcon(state: TrayState): NativeImage {
  let img = icons.get(state);
  if (!img) {
    const mac = process.platform === 'darwin';
    const file = join(ASSETS, 'tray', mac ? `tray-${state}Template.png` : `tray-${state}.png`);
    img = existsSync(file) ? nativeImage.createFromPath(file) : nativeImage.createEmpty();
    if (mac) img.setTemplateImage(true);
    icons.set(state, img);
  }
  return img;
}

/** Runs `fn` at most once per `ms`, `ms` after the first call (a burst of gateway events is one menu rebuild). */
function debounce(fn: () => void, ms: number): { schedule(): void } {
  let timer: NodeJS.Timeout | null = null;
  return {
    schedule() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        fn();
      }, ms);
    },
  };
}
