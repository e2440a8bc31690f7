import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.js';
import { resolveSettings } from '../../config/resolve.js';
import { ConfigSchema } from '../../config/schema.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { expectAnthropicError, expectErrorResponse, minimalRequest, postMessages, raw } from '../http.js';
import { chunk, completion, json, openaiStream, ScriptedUpstream, sse } from '../upstream.js';

// What a local gateway must refuse: other Host names (DNS rebinding), web pages
// on other origins, requests without the client key when one is set, loops;
// and what it must never say: keys, stack traces, local paths.

const ROUTES: Array<{ method: string; path: string; body?: string }> = [
  { method: 'GET', path: '/' },
  { method: 'HEAD', path: '/' },
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/v1/models' },
  { method: 'GET', path: '/v1/models/claude-sonnet-5-5' },
  { method: 'POST', path: '/v1/messages?beta=true', body: JSON.stringify(minimalRequest()) },
  { method: 'POST', path: '/v1/messages/count_tokens?beta=true', body: JSON.stringify(minimalRequest()) },
  { method: 'GET', path: '/no/such/route' },
];

describe('host, origin and loop checks', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;
  let opted: RunningGateway;

  beforeAll(async () => {
    up = (await ScriptedUpstream.start()).otherwise((req, res) => (req.method === 'GET' ? json(res, 200, { data: [] }) : json(res, 200, completion({ content: 'ok' }))));
    gw = await startGateway({ providers: { oa: { type: 'openai-compatible', baseUrl: up.url, apiKey: 'sk-oa-security-secret' } } });
    opted = await startGateway({
      server: { allowedHosts: ['switchboard.internal', 'box.lan:9000'], allowedOrigins: ['https://my-tool.example'] },
      providers: { oa: { type: 'openai-compatible', baseUrl: up.url } },
    });
  });
  // Each case starts from a fresh router: no breaker, cooldown or rate-limit state from the last one.
  beforeEach(() => gw.gateway.router.reset());
  afterAll(async () => {
    await gw.close();
    await opted.close();
    await up.close();
  });

  const badHosts = ['evil.example.com', '192.168.1.5:8080', 'evil.example.com:8080', '127.0.0.1.evil.com', 'localhost.evil.com', '[::2]:8080', '0.0.0.0:8080', '10.0.0.1'];

  it.each(badHosts)('Host %s → 403 in Anthropic shape on every route', async (host) => {
    for (const use of ['router', 'oa']) {
      for (const r of ROUTES) {
        const res = await raw(gw.url(use), { method: r.method, path: r.path, headers: { host, 'content-type': 'application/json' }, body: r.body });
        expect(res.status, `${r.method} ${r.path}`).toBe(403);
        if (r.method !== 'HEAD') expectAnthropicError(res.status, res.json(), 403, 'permission_error', /not allowed/);
      }
    }
    expect(up.requests.filter((q) => q.method === 'POST')).toHaveLength(0);
  });

  it('accepts loopback Host names, with and without a port', async () => {
    const port = gw.ports.find((p) => p.use === 'router')!.port;
    for (const host of ['127.0.0.1', `127.0.0.1:${port}`, 'localhost', `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`, '[::1]', '127.1.2.3', 'app.localhost:3000']) {
      const res = await raw(gw.url(), { path: '/health', headers: { host } });
      expect(res.status, host).toBe(200);
    }
    const msg = await raw(gw.url(), { method: 'POST', path: '/v1/messages', headers: { host: `localhost:${port}`, 'content-type': 'application/json' }, body: JSON.stringify(minimalRequest()) });
    expect(msg.status).toBe(200);
  });

  it('server.allowedHosts opts a name in', async () => {
    for (const host of ['switchboard.internal', 'switchboard.internal:8080', 'box.lan:9000']) {
      expect((await raw(opted.url(), { path: '/health', headers: { host } })).status, host).toBe(200);
    }
    expect((await raw(opted.url(), { path: '/health', headers: { host: 'box.lan:9001' } })).status).toBe(403);
    expect((await raw(opted.url(), { path: '/health', headers: { host: 'evil.example.com' } })).status).toBe(403);
    // Not on the gateway that did not opt in.
    expect((await raw(gw.url(), { path: '/health', headers: { host: 'switchboard.internal' } })).status).toBe(403);
  });

  it('a foreign web Origin → 403 on every route; loopback origins are accepted', async () => {
    for (const origin of ['https://evil.example', 'http://evil.example:5173', 'null', 'http://127.0.0.1.evil.com', 'file://', 'chrome-extension://abcdef']) {
      for (const r of ROUTES) {
        const res = await raw(gw.url(), { method: r.method, path: r.path, headers: { origin, 'content-type': 'application/json' }, body: r.body });
        expect(res.status, `${origin} ${r.method} ${r.path}`).toBe(403);
        if (r.method !== 'HEAD') expectAnthropicError(res.status, res.json(), 403, 'permission_error', /origin/);
      }
    }
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'https://localhost', 'http://[::1]:8080']) {
      const res = await postMessages(gw.url(), minimalRequest(), { origin });
      expect(res.status, origin).toBe(200);
    }
  });

  it('server.allowedOrigins opts an origin in', async () => {
    expect((await postMessages(opted.url(), minimalRequest(), { origin: 'https://my-tool.example' })).status).toBe(200);
    expect((await postMessages(opted.url(), minimalRequest(), { origin: 'https://my-tool.example.evil' })).status).toBe(403);
  });

  it('a request carrying x-switchboard-hop → 400 loop error, the upstream never called', async () => {
    const before = up.requests.length;
    const res = await postMessages(gw.url(), minimalRequest(), { 'x-switchboard-hop': '1' });
    await expectErrorResponse(res, 400, 'invalid_request_error', /loop/);
    expect(up.requests.length).toBe(before);
  });

  it('a gateway whose provider points at another Switchboard is stopped at the second hop', async () => {
    const front = await startGateway({ providers: { back: { type: 'anthropic-compatible', baseUrl: gw.url() } } });
    try {
      const before = up.requests.length;
      const res = await postMessages(front.url('back'), minimalRequest());
      await expectErrorResponse(res, 400, 'invalid_request_error', /loop/);
      expect(up.requests.length).toBe(before);
    } finally {
      await front.close();
    }
  });

  it('binds 127.0.0.1 by default', async () => {
    expect(gw.gateway.settings.host).toBe('127.0.0.1');
    for (const p of gw.ports) expect(p.url).toBe(`http://127.0.0.1:${p.port}`);
    // Not reachable on any other interface address.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const port = gw.ports[0].port;
      const outcome = await new Promise<string>((resolve) => {
        const s = connect({ host: external.address, port });
        s.once('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
        s.setTimeout(2000, () => {
          s.destroy();
          resolve('timeout');
        });
      });
      expect(outcome).not.toBe('connected');
    }
  });
});

describe('a provider base URL pointing at one of our own ports', () => {
  const withPorts = (baseUrl: string, ports?: Array<{ port: number; use: string }>) =>
    ConfigSchema.parse({ providers: { self: { type: 'openai-compatible', baseUrl } }, ...(ports ? { ports } : {}) });

  it.each(['http://127.0.0.1:18080', 'http://localhost:18080/v1', 'http://[::1]:18080'])('%s is a config error', (baseUrl) => {
    const cfg = withPorts(baseUrl, [
      { port: 18080, use: 'router' },
      { port: 18081, use: 'self' },
    ]);
    expect(() => resolveSettings(cfg, {})).toThrow(ConfigError);
    expect(() => resolveSettings(cfg, {})).toThrow(/providers\.self\.baseUrl: .*own port 18080.*loop/);
  });

  it('also with the default ports (router 8080)', () => {
    expect(() => resolveSettings(withPorts('http://localhost:8080'), {})).toThrow(/providers\.self\.baseUrl/);
  });

  it('another port, or the same port on another host, is fine', () => {
    expect(() => resolveSettings(withPorts('http://127.0.0.1:18082', [{ port: 18080, use: 'router' }]), {})).not.toThrow();
    expect(() => resolveSettings(withPorts('http://192.168.1.20:18080', [{ port: 18080, use: 'router' }]), {})).not.toThrow();
  });
});

describe('server.clientApiKey', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;
  const KEY = 'sb-client-key-0123456789';

  beforeAll(async () => {
    up = (await ScriptedUpstream.start()).otherwise((req, res) => (req.method === 'GET' ? json(res, 200, { data: [] }) : json(res, 200, completion({ content: 'ok' }))));
    gw = await startGateway({ server: { clientApiKey: KEY }, providers: { oa: { type: 'openai-compatible', baseUrl: up.url } } });
  });
  // Each case starts from a fresh router: no breaker, cooldown or rate-limit state from the last one.
  beforeEach(() => gw.gateway.router.reset());
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  const v1 = ROUTES.filter((r) => r.path.startsWith('/v1/'));

  it('without the key, or with a wrong one, /v1/* → 401 authentication_error', async () => {
    for (const use of ['router', 'oa']) {
      for (const r of v1) {
        for (const headers of [{}, { 'x-api-key': 'wrong' }, { authorization: 'Bearer wrong' }, { 'x-api-key': KEY.slice(0, -1) }, { authorization: KEY }] as Array<Record<string, string>>) {
          const res = await raw(gw.url(use), { method: r.method, path: r.path, headers: { ...headers, 'content-type': 'application/json' }, body: r.body });
          const msg = expectAnthropicError(res.status, res.json(), 401, 'authentication_error');
          expect(msg).not.toContain(KEY);
        }
      }
    }
    expect(up.requests.filter((q) => q.method === 'POST')).toHaveLength(0);
  });

  it('with the key as x-api-key or Bearer → OK', async () => {
    expect((await postMessages(gw.url(), minimalRequest(), { 'x-api-key': KEY })).status).toBe(200);
    expect((await postMessages(gw.url('oa'), minimalRequest(), { authorization: `Bearer ${KEY}` })).status).toBe(200);
    expect((await fetch(gw.url() + '/v1/models', { headers: { 'x-api-key': KEY } })).status).toBe(200);
    expect((await postMessages(gw.url(), minimalRequest(), { 'x-api-key': KEY }, '/v1/messages/count_tokens')).status).toBe(200);
  });

  it('/ and /health stay open', async () => {
    for (const path of ['/', '/health', '/health/', '/health?verbose=1']) expect((await fetch(gw.url() + path)).status, path).toBe(200);
    expect((await fetch(gw.url() + '/', { method: 'HEAD' })).status).toBe(200);
  });

  it('cannot be sidestepped with an encoded path, an absolute-form target or an unknown route', async () => {
    const body = JSON.stringify(minimalRequest());
    const port = gw.ports[0].port;
    const posted = up.requests.filter((q) => q.method === 'POST').length;
    const attempts = [
      { method: 'POST', path: '/%761/messages', body },
      { method: 'POST', path: '/v1/%6Dessages', body },
      { method: 'POST', path: `http://127.0.0.1:${port}/v1/messages`, body },
      { method: 'GET', path: `http://127.0.0.1:${port}/v1/models` },
      { method: 'GET', path: '/v1/models/' },
      { method: 'GET', path: '/anything-else' },
    ];
    for (const a of attempts) {
      const res = await raw(gw.url(), { ...a, headers: { 'content-type': 'application/json' } });
      expect(res.status, `${a.method} ${a.path}`).toBe(401);
    }
    expect(up.requests.filter((q) => q.method === 'POST')).toHaveLength(posted);
  });
});

describe('secrets and internals never reach the client', () => {
  let up: ScriptedUpstream;
  let an: ScriptedUpstream;
  let gw: RunningGateway;
  const OA_KEY = 'sk-oa-leaky-0123456789abcdef';
  const AN_KEY = 'sk-ant-leaky-0123456789abcdef';

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    an = await ScriptedUpstream.start();
    gw = await startGateway({
      providers: {
        oa: { type: 'openai-compatible', baseUrl: up.url, apiKey: OA_KEY },
        an: { type: 'anthropic', baseUrl: an.url, apiKey: AN_KEY },
        dead: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9', apiKey: OA_KEY },
      },
      router: { order: ['oa'] },
    });
  });
  // Each case starts from a fresh router: no breaker, cooldown or rate-limit state from the last one.
  beforeEach(() => gw.gateway.router.reset());
  afterAll(async () => {
    await gw.close();
    await up.close();
    await an.close();
  });

  function expectClean(text: string): void {
    expect(text).not.toContain(OA_KEY);
    expect(text).not.toContain(AN_KEY);
    expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/); // a stack frame
    expect(text).not.toMatch(/\/work\/|\/home\/|node_modules|file:\/\/|\.ts:\d+|\.js:\d+/);
  }

  it('upstream errors that echo the key are redacted', async () => {
    const echoes: Array<[number, unknown]> = [
      [401, { error: { message: `Incorrect API key provided: ${OA_KEY}. You can find your API key at https://platform.openai.com.`, type: 'invalid_request_error', code: 'invalid_api_key' } }],
      [400, { error: { message: `bad request for key ${OA_KEY}` } }],
      [429, { error: { message: `rate limited (${OA_KEY})` } }],
      [500, { detail: `server error, Bearer ${OA_KEY}` }],
    ];
    for (const [status, body] of echoes) {
      up.next((_req, res) => json(res, status, body));
      const res = await postMessages(gw.url('oa'), minimalRequest());
      expect(res.status).toBe(status);
      const text = await res.text();
      expect(text).toContain('[redacted]');
      expectClean(text);
      expectClean(JSON.stringify([...res.headers]));
    }
    an.next((_req, res) => json(res, 401, { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${AN_KEY}` } }));
    const res = await postMessages(gw.url('an'), minimalRequest());
    const text = await res.text();
    expect(res.status).toBe(401);
    expectClean(text);
  });

  it('a key echoed in an HTML error page or a stream error is redacted', async () => {
    up.next((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>502 Bad Gateway</h1><p>upstream auth ${OA_KEY}</p></body></html>`);
    });
    const res = await postMessages(gw.url('oa'), minimalRequest());
    expect(res.status).toBe(529);
    expectClean(await res.text());

    up.next((_req, res) => sse(res, openaiStream([chunk({ role: 'assistant', content: 'partial' }), { error: { message: `stream failed for ${OA_KEY}` } }], false)));
    const streamed = await postMessages(gw.url('oa'), minimalRequest({ stream: true }));
    const streamedText = await streamed.text();
    expect(streamedText).toMatch(/event: error\ndata: .*\[redacted\]/);
    expectClean(streamedText);

    // A passthrough stream that ends in an upstream error event.
    an.next((_req, res) =>
      sse(res, [
        `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } })}\n\n`,
        `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: `key ${AN_KEY} overloaded` } })}\n\n`,
      ]),
    );
    const passthrough = await postMessages(gw.url('an'), minimalRequest({ stream: true }));
    const passthroughText = await passthrough.text();
    expect(passthroughText).toContain('overloaded_error');
    expectClean(passthroughText);
  });

  it('gateway-side failures carry no stack trace or local path', async () => {
    const texts: string[] = [];
    // Connection refused.
    texts.push(await (await postMessages(gw.url('dead'), minimalRequest())).text());
    // A 2xx answer that is not a chat completion.
    up.next((_req, res) => json(res, 200, { unexpected: true }));
    texts.push(await (await postMessages(gw.url('oa'), minimalRequest())).text());
    // Malformed input of every kind.
    texts.push(await (await postMessages(gw.url(), '{"model":')).text());
    texts.push(await (await fetch(gw.url() + '/v1/models/%E0%A4%A')).text());
    texts.push(await (await postMessages(gw.url(), minimalRequest({ model: 'nope,x' }))).text());
    for (const t of texts) {
      const body = JSON.parse(t);
      expect(body.type).toBe('error');
      expectClean(t);
    }
  });
});
