import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicMessage, expectErrorResponse, minimalRequest, postMessages } from '../http.js';
import { completion, json, ScriptedUpstream, type RecordedRequest } from '../upstream.js';

// Which provider and upstream model a request reaches: `provider,model`, the
// x-switchboard-provider header, tiers, exact modelMap entries, and names the
// user chose passing through unchanged.

function chatServer(req: RecordedRequest, res: ServerResponse): void {
  if (req.method === 'GET') return json(res, 200, { data: [] });
  json(res, 200, completion({ content: `chat:${req.body.model}` }));
}

function messagesServer(req: RecordedRequest, res: ServerResponse): void {
  if (req.method === 'GET') return json(res, 200, { data: [] });
  json(res, 200, anthropicMessage(`messages:${req.body.model}`, req.body.model));
}

describe('model mapping and provider choice', () => {
  let oa: ScriptedUpstream;
  let ob: ScriptedUpstream;
  let ac: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    oa = (await ScriptedUpstream.start()).otherwise(chatServer);
    ob = (await ScriptedUpstream.start()).otherwise(chatServer);
    ac = (await ScriptedUpstream.start()).otherwise(messagesServer);
    gw = await startGateway({
      providers: {
        oa: {
          type: 'openai-compatible',
          baseUrl: oa.url,
          models: { opus: 'oa-opus', sonnet: 'oa-sonnet', haiku: 'oa-haiku' },
          modelMap: { 'claude-sonnet-4-5-20250929': 'oa-exact', 'gpt-4o': 'oa-gpt-4o-alias' },
        },
        ob: { type: 'openai-compatible', baseUrl: ob.url, models: { sonnet: 'ob-sonnet' } },
        ac: { type: 'anthropic-compatible', baseUrl: ac.url, models: { opus: 'ac-opus' } },
      },
      router: { order: ['oa', 'ob', 'ac'] },
    });
  });
  afterAll(async () => {
    await gw.close();
    await oa.close();
    await ob.close();
    await ac.close();
  });

  async function send(use: string, model: string, headers: Record<string, string> = {}) {
    const res = await postMessages(gw.url(use), minimalRequest({ model }), headers);
    expect(res.status).toBe(200);
    const body = await res.json();
    return { body, provider: res.headers.get('x-switchboard-provider'), model: res.headers.get('x-switchboard-model') };
  }

  it.each([
    ['claude-opus-5-5', 'oa-opus'],
    ['claude-sonnet-5-5', 'oa-sonnet'],
    ['claude-haiku-5-5', 'oa-haiku'],
    ['claude-3-5-haiku-20241022', 'oa-haiku'],
    ['claude-opus-4-1-20250805', 'oa-opus'],
    ['claude-sonnet-4-5@20250929', 'oa-sonnet'],
    ['CLAUDE-OPUS-5-5', 'oa-opus'],
    ['claude-neo-1', 'oa-sonnet'], // a new Claude family: the middle tier
  ])('tier mapping: %s → %s', async (requested, upstream) => {
    const r = await send('oa', requested);
    expect(oa.last.body.model).toBe(upstream);
    expect(r.model).toBe(upstream);
    // The client sees the name it asked for.
    expect(r.body.model).toBe(requested);
  });

  it('an exact modelMap entry wins over the tier', async () => {
    await send('oa', 'claude-sonnet-4-5-20250929');
    expect(oa.last.body.model).toBe('oa-exact');
    await send('oa', 'gpt-4o');
    expect(oa.last.body.model).toBe('oa-gpt-4o-alias');
  });

  it.each(['gpt-4o-mini', 'qwen3-coder:30b', 'meta-llama/llama-3.3-70b-instruct', 'anthropic/claude-3.5-haiku', 'my-opus-finetune', 'deepseek-reasoner'])(
    'a name the user chose passes through unchanged: %s',
    async (name) => {
      await send('oa', name);
      expect(oa.last.body.model).toBe(name);
    },
  );

  it('a tier the provider does not map keeps the requested name', async () => {
    await send('ob', 'claude-opus-5-5');
    expect(ob.last.body.model).toBe('claude-opus-5-5');
    // anthropic dialect: same rule; the body stays untouched.
    const raw = JSON.stringify(minimalRequest({ model: 'claude-haiku-5-5' }));
    await postMessages(gw.url('ac'), raw);
    expect(ac.last.raw).toBe(raw);
  });

  it('provider,model picks that provider and model on any port', async () => {
    for (const use of ['router', 'oa', 'ob', 'ac']) {
      const r = await send(use, 'ob,some/model-x');
      expect(r.provider).toBe('ob');
      expect(ob.last.body.model).toBe('some/model-x');
      expect(r.body.model).toBe('ob,some/model-x');
      const a = await send(use, 'ac, claude-opus-5-5 ');
      expect(a.provider).toBe('ac');
      expect(ac.last.body.model).toBe('claude-opus-5-5');
    }
  });

  it('provider,model with an unknown provider → 400 naming the enabled providers', async () => {
    for (const use of ['router', 'oa']) {
      const before = oa.requests.length + ob.requests.length + ac.requests.length;
      const res = await postMessages(gw.url(use), minimalRequest({ model: 'nope,gpt-4o' }));
      const message = await expectErrorResponse(res, 400, 'invalid_request_error', /unknown provider "nope"/);
      expect(message).toContain('oa, ob, ac');
      expect(oa.requests.length + ob.requests.length + ac.requests.length).toBe(before);
    }
  });

  it('x-switchboard-provider picks the provider on the router port', async () => {
    const r = await send('router', 'claude-sonnet-5-5', { 'x-switchboard-provider': 'ob' });
    expect(r.provider).toBe('ob');
    expect(ob.last.body.model).toBe('ob-sonnet');
    const a = await send('router', 'claude-opus-5-5', { 'x-switchboard-provider': 'ac' });
    expect(a.provider).toBe('ac');
    expect(ac.last.body.model).toBe('ac-opus');
    const res = await postMessages(gw.url(), minimalRequest(), { 'x-switchboard-provider': 'ghost' });
    const message = await expectErrorResponse(res, 400, 'invalid_request_error', /unknown provider "ghost" in x-switchboard-provider/);
    expect(message).toContain('oa, ob, ac');
  });

  it('the router port uses the first provider of its order; a pinned port its own provider', async () => {
    expect((await send('router', 'claude-sonnet-5-5')).provider).toBe('oa');
    expect((await send('ob', 'claude-sonnet-5-5')).provider).toBe('ob');
    expect((await send('ac', 'claude-opus-5-5')).provider).toBe('ac');
  });
});
