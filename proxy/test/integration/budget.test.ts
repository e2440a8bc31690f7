// Spending budgets end to end: costs from real requests cross 80 % and 100 %,
// each alert fires once per window, block answers with an Anthropic-format 402
// without reaching an upstream, downgrade sends requests to the haiku model or
// the cheapest priced target, and a new hour (a fake clock) re-arms everything.
import Anthropic from '@anthropic-ai/sdk';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetAlert } from '../../budget/tracker.js';
import type { ConfigFile } from '../../config/schema.js';
import { fromDbRow } from '../../usage/ledger/index.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, completion, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';
import { expectAnthropicError, post, readSse } from './_helpers.js';

const ADMIN_TOKEN = 'budget-test-admin-token-0123456789';
const HOUR = 3_600_000;

/** An OpenAI completion whose usage costs `promptTokens` × the model's input price. */
const answer = (promptTokens: number) => (_req: unknown, res: ServerResponse) => json(res, 200, completion({ content: 'ok' }, 'stop', { prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens }));
const opus = (extra: Record<string, unknown> = {}) => ({ model: 'claude-opus-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra });

/** USD per million input tokens; output is free so each request's cost is exact. */
const price = (inputPerM: number) => ({ price: { inputPerM, outputPerM: 0 } });

function config(main: ScriptedUpstream, cheap: ScriptedUpstream, mystery: ScriptedUpstream, budgets: ConfigFile['budgets']): ConfigFile {
  return {
    server: { adminToken: ADMIN_TOKEN },
    providers: {
      // big: 8500 tokens cost $0.85, 80 % of a $1 budget.
      main: { type: 'openai-compatible', baseUrl: main.url, models: { opus: 'big', sonnet: 'mid', haiku: 'small' }, modelInfo: { big: price(100), mid: price(50), small: price(10) } },
      cheap: { type: 'openai-compatible', baseUrl: cheap.url, models: { sonnet: 'tiny' }, modelInfo: { tiny: price(1) } },
      // No price: never the cheapest, and its spend is unknown rather than free.
      mystery: { type: 'openai-compatible', baseUrl: mystery.url, models: { opus: 'unknown-model' } },
    },
    router: { order: ['main', 'cheap', 'mystery'], strategy: 'priority' },
    budgets,
  };
}

describe('budgets through the gateway', () => {
  let main: ScriptedUpstream;
  let cheap: ScriptedUpstream;
  let mystery: ScriptedUpstream;
  let gw: RunningGateway;
  let t = Date.now();
  const clock = { now: () => t };

  const budgetEvents = () => gw.gateway.router.events.recent().filter((e): e is BudgetAlert & { id: number } => e.type === 'budget');
  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(gw.url('router') + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
  const rows = () => {
    gw.gateway.ledger!.flush();
    return gw.gateway.ledger!.db.prepare('SELECT * FROM requests ORDER BY id').all().map((r) => fromDbRow(r as Record<string, unknown>));
  };
  const upstreamCalls = () => main.requests.length + cheap.requests.length + mystery.requests.length;

  beforeAll(async () => {
    [main, cheap, mystery] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start(), ScriptedUpstream.start()]);
    for (const u of [main, cheap, mystery]) u.otherwise(answer(10));
    gw = await startGateway(config(main, cheap, mystery, { hourlyUsd: 1, dailyUsd: null, action: 'block' }), {}, { budgetClock: clock });
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([main.close(), cheap.close(), mystery.close()]);
  });

  it('alerts once at 80 % and once at 100 %, then blocks with a 402 billing_error that reaches no upstream', async () => {
    main.next(answer(8500));
    const first = await post(gw.url(), opus());
    expect(first.status).toBe(200);
    await first.text();
    expect(budgetEvents().map((e) => e.threshold)).toEqual([0.8]);
    expect(budgetEvents()[0]).toMatchObject({ window: 'hour', threshold: 0.8, limitUsd: 1, action: 'alert' });
    expect(budgetEvents()[0].reason).toMatch(/^80 % of the hourly budget used: \$0\.8500 of \$1\.00 spent this hour \(resets at \d\d:00\); at 100 % requests are blocked$/);

    main.next(answer(2000)); // still under 100 % when it starts, so it is served; its cost crosses 100 %
    const second = await post(gw.url(), opus());
    expect(second.status).toBe(200);
    await second.text();
    expect(budgetEvents().map((e) => e.threshold)).toEqual([0.8, 1]);
    const full = budgetEvents()[1];
    expect(full).toMatchObject({ window: 'hour', threshold: 1, limitUsd: 1, action: 'block' });
    expect(full.spentUsd).toBeCloseTo(1.05, 9);
    expect(full.reason).toMatch(/^hourly budget reached: \$1\.05 of \$1\.00 spent this hour; requests are blocked until it resets at \d\d:00 \(in \d+ (min|s)\)$/);

    const before = upstreamCalls();
    const blocked = await post(gw.url(), opus({ stream: true }));
    expect(blocked.headers.get('x-switchboard-budget')).toBe('blocked');
    const message = await expectAnthropicError(blocked, 402, 'billing_error');
    expect(message).toMatch(/^Switchboard hourly budget used up: \$1\.05 spent of \$1\.00 this hour, so requests are blocked until it resets at \d\d:00 \(in \d+ (min|s)\)\. /);
    expect(message).toContain('set budgets.hourlyUsd (or $HOURLY_COST_ALERT_THRESHOLD)');
    expect(message).toContain('PUT /api/budget');
    // Provider ports are blocked too: the budget is the gateway's.
    await expectAnthropicError(await post(gw.url('cheap'), opus()), 402, 'billing_error');
    expect(upstreamCalls()).toBe(before);
    // Alerts are not repeated by further spend or by blocked requests.
    expect(budgetEvents()).toHaveLength(2);
    expect(rows().slice(-2)).toMatchObject([
      { status: 402, errorType: 'billing_error', strategy: 'budget-block', attempts: 0, provider: null, costUsd: null },
      { status: 402, errorType: 'billing_error', strategy: 'budget-block' },
    ]);
  });

  it('surfaces the block to @anthropic-ai/sdk as an APIError carrying the message, without retries', async () => {
    const rowsBefore = rows().length;
    const client = new Anthropic({ baseURL: gw.url(), apiKey: 'client-key', maxRetries: 2 });
    const err = await client.messages.create({ model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const apiError = err as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(402);
    expect(apiError.message).toContain('Switchboard hourly budget used up');
    expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
    // One request: the SDK does not retry a 402 (it retries 408, 409, 429 and 5xx).
    expect(rows().length).toBe(rowsBefore + 1);
  });

  it('the real Claude Code CLI shows the message and does not retry', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sb-budget-claude-home-'));
    try {
      const rowsBefore = rows().length;
      const out = await promisify(execFile)(resolve('node_modules/.bin/claude'), ['-p', 'say hi', '--output-format', 'json'], {
        cwd: home,
        timeout: 90_000,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ANTHROPIC_BASE_URL: gw.url(), ANTHROPIC_API_KEY: 'sk-any', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' },
      }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
      const result = JSON.parse(out.stdout) as { is_error: boolean; result: string };
      expect(result.is_error).toBe(true);
      expect(result.result).toContain('Switchboard hourly budget used up');
      expect(result.result).not.toMatch(/\/login/);
      // Exactly one request reached the gateway: Claude Code neither retried nor fell back to another model.
      expect(rows().length).toBe(rowsBefore + 1);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('does not block count_tokens or the model list', async () => {
    const count = await fetch(gw.url() + '/v1/messages/count_tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(count.status).toBe(200);
    expect((await count.json()).input_tokens).toBeGreaterThan(0);
    expect((await fetch(gw.url() + '/v1/models')).status).toBe(200);
  });

  it('GET /api/budget reports each window; PUT changes the action at runtime', async () => {
    const res = await api('/api/budget');
    expect(res.status).toBe(200);
    const status = await res.json();
    expect(status).toMatchObject({ hourlyUsd: 1, dailyUsd: null, action: 'block', downgradeTo: 'haiku', inForce: 'block' });
    expect(status.windows).toMatchObject([
      { window: 'hour', limitUsd: 1, percent: 105, state: 'exceeded', unpricedRequests: 0 },
      { window: 'day', limitUsd: null, percent: null, state: 'off' },
    ]);
    expect(status.windows[0].resetsAt - status.windows[0].startedAt).toBe(HOUR);
    expect(status.windows[0].startedAt).toBeLessThanOrEqual(t);
    expect(status.windows[0].resetsAt).toBeGreaterThan(t);

    await expectAnthropicError(await api('/api/budget', { method: 'PUT', body: { action: 'stop' } }), 400, 'invalid_request_error');
    await expectAnthropicError(await api('/api/budget', { method: 'PUT', body: { hourlyUSD: 5 } }), 400, 'invalid_request_error');
    const changed = await api('/api/budget', { method: 'PUT', body: { action: 'downgrade' } });
    expect(await changed.json()).toMatchObject({ action: 'downgrade', downgradeTo: 'haiku', inForce: 'downgrade', hourlyUsd: 1 });
    // The change itself alerts nothing new: both thresholds already fired this hour.
    expect(budgetEvents()).toHaveLength(2);
  });

  it('downgrade to haiku: opus and sonnet requests go to the haiku model, visibly; haiku and custom names are untouched', async () => {
    const before = main.requests.length;
    const res = await post(gw.url(), opus({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-budget')).toBe('downgrade-haiku');
    expect(res.headers.get('x-switchboard-model')).toBe('small');
    await readSse(res);
    expect(main.requests.length).toBe(before + 1);
    expect(main.last.body.model).toBe('small');
    const route = gw.gateway.router.events.recent().filter((e) => e.type === 'route').at(-1)!;
    expect(route).toMatchObject({ type: 'route', provider: 'main', model: 'small', strategy: 'budget-haiku' });
    expect(route.reason).toBe('hourly budget reached, claude-opus-5-5 sent as haiku tier: main (priority)');
    expect(rows().at(-1)).toMatchObject({ strategy: 'budget-haiku', requestedModel: 'claude-opus-5-5', upstreamModel: 'small', status: 200 });

    // A pinned provider port downgrades too.
    await (await post(gw.url('main'), { ...opus(), model: 'claude-sonnet-5-5' })).text();
    expect(main.last.body.model).toBe('small');

    // A haiku request is already haiku; a custom model name was the user's choice.
    const haiku = await post(gw.url(), opus({ model: 'claude-haiku-5-5' }));
    expect(haiku.headers.get('x-switchboard-budget')).toBeNull();
    await haiku.text();
    expect(main.last.body.model).toBe('small');
    await (await post(gw.url(), opus({ model: 'main,big' }))).text();
    expect(main.last.body.model).toBe('big');
  });

  it('downgrade to cheapest: every request goes to the cheapest priced target, the next cheapest as fallback', async () => {
    await api('/api/budget', { method: 'PUT', body: { downgradeTo: 'cheapest' } });
    cheap.otherwise((_req, res) => sse(res, openaiStream([chunk({ content: 'cheap' }), chunk({}, 'stop'), usageChunk(5, 1)])));
    const res = await post(gw.url(), opus({ model: 'main,big', stream: true }));
    expect(res.headers.get('x-switchboard-budget')).toBe('downgrade-cheapest');
    await readSse(res);
    expect(cheap.last.body.model).toBe('tiny');
    const route = gw.gateway.router.events.recent().filter((e) => e.type === 'route').at(-1)!;
    expect(route).toMatchObject({ provider: 'cheap', model: 'tiny', strategy: 'budget-cheapest' });
    expect(route.reason).toBe('hourly budget reached, cheapest priced target: cheap (cheapest first)');
    expect(rows().at(-1)).toMatchObject({ strategy: 'budget-cheapest', provider: 'cheap', upstreamModel: 'tiny' });

    // The cheapest fails: the next cheapest priced target answers (main's haiku model), never the unpriced one.
    cheap.next((_req, r) => json(r, 500, { error: { message: 'down' } }));
    const mysteryBefore = mystery.requests.length;
    const fallback = await post(gw.url(), opus());
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get('x-switchboard-fallback')).toBe('cheap:500');
    await fallback.text();
    expect(main.last.body.model).toBe('small');
    expect(mystery.requests.length).toBe(mysteryBefore);
  });

  it('a new hour re-arms the alerts and lifts the action', async () => {
    const eventsBefore = budgetEvents().length;
    t += HOUR; // the fake clock moves into the next hour
    const status = await (await api('/api/budget')).json();
    expect(status.inForce).toBeNull();
    expect(status.windows[0]).toMatchObject({ spentUsd: 0, state: 'ok' });

    main.next(answer(8500));
    const res = await post(gw.url(), opus());
    expect(res.headers.get('x-switchboard-budget')).toBeNull();
    await res.text();
    expect(main.last.body.model).toBe('big');
    const fresh = budgetEvents().slice(eventsBefore);
    expect(fresh.map((e) => [e.window, e.threshold])).toEqual([['hour', 0.8]]);
    expect(fresh[0].spentUsd).toBeCloseTo(0.85, 9);
  });

  it('streams the alerts on /api/events', async () => {
    const abort = new AbortController();
    const res = await fetch(`${gw.url()}/api/events?after=0`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: abort.signal });
    let text = '';
    const decoder = new TextDecoder();
    for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(part, { stream: true });
      if ((text.match(/event: budget\n/g) ?? []).length >= 3) break;
    }
    abort.abort();
    const frames = text.split('\n\n').filter((f) => f.includes('event: budget\n'));
    expect(frames.map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)).threshold)).toEqual([0.8, 1, 0.8]);
  });
});

describe('budgets across a restart', () => {
  let main: ScriptedUpstream;
  let cheap: ScriptedUpstream;
  let mystery: ScriptedUpstream;
  let stateDir: string;

  beforeAll(async () => {
    [main, cheap, mystery] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start(), ScriptedUpstream.start()]);
    stateDir = mkdtempSync(join(tmpdir(), 'switchboard-budget-test-'));
  });
  afterAll(async () => {
    await Promise.all([main.close(), cheap.close(), mystery.close()]);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('keeps the spend (from the ledger) and the limits changed through the admin API', async () => {
    // Fixed at the start: every row written below has ts ≥ t, so it lies in t's windows.
    const t = Date.now();
    const clock = { now: () => t };
    const cfg = config(main, cheap, mystery, { hourlyUsd: 10, dailyUsd: 100 });
    let gw = await startGateway(cfg, {}, { stateDir, budgetClock: clock });
    main.next(answer(8500));
    await (await post(gw.url(), opus())).text();
    mystery.next(answer(100));
    await (await post(gw.url('mystery'), opus())).text();
    const put = await fetch(gw.url() + '/api/budget', { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ hourlyUsd: 0.5, action: 'block' }) });
    expect(put.status).toBe(200);
    expect(JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')).budgets).toEqual({ hourlyUsd: 0.5, action: 'block' });
    await gw.close();

    gw = await startGateway(cfg, {}, { stateDir, budgetClock: clock });
    try {
      const status = gw.gateway.budget.status();
      expect(status).toMatchObject({ hourlyUsd: 0.5, dailyUsd: 100, action: 'block', inForce: 'block' });
      expect(status.windows[0].spentUsd).toBeCloseTo(0.85, 9);
      expect(status.windows[0].unpricedRequests).toBe(1);
      const alerts = gw.gateway.router.events.recent().filter((e): e is BudgetAlert & { id: number } => e.type === 'budget');
      expect(alerts.map((e) => [e.window, e.threshold])).toEqual([
        ['hour', 0.8],
        ['hour', 1],
      ]);
      expect(alerts[0].reason).toContain('(counted from the usage ledger at start)');
      const before = main.requests.length;
      await expectAnthropicError(await post(gw.url(), opus()), 402, 'billing_error');
      expect(main.requests.length).toBe(before);
    } finally {
      await gw.close();
    }
  });
});
