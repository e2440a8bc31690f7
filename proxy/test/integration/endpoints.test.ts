import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicMessage, expectAnthropicError, expectErrorResponse, minimalRequest, postMessages, raw } from '../http.js';
import { completion, json, ScriptedUpstream, type RecordedRequest } from '../upstream.js';

// The routes every listener serves, on the router port and on each provider port.

/** An Anthropic-style upstream that answers every messages call and lists one model. */
function anthropicServer(req: RecordedRequest, res: ServerResponse): void {
  if (req.method === 'GET' && req.url.startsWith('/v1/models')) return json(res, 200, { data: [], has_more: false, first_id: null, last_id: null });
  json(res, 200, anthropicMessage('from anthropic'));
}

function openaiServer(req: RecordedRequest, res: ServerResponse): void {
  if (req.method === 'GET') return json(res, 200, { object: 'list', data: [] });
  json(res, 200, completion({ content: 'from openai' }));
}

describe('endpoints on every listener', () => {
  let oa: ScriptedUpstream;
  let an: ScriptedUpstream;
  let gw: RunningGateway;
  const uses = ['router', 'oa', 'an'] as const;

  beforeAll(async () => {
    oa = (await ScriptedUpstream.start()).otherwise(openaiServer);
    an = (await ScriptedUpstream.start()).otherwise(anthropicServer);
    gw = await startGateway({
      providers: {
        oa: { type: 'openai-compatible', baseUrl: oa.url, apiKey: 'sk-oa-endpoints-secret', models: { sonnet: 'gpt-mid' } },
        an: { type: 'anthropic', baseUrl: an.url, apiKey: 'sk-ant-endpoints-secret' },
      },
      router: { order: ['an', 'oa'] },
    });
  });
  afterAll(async () => {
    await gw.close();
    await oa.close();
    await an.close();
  });

  it.each(uses)('POST /v1/messages?beta=true answers on the %s port', async (use) => {
    const res = await postMessages(gw.url(use), minimalRequest());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.type).toBe('message');
    expect(body.content[0].text).toBe(use === 'oa' ? 'from openai' : 'from anthropic');
    expect(res.headers.get('x-switchboard-provider')).toBe(use === 'router' ? 'an' : use);
  });

  it.each(uses)('GET / and HEAD / answer 200 on the %s port', async (use) => {
    const get = await fetch(gw.url(use) + '/');
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ service: 'switchboard', status: 'ok' });
    const head = await fetch(gw.url(use) + '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it.each(uses)('GET /health reports status, the bound port, its use and providers without keys on the %s port', async (use) => {
    const res = await fetch(gw.url(use) + '/health');
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text);
    const bound = gw.ports.find((p) => p.use === use)!.port;
    expect(body).toMatchObject({ status: 'ok', service: 'switchboard', port: bound, use });
    expect(bound).toBeGreaterThan(0);
    expect(typeof body.version).toBe('string');
    const ids = body.providers.map((p: { id: string }) => p.id);
    expect(ids).toEqual(use === 'router' ? ['an', 'oa'] : [use]);
    for (const p of body.providers) {
      expect(p).toMatchObject({ id: expect.any(String), label: expect.any(String), dialect: expect.any(String), base_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/), key: 'config file' });
    }
    expect(text).not.toContain('sk-oa-endpoints-secret');
    expect(text).not.toContain('sk-ant-endpoints-secret');
  });

  it.each(uses)('an unknown route is a 404 in Anthropic error shape on the %s port', async (use) => {
    for (const [method, path] of [
      ['GET', '/v1/nothing-here'],
      ['POST', '/v1/complete'],
      ['GET', '/v1/messages'],
      ['DELETE', '/v1/models'],
    ]) {
      const res = await fetch(gw.url(use) + path, { method });
      await expectErrorResponse(res, 404, 'not_found_error', path.split('?')[0]);
    }
  });

  it('tolerates a trailing slash on routes', async () => {
    expect((await fetch(gw.url() + '/health/')).status).toBe(200);
    expect((await postMessages(gw.url('an'), minimalRequest(), {}, '/v1/messages/?beta=true')).status).toBe(200);
  });
});

describe('request validation', () => {
  let oa: ScriptedUpstream;
  let an: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    oa = (await ScriptedUpstream.start()).otherwise(openaiServer);
    an = (await ScriptedUpstream.start()).otherwise(anthropicServer);
    gw = await startGateway({
      providers: {
        oa: { type: 'openai-compatible', baseUrl: oa.url, models: { sonnet: 'gpt-mid' } },
        an: { type: 'anthropic', baseUrl: an.url, apiKey: 'sk-ant-validation' },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await oa.close();
    await an.close();
  });

  const msg = (content: unknown, role = 'user') => minimalRequest({ messages: [{ role, content }] });
  const cases: Array<[string, unknown, RegExp]> = [
    ['invalid JSON', '{"model": "claude-sonnet-5-5",', /not valid JSON/],
    ['a JSON array', '[1, 2]', /must be a JSON object/],
    ['a JSON string', '"hello"', /must be a JSON object/],
    ['JSON null', 'null', /must be a JSON object/],
    ['no model', { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, /^model: field required/],
    ['an empty model', minimalRequest({ model: '' }), /^model:/],
    ['no max_tokens', { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] }, /^max_tokens: field required/],
    ['a string max_tokens', minimalRequest({ max_tokens: '100' }), /^max_tokens: must be a non-negative integer/],
    ['no messages', { model: 'claude-sonnet-5-5', max_tokens: 10 }, /^messages: .*array/],
    ['messages as a string', minimalRequest({ messages: 'hi' }), /^messages: .*array/],
    ['empty messages', minimalRequest({ messages: [] }), /^messages: at least one message/],
    ['a bad role', msg('hi', 'robot'), /^messages\.0\.role: must be "user", "assistant" or "system"/],
    ['content as a number', msg(42), /^messages\.0\.content: must be a string or an array/],
    ['a content block without type', msg([{ text: 'no type' }]), /^messages\.0\.content\.0: must be a content block with a "type"/],
    ['a text block without text', msg([{ type: 'text' }]), /^messages\.0\.content\.0\.text: field required/],
    ['a tool without input_schema', minimalRequest({ tools: [{ name: 'Bash', description: 'run' }] }), /^tools\.0\.input_schema: field required/],
    ['a tool without a name', minimalRequest({ tools: [{ input_schema: { type: 'object' } }] }), /^tools\.0\.name: field required/],
    ['stream as a string', minimalRequest({ stream: 'yes' }), /^stream: must be a boolean/],
  ];

  it.each(cases)('%s → 400 invalid_request_error naming the problem', async (_name, body, message) => {
    for (const use of ['an', 'oa']) {
      const before = an.requests.length + oa.requests.length;
      const res = await postMessages(gw.url(use), body);
      await expectErrorResponse(res, 400, 'invalid_request_error', message);
      expect(an.requests.length + oa.requests.length).toBe(before);
    }
  });

  it('an empty body → 400, with or without a content-type', async () => {
    for (const headers of [{ 'content-type': 'application/json' }, {}] as Array<Record<string, string>>) {
      const res = await raw(gw.url(), { method: 'POST', path: '/v1/messages?beta=true', headers: { ...headers, 'content-length': '0' } });
      expectAnthropicError(res.status, res.json(), 400, 'invalid_request_error', /body is empty/);
    }
    const viaFetch = await fetch(gw.url() + '/v1/messages', { method: 'POST' });
    await expectErrorResponse(viaFetch, 400, 'invalid_request_error', /body is empty/);
    const count = await raw(gw.url(), { method: 'POST', path: '/v1/messages/count_tokens', headers: { 'content-length': '0' } });
    expectAnthropicError(count.status, count.json(), 400, 'invalid_request_error', /body is empty/);
  });

  it('accepts unknown top-level fields and unknown block types (lenient), on both dialects', async () => {
    const body = minimalRequest({
      safeguards: [{ type: 'dangerous_tool_use', classifier_context: { cwd: '/tmp' } }],
      some_future_field: { nested: true },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'future_block_type', payload: { x: 1 } }] },
        { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
        { role: 'user', content: 'go on' },
      ],
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
    });
    const viaAnthropic = await postMessages(gw.url('an'), body);
    expect(viaAnthropic.status).toBe(200);
    expect(an.last.body.safeguards).toEqual(body.safeguards);
    expect(an.last.body.messages[0].content[1]).toEqual({ type: 'future_block_type', payload: { x: 1 } });
    const viaOpenAI = await postMessages(gw.url('oa'), body);
    expect(viaOpenAI.status).toBe(200);
    expect((await viaOpenAI.json()).content[0].text).toBe('from openai');
  });

  it('a request without a content-type still works', async () => {
    const res = await raw(gw.url('an'), { method: 'POST', path: '/v1/messages?beta=true', body: JSON.stringify(minimalRequest()) });
    expect(res.status).toBe(200);
    expect(res.json().content[0].text).toBe('from anthropic');
    const plain = await raw(gw.url('oa'), { method: 'POST', path: '/v1/messages', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(minimalRequest()) });
    expect(plain.status).toBe(200);
  });

  it('accepts a ~5 MB body with the default limit', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const res = await postMessages(gw.url('an'), minimalRequest({ messages: [{ role: 'user', content: big }] }));
    expect(res.status).toBe(200);
    expect(an.last.raw.length).toBeGreaterThan(5 * 1024 * 1024);
  });
});

describe('body size limit', () => {
  let an: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    an = (await ScriptedUpstream.start()).otherwise(anthropicServer);
    gw = await startGateway({ server: { bodyLimitMb: 1 }, providers: { an: { type: 'anthropic', baseUrl: an.url, apiKey: 'sk-ant-limit' } } });
  });
  afterAll(async () => {
    await gw.close();
    await an.close();
  });

  it('a body over server.bodyLimitMb → 413 request_too_large, and the upstream is never called', async () => {
    const big = JSON.stringify(minimalRequest({ messages: [{ role: 'user', content: 'y'.repeat(2 * 1024 * 1024) }] }));
    for (const use of ['router', 'an']) {
      const res = await postMessages(gw.url(use), big);
      await expectErrorResponse(res, 413, 'request_too_large', /larger than the 1 MB limit/);
    }
    const count = await postMessages(gw.url(), big, {}, '/v1/messages/count_tokens');
    await expectErrorResponse(count, 413, 'request_too_large');
    expect(an.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('a body just under the limit passes', async () => {
    const res = await postMessages(gw.url('an'), minimalRequest({ messages: [{ role: 'user', content: 'z'.repeat(900 * 1024) }] }));
    expect(res.status).toBe(200);
  });
});
