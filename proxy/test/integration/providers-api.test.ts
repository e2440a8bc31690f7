// Providers managed through the admin API over real sockets: added, changed and
// removed while the gateway runs (ports start and stop, the router follows, keys
// reach only their upstream and never come back), tested with one tiny request,
// their models listed, ports stopped and started, and everything saved in the
// state dir so a restart brings it back.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, completion, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';
import { closedPort, expectAnthropicError, messagesBody, post, waitFor } from './_helpers.js';

const KEY1 = 'sk-b-first-key-0001';
const KEY2 = 'sk-b-second-key-0002';
const UNSAVED = 'sk-unsaved-form-key-7777';

const answer = (text: string) => (_req: unknown, res: ServerResponse) => json(res, 200, completion({ content: text }));
const fail = (status: number, message = `failing with ${status}`) => (_req: unknown, res: ServerResponse) => json(res, status, { error: { message } });

describe('providers through the admin API', () => {
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let c: ScriptedUpstream;
  let gw: RunningGateway;
  let stateDir: string;
  let token: string;
  let bPort = 0;
  const config = {
    providers: { a: { type: 'openai-compatible', baseUrl: '', models: { sonnet: 'a-model' } } },
    router: { strategy: 'priority' as const },
  };
  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(gw.url('router') + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
  const providers = async () => (await (await api('/api/providers')).json()) as { providers: Array<Record<string, any>>; presets: Array<Record<string, any>> };
  const view = async (id: string) => (await providers()).providers.find((p) => p.id === id);
  const lastEvent = () => gw.gateway.router.events.recent().filter((e) => e.type === 'config').pop();

  beforeAll(async () => {
    [a, b, c] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start(), ScriptedUpstream.start()]);
    config.providers.a.baseUrl = a.url;
    stateDir = mkdtempSync(join(tmpdir(), 'switchboard-providers-api-'));
    gw = await startGateway(config, {}, { stateDir });
    token = readFileSync(join(stateDir, 'admin-token'), 'utf8').trim();
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([a, b, c].map((u) => u?.close()));
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('lists providers and presets, without keys', async () => {
    const res = await api('/api/providers');
    expect(res.status).toBe(200);
    const body = await providers();
    expect(body.providers).toEqual([
      {
        id: 'a',
        type: 'openai-compatible',
        label: 'OpenAI-compatible server (a)',
        dialect: 'openai-chat',
        enabled: true,
        source: 'config',
        edited: false,
        baseUrl: a.url,
        port: gw.gateway.ports.find((p) => p.use === 'a')!.port,
        running: true,
        models: { opus: '', sonnet: 'a-model', haiku: '' },
        modelMap: {},
        key: { set: false, hint: null, env: null, source: 'none' },
        problem: null,
      },
    ]);
    const types = body.presets.map((p) => p.type);
    expect(types).toEqual(expect.arrayContaining(['anthropic', 'vertex-claude', 'aistudio', 'github-models', 'openrouter', 'openai', 'deepseek', 'ollama', 'openai-compatible']));
    expect(body.presets.find((p) => p.type === 'vertex-claude')).toMatchObject({ needsKey: false, takesKey: false, fields: ['region', 'project', 'credentialsFile'], defaultPort: 8090 });
    expect(body.presets.find((p) => p.type === 'openai')).toMatchObject({ needsKey: true, keyEnv: ['OPENAI_API_KEY'], defaultBaseUrl: 'https://api.openai.com/v1', defaultModels: { opus: 'gpt-5', sonnet: 'gpt-5', haiku: 'gpt-5-mini' }, defaultPort: 8095 });
    expect(body.presets.every((p) => typeof p.docs === 'string' && p.docs.length > 10)).toBe(true);
  });

  it('adds a provider: its port answers, the router uses it, a config event says so', async () => {
    const res = await api('/api/providers', { body: { type: 'openai-compatible', id: 'b', label: 'Box B', baseUrl: b.url, apiKey: KEY1, models: { sonnet: 'b-model' }, port: 0 } });
    expect(res.status).toBe(201);
    const created = await res.json();
    bPort = created.port;
    expect(created).toMatchObject({ id: 'b', source: 'ui', edited: true, enabled: true, running: true, key: { set: true, hint: '••••0001', env: null, source: 'secrets.json' } });
    expect(bPort).toBeGreaterThan(0);
    expect(JSON.stringify(created)).not.toContain(KEY1);
    expect(lastEvent()).toMatchObject({ type: 'config', providers: ['b'], reason: 'provider b added through the admin API' });

    b.next(answer('from b'));
    const direct = await post(`http://127.0.0.1:${bPort}`, messagesBody());
    expect(direct.status).toBe(200);
    expect((await direct.json()).content[0].text).toBe('from b');
    expect(b.last.headers.authorization).toBe(`Bearer ${KEY1}`);

    // On the router, b joined the end of the priority: it takes over when a fails.
    const state = await (await api('/api/state')).json();
    expect(state.priority).toEqual(['a', 'b']);
    expect(state.ports.map((p: { use: string }) => p.use)).toEqual(['router', 'a', 'b']);
    a.next(fail(503));
    b.next(answer('b via router'));
    const routed = await post(gw.url('router'), messagesBody());
    expect(routed.status).toBe(200);
    expect(routed.headers.get('x-switchboard-provider')).toBe('b');
    expect(routed.headers.get('x-switchboard-fallback')).toBe('a:529');
  });

  it('changes the key: the upstream sees the new one, the API never shows it, error bodies have it redacted', async () => {
    const res = await api('/api/providers/b', { method: 'PUT', body: { apiKey: KEY2 } });
    expect(res.status).toBe(200);
    const changed = await res.json();
    expect(changed.key).toEqual({ set: true, hint: '••••0002', env: null, source: 'secrets.json' });
    expect(lastEvent()?.reason).toBe('provider b changed through the admin API (key set)');
    b.next(answer('new key'));
    expect((await post(`http://127.0.0.1:${bPort}`, messagesBody())).status).toBe(200);
    expect(b.last.headers.authorization).toBe(`Bearer ${KEY2}`);

    const listed = JSON.stringify(await providers());
    for (const key of [KEY1, KEY2]) expect(listed).not.toContain(key);
    // The new key is redacted from what reaches clients; the old one has left the redactor.
    expect(gw.gateway.redact.found(KEY2)).toBe(true);
    expect(gw.gateway.redact.found(KEY1)).toBe(false);
    b.next(fail(401, `invalid api key ${KEY2}`));
    const refused = await post(`http://127.0.0.1:${bPort}`, messagesBody());
    const message = await expectAnthropicError(refused, 401, 'authentication_error');
    expect(message).toContain('invalid api key [redacted]');
    expect(message).not.toContain(KEY2);
  });

  it('tests a saved provider with one tiny request, recorded nowhere', async () => {
    const usage = async () => (await (await api('/api/usage/summary')).json()).totals.requests as number;
    const before = { rows: await usage(), samples: gw.gateway.router.runtime('b').latency.samples(), events: gw.gateway.router.events.recent().length };
    b.next(answer('pong'));
    const res = await api('/api/providers/b/test', { body: {} });
    expect(res.status).toBe(200);
    const ok = await res.json();
    expect(ok).toEqual({ ok: true, latencyMs: expect.any(Number), status: 200, model: 'b-model' });
    const sent = b.last;
    expect(sent.url).toBe('/chat/completions');
    expect(sent.body.max_tokens ?? sent.body.max_completion_tokens).toBe(1);
    expect(sent.body.stream ?? false).toBe(false);
    expect(sent.body.messages.at(-1)).toEqual({ role: 'user', content: 'ping' });
    expect(sent.headers.authorization).toBe(`Bearer ${KEY2}`);

    b.next(fail(401, 'bad key'));
    const failed = await (await api('/api/providers/b/test', { body: { model: 'other-model' } })).json();
    expect(failed).toEqual({ ok: false, latencyMs: expect.any(Number), status: 401, model: 'other-model', error: { type: 'authentication_error', status: 401, message: 'Box B rejected the API key configured in Switchboard: bad key' } });
    expect(b.last.body.model).toBe('other-model');

    expect(await usage()).toBe(before.rows);
    expect(gw.gateway.router.runtime('b').latency.samples()).toBe(before.samples);
    expect(gw.gateway.router.runtime('b').breaker.state()).toBe('closed');
    expect(gw.gateway.router.events.recent().length).toBe(before.events);
  });

  it('tests an unsaved form: its key goes to its upstream only, nothing is added', async () => {
    c.next(answer('pong'));
    const res = await api('/api/providers/test', { body: { type: 'openai-compatible', id: 'c', baseUrl: c.url, apiKey: UNSAVED, models: { haiku: 'c-small' } } });
    expect(await res.json()).toEqual({ ok: true, latencyMs: expect.any(Number), status: 200, model: 'c-small' });
    expect(c.last.headers.authorization).toBe(`Bearer ${UNSAVED}`);
    expect((await view('c'))).toBeUndefined();
    expect(gw.gateway.ports.some((p) => p.use === 'c')).toBe(false);
    // An error that echoes the unsaved key has it redacted.
    c.next(fail(403, `key ${UNSAVED} lacks access`));
    const refused = await (await api('/api/providers/test', { body: { type: 'openai-compatible', id: 'c', baseUrl: c.url, apiKey: UNSAVED, models: { haiku: 'c-small' } } })).json();
    expect(refused.error.message).toBe('OpenAI-compatible server (c) refused: key [redacted] lacks access');
    // The edit form of a saved provider: its saved key is used unless the form has another.
    b.next(answer('pong'));
    expect((await (await api('/api/providers/test', { body: { id: 'b', models: { haiku: 'b-small' } } })).json()).model).toBe('b-small');
    expect(b.last.headers.authorization).toBe(`Bearer ${KEY2}`);
    // A failing connection reports the exact error.
    const dead = await (await api('/api/providers/test', { body: { type: 'openai-compatible', id: 'dead', baseUrl: 'http://127.0.0.1:9', models: { haiku: 'x' } } })).json();
    expect(dead).toMatchObject({ ok: false, status: null, error: { type: 'api_error', status: 502, message: 'OpenAI-compatible server (dead) refused the connection (is it running?)' } });
  });

  it("lists a provider's models from its catalog, else from its config", async () => {
    b.next((_req, res) => json(res, 200, { data: [{ id: 'b-model' }, { id: 'b-large' }] }));
    expect(await (await api('/api/providers/b/models')).json()).toEqual({ models: ['b-model', 'b-large'], source: 'provider' });
    expect(b.last.url).toBe('/models');
    a.next(fail(500));
    expect(await (await api('/api/providers/a/models')).json()).toEqual({ models: ['a-model'], source: 'config' });
    await expectAnthropicError(await api('/api/providers/nope/models'), 404, 'not_found_error');
  });

  it('moves a provider to another port: the old one stops, the new one answers, learned state stays', async () => {
    const samples = gw.gateway.router.runtime('b').latency.samples();
    expect(samples).toBeGreaterThan(0);
    const port = await closedPort();
    const res = await api('/api/providers/b', { method: 'PUT', body: { port } });
    const [before, after] = [bPort, (bPort = port)];
    expect(await res.json()).toMatchObject({ id: 'b', port: after, running: true });
    await expect(fetch(`http://127.0.0.1:${before}/health`)).rejects.toThrow();
    b.next(answer('moved'));
    expect((await post(`http://127.0.0.1:${after}`, messagesBody())).status).toBe(200);
    // Only its port changed: the provider keeps its router record (one more sample, not a fresh start).
    expect(gw.gateway.router.runtime('b').latency.samples()).toBe(samples + 1);
  });

  it('stops and starts a provider port; the router port cannot be stopped', async () => {
    const stop = await api(`/api/ports/${bPort}/stop`, { body: {} });
    expect(await stop.json()).toEqual({ port: bPort, running: false });
    await expect(fetch(`http://127.0.0.1:${bPort}/health`)).rejects.toThrow();
    expect(await view('b')).toMatchObject({ port: bPort, running: false });
    expect(lastEvent()?.reason).toBe(`port ${bPort} (b) stopped through the admin API`);
    // The provider itself is still routed to.
    a.next(fail(503));
    b.next(answer('still routed'));
    expect((await post(gw.url('router'), messagesBody())).headers.get('x-switchboard-provider')).toBe('b');

    expect(await (await api(`/api/ports/${bPort}/start`, { body: {} })).json()).toEqual({ port: bPort, running: true });
    expect((await fetch(`http://127.0.0.1:${bPort}/health`)).status).toBe(200);
    const routerPort = new URL(gw.url('router')).port;
    expect(await expectAnthropicError(await api(`/api/ports/${routerPort}/stop`, { body: {} }), 400, 'invalid_request_error')).toMatch(/is the router port: it serves the admin API and this window/);
    await expectAnthropicError(await api('/api/ports/1/stop', { body: {} }), 404, 'not_found_error');
    await expectAnthropicError(await api('/api/ports/http/stop', { body: {} }), 400, 'invalid_request_error');
  });

  it('refuses bad input naming the field, conflicts with 409, and changes nothing', async () => {
    const before = JSON.stringify(await providers());
    const cases: Array<[unknown, number, string | RegExp]> = [
      [{ type: 'openai-compatible', id: 'd' }, 400, 'providers.d.baseUrl: required for a OpenAI-compatible server'],
      [{ type: 'nope' }, 400, /^providers\.nope\.type: unknown provider type "nope" \(known: /],
      [{ type: 'openai-compatible', id: 'b', baseUrl: c.url }, 409, /^providers\.b: a provider with this id exists/],
      [{ type: 'openai' }, 400, 'providers.openai.apiKey: OpenAI needs an API key: send "apiKey", or set $OPENAI_API_KEY and restart'],
      [{ type: 'openai-compatible', id: 'd', baseUrl: 'nope' }, 400, 'providers.d.baseUrl: must be an http(s) URL'],
      [{ type: 'openai-compatible', id: 'd', baseUrl: c.url, port: bPort }, 409, `providers.d.port: ${bPort} is already used by "b"`],
      [{ type: 'openai-compatible', id: 'd', baseUrl: gw.url('router') }, 400, /^providers\.d\.baseUrl: .* is Switchboard's own port \d+; that would loop$/],
      ['{"type":', 400, /^the body is not valid JSON/],
    ];
    for (const [body, status, message] of cases) {
      const res = await api('/api/providers', { body });
      const text = await expectAnthropicError(res, status, status === 409 ? 'conflict_error' : 'invalid_request_error');
      if (typeof message === 'string') expect(text).toBe(message);
      else expect(text).toMatch(message);
    }
    expect(await expectAnthropicError(await api('/api/providers/b', { method: 'PUT', body: { baseUrl: 'ftp://x' } }), 400, 'invalid_request_error')).toBe('providers.b.baseUrl: must be an http(s) URL');
    expect(await expectAnthropicError(await api('/api/providers/zzz', { method: 'PUT', body: { label: 'x' } }), 404, 'not_found_error')).toBe('no provider "zzz" (providers: a, b)');
    expect(JSON.stringify(await providers())).toBe(before);
  });

  it('a port another program holds: 409, and nothing was applied or saved', async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    try {
      const overlay = readFileSync(join(stateDir, 'providers.json'), 'utf8');
      const res = await api('/api/providers', { body: { type: 'openai-compatible', id: 'e', baseUrl: c.url, port } });
      expect(await expectAnthropicError(res, 409, 'conflict_error')).toBe(`providers.e.port: port ${port} is already in use by another program; choose another port`);
      expect(await view('e')).toBeUndefined();
      expect(readFileSync(join(stateDir, 'providers.json'), 'utf8')).toBe(overlay);
      expect(gw.gateway.router.priority).toEqual(['a', 'b']);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });

  it('removes a provider: its port stops after its stream finishes, the router forgets it', async () => {
    // A stream in flight on b's port when it is removed.
    b.next((_req, res) => sse(res, openaiStream([chunk({ content: 'slow ' }), chunk({ content: 'stream' }), chunk({}, 'stop'), usageChunk(3, 2)]), { delayMs: 150 }));
    const inFlight = post(`http://127.0.0.1:${bPort}`, messagesBody({ stream: true }));
    await waitFor(() => b.requests.length > 0 && b.last.body?.stream === true, 5_000, 'the stream to reach b');
    const res = await api('/api/providers/b', { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(lastEvent()?.reason).toBe('provider b removed through the admin API');
    await expect(fetch(`http://127.0.0.1:${bPort}/health`)).rejects.toThrow();
    const streamed = await (await inFlight).text();
    expect(streamed).toContain('event: message_stop');

    const state = await (await api('/api/state')).json();
    expect(state.priority).toEqual(['a']);
    expect(state.providers.map((p: { id: string }) => p.id)).toEqual(['a']);
    expect(state.ports.map((p: { use: string }) => p.use)).toEqual(['router', 'a']);
    expect(await view('b')).toBeUndefined();
    await expectAnthropicError(await api('/api/providers/b', { method: 'DELETE' }), 404, 'not_found_error');
    expect(JSON.parse(readFileSync(join(stateDir, 'secrets.json'), 'utf8')).keys).toEqual({});
  });
});

describe('providers changed through the API survive a restart', () => {
  it('brings back providers and keys; keys only in secrets.json (0600)', async () => {
    const up = await ScriptedUpstream.start();
    const stateDir = mkdtempSync(join(tmpdir(), 'switchboard-providers-restart-'));
    const key = 'sk-persisted-key-123456';
    const config = { providers: { a: { type: 'openai-compatible', baseUrl: up.url, models: { sonnet: 'a-model' } } } };
    try {
      let gw = await startGateway(config, {}, { stateDir });
      const token = readFileSync(join(stateDir, 'admin-token'), 'utf8').trim();
      const call = (path: string, method: string, body?: unknown) =>
        fetch(gw.url('router') + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      expect((await call('/api/providers', 'POST', { type: 'openai-compatible', id: 'kept', baseUrl: up.url, apiKey: key, models: { sonnet: 'kept-model' }, port: 0 })).status).toBe(201);
      expect((await call('/api/providers/a', 'PUT', { label: 'Renamed A' })).status).toBe(200);
      await gw.close();

      for (const file of ['providers.json', 'state.json', 'admin-token']) {
        if (existsSync(join(stateDir, file))) expect(readFileSync(join(stateDir, file), 'utf8')).not.toContain(key);
      }
      if (process.platform !== 'win32') expect(statSync(join(stateDir, 'secrets.json')).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(join(stateDir, 'providers.json'), 'utf8'))).toEqual({ version: 1, providers: { kept: { type: 'openai-compatible', baseUrl: up.url, models: { sonnet: 'kept-model' } }, a: { label: 'Renamed A' } }, ports: { kept: 0 } });

      gw = await startGateway(config, {}, { stateDir });
      const list = (await (await call('/api/providers', 'GET')).json()) as { providers: Array<Record<string, any>> };
      expect(list.providers.map((p) => [p.id, p.label, p.source, p.key.hint])).toEqual([
        ['a', 'Renamed A', 'config', null],
        ['kept', 'OpenAI-compatible server (kept)', 'ui', '••••3456'],
      ]);
      up.next(answer('after restart'));
      const res = await post(gw.url('kept'), messagesBody());
      expect(res.status).toBe(200);
      expect(up.last.headers.authorization).toBe(`Bearer ${key}`);
      expect(up.last.body.model).toBe('kept-model');
      await gw.close();
    } finally {
      await up.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
