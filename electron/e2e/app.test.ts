// The desktop app end to end, through Playwright's Electron driver: launch, tray
// state, open the settings window, copy the base URL. It needs the Electron binary,
// which only .github/workflows/desktop.yml downloads; elsewhere it is skipped with
// the reason. The check reads files only (electron/launch.mjs) and comes before
// anything that could touch the electron package, whose index.js would download it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronPackageDir, findElectron } from '../launch.mjs';
import type { MenuItem } from '../logic/menu.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const binary = findElectron(electronPackageDir(process.env), process.env);
const built = existsSync(join(ROOT, 'dist-electron', 'electron', 'main.js'));
const skipReason = !binary.ok
  ? `Electron binary not installed (${binary.missing}); this test runs in .github/workflows/desktop.yml`
  : !built
    ? 'the desktop app is not built (dist-electron/electron/main.js is missing): run npm run build:desktop first'
    : null;
if (skipReason) console.warn(`electron/e2e skipped: ${skipReason}`);

const SHOTS = join(ROOT, 'test-results', 'desktop');

/** What the preload exposes to the page (electron/preload.cts). */
type WithPreload = { switchboard?: { adminUrl: string; adminToken: string; copy(text: string): Promise<boolean> } };

describe.skipIf(skipReason !== null)(`desktop app${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let app: ElectronApplication;
  let home: string;
  let upstream: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    // Imported only here, once the binary is known to exist.
    const { _electron } = await import('playwright-core');
    const { ScriptedUpstream, json } = await import('../../proxy/test/upstream.js');
    const up = await ScriptedUpstream.start();
    up.otherwise((_req, res) => json(res, 200, { data: [{ id: 'claude-up', type: 'model' }], has_more: false }));
    upstream = up;
    home = mkdtempSync(join(tmpdir(), 'switchboard-desktop-e2e-'));
    const config = join(home, 'config.json');
    writeFileSync(config, JSON.stringify({ providers: { up: { type: 'anthropic-compatible', baseUrl: up.url } }, ports: [{ port: 0, use: 'router' }, { port: 0, use: 'up' }] }));
    mkdirSync(SHOTS, { recursive: true });
    app = await _electron.launch({
      // Always explicit: without it Playwright would require('electron'), which downloads.
      executablePath: (binary as { executable: string }).executable,
      args: [ROOT],
      env: {
        ...process.env,
        HOME: home,
        USERPROFILE: home,
        SWITCHBOARD_CONFIG: config,
        SWITCHBOARD_USER_DATA: join(home, 'user-data'),
        XDG_STATE_HOME: join(home, 'state'),
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CONFIG_HOME: join(home, 'config'),
        SWITCHBOARD_ADMIN_TOKEN: '',
      },
    });
  });

  afterAll(async () => {
    await app?.close().catch(() => {});
    await upstream?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const tray = () => app.evaluate(() => globalThis.switchboardDesktop?.tray() ?? null);
  const menu = () => app.evaluate(() => globalThis.switchboardDesktop?.menu() ?? []);

  it('starts the gateway and shows it in the tray', async () => {
    await expect.poll(async () => (await tray())?.state, { timeout: 30_000 }).toBe('running-healthy');
    expect((await tray())?.tooltip).toMatch(/^Switchboard: running, /);
    const labels = (await menu()).map((m: MenuItem) => (m.type === 'separator' ? '---' : m.label));
    expect(labels).toContain('Stop gateway');
    expect(labels.some((l: string) => /^\d+ {2}Router \(/.test(l))).toBe(true);
    expect(labels.some((l: string) => /^\d+ {2}Anthropic-compatible server \(up\) \(/.test(l))).toBe(true);
  });

  it('opens the settings window on the gateway /ui with only the preload API exposed', async () => {
    const opened = app.waitForEvent('window');
    await app.evaluate(async () => globalThis.switchboardDesktop?.run({ kind: 'open', page: 'providers' }));
    const page: Page = await opened;
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/ui\/#\/providers$/);
    await page.getByRole('heading', { name: 'Providers' }).first().waitFor({ timeout: 20_000 });
    const exposed = await page.evaluate(() => {
      const sb = (globalThis as WithPreload).switchboard;
      return { keys: Object.keys(sb ?? {}).sort(), node: typeof (globalThis as { process?: unknown }).process, require: typeof (globalThis as { require?: unknown }).require, token: (sb?.adminToken ?? '').length };
    });
    expect(exposed).toEqual({ keys: ['adminToken', 'adminUrl', 'copy'], node: 'undefined', require: 'undefined', token: expect.any(Number) });
    expect(exposed.token).toBeGreaterThan(20);
    await page.screenshot({ path: join(SHOTS, 'providers.png') });
  });

  it('copies the router base URL from the tray menu, and from the window through the preload', async () => {
    const items = await menu();
    const router = items.find((m: MenuItem) => m.type === 'submenu' && /Router/.test(m.label));
    const copy = router && router.type === 'submenu' ? router.submenu.find((m) => m.type === 'normal' && m.label === 'Copy base URL') : undefined;
    const action = copy && copy.type === 'normal' ? copy.action : undefined;
    expect(action).toMatchObject({ kind: 'copy', text: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    await app.evaluate(async (_electron, a) => globalThis.switchboardDesktop?.run(a!), action);
    expect(await app.evaluate(({ clipboard }) => clipboard.readText())).toBe(action && action.kind === 'copy' ? action.text : '');

    const page = app.windows()[0];
    expect(await page.evaluate(() => (globalThis as WithPreload).switchboard?.copy('export ANTHROPIC_BASE_URL=x'))).toBe(true);
    expect(await app.evaluate(({ clipboard }) => clipboard.readText())).toBe('export ANTHROPIC_BASE_URL=x');
  });

  it('stops the gateway from the tray and shows it stopped', async () => {
    await app.evaluate(async () => globalThis.switchboardDesktop?.run({ kind: 'stop' }));
    await expect.poll(async () => (await tray())?.state, { timeout: 30_000 }).toBe('stopped');
    expect((await menu()).some((m: MenuItem) => m.type === 'normal' && m.label === 'Start gateway')).toBe(true);
  });
});
