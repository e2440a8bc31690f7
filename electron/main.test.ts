// main.ts's wiring with a stand-in for the electron module (the real one cannot run
// here): the app starts the gateway, builds the tray from it, answers the preload
// only for the gateway's own pages, runs the menu actions, and on quit stops the
// gateway (drain) before exiting. The real Electron runs it in electron/e2e.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const listeners = new Map<string, Handler[]>();
  const on = (map: Map<string, Handler[]>) => (name: string, fn: Handler) => {
    map.set(name, [...(map.get(name) ?? []), fn]);
  };
  const state = {
    appListeners: listeners,
    ipcOn: new Map<string, Handler[]>(),
    ipcHandle: new Map<string, Handler>(),
    clipboard: '',
    exited: null as number | null,
    quitCalls: 0,
    tray: { image: '', tooltip: '', menu: null as unknown },
    windows: [] as Array<{ opts: Record<string, unknown>; urls: string[] }>,
    notifications: [] as Array<{ title: string; body: string }>,
    userData: '',
    emit(name: string, ...args: unknown[]) {
      for (const fn of listeners.get(name) ?? []) fn(...args);
    },
  };
  const image = (path: string) => ({ path, setTemplateImage() {} });
  const electron = {
    app: {
      on: on(listeners),
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      setPath: (_k: string, v: string) => (state.userData = v),
      getPath: () => state.userData,
      getName: () => 'Switchboard',
      getVersion: () => '0.1.0',
      quit: () => {
        state.quitCalls++;
        const e = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
        state.emit('before-quit', e);
        if (!e.defaultPrevented) state.exited = 0;
      },
      exit: (code: number) => (state.exited = code),
      setLoginItemSettings: () => {},
      dock: { hide() {} },
    },
    Tray: class {
      constructor(img: { path: string }) {
        state.tray.image = img.path;
      }
      setImage(img: { path: string }) {
        state.tray.image = img.path;
      }
      setToolTip(t: string) {
        state.tray.tooltip = t;
      }
      setContextMenu(m: unknown) {
        state.tray.menu = m;
      }
    },
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromPath: image, createEmpty: () => image('') },
    BrowserWindow: class {
      private readonly rec: { opts: Record<string, unknown>; urls: string[] };
      constructor(opts: Record<string, unknown>) {
        this.rec = { opts, urls: [] };
        state.windows.push(this.rec);
      }
      on() {}
      loadURL(u: string) {
        this.rec.urls.push(u);
        return Promise.resolve();
      }
      isDestroyed() {
        return false;
      }
      show() {}
      focus() {}
    },
    Notification: class {
      static isSupported = () => true;
      constructor(private readonly o: { title: string; body: string }) {}
      on() {}
      show() {
        state.notifications.push({ title: this.o.title, body: this.o.body });
      }
    },
    clipboard: { writeText: (t: string) => (state.clipboard = t), readText: () => state.clipboard },
    dialog: { showMessageBox: async () => ({ response: 1 }) },
    ipcMain: { on: on(state.ipcOn), handle: (name: string, fn: Handler) => state.ipcHandle.set(name, fn) },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    session: { defaultSession: { setPermissionRequestHandler() {}, webRequest: { onHeadersReceived() {} } } },
    shell: { openExternal: async () => {} },
  };
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));
vi.mock('electron-store', () => ({
  default: class {
    private readonly data = new Map<string, unknown>();
    get(k: string) {
      return this.data.get(k);
    }
    set(k: string, v: unknown) {
      this.data.set(k, v);
    }
    has(k: string) {
      return this.data.has(k);
    }
  },
}));

const home = mkdtempSync(join(tmpdir(), 'switchboard-main-'));
const saved = { ...process.env };

beforeAll(async () => {
  const config = join(home, 'config.json');
  writeFileSync(config, JSON.stringify({ providers: {}, ports: [{ port: 0, use: 'router' }], usage: { dbPath: join(home, 'usage.db') }, router: { healthCheckIntervalS: 0 } }));
  Object.assign(process.env, { SWITCHBOARD_CONFIG: config, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config'), SWITCHBOARD_USER_DATA: join(home, 'user-data'), SWITCHBOARD_LOG_LEVEL: 'silent' });
  await import('./main.js');
});
afterAll(() => {
  process.env = saved;
  rmSync(home, { recursive: true, force: true });
});

const hook = () => {
  const h = globalThis.switchboardDesktop;
  if (!h) throw new Error('main.ts did not set up');
  return h;
};

describe('main.ts wiring (stand-in electron)', () => {
  it('starts the gateway at launch and shows it in the tray', async () => {
    await vi.waitFor(() => expect(hook().snapshot().run).toBe('running'), { timeout: 10_000 });
    await vi.waitFor(() => expect(fake.state.tray.tooltip).toBe('Switchboard: running, but no provider is enabled'), { timeout: 5000 });
    expect(fake.state.tray.image).toMatch(/assets[/\\]tray[/\\]tray-degraded\.png$/);
    const menu = fake.state.tray.menu as Array<{ label?: string; click?: () => void; submenu?: Array<{ label?: string; click?: () => void }> }>;
    expect(menu[2].label).toBe('Stop gateway');
    expect(fake.state.userData).toBe(join(home, 'user-data'));
  });

  it('copies the base URL from the menu', async () => {
    const menu = fake.state.tray.menu as Array<{ label?: string; submenu?: Array<{ label?: string; click?: () => void }> }>;
    const router = menu.find((m) => /Router/.test(m.label ?? ''));
    router?.submenu?.find((m) => m.label === 'Copy base URL')?.click?.();
    const url = hook().snapshot().ports[0].url;
    await vi.waitFor(() => expect(fake.state.clipboard).toBe(url));
  });

  it('opens the window on the gateway /ui, sandboxed, and gives the token only to that origin', async () => {
    await hook().run({ kind: 'open', page: 'providers' });
    const url = hook().snapshot().ports[0].url;
    const win = fake.state.windows[0];
    expect(win.urls).toEqual([`${url}/ui/#/providers`]);
    expect(win.opts.webPreferences).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true });
    expect(String((win.opts.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);

    const init = fake.state.ipcOn.get('switchboard:init')![0];
    const ask = (frameUrl: string) => {
      const e: { senderFrame: { url: string }; returnValue?: unknown } = { senderFrame: { url: frameUrl } };
      init(e);
      return e.returnValue;
    };
    const token = readFileSync(join(home, 'state', 'switchboard', 'admin-token'), 'utf8').trim();
    expect(ask(`${url}/ui/#/providers`)).toEqual({ adminUrl: url, adminToken: token });
    expect(ask('https://evil.example/ui/')).toBeNull();
    expect(ask(`${url}.evil.example/ui/`)).toBeNull();
    const copy = fake.state.ipcHandle.get('switchboard:copy')!;
    expect(copy({ senderFrame: { url: `${url}/ui/` } }, 'from the page')).toBe(true);
    expect(fake.state.clipboard).toBe('from the page');
    expect(copy({ senderFrame: { url: 'file:///x' } }, 'nope')).toBe(false);
  });

  it('switches strategy from the menu', async () => {
    await hook().run({ kind: 'strategy', strategy: 'cost' });
    expect(hook().snapshot().strategy).toBe('cost');
  });

  it('on Quit, stops the gateway (drain) before exiting', async () => {
    const url = hook().snapshot().ports[0].url;
    await hook().run({ kind: 'quit' });
    expect(fake.state.exited).toBeNull(); // held until the gateway has stopped
    await vi.waitFor(() => expect(fake.state.exited).toBe(0), { timeout: 15_000 });
    expect(hook().snapshot().run).toBe('stopped');
    await expect(fetch(url + '/health')).rejects.toThrow();
  });
});
