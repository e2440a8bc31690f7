// The live price book against a scripted OpenRouter model list: fetch off the
// request path, persistence for offline starts, failure handling, drift warnings.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveSettings, type Settings } from '../config/resolve.js';
import { waitFor } from '../test/integration/_helpers.js';
import { json, ScriptedUpstream, sleep } from '../test/upstream.js';
import { UpstreamClient } from '../upstream/client.js';
import { computeCost } from './cost.js';
import { PriceBook, type PriceBookOptions } from './price-book.js';

const MODELS = {
  data: [
    { id: 'anthropic/claude-sonnet-4.5', pricing: { prompt: '0.0000029', completion: '0.000014', input_cache_read: '0.00000029', input_cache_write: '0.0000036' } },
    { id: 'qwen/qwen3-coder:free', pricing: { prompt: '0', completion: '0' } },
    { id: 'openrouter/auto', pricing: { prompt: '-1', completion: '-1' } },
  ],
};

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

describe('PriceBook', () => {
  let up: ScriptedUpstream;
  let client: UpstreamClient;
  let stateDir: string;
  let logs: LogLine[];
  let books: PriceBook[];
  const log = () => pino({ level: 'info' }, { write: (s: string) => logs.push(JSON.parse(s) as LogLine) });
  const warnings = () => logs.filter((l) => l.level === 40);

  const settingsFor = (baseUrl: string): Settings => resolveSettings({ providers: { openrouter: { apiKey: 'sk-or-test', baseUrl }, openai: { apiKey: 'sk-test' } } }, {});
  const book = (opts: PriceBookOptions = {}, baseUrl = up.url) => {
    const settings = settingsFor(baseUrl);
    const b = new PriceBook(() => settings, { client, stateDir, log: log() }, opts);
    books.push(b);
    return { b, provider: settings.providers.get('openrouter')!, openai: settings.providers.get('openai')! };
  };
  const listRequests = () => up.requests.filter((r) => r.url === '/models').length;

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    client = new UpstreamClient({ connectMs: 2000, firstByteMs: 5000, idleMs: 5000 });
  });
  afterAll(async () => {
    await client.close();
    await up.close();
  });
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'switchboard-prices-'));
    logs = [];
    books = [];
    up.requests.length = 0;
    up.otherwise((_req, res) => json(res, 200, MODELS));
  });
  afterEach(async () => {
    await Promise.all(books.map((b) => b.stop()));
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('fetches the list in the background at start and prices from it, with source and date', async () => {
    const { b, provider, openai } = book();
    await b.start();
    await waitFor(() => b.liveStatus('openrouter')?.models === 2, 5000, 'the live list');
    expect(up.requests[0]).toMatchObject({ method: 'GET', url: '/models' });
    expect(up.requests[0].headers.authorization).toBe('Bearer sk-or-test');
    const p = b.priceFor(provider, 'anthropic/claude-sonnet-4.5')!;
    expect(p).toMatchObject({ inputPerM: 2.9, outputPerM: 14, cacheReadPerM: 0.29, cacheWrite5mPerM: 3.6, origin: 'live' });
    expect(p.source).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+/models, fetched \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
    expect(b.priceFor(provider, 'qwen/qwen3-coder:free')).toMatchObject({ inputPerM: 0, outputPerM: 0, origin: 'live' });
    // "-1" is not a price: unknown here, and nothing bundled either.
    expect(b.priceFor(provider, 'openrouter/auto')).toBeNull();
    // Not in the list: the bundled table still answers.
    expect(b.priceFor(provider, 'anthropic/claude-haiku-4.5')).toMatchObject({ inputPerM: 1, origin: 'bundled' });
    // Only OpenRouter has a live list.
    expect(b.liveStatus('openai')).toBeNull();
    expect(b.priceFor(openai, 'gpt-5')).toMatchObject({ origin: 'bundled' });
    expect(b.liveStatus('openrouter')).toMatchObject({ error: null, models: 2, fetchedAt: expect.any(String), nextFetchAt: expect.any(String) });
  });

  it('saves the last good list (0600) so an offline start still has live prices', async () => {
    const first = book();
    await first.b.start();
    const file = join(stateDir, 'live-prices.json');
    await waitFor(() => existsSync(file), 5000, 'the saved list');
    await first.b.stop();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const fetchedAt = first.b.liveStatus('openrouter')!.fetchedAt;

    // Offline: the list endpoint refuses; the saved list is used at once, and the failure is logged once.
    up.otherwise((_req, res) => json(res, 503, { error: { message: 'down' } }));
    const second = book({ refreshMs: 30, retryMs: 20 });
    await second.b.start();
    expect(second.b.priceFor(second.provider, 'anthropic/claude-sonnet-4.5')).toMatchObject({ inputPerM: 2.9, origin: 'live' });
    expect(second.b.liveStatus('openrouter')!.fetchedAt).toBe(fetchedAt);
    await waitFor(() => listRequests() >= 4, 5000, 'several failed fetches');
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0].msg).toMatch(/cannot fetch openrouter's live prices; using the list fetched earlier/);
    expect(second.b.liveStatus('openrouter')!.error).toBe('HTTP 503');

    // Back online: the new list replaces the old one, and the recovery is logged.
    up.otherwise((_req, res) => json(res, 200, { data: [{ id: 'anthropic/claude-sonnet-4.5', pricing: { prompt: '0.000003', completion: '0.000015' } }] }));
    await waitFor(() => second.b.priceFor(second.provider, 'anthropic/claude-sonnet-4.5')?.inputPerM === 3, 5000, 'the new list');
    expect(second.b.liveStatus('openrouter')!.error).toBeNull();
    expect(logs.some((l) => l.msg === 'live prices fetched again')).toBe(true);
  });

  it('does not refetch at start while the saved list is fresh', async () => {
    const first = book();
    await first.b.start();
    await waitFor(() => existsSync(join(stateDir, 'live-prices.json')), 5000, 'the saved list');
    await first.b.stop();
    const before = listRequests();
    const second = book({ refreshMs: 3600_000 });
    await second.b.start();
    await sleep(100);
    expect(listRequests()).toBe(before);
    expect(second.b.priceFor(second.provider, 'anthropic/claude-sonnet-4.5')).toMatchObject({ origin: 'live' });
  });

  it('ignores a saved list fetched from another URL, and a corrupt file', async () => {
    const url = `${up.url}/models`;
    const saved = { version: 1, providers: { openrouter: { url: 'https://elsewhere.example/api/v1/models', fetchedAt: new Date().toISOString(), models: { 'anthropic/claude-sonnet-4.5': { inputPerM: 99, outputPerM: 99 } } } } };
    writeFileSync(join(stateDir, 'live-prices.json'), JSON.stringify(saved));
    const a = book({ fetch: false });
    await a.b.start();
    expect(a.b.priceFor(a.provider, 'anthropic/claude-sonnet-4.5')).toMatchObject({ inputPerM: 3, origin: 'bundled' });

    saved.providers.openrouter.url = url;
    writeFileSync(join(stateDir, 'live-prices.json'), JSON.stringify(saved));
    const b2 = book({ fetch: false });
    await b2.b.start();
    expect(b2.b.priceFor(b2.provider, 'anthropic/claude-sonnet-4.5')).toMatchObject({ inputPerM: 99, origin: 'live' });

    writeFileSync(join(stateDir, 'live-prices.json'), '{not json');
    const c = book({ fetch: false });
    await c.b.start();
    expect(c.b.priceFor(c.provider, 'anthropic/claude-sonnet-4.5')).toMatchObject({ origin: 'bundled' });
    expect(warnings().some((l) => /saved live prices are unreadable/.test(l.msg))).toBe(true);
  });

  it('keeps the previous list when an answer holds no usable prices', async () => {
    const { b, provider } = book({ fetch: false });
    await b.start();
    expect(await b.refresh('openrouter')).toBe(true);
    up.otherwise((_req, res) => json(res, 200, { data: [{ id: 'x', pricing: { prompt: '-1', completion: '-1' } }] }));
    expect(await b.refresh('openrouter')).toBe(false);
    expect(b.priceFor(provider, 'anthropic/claude-sonnet-4.5')).toMatchObject({ inputPerM: 2.9, origin: 'live' });
    expect(b.liveStatus('openrouter')!.error).toBe('the model list holds no usable prices');
  });

  it('falls back to the bundled table when the first fetch fails, and stop() cancels a hanging fetch', async () => {
    up.otherwise(() => {
      /* never answers */
    });
    const { b, provider } = book({ timeoutMs: 60_000 });
    await b.start();
    await waitFor(() => listRequests() === 1, 5000, 'the fetch');
    expect(b.priceFor(provider, 'anthropic/claude-sonnet-4.5')).toMatchObject({ origin: 'bundled' });
    const t0 = Date.now();
    await b.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(warnings()).toHaveLength(0); // a cancelled fetch is not a failure
  });

  it('warns about cost drift once per provider and model, naming both figures', async () => {
    const { b, provider } = book({ fetch: false });
    const price = b.priceFor(provider, 'anthropic/claude-sonnet-4.5');
    const usage = { input_tokens: 1000, output_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const drifting = computeCost({ price, usage, providerCostUsd: 0.01 }); // ours: 0.003 + 0.0015 = 0.0045
    expect(drifting.drift).toBe(true);
    for (let i = 0; i < 3; i++) b.noteDrift('openrouter', 'anthropic/claude-sonnet-4.5', drifting, price);
    b.noteDrift('openrouter', 'other/model', drifting, price);
    b.noteDrift('openrouter', 'third/model', computeCost({ price, usage, providerCostUsd: 0.0045 }), price);
    expect(warnings()).toHaveLength(2);
    expect(warnings()[0]).toMatchObject({ provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5', costUsd: 0.0045, providerCostUsd: 0.01, driftUsd: 0.0055 });
    expect(warnings()[0].msg).toMatch(/our price gives \$0\.0045, openrouter reports \$0\.01/);
  });
});
