// Prices through the real gateway: a scripted upstream plays OpenRouter (its model
// list with pricing, then chat completions reporting usage.cost), and the ledger
// rows carry the live-price cost, the provider's own figure and the drift.
import type { ServerResponse } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDbRow } from '../../usage/ledger/index.js';
import type { ProviderPrices } from '../../server/admin/prices.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, completion, json, openaiStream, ScriptedUpstream, sse, type RecordedRequest } from '../upstream.js';
import { expectAnthropicError, post, readSse, waitFor } from './_helpers.js';

const MODELS = {
  data: [
    { id: 'anthropic/claude-sonnet-4.5', pricing: { prompt: '0.0000029', completion: '0.000014', input_cache_read: '0.00000029', input_cache_write: '0.0000036' } },
    { id: 'qwen/qwen3-coder', pricing: { prompt: '0.0000004', completion: '0.0000016' } },
    { id: 'qwen/qwen3-coder:free', pricing: { prompt: '0', completion: '0' } },
    { id: 'openrouter/auto', pricing: { prompt: '-1', completion: '-1' } },
  ],
};

// 1000 prompt tokens of which 200 cached, 100 out, at the live Sonnet price (2.9 / 0.29 / 14 per M):
// 800 × 2.9e-6 + 200 × 0.29e-6 + 100 × 14e-6 = 0.00232 + 0.000058 + 0.0014
const LIVE_COST = 0.003778;
const USAGE = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, prompt_tokens_details: { cached_tokens: 200, cache_write_tokens: 0 } };

describe('prices: live OpenRouter list, usage.cost and drift, overrides, /api/prices', () => {
  let or: ScriptedUpstream;
  let gw: RunningGateway;
  let chat: (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;
  const warnings: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    or = await ScriptedUpstream.start();
    or.otherwise((req, res) => (req.method === 'GET' && req.url === '/models' ? json(res, 200, MODELS) : chat(req, res)));
    const logger = pino({ level: 'warn' }, { write: (s: string) => warnings.push(JSON.parse(s) as Record<string, unknown>) });
    gw = await startGateway(
      {
        providers: {
          openrouter: {
            apiKey: 'sk-or-test',
            // The preset's base URL handling: <baseUrl>/models for the list, <baseUrl>/chat/completions for chat.
            baseUrl: or.url,
            models: { haiku: 'vendor/unlisted-model' },
            modelInfo: { 'qwen/qwen3-coder': { price: { inputPerM: 0.5, outputPerM: 1 } } },
          },
        },
        router: { scenarios: { think: 'openrouter,qwen/qwen3-coder' } },
      },
      {},
      { prices: {}, logger },
    );
    await waitFor(() => (gw.gateway.prices.liveStatus('openrouter')?.models ?? 0) > 0, 5000, 'the live OpenRouter prices');
  });
  afterAll(async () => {
    await gw.close();
    await or.close();
  });

  const rows = () => {
    gw.gateway.ledger!.flush();
    return gw.gateway.ledger!.db.prepare('SELECT * FROM requests ORDER BY id').all().map((r) => fromDbRow(r as Record<string, unknown>));
  };
  const body = (extra: Record<string, unknown> = {}) => ({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra });

  it('fetched the list from the preset path, with the key', () => {
    const list = or.requests.find((r) => r.url === '/models')!;
    expect(list.method).toBe('GET');
    expect(list.headers.authorization).toBe('Bearer sk-or-test');
  });

  it('JSON answer: the ledger has the live-price cost and OpenRouter usage.cost; equal figures are no drift', async () => {
    chat = (_req, res) => json(res, 200, completion({ content: 'ok' }, 'stop', { ...USAGE, cost: LIVE_COST, is_byok: false }));
    const res = await post(gw.url('openrouter'), body());
    expect(res.status).toBe(200);
    await res.text();
    expect(rows().at(-1)).toMatchObject({ upstreamModel: 'anthropic/claude-sonnet-4.5', inputTokens: 800, cacheReadTokens: 200, outputTokens: 100, costUsd: LIVE_COST, providerCostUsd: LIVE_COST, costDrift: 0, stream: false });
    expect(warnings.filter((w) => /cost drift/.test(String(w.msg)))).toHaveLength(0);
  });

  it('streamed answer: usage.cost from the final chunk; a disagreement is recorded as drift and warned about once', async () => {
    chat = (_req, res) =>
      sse(res, openaiStream([chunk({ content: 'hello' }), chunk({}, 'stop'), { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'x', choices: [], usage: { ...USAGE, cost: 0.005 } }]));
    for (let i = 0; i < 3; i++) await readSse(await post(gw.url('openrouter'), body({ stream: true })));
    const last = rows().at(-1)!;
    expect(last).toMatchObject({ costUsd: LIVE_COST, providerCostUsd: 0.005, stream: true });
    expect(last.costDrift).toBeCloseTo(0.005 - LIVE_COST, 9);
    const drift = warnings.filter((w) => /cost drift/.test(String(w.msg)));
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5', costUsd: LIVE_COST, providerCostUsd: 0.005 });
  });

  it('a provider that does not report a cost leaves providerCostUsd and costDrift empty', async () => {
    chat = (_req, res) => json(res, 200, completion({ content: 'ok' }, 'stop', USAGE));
    await (await post(gw.url('openrouter'), body())).text();
    expect(rows().at(-1)).toMatchObject({ costUsd: LIVE_COST, providerCostUsd: null, costDrift: null });
  });

  it('a config price wins over the live one, for explicit choices and scenario routes alike', async () => {
    chat = (_req, res) => json(res, 200, completion({ content: 'ok' }, 'stop', { prompt_tokens: 1000, completion_tokens: 1000, cost: 0.002 }));
    // 1000 × 0.5 + 1000 × 1 (per M) = 0.0015; OpenRouter's list says 0.4 / 1.6 (0.002).
    await (await post(gw.url('router'), body({ model: 'openrouter,qwen/qwen3-coder' }))).text();
    expect(rows().at(-1)).toMatchObject({ upstreamModel: 'qwen/qwen3-coder', strategy: 'explicit', costUsd: 0.0015, providerCostUsd: 0.002 });
    await (await post(gw.url('router'), body({ thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 4096 }))).text();
    expect(rows().at(-1)).toMatchObject({ upstreamModel: 'qwen/qwen3-coder', scenario: 'think', costUsd: 0.0015 });
  });

  it('an unpriced model costs what the provider says it charged; with no figure at all it is unknown, never free', async () => {
    chat = (_req, res) => json(res, 200, completion({ content: 'ok' }, 'stop', { prompt_tokens: 10, completion_tokens: 5, cost: 0.00001 }));
    await (await post(gw.url('openrouter'), body({ model: 'openrouter/auto' }))).text();
    expect(rows().at(-1)).toMatchObject({ upstreamModel: 'openrouter/auto', costUsd: 0.00001, providerCostUsd: 0.00001, costDrift: null });
    chat = (_req, res) => json(res, 200, completion({ content: 'ok' }, 'stop', { prompt_tokens: 10, completion_tokens: 5 }));
    await (await post(gw.url('openrouter'), body({ model: 'openrouter/auto' }))).text();
    expect(rows().at(-1)).toMatchObject({ upstreamModel: 'openrouter/auto', costUsd: null, providerCostUsd: null, costDrift: null });
  });

  it('GET /api/prices lists what each model is billed at and why', async () => {
    const get = (q = '', token: string | null = gw.gateway.admin!.token.value) => fetch(`${gw.url('router')}/api/prices${q}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    await expectAnthropicError(await get('', null), 401, 'authentication_error');

    const res = await get();
    expect(res.status).toBe(200);
    const { providers } = (await res.json()) as { providers: ProviderPrices[] };
    expect(providers).toHaveLength(1);
    const [p] = providers;
    expect(p).toMatchObject({ id: 'openrouter', type: 'openrouter', live: { models: 3, error: null, source: expect.stringMatching(/\/models, fetched \d{4}-/) } });
    const byModel = new Map(p.models.map((m) => [m.model, m]));
    expect(byModel.get('anthropic/claude-sonnet-4.5')).toMatchObject({ uses: ['tier:sonnet'], origin: 'live', price: { inputPerM: 2.9, outputPerM: 14, cacheReadPerM: 0.29, cacheWrite5mPerM: 3.6 } });
    expect(byModel.get('anthropic/claude-opus-4.5')).toMatchObject({ uses: ['tier:opus'], origin: 'bundled', source: expect.stringMatching(/platform\.claude\.com/) });
    expect(byModel.get('vendor/unlisted-model')).toEqual({ model: 'vendor/unlisted-model', uses: ['tier:haiku'], origin: 'unknown', source: null, price: null });
    expect(byModel.get('qwen/qwen3-coder')).toMatchObject({ uses: ['scenario:think'], origin: 'config', price: { inputPerM: 0.5, outputPerM: 1 } });
    // The bundled table's other OpenRouter models are listed too; the rest of the live list only with ?all=1.
    expect(byModel.get('google/gemini-2.5-pro')).toMatchObject({ uses: [], origin: 'bundled', price: { longContext: { thresholdTokens: 200000 } } });
    expect(byModel.has('qwen/qwen3-coder:free')).toBe(false);

    const all = (await (await get('?all=1')).json()) as { providers: ProviderPrices[] };
    expect(all.providers[0].models.find((m) => m.model === 'qwen/qwen3-coder:free')).toMatchObject({ origin: 'live', price: { inputPerM: 0, outputPerM: 0 } });
    const none = (await (await get('?provider=nope')).json()) as { providers: ProviderPrices[] };
    expect(none.providers).toEqual([]);
  });
});
