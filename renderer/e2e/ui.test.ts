import Anthropic from '@anthropic-ai/sdk';
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../proxy/test/gateway.js';
import { completion, json, ScriptedUpstream } from '../../proxy/test/upstream.js';
import { measure } from '../scripts/size-check.mjs';
import { CHROMIUM, DIST, ensureUiBuilt, launchBrowser, shotsDir } from './harness.js';

// The Switchboard window as a new user meets it: a real headless gateway with two
// scripted OpenAI-compatible upstreams, the built UI in headless Chromium, requests
// sent with @anthropic-ai/sdk, and every page checked as it updates live through
// the event stream. Screenshots of every page, light and dark, go to
// test-results/ui/*.png.

const PAGES = ['overview', 'providers', 'routing', 'health', 'costs', 'requests'] as const;
const ALPHA_KEY = 'sk-alpha-secret-1234';
const BETA_KEY = 'sk-beta-secret-5678';
const GAMMA_KEY = 'sk-gamma-secret-9999';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-e2e skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set SWITCHBOARD_CHROMIUM)`);

const ok = (prompt: number, out: number, text = 'ok') => (_req: unknown, res: ServerResponse) =>
  json(res, 200, completion({ content: text }, 'stop', { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out }));

describe('the window build', () => {
  it('initial JavaScript is at most 300 KB gzipped; the chart library is only in lazy chunks', () => {
    ensureUiBuilt();
    const r = measure(DIST);
    expect(r.total).toBeGreaterThan(10_000);
    expect(r.total).toBeLessThanOrEqual(300 * 1024);
    expect(r.lazy.some((c) => /Costs-/.test(c.file))).toBe(true);
    for (const c of r.initial) {
      const js = readFileSync(join(DIST, c.file), 'utf8');
      expect(js).not.toContain('recharts-bar-rectangle');
      expect(js).not.toContain('Download the React DevTools'); // React's production build
    }
  }, 180_000);
});

describe.skipIf(!hasChromium)('the Switchboard window (Chromium, real gateway)', () => {
  let alpha: ScriptedUpstream;
  let beta: ScriptedUpstream;
  let gamma: ScriptedUpstream;
  let gw: RunningGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  const problems: string[] = [];
  const sdk = () => new Anthropic({ baseURL: gw.url('router'), apiKey: 'any', maxRetries: 0 });
  const send = (n = 1) =>
    Promise.all(Array.from({ length: n }, () => sdk().messages.create({ model: 'claude-sonnet-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })));
  const go = async (name: (typeof PAGES)[number]) => {
    await page.locator(`nav a[href="#/${name}"]`).click();
    await page.locator('h1#page-title').filter({ hasText: new RegExp(`^${name}$`, 'i') }).waitFor();
  };
  const shot = (name: string) => page.screenshot({ path: join(shotsDir(), `${name}.png`), fullPage: true });

  beforeAll(async () => {
    ensureUiBuilt();
    alpha = await ScriptedUpstream.start();
    beta = await ScriptedUpstream.start();
    alpha.otherwise(ok(1200, 300, 'from alpha'));
    beta.otherwise(ok(1200, 300, 'from beta'));
    // A provider the user adds in the window: it refuses any other key, as a real API does.
    gamma = await ScriptedUpstream.start();
    gamma.otherwise((req, res) =>
      req.headers.authorization === `Bearer ${GAMMA_KEY}`
        ? ok(10, 1, 'from gamma')(req, res)
        : json(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }),
    );
    gw = await startGateway({
      providers: {
        alpha: { type: 'openai-compatible', label: 'Alpha Cloud', baseUrl: alpha.url, apiKey: ALPHA_KEY, models: { opus: 'alpha-large', sonnet: 'alpha-large', haiku: 'alpha-small' }, price: { inputPerM: 3, outputPerM: 15 } },
        beta: { type: 'openai-compatible', label: 'Beta Models', baseUrl: beta.url, apiKey: BETA_KEY, models: { opus: 'beta-large', sonnet: 'beta-large', haiku: 'beta-small' }, price: { inputPerM: 0.2, outputPerM: 0.8 } },
      },
      router: { order: ['alpha', 'beta'], strategy: 'priority', scenarios: { background: 'beta,beta-small' } },
    }, {}, { uiDir: DIST });
    token = gw.gateway.admin!.token.value;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // Failed loads are judged by URL below (the console line does not say which); everything else is a problem.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await gw?.close();
    await alpha?.close();
    await beta?.close();
    await gamma?.close();
  });

  it('opens from the login link, keeps the token out of the address bar, and shows the base URL', async () => {
    // The gateway serves the window itself, under its strict Content-Security-Policy.
    const res = await page.goto(`${gw.url('router')}/ui/#token=${token}`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('h1#page-title', { hasText: 'Overview' }).waitFor();
    expect(page.url()).not.toContain(token);
    expect(await page.evaluate(() => sessionStorage.getItem('switchboard.adminToken'))).toBe(token);
    await expect.poll(() => page.getByTestId('base-url').textContent()).toBe(gw.url('router'));
    await page.getByText('Updates: Live').waitFor();
    // Every port is listed with its provider.
    for (const use of ['alpha', 'beta']) await page.getByTestId(`port-${gw.ports.find((p) => p.use === use)!.port}`).waitFor();
    await shot('overview-before-traffic');
    // A reload keeps the session (token from sessionStorage). Keyboard: the first Tab reaches the skip link,
    // which moves focus to the page.
    await page.reload();
    await page.getByTestId('base-url').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('Providers: lists the providers without their keys', async () => {
    await go('providers');
    await page.getByText('Alpha Cloud').first().waitFor();
    const html = await page.content();
    expect(html).not.toContain(ALPHA_KEY);
    expect(html).not.toContain(BETA_KEY);
  });

  it('Providers: add one from a preset, see the exact error of a bad key, test the connection, never see the key again', async () => {
    await page.getByRole('button', { name: 'Add provider' }).first().click();
    const form = page.getByRole('dialog', { name: 'Add a provider' });
    await form.getByLabel('Provider', { exact: true }).selectOption('openai-compatible');
    await form.getByLabel('Name', { exact: true }).fill('gamma');
    await form.getByLabel('Display name').fill('Gamma Local');
    await form.getByLabel('API key').fill('sk-wrong-0000');
    await form.getByLabel('Base URL').fill(gamma.url);
    await form.getByLabel('Sonnet').fill('gamma-large');
    await form.getByLabel('Port').fill('0');
    await form.getByRole('button', { name: 'Test connection' }).click();
    const result = form.getByTestId('test-result');
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(/Test failed \(HTTP 401\)/);
    expect(await result.textContent()).toContain('Incorrect API key provided');
    await shot('providers-add-test-failed');
    await form.getByLabel('API key').fill(GAMMA_KEY);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(/Connected in \d+ ms/);
    await shot('providers-add-test-ok');
    await form.getByRole('button', { name: 'Add provider' }).click();
    await form.waitFor({ state: 'hidden' });
    const card = page.getByTestId('provider-gamma');
    await card.waitFor();
    expect(await card.getByTestId('key-gamma').textContent()).toBe('••••9999');
    await card.getByRole('button', { name: 'Test the connection to Gamma Local' }).click();
    await expect.poll(() => card.getByTestId('test-result').textContent(), { timeout: 20_000 }).toMatch(/Connected/);
    const html = await page.content();
    for (const key of [ALPHA_KEY, BETA_KEY, GAMMA_KEY, 'sk-wrong-0000']) expect(html).not.toContain(key);
    // It joined the router's chain and has a port of its own.
    await expect.poll(async () => (await (await fetch(gw.url('router') + '/api/routing', { headers: { authorization: `Bearer ${token}` } })).json()).priority).toContain('gamma');
    await card.getByRole('button', { name: 'Models' }).click();
    await card.getByText(/models (offered by the provider|named in the config)|lists no models/).waitFor();
    // Edit: a new display name; the key field starts empty and leaving it so keeps the key.
    await card.getByRole('button', { name: 'Edit Gamma Local' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Gamma Local' });
    expect(await edit.getByLabel('API key').inputValue()).toBe('');
    await edit.getByLabel('Display name').fill('Gamma Lab');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'hidden' });
    await card.getByRole('heading', { name: 'Gamma Lab' }).waitFor();
    expect(await card.getByTestId('key-gamma').textContent()).toBe('••••9999');
    await shot('providers-after-add');
  });

  it('Overview: a provider port can be stopped and started again', async () => {
    await go('overview');
    const port = gw.ports.find((p) => p.use === 'alpha')!.port;
    const row = page.getByTestId(`port-${port}`);
    await row.getByRole('button', { name: new RegExp(`^Stop port ${port}`) }).click();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Stopped');
    expect(await fetch(`http://127.0.0.1:${port}/health`).then(() => 'up', () => 'down')).toBe('down');
    await row.getByRole('button', { name: new RegExp(`^Start port ${port}`) }).click();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).not.toContain('Stopped');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    await go('providers');
  });

  it('Requests: requests sent with the SDK appear live, with a detail view that shows no key', async () => {
    await go('requests');
    const replies = await send(3);
    expect(replies.map((r) => (r.content[0] as { text: string }).text)).toEqual(['from alpha', 'from alpha', 'from alpha']);
    const rows = page.getByTestId('requests-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    await expect.poll(() => rows.first().textContent()).toContain('alpha');
    await rows.first().getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Upstream model').waitFor();
    expect(await dialog.textContent()).toContain('alpha-large');
    expect(await page.content()).not.toContain(ALPHA_KEY);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('Overview: spend today and requests per minute update from the event stream', async () => {
    await go('overview');
    const alphaPort = gw.ports.find((p) => p.use === 'router')!.port;
    await expect.poll(async () => page.getByTestId(`port-${alphaPort}`).textContent(), { timeout: 15_000 }).toMatch(/\$0\.0[1-9]|\$0\.[1-9]/);
    await send(2);
    // 5 requests in the last 5 minutes on the router port: 1.0 per minute.
    await expect.poll(async () => page.getByTestId(`port-${alphaPort}`).textContent(), { timeout: 15_000 }).toContain('1.0');
    await shot('overview-light');
  });

  it('Health: latency sparkline, error rate, and a failover with its reason', async () => {
    await go('health');
    const card = page.getByTestId('health-alpha');
    await card.locator('svg.sparkline polyline').waitFor();
    alpha.next((_req, res) => json(res, 500, { error: { message: 'alpha is having a bad day' } }));
    const [reply] = await send(1);
    expect((reply.content[0] as { text: string }).text).toBe('from beta');
    const incidents = page.locator('#incidents-title').locator('..').locator('..');
    await expect.poll(() => incidents.textContent(), { timeout: 15_000 }).toMatch(/failover/i);
    expect(await incidents.textContent()).toContain('alpha');
    await expect.poll(() => page.getByTestId('error-rate-alpha').textContent(), { timeout: 15_000 }).not.toMatch(/^0 %/);
    await shot('health-light');
  });

  it('Routing: switching the strategy to cost sends the next request to the cheaper provider', async () => {
    await go('routing');
    await page.getByRole('radio', { name: /cost/i }).check();
    await expect.poll(async () => (await (await fetch(gw.url('router') + '/api/routing', { headers: { authorization: `Bearer ${token}` } })).json()).strategy).toBe('cost');
    const [reply] = await send(1);
    expect((reply.content[0] as { text: string }).text).toBe('from beta');
    await expect.poll(() => page.getByTestId('last-route').textContent(), { timeout: 10_000 }).toMatch(/Beta Models.*cost/);
    // Keyboard reorder of the fallback chain: move beta up, save.
    await page.getByRole('button', { name: 'Move Beta Models up' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move Beta Models down');
    await page.getByRole('button', { name: 'Save order' }).click();
    await expect.poll(async () => (await (await fetch(gw.url('router') + '/api/routing', { headers: { authorization: `Bearer ${token}` } })).json()).priority).toEqual(['beta', 'alpha', 'gamma']);
    await page.getByTestId('scenario-background').getByText('beta,beta-small').waitFor();
    await shot('routing-light');
  });

  it('Routing: a new background target takes the very next background request; thresholds are saved', async () => {
    const routing = async () => (await fetch(gw.url('router') + '/api/routing', { headers: { authorization: `Bearer ${token}` } })).json();
    const bg = page.getByTestId('scenario-background');
    await bg.getByRole('button', { name: 'Remove beta,beta-small from background' }).click();
    await bg.getByRole('button', { name: 'Add a target for background' }).click();
    await bg.getByLabel('Provider').selectOption('alpha');
    await bg.getByLabel('Model').fill('alpha-small');
    await shot('routing-add-target');
    await bg.getByRole('button', { name: 'Add', exact: true }).click();
    await bg.getByText('alpha,alpha-small').waitFor();
    await page.getByRole('button', { name: 'Save scenario targets' }).click();
    await expect.poll(async () => (await routing()).scenarios.background).toEqual(['alpha,alpha-small']);
    // A small haiku request is a background request: it goes to the new target, though cost would pick beta.
    const reply = await sdk().messages.create({ model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect((reply.content[0] as { text: string }).text).toBe('from alpha');
    expect(alpha.last.body.model).toBe('alpha-small');
    await expect.poll(() => page.getByTestId('last-route').textContent(), { timeout: 10_000 }).toMatch(/Alpha Cloud \(alpha-small\).*background request/);
    // Thresholds, with their units.
    await page.getByLabel('Long context above').fill('100k');
    await page.getByRole('button', { name: 'Save thresholds' }).click();
    await expect.poll(async () => (await routing()).thresholds.longContextThreshold).toBe(100_000);
    await expect.poll(() => page.getByLabel('Long context above').inputValue()).toBe('100,000');
    // The notice sits in the sidebar, clear of the page's controls, and goes away by itself.
    const note = page.getByTestId('toast').filter({ hasText: 'Thresholds saved' });
    await note.waitFor();
    const box = (await note.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(220);
    await shot('routing-edited');
    await note.waitFor({ state: 'detached', timeout: 9_000 });
  });

  it('Costs: the chart and savings update, and the export downloads a CSV of every request', async () => {
    await go('costs');
    await page.locator('[data-testid="cost-chart"] .recharts-bar-rectangle').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('savings').textContent()).toMatch(/\$\d/);
    const before = await page.locator('[data-testid="cost-chart"] .recharts-bar-rectangle').count();
    expect(before).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r\n/);
    expect(lines[0]).toContain('provider');
    expect(lines.length - 1).toBe(8); // 3 + 2 + 1 failover + 1 after the switch + 1 background
    expect(csv).not.toContain(ALPHA_KEY);
    await shot('costs-light');
  });

  it('every page, light and dark, renders without errors (screenshots in test-results/ui)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const name of PAGES) {
        await go(name);
        if (name === 'costs') await page.locator('[data-testid="cost-chart"] .recharts-bar-rectangle').first().waitFor();
        await page.waitForTimeout(150);
        await shot(`${name}-${scheme}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('Providers: removing one closes its port and takes it out of the chain', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await go('providers');
    const port = (await (await fetch(gw.url('router') + '/api/providers', { headers: { authorization: `Bearer ${token}` } })).json()).providers.find((p: { id: string }) => p.id === 'gamma').port as number;
    await page.getByRole('button', { name: 'Remove Gamma Lab' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove Gamma Lab?' });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await page.getByTestId('provider-gamma').waitFor({ state: 'detached' });
    expect(await fetch(`http://127.0.0.1:${port}/health`).then(() => 'up', () => 'down')).toBe('down');
    expect((await (await fetch(gw.url('router') + '/api/routing', { headers: { authorization: `Bearer ${token}` } })).json()).priority).toEqual(['beta', 'alpha']);
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the window for a new user with no provider yet', () => {
  let gw: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    ensureUiBuilt();
    gw = await startGateway({ providers: {} }, {}, { uiDir: DIST });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await gw?.close();
  });

  it('every page says what to do first (screenshots *-empty.png)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gw.url('router')}/ui/#token=${gw.gateway.admin!.token.value}`);
    await page.getByText('No provider yet').waitFor();
    expect(await page.getByRole('link', { name: 'Add a provider' }).getAttribute('href')).toBe('#/providers');
    await page.screenshot({ path: join(shotsDir(), 'overview-empty.png'), fullPage: true });
    for (const [name, text] of [
      ['providers', /Add your first provider/],
      ['health', /No provider to watch yet/],
      ['requests', /No requests yet/],
      ['costs', /No spend in this range/],
    ] as const) {
      await page.locator(`nav a[href="#/${name}"]`).click();
      await page.getByText(text).first().waitFor();
      await page.screenshot({ path: join(shotsDir(), `${name}-empty.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
