import Anthropic from '@anthropic-ai/sdk';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { JSON_HEADERS } from '../http.js';
import { json, ScriptedUpstream } from '../upstream.js';

// POST /v1/messages/count_tokens: passed through to Anthropic-dialect providers
// that have the endpoint, counted locally with a real tokenizer otherwise.

const fixtureRaw = readFileSync(new URL('../fixtures/claude-code-turn1.json', import.meta.url), 'utf8');
const fixture = JSON.parse(fixtureRaw) as Record<string, any>;
/** count_tokens takes the messages fields, not max_tokens/stream/metadata. */
const { max_tokens: _mt, stream: _s, metadata: _md, context_management: _cm, output_config: _oc, ...countBody } = fixture;

function count(url: string, body: unknown, headers: Record<string, string> = {}, query = '?beta=true') {
  return fetch(`${url}/v1/messages/count_tokens${query}`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, 'anthropic-beta': 'token-counting-2024-11-01', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('count_tokens', () => {
  let an: ScriptedUpstream;
  let anm: ScriptedUpstream;
  let oa: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    an = (await ScriptedUpstream.start()).otherwise((req, res) => json(res, 200, { input_tokens: 4242 }));
    anm = (await ScriptedUpstream.start()).otherwise((req, res) => json(res, 200, { input_tokens: 77 }));
    oa = (await ScriptedUpstream.start()).otherwise((_req, res) => json(res, 500, { error: { message: 'openai upstream must not be called for a count' } }));
    gw = await startGateway({
      providers: {
        an: { type: 'anthropic', baseUrl: an.url, apiKey: 'sk-ant-count-secret' },
        anm: { type: 'anthropic', baseUrl: anm.url, apiKey: 'sk-ant-mapped-secret', models: { sonnet: 'claude-up-sonnet' } },
        oa: { type: 'openai-compatible', baseUrl: oa.url, apiKey: 'sk-oa-count-secret', models: { opus: 'gpt-big' } },
      },
      router: { order: ['oa', 'an', 'anm'] },
    });
  });
  afterAll(async () => {
    await gw.close();
    await an.close();
    await anm.close();
    await oa.close();
  });

  it('anthropic dialect: passes the request through to the upstream count endpoint', async () => {
    const res = await count(gw.url('an'), countBody, { 'x-api-key': 'client-key' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-count')).toBe('upstream');
    expect(res.headers.get('x-switchboard-provider')).toBe('an');
    expect(await res.json()).toEqual({ input_tokens: 4242 });
    const req = an.last;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/messages/count_tokens?beta=true');
    expect(req.raw).toBe(JSON.stringify(countBody)); // unchanged model: the exact bytes
    expect(req.headers['x-api-key']).toBe('sk-ant-count-secret');
    expect(req.headers['anthropic-beta']).toBe('token-counting-2024-11-01');
    expect(req.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('anthropic dialect: rewrites a mapped model before counting upstream', async () => {
    const res = await count(gw.url('anm'), { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.headers.get('x-switchboard-count')).toBe('upstream');
    expect(await res.json()).toEqual({ input_tokens: 77 });
    expect(anm.last.body).toEqual({ model: 'claude-up-sonnet', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('openai-chat dialect: counts locally with a real tokenizer (system + messages + tools)', async () => {
    const before = oa.requests.length;
    const res = await count(gw.url('oa'), countBody);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-count')).toBe('local');
    const { input_tokens } = await res.json();
    expect(oa.requests.length).toBe(before);

    // A real count, not a character heuristic.
    expect(input_tokens).not.toBe(Math.round(fixtureRaw.length / 4));
    expect(input_tokens).not.toBe(Math.ceil(JSON.stringify(countBody).length / 4));
    // A ~49 KB Claude Code turn (7 KB prompt, ~31 KB of tools) is on the order of 10k tokens.
    expect(input_tokens).toBeGreaterThan(8_000);
    expect(input_tokens).toBeLessThan(16_000);

    const without = async (patch: Record<string, unknown>) => (await (await count(gw.url('oa'), { ...countBody, ...patch })).json()).input_tokens as number;
    const noTools = await without({ tools: [] });
    const noSystem = await without({ system: undefined });
    const shortMessages = await without({ messages: [{ role: 'user', content: 'hi' }] });
    // Tools are ~30 KB of JSON: thousands of tokens; the system prompt ~7 KB; the messages a few KB.
    expect(input_tokens - noTools).toBeGreaterThan(5_000);
    expect(input_tokens - noSystem).toBeGreaterThan(1_000);
    expect(input_tokens - shortMessages).toBeGreaterThan(500);
  });

  it('the router counts with its first provider; provider,model picks one explicitly', async () => {
    const local = await count(gw.url(), { model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'hello there' }] });
    expect(local.headers.get('x-switchboard-count')).toBe('local');
    expect(local.headers.get('x-switchboard-provider')).toBe('oa');
    const explicit = await count(gw.url(), { model: 'an,claude-opus-5-5', messages: [{ role: 'user', content: 'hello there' }] });
    expect(explicit.headers.get('x-switchboard-count')).toBe('upstream');
    expect(an.last.body.model).toBe('claude-opus-5-5');
    const viaHeader = await count(gw.url(), { model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'x' }] }, { 'x-switchboard-provider': 'anm' });
    expect(viaHeader.headers.get('x-switchboard-provider')).toBe('anm');
    expect(viaHeader.headers.get('x-switchboard-count')).toBe('upstream');
  });

  it('falls back to a local count when the upstream count fails', async () => {
    an.next((_req, res) => json(res, 500, { type: 'error', error: { type: 'api_error', message: 'boom' } }));
    const failed = await count(gw.url('an'), { model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'count me please' }] });
    expect(failed.status).toBe(200);
    expect(failed.headers.get('x-switchboard-count')).toBe('local');
    expect((await failed.json()).input_tokens).toBeGreaterThan(0);

    an.next((_req, res) => json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no count endpoint' } }));
    const missing = await count(gw.url('an'), { model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'count me please' }] });
    expect(missing.headers.get('x-switchboard-count')).toBe('local');

    an.next((_req, res) => {
      res.socket?.destroy();
    });
    const reset = await count(gw.url('an'), { model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'count me please' }] });
    expect(reset.status).toBe(200);
    expect(reset.headers.get('x-switchboard-count')).toBe('local');
  });

  it('validates the body (max_tokens not required)', async () => {
    const res = await count(gw.url('oa'), { model: 'claude-opus-5-5', messages: 'nope' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/^messages/) });
    const bad = await count(gw.url('oa'), '{oops');
    expect(bad.status).toBe(400);
  });

  it('the Anthropic SDK countTokens works against both dialects', async () => {
    const params = { model: 'claude-sonnet-5-5', system: 'You are terse.', messages: [{ role: 'user' as const, content: 'What is 2+2?' }], tools: [{ name: 'calc', description: 'math', input_schema: { type: 'object' as const, properties: { expr: { type: 'string' } } } }] };
    const upstream = await new Anthropic({ baseURL: gw.url('an'), apiKey: 'x', maxRetries: 0 }).messages.countTokens(params);
    expect(upstream.input_tokens).toBe(4242);
    expect(an.last.url.startsWith('/v1/messages/count_tokens')).toBe(true);
    const local = await new Anthropic({ baseURL: gw.url('oa'), apiKey: 'x', maxRetries: 0 }).messages.countTokens(params);
    expect(local.input_tokens).toBeGreaterThan(20);
    expect(local.input_tokens).toBeLessThan(200);
    const beta = await new Anthropic({ baseURL: gw.url('oa'), apiKey: 'x', maxRetries: 0 }).beta.messages.countTokens({ ...params, betas: ['token-counting-2024-11-01'] });
    expect(beta.input_tokens).toBe(local.input_tokens);
  });

  it('an anthropic-compatible server without a count endpoint is counted locally', async () => {
    const up = await ScriptedUpstream.start();
    const g = await startGateway({ providers: { lm: { type: 'anthropic-compatible', baseUrl: up.url, models: { sonnet: 'qwen3' } } } });
    try {
      const res = await count(g.url('lm'), { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.headers.get('x-switchboard-count')).toBe('local');
      expect(up.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    } finally {
      await g.close();
      await up.close();
    }
  });
});
