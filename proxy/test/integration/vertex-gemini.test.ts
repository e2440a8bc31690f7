import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDbRow } from '../../usage/ledger/index.js';
import { geminiAnswer, gChunk, retryInfo, serveGemini, serveGoogleError } from '../gemini-upstream.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { GoogleTokenServer, type ServiceAccount } from '../google-token-server.js';
import { expectErrorResponse, JSON_HEADERS, postMessages } from '../http.js';
import { json, ScriptedUpstream, type RecordedRequest } from '../upstream.js';

// Vertex AI Gemini through real sockets: google-auth-library gets its tokens from a
// local token endpoint that verifies the signed assertion, and a scripted upstream
// stands in for aiplatform.googleapis.com (the baseUrl override) speaking Gemini's wire
// format, checking what Vertex checks: the URL names project, location and model, the
// bearer token is the one the token endpoint issued, and no API key is sent.

const BASE = '/v1/projects/p/locations/us-central1/publishers/google/models';
const BASH: Anthropic.Tool = { name: 'Bash', description: 'Run a shell command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } };
const PAGE_1 = {
  publisherModels: [
    { name: 'publishers/google/models/gemini-3-pro-preview', versionId: 'default', launchStage: 'PUBLIC_PREVIEW' },
    { name: 'publishers/google/models/gemini-embedding-001', versionId: 'default' },
    { name: 'publishers/google/models/imagen-4.0-generate-001', versionId: 'default' },
  ],
  nextPageToken: 'pg-2',
};
const PAGE_2 = { publisherModels: [{ name: 'publishers/google/models/gemini-2.0-flash-001', versionId: 'default', launchStage: 'GA' }] };

describe('Vertex AI Gemini', () => {
  let tokens: GoogleTokenServer;
  let vx: ScriptedUpstream;
  let gw: RunningGateway;
  let dir: string;
  let sa: ServiceAccount;
  let saGlobal: ServiceAccount;
  let saDown: ServiceAccount;
  let sa401: ServiceAccount;
  const logLines: string[] = [];

  /** Vertex's answer to whatever is asked: the model list, a Model Garden entry, a count, a stream, an answer. */
  function vertex(req: RecordedRequest, res: ServerResponse): void | Promise<void> {
    if (req.url.startsWith('/down/')) return serveGoogleError(res, 500, 'INTERNAL', 'Model Garden is down');
    if (req.method === 'GET' && req.url.startsWith('/v1beta1/publishers/google/models?')) return json(res, 200, req.url.includes('pageToken=pg-2') ? PAGE_2 : PAGE_1);
    if (req.method === 'GET') return json(res, 200, { name: 'publishers/google/models/gemini-2.5-pro', versionId: 'default', launchStage: 'GA' });
    if (req.url.endsWith(':countTokens')) return json(res, 200, { totalTokens: 77, totalBillableCharacters: 120 });
    if (req.url.endsWith(':streamGenerateContent?alt=sse')) return serveGemini(res, [gChunk([{ text: 'streamed' }], { finish: 'STOP', usage: { promptTokenCount: 12, candidatesTokenCount: 5 } })]);
    json(res, 200, geminiAnswer([{ text: 'whole' }]));
  }

  const tokenRequestsOf = (who: ServiceAccount) => tokens.requests.filter((r) => r.claims?.iss === who.email);
  const bearerOf = (req: RecordedRequest) => String(req.headers.authorization);
  /** The bearer header of the last token issued for these credentials. */
  const issuedTo = (who: ServiceAccount) => `Bearer ${tokenRequestsOf(who).filter((r) => r.token).at(-1)?.token}`;
  const ask = { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

  beforeAll(async () => {
    tokens = await GoogleTokenServer.start();
    vx = (await ScriptedUpstream.start()).otherwise(vertex);
    dir = mkdtempSync(join(tmpdir(), 'sb-vertex-gemini-'));
    sa = tokens.writeServiceAccount(dir, { name: 'sa.json' });
    saGlobal = tokens.writeServiceAccount(dir, { name: 'sa-global.json' });
    saDown = tokens.writeServiceAccount(dir, { name: 'sa-down.json' });
    sa401 = tokens.writeServiceAccount(dir, { name: 'sa-401.json' });
    const base = `${vx.url}/v1`;
    gw = await startGateway(
      {
        providers: {
          'vertex-gemini': { baseUrl: base, credentialsFile: sa.path, region: 'us-central1' },
          vglobal: { type: 'vertex-gemini', baseUrl: base, credentialsFile: saGlobal.path, region: 'global', project: 'proj-g' },
          vdown: { type: 'vertex-gemini', baseUrl: `${vx.url}/down/v1`, credentialsFile: saDown.path, modelMap: { 'my-pick': 'gemini-2.0-flash' } },
          v401: { type: 'vertex-gemini', baseUrl: base, credentialsFile: sa401.path, region: 'us-central1' },
        },
      },
      {},
      { warmAuth: true, logger: pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) })) },
    );
  });
  afterAll(async () => {
    await gw.close();
    await vx.close();
    await tokens.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes a streamed tool round trip with @anthropic-ai/sdk through the Vertex AI Gemini port', async () => {
    const client = new Anthropic({ baseURL: gw.url('vertex-gemini'), apiKey: 'client-key-never-forwarded', maxRetries: 0 });
    // Text, then the function call in its own chunk, as Gemini streams them.
    vx.next((_req, res) =>
      serveGemini(res, [
        gChunk([{ text: 'Running it.' }]),
        gChunk([{ functionCall: { name: 'Bash', args: { command: 'echo vertex-gemini-ok' } } }], { finish: 'STOP', usage: { promptTokenCount: 120, candidatesTokenCount: 30 } }),
      ]),
    );
    const first = await client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 1024, tools: [BASH], messages: [{ role: 'user', content: 'say vertex-gemini-ok with Bash' }] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content[0]).toEqual({ type: 'text', text: 'Running it.' });
    const call = first.content.find((b) => b.type === 'tool_use');
    expect(call).toMatchObject({ type: 'tool_use', name: 'Bash', input: { command: 'echo vertex-gemini-ok' } });
    expect(first.usage).toMatchObject({ input_tokens: 120, output_tokens: 30 });

    const sent = vx.last;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(`${BASE}/gemini-2.5-pro:streamGenerateContent?alt=sse`);
    expect(bearerOf(sent)).toBe(issuedTo(sa));
    // The token fetched at start serves every request.
    expect(tokenRequestsOf(sa).length).toBe(1);
    expect(sent.headers['x-goog-api-key']).toBeUndefined();
    expect(sent.headers['x-api-key']).toBeUndefined();
    expect(sent.raw).not.toContain('client-key-never-forwarded');
    expect('model' in sent.body).toBe(false);
    expect(sent.body.contents).toEqual([{ role: 'user', parts: [{ text: 'say vertex-gemini-ok with Bash' }] }]);
    expect(sent.body.tools[0].functionDeclarations[0]).toMatchObject({ name: 'Bash', description: 'Run a shell command' });

    // Turn 2 answers only if the call and its result came back as Gemini needs them.
    vx.next((req, res) => {
      const contents = req.body.contents as Array<{ role: string; parts: Array<Record<string, any>> }>;
      const called = contents[1]?.role === 'model' && contents[1].parts.some((p) => p.functionCall?.name === 'Bash' && p.functionCall.args.command === 'echo vertex-gemini-ok');
      const answer = contents[2]?.role === 'user' ? contents[2].parts.find((p) => p.functionResponse)?.functionResponse : undefined;
      const text = called && answer?.name === 'Bash' ? `tool said ${String(answer.response?.content)}` : 'turn LOST';
      return serveGemini(res, [gChunk([{ text }], { finish: 'STOP', usage: { promptTokenCount: 160, candidatesTokenCount: 6 } })]);
    });
    const second = await client.messages
      .stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 1024,
        tools: [BASH],
        messages: [
          { role: 'user', content: 'say vertex-gemini-ok with Bash' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.type === 'tool_use' ? call!.id : '', content: 'vertex-gemini-ok' }] },
        ],
      })
      .finalMessage();
    expect(second.content).toEqual([{ type: 'text', text: 'tool said vertex-gemini-ok' }]);
    expect(second.stop_reason).toBe('end_turn');
    expect(vx.last.url).toBe(`${BASE}/gemini-2.5-pro:streamGenerateContent?alt=sse`);
    expect(tokenRequestsOf(sa).length).toBe(1);
  });

  it('uses generateContent for a non-streaming request, and the global endpoint\'s location', async () => {
    const client = new Anthropic({ baseURL: gw.url('vertex-gemini'), apiKey: 'x', maxRetries: 0 });
    const msg = await client.messages.create({ model: 'claude-opus-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'whole' }]);
    expect(vx.last.url).toBe(`${BASE}/gemini-2.5-pro:generateContent`);

    const globalClient = new Anthropic({ baseURL: gw.url('vglobal'), apiKey: 'x', maxRetries: 0 });
    await globalClient.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(vx.last.url).toBe('/v1/projects/proj-g/locations/global/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(bearerOf(vx.last)).toBe(issuedTo(saGlobal));
  });

  it('counts tokens with {model}:countTokens and the prompt\'s fields at the top level (no toolConfig)', async () => {
    const body = { model: 'claude-sonnet-4-5', system: 'You are terse.', tools: [BASH], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'count me' }] };
    const res = await fetch(gw.url('vertex-gemini') + '/v1/messages/count_tokens?beta=true', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-count')).toBe('upstream');
    expect(await res.json()).toEqual({ input_tokens: 77 });
    expect(vx.last.url).toBe(`${BASE}/gemini-2.5-pro:countTokens`);
    expect(bearerOf(vx.last)).toBe(issuedTo(sa));
    expect(vx.last.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'count me' }] }],
      systemInstruction: { parts: [{ text: 'You are terse.' }] },
      tools: [{ functionDeclarations: [{ name: 'Bash', description: 'Run a shell command', parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }] }],
    });

    // Vertex refusing the count: counted locally instead.
    vx.next((_req, r) => serveGoogleError(r, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    const local = await fetch(gw.url('vertex-gemini') + '/v1/messages/count_tokens', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
    expect(local.headers.get('x-switchboard-count')).toBe('local');
    expect((await local.json()).input_tokens).toBeGreaterThan(5);
  });

  it('maps RESOURCE_EXHAUSTED to a 429 with retry-after from RetryInfo, and other Google statuses by name', async () => {
    vx.next((_req, res) => serveGoogleError(res, 429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute_per_project_per_base_model with base model: gemini-2.5-pro.', [retryInfo('37s')]));
    const res = await postMessages(gw.url('vertex-gemini'), { ...ask, stream: true });
    expect(res.headers.get('retry-after')).toBe('37');
    expect(await expectErrorResponse(res, 429, 'rate_limit_error')).toContain('Vertex AI Gemini rate limit: Quota exceeded');

    vx.next((_req, r) => serveGoogleError(r, 403, 'PERMISSION_DENIED', "Permission 'aiplatform.endpoints.predict' denied on resource"));
    await expectErrorResponse(await postMessages(gw.url('vertex-gemini'), ask), 403, 'permission_error', /aiplatform\.endpoints\.predict/);
    vx.next((_req, r) => serveGoogleError(r, 404, 'NOT_FOUND', 'Publisher Model `projects/p/locations/us-central1/publishers/google/models/gemini-9` was not found or your project does not have access to it.'));
    await expectErrorResponse(await postMessages(gw.url('vertex-gemini'), ask), 404, 'not_found_error', /does not have access/);
    vx.next((_req, r) => serveGoogleError(r, 503, 'UNAVAILABLE', 'The model is overloaded.'));
    await expectErrorResponse(await postMessages(gw.url('vertex-gemini'), ask), 529, 'overloaded_error');
  });

  it('fetches a new token after Vertex answers 401 (a revoked token)', async () => {
    vx.next((_req, res) => serveGoogleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.'));
    await expectErrorResponse(await postMessages(gw.url('v401'), ask), 401, 'authentication_error', /Vertex AI Gemini \(v401\) rejected .*Expected OAuth 2 access token/);
    const revoked = bearerOf(vx.last);
    expect(revoked).toBe(issuedTo(sa401));
    expect((await postMessages(gw.url('v401'), ask)).status).toBe(200);
    expect(bearerOf(vx.last)).not.toBe(revoked);
    expect(bearerOf(vx.last)).toBe(issuedTo(sa401));
    expect(tokenRequestsOf(sa401).length).toBe(2);
  });

  it('lists Model Garden\'s Gemini models (every v1beta1 page) after the configured ones', async () => {
    const before = vx.requests.length;
    const list = await (await fetch(gw.url('vertex-gemini') + '/v1/models?limit=100')).json();
    const ids: string[] = list.data.map((m: { id: string }) => m.id);
    expect(ids.slice(0, 3)).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
    expect(list.data[1].display_name).toBe('Claude Sonnet → gemini-2.5-pro (Vertex AI Gemini)');
    expect(ids.slice(3)).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-3-pro-preview', 'gemini-2.0-flash-001']);
    const pages = vx.requests.slice(before);
    expect(pages.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1beta1/publishers/google/models?pageSize=100', 'GET /v1beta1/publishers/google/models?pageSize=100&pageToken=pg-2']);
    expect(bearerOf(pages[0])).toBe(issuedTo(sa));
  });

  it('falls back to the configured models when the model list cannot be fetched', async () => {
    const before = vx.requests.length;
    const list = await (await fetch(gw.url('vdown') + '/v1/models?limit=100')).json();
    expect(list.data.map((m: { id: string }) => m.id).slice(3)).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.0-flash']);
    expect(vx.requests.slice(before).map((r) => r.url)).toEqual(['/down/v1beta1/publishers/google/models?pageSize=100']);
  });

  it('probes health with the Model Garden entry of the sonnet-tier model (no tokens spent) and the bearer token', async () => {
    const result = await gw.gateway.health.probe(gw.gateway.settings.providers.get('vertex-gemini')!);
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(vx.last.method).toBe('GET');
    expect(vx.last.url).toBe('/v1/publishers/google/models/gemini-2.5-pro');
    expect(bearerOf(vx.last)).toBe(issuedTo(sa));
  });

  it('records provider, model and the Vertex AI Gemini price in the usage ledger', async () => {
    vx.next((_req, res) => serveGemini(res, [gChunk([{ text: 'priced' }], { finish: 'STOP', usage: { promptTokenCount: 10_000, cachedContentTokenCount: 4_000, candidatesTokenCount: 300, thoughtsTokenCount: 200 } })]));
    await (await postMessages(gw.url('vertex-gemini'), { model: 'claude-sonnet-4-5-20250929', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'price me' }] })).text();
    gw.gateway.ledger!.flush();
    const row = fromDbRow(gw.gateway.ledger!.db.prepare('SELECT * FROM requests ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>);
    expect(row).toMatchObject({ provider: 'vertex-gemini', requestedModel: 'claude-sonnet-4-5-20250929', upstreamModel: 'gemini-2.5-pro', status: 200, inputTokens: 6_000, cacheReadTokens: 4_000, outputTokens: 500, stream: true });
    // Gemini 2.5 Pro (price-table.ts, vertex-gemini): $1.25/M input, $0.125/M cache reads, $10/M output (thinking included).
    expect(row.costUsd).toBeCloseTo(6_000 * 1.25e-6 + 4_000 * 0.125e-6 + 500 * 10e-6, 9);
  });

  it('never logs a token or key material, and logged the credentials ready at start', () => {
    const all = logLines.join('');
    for (const t of tokens.issued) expect(all).not.toContain(t);
    expect(all).not.toContain('PRIVATE KEY');
    expect(all).toContain('Vertex AI Gemini: Google credentials ready');
    expect(tokenRequestsOf(sa).length).toBe(1);
  });
});
