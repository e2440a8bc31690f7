import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { expectErrorResponse } from '../http.js';
import { json, ScriptedUpstream, sleep } from '../upstream.js';

// GET /v1/models: Claude tier aliases first (what Claude Code's /model picker
// shows), then each provider's configured and catalog models.

interface Model {
  type: string;
  id: string;
  display_name: string;
  created_at: string;
}

async function listAll(url: string, query = 'limit=1000'): Promise<{ data: Model[]; has_more: boolean; first_id: string | null; last_id: string | null }> {
  const res = await fetch(`${url}/v1/models?${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

describe('/v1/models', () => {
  let oa: ScriptedUpstream;
  let gh: ScriptedUpstream;
  let an: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    oa = (await ScriptedUpstream.start()).otherwise((req, res) =>
      req.method === 'GET' && req.url === '/v1/models'
        ? json(res, 200, { object: 'list', data: [{ id: 'catalog-a', object: 'model' }, { id: 'mid-model', object: 'model' }, { id: 'catalog-b', object: 'model' }] })
        : json(res, 404, { error: { message: `unexpected ${req.method} ${req.url}` } }),
    );
    // GitHub Models: chat under /inference, a bare-array catalog at the origin's /catalog/models.
    gh = (await ScriptedUpstream.start()).otherwise((req, res) =>
      req.method === 'GET' && req.url === '/catalog/models'
        ? json(res, 200, [
            { id: 'openai/gpt-4.1', name: 'OpenAI GPT-4.1', publisher: 'OpenAI', registry: 'azure-openai' },
            { id: 'meta/llama-4-scout', name: 'Llama 4 Scout', publisher: 'Meta' },
          ])
        : json(res, 404, { error: { message: `unexpected ${req.method} ${req.url}` } }),
    );
    an = (await ScriptedUpstream.start()).otherwise((req, res) =>
      req.method === 'GET' && req.url.startsWith('/v1/models')
        ? json(res, 200, { data: [{ type: 'model', id: 'claude-real-1', display_name: 'Claude Real 1', created_at: '2025-05-01T00:00:00Z' }], has_more: false, first_id: 'claude-real-1', last_id: 'claude-real-1' })
        : json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'nope' } }),
    );
    gw = await startGateway({
      providers: {
        oa: { type: 'openai-compatible', baseUrl: `${oa.url}/v1`, models: { opus: 'big-model', sonnet: 'mid-model', haiku: 'small-model' }, modelMap: { 'claude-special': 'special-model' } },
        gh: { type: 'github-models', baseUrl: `${gh.url}/inference`, apiKey: 'ghp_models_secret' },
        an: { type: 'anthropic', baseUrl: an.url, apiKey: 'sk-ant-models-secret' },
      },
      router: { order: ['oa', 'gh', 'an'] },
    });
  });
  afterAll(async () => {
    await gw.close();
    await oa.close();
    await gh.close();
    await an.close();
  });

  it('every entry has Anthropic model shape, and the list has Anthropic page fields', async () => {
    for (const use of ['router', 'oa', 'gh', 'an']) {
      const page = await listAll(gw.url(use));
      expect(page.data.length).toBeGreaterThan(3);
      for (const m of page.data) {
        expect(Object.keys(m).sort()).toEqual(['created_at', 'display_name', 'id', 'type']);
        expect(m.type).toBe('model');
        expect(m.display_name.length).toBeGreaterThan(0);
        expect(new Date(m.created_at).toISOString()).toBe(m.created_at.replace('Z', '.000Z'));
      }
      expect(page.has_more).toBe(false);
      expect(page.first_id).toBe(page.data[0].id);
      expect(page.last_id).toBe(page.data[page.data.length - 1].id);
      expect(new Set(page.data.map((m) => m.id)).size).toBe(page.data.length);
    }
  });

  it('lists the Claude tier aliases first, named after the upstream model they map to', async () => {
    const router = (await listAll(gw.url())).data;
    expect(router.slice(0, 3).map((m) => m.id)).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
    expect(router[0].display_name).toContain('big-model');
    expect(router[1].display_name).toContain('mid-model');
    expect(router[2].display_name).toContain('small-model');

    const github = (await listAll(gw.url('gh'))).data;
    expect(github.slice(0, 3).map((m) => m.id)).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
    expect(github[0].display_name).toContain('openai/gpt-4.1');
    expect(github[2].display_name).toContain('openai/gpt-4.1-mini');
    expect(github[0].display_name).toContain('GitHub Models');

    // Anthropic with no tiers: the alias is the model itself.
    const anthropic = (await listAll(gw.url('an'))).data;
    expect(anthropic[0].display_name).toMatch(/^Claude Opus/);
    expect(anthropic[0].display_name).not.toContain('→');
  });

  it('a pinned port lists configured and catalog models as bare ids', async () => {
    const ids = (await listAll(gw.url('oa'))).data.map((m) => m.id);
    expect(ids).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'big-model', 'mid-model', 'small-model', 'special-model', 'catalog-a', 'catalog-b']);
    const gh_ = (await listAll(gw.url('gh'))).data;
    expect(gh_.map((m) => m.id)).toEqual(expect.arrayContaining(['openai/gpt-4.1', 'openai/gpt-4.1-mini', 'meta/llama-4-scout']));
    expect(gh_.find((m) => m.id === 'meta/llama-4-scout')!.display_name).toContain('Llama 4 Scout');
    const an_ = (await listAll(gw.url('an'))).data;
    expect(an_.map((m) => m.id)).toContain('claude-real-1');
    expect(an_.find((m) => m.id === 'claude-real-1')!.display_name).toContain('Claude Real 1');
  });

  it('the router port lists every provider model as provider,model', async () => {
    const ids = (await listAll(gw.url())).data.map((m) => m.id);
    expect(ids.slice(3)).toEqual(
      expect.arrayContaining(['oa,big-model', 'oa,special-model', 'oa,catalog-a', 'gh,openai/gpt-4.1', 'gh,meta/llama-4-scout', 'an,claude-real-1']),
    );
    for (const id of ids.slice(3)) expect(id).toMatch(/^(oa|gh|an),./);
    // Provider order follows the router order.
    expect(ids.indexOf('oa,big-model')).toBeLessThan(ids.indexOf('gh,openai/gpt-4.1'));
    expect(ids.indexOf('gh,openai/gpt-4.1')).toBeLessThan(ids.indexOf('an,claude-real-1'));
  });

  it('fetches each catalog from the right place with the provider credentials', async () => {
    await listAll(gw.url());
    const ghReq = gh.requests.find((r) => r.url === '/catalog/models')!;
    expect(ghReq).toBeDefined();
    expect(ghReq.headers.authorization).toBe('Bearer ghp_models_secret');
    expect(ghReq.headers['x-github-api-version']).toBe('2022-11-28');
    const anReq = an.requests.find((r) => r.url.startsWith('/v1/models'))!;
    expect(anReq.headers['x-api-key']).toBe('sk-ant-models-secret');
    expect(anReq.headers['anthropic-version']).toBe('2023-06-01');
    expect(oa.requests.some((r) => r.url === '/v1/models')).toBe(true);
  });

  it('paginates with limit and after_id; the pages add up to the full list', async () => {
    const all = (await listAll(gw.url())).data.map((m) => m.id);
    const first = await listAll(gw.url(), 'limit=2');
    expect(first.data.map((m) => m.id)).toEqual(all.slice(0, 2));
    expect(first.has_more).toBe(true);
    expect(first.first_id).toBe(all[0]);
    expect(first.last_id).toBe(all[1]);

    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page = await listAll(gw.url(), `limit=3${after ? `&after_id=${encodeURIComponent(after)}` : ''}`);
      walked.push(...page.data.map((m) => m.id));
      if (!page.has_more) break;
      after = page.last_id;
    }
    expect(walked).toEqual(all);

    const defaultPage = await listAll(gw.url(), '');
    expect(defaultPage.data.length).toBe(Math.min(20, all.length));
  });

  it('the Anthropic SDK lists (with auto-pagination) and retrieves models', async () => {
    const client = new Anthropic({ baseURL: gw.url(), apiKey: 'x', maxRetries: 0 });
    const ids: string[] = [];
    for await (const m of client.models.list({ limit: 2 })) ids.push(m.id);
    expect(ids).toEqual((await listAll(gw.url())).data.map((m) => m.id));
    const sonnet = await client.models.retrieve('claude-sonnet-5-5');
    expect(sonnet).toMatchObject({ type: 'model', id: 'claude-sonnet-5-5' });
    const byProvider = await client.models.retrieve('gh,openai/gpt-4.1');
    expect(byProvider.id).toBe('gh,openai/gpt-4.1');
  });

  it('GET /v1/models/:id answers one model, or 404 in Anthropic shape', async () => {
    const one = await fetch(gw.url('oa') + '/v1/models/special-model');
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ type: 'model', id: 'special-model', display_name: expect.stringContaining('special-model') });
    const encoded = await fetch(gw.url() + '/v1/models/' + encodeURIComponent('gh,meta/llama-4-scout'));
    expect((await encoded.json()).id).toBe('gh,meta/llama-4-scout');
    await expectErrorResponse(await fetch(gw.url() + '/v1/models/no-such-model'), 404, 'not_found_error', /no-such-model/);
    // A bare id belongs to the pinned port only.
    expect((await fetch(gw.url() + '/v1/models/special-model')).status).toBe(404);
  });
});

describe('/v1/models with slow or failing catalogs', () => {
  let hang: ScriptedUpstream;
  let broken: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    hang = (await ScriptedUpstream.start()).otherwise(() => {
      /* never answers */
    });
    broken = (await ScriptedUpstream.start()).otherwise((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body>Internal Server Error</body></html>');
    });
    gw = await startGateway({
      providers: {
        slow: { type: 'openai-compatible', baseUrl: hang.url, models: { sonnet: 'slow-sonnet' } },
        bad: { type: 'anthropic-compatible', baseUrl: broken.url, models: { opus: 'bad-opus' }, modelMap: { 'claude-x': 'bad-x' } },
      },
      router: { order: ['slow', 'bad'] },
    });
  });
  afterAll(async () => {
    await gw.close();
    await hang.close();
    await broken.close();
  });

  it('answers within ~3 s with the configured models when a catalog hangs or fails', async () => {
    const started = Date.now();
    const [router, slow, bad] = await Promise.all([listAll(gw.url()), listAll(gw.url('slow')), listAll(gw.url('bad'))]);
    expect(Date.now() - started).toBeLessThan(3500);
    expect(router.data.map((m) => m.id)).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'slow,slow-sonnet', 'bad,bad-opus', 'bad,bad-x']);
    expect(slow.data.map((m) => m.id)).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'slow-sonnet']);
    expect(bad.data.map((m) => m.id)).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'bad-opus', 'bad-x']);
    expect(hang.requests.length).toBeGreaterThan(0);
    expect(broken.requests.length).toBeGreaterThan(0);

    // The failure is remembered for a while: the next list is immediate.
    const again = Date.now();
    await listAll(gw.url());
    expect(Date.now() - again).toBeLessThan(500);
  });

  it('messages still work on a provider whose catalog fails', async () => {
    broken.next(async (_req, res) => {
      await sleep(10);
      json(res, 200, { id: 'msg_1', type: 'message', role: 'assistant', model: 'bad-opus', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } });
    });
    const res = await fetch(gw.url('bad') + '/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(broken.last.body.model).toBe('bad-opus');
  });
});
