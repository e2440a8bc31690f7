import Anthropic from '@anthropic-ai/sdk';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDbRow } from '../../usage/ledger/index.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { GoogleTokenServer, type ServiceAccount } from '../google-token-server.js';
import { anthropicMessage, expectErrorResponse, postMessages } from '../http.js';
import { anthropicStream, anthropicTextEvents, json, ScriptedUpstream, sse, type RecordedRequest } from '../upstream.js';

// Vertex AI Claude through real sockets: google-auth-library gets its tokens from a
// local token endpoint that verifies the signed assertion, and a scripted upstream
// stands in for aiplatform.googleapis.com (the baseUrl override), checking what
// Vertex checks: the URL names project, region and model, the bearer token is the
// one the token endpoint issued, the body carries anthropic_version and no model.

const fixtureRaw = readFileSync(new URL('../fixtures/claude-code-turn1.json', import.meta.url), 'utf8');
const BASE = '/v1/projects/p/locations/us-east5/publishers/anthropic/models';
const BASH: Anthropic.Tool = { name: 'Bash', description: 'Run a shell command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } };

function toolUseEvents(model: string): Array<{ type: string; [k: string]: unknown }> {
  return [
    { type: 'message_start', message: { id: 'msg_vrtx_01', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 120, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Running it.' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_vrtx_01', name: 'Bash', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"command": "echo ver' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'tex-ok"}' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } },
    { type: 'message_stop' },
  ];
}

describe('Vertex AI Claude', () => {
  let tokens: GoogleTokenServer;
  let vx: ScriptedUpstream;
  let gw: RunningGateway;
  let dir: string;
  let sa: ServiceAccount;
  let saGlobal: ServiceAccount;
  let sa401: ServiceAccount;
  let stranger: ServiceAccount;
  const logLines: string[] = [];

  /** Vertex's answer to whatever is asked: a stream, a message, a count, a Model Garden entry. */
  function vertex(req: RecordedRequest, res: ServerResponse): void | Promise<void> {
    if (req.method === 'GET') return json(res, 200, { name: 'publishers/anthropic/models/claude-sonnet-4-5', versionId: '20250929' });
    if (req.url.endsWith('/count-tokens:rawPredict')) return json(res, 200, { input_tokens: 42 });
    const model = decodeURIComponent(req.url.slice(req.url.lastIndexOf('/') + 1).split(':')[0]);
    if (req.url.endsWith(':streamRawPredict')) return sse(res, anthropicStream(anthropicTextEvents('streamed', model)));
    json(res, 200, anthropicMessage('whole', model));
  }

  const tokenRequestsOf = (who: ServiceAccount) => tokens.requests.filter((r) => r.claims?.iss === who.email);
  const bearerOf = (req: RecordedRequest) => String(req.headers.authorization);
  /** The bearer header of the last token issued for these credentials. */
  const issuedTo = (who: ServiceAccount) => `Bearer ${tokenRequestsOf(who).filter((r) => r.token).at(-1)?.token}`;

  beforeAll(async () => {
    tokens = await GoogleTokenServer.start();
    vx = (await ScriptedUpstream.start()).otherwise(vertex);
    dir = mkdtempSync(join(tmpdir(), 'sb-vertex-'));
    sa = tokens.writeServiceAccount(dir, { name: 'sa.json' });
    saGlobal = tokens.writeServiceAccount(dir, { name: 'sa-global.json' });
    sa401 = tokens.writeServiceAccount(dir, { name: 'sa-401.json' });
    // A key file the token endpoint has never heard of: its assertions are refused.
    stranger = tokens.writeServiceAccount(dir, { name: 'stranger.json', known: false });
    const base = `${vx.url}/v1`;
    gw = await startGateway(
      {
        providers: {
          'vertex-claude': { baseUrl: base, credentialsFile: sa.path },
          vglobal: { type: 'vertex-claude', baseUrl: base, credentialsFile: saGlobal.path, region: 'global', project: 'proj-g' },
          v401: { type: 'vertex-claude', baseUrl: base, credentialsFile: sa401.path },
          vmissing: { type: 'vertex-claude', baseUrl: base, credentialsFile: join(dir, 'missing.json') },
          vrefused: { type: 'vertex-claude', baseUrl: base, credentialsFile: join(dir, 'stranger.json') },
        },
        router: { order: ['vmissing', 'vertex-claude'] },
      },
      {},
      { logger: pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) })) },
    );
  });
  afterAll(async () => {
    await gw.close();
    await vx.close();
    await tokens.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes a streamed tool round trip with @anthropic-ai/sdk through the Vertex port', async () => {
    const client = new Anthropic({ baseURL: gw.url('vertex-claude'), apiKey: 'client-key-never-forwarded', maxRetries: 0 });
    vx.next((req, res) => sse(res, anthropicStream(toolUseEvents('claude-sonnet-4-5@20250929'))));
    const first = await client.messages.stream({ model: 'claude-sonnet-4-5-20250929', max_tokens: 1024, tools: [BASH], messages: [{ role: 'user', content: 'say vertex-ok with Bash' }] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b) => b.type === 'tool_use');
    expect(call).toMatchObject({ id: 'toolu_vrtx_01', name: 'Bash', input: { command: 'echo vertex-ok' } });

    const sent = vx.last;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(`${BASE}/claude-sonnet-4-5@20250929:streamRawPredict`);
    expect(bearerOf(sent)).toBe(issuedTo(sa));
    expect(tokenRequestsOf(sa).length).toBe(1);
    expect(sent.headers['x-api-key']).toBeUndefined();
    expect(sent.headers['anthropic-version']).toBeUndefined();
    expect(sent.body.anthropic_version).toBe('vertex-2023-10-16');
    expect('model' in sent.body).toBe(false);
    expect(sent.body).toMatchObject({ max_tokens: 1024, stream: true, tools: [BASH], messages: [{ role: 'user', content: 'say vertex-ok with Bash' }] });

    vx.next((req, res) => {
      const last = req.body.messages[req.body.messages.length - 1];
      const result = last.content.find((b: { type: string }) => b.type === 'tool_result');
      return sse(res, anthropicStream(anthropicTextEvents(`tool said ${result.content}`, 'claude-sonnet-4-5@20250929')));
    });
    const second = await client.messages
      .stream({
        model: 'claude-sonnet-4-5-20250929',
        max_tokens: 1024,
        tools: [BASH],
        messages: [
          { role: 'user', content: 'say vertex-ok with Bash' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_vrtx_01', content: 'vertex-ok' }] },
        ],
      })
      .finalMessage();
    expect(second.content).toEqual([{ type: 'text', text: 'tool said vertex-ok' }]);
    // The assistant turn went back as the SDK built it (tool_use with its parsed input).
    expect(vx.last.body.messages[1].content[1]).toEqual({ type: 'tool_use', id: 'toolu_vrtx_01', name: 'Bash', input: { command: 'echo vertex-ok' } });
    // One token for every request so far.
    expect(tokenRequestsOf(sa).length).toBe(1);
  });

  it('completes the real Claude Code CLI\'s Bash round trip through the Vertex port', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sb-vertex-claude-home-'));
    const before = vx.requests.length;
    vx.next((_req, res) => sse(res, anthropicStream(toolUseEvents('claude-opus-4-5@20251101'))));
    vx.next((req, res) => {
      const last = req.body.messages[req.body.messages.length - 1];
      const result = (last.content as Array<{ type: string; content?: unknown }>).find((b) => b.type === 'tool_result');
      const text = typeof result?.content === 'string' ? result.content : JSON.stringify(result?.content);
      return sse(res, anthropicStream(anthropicTextEvents(`vertex tool said ${text.trim()}`, 'claude-opus-4-5@20251101')));
    });
    try {
      const { stdout } = await promisify(execFile)(resolve('node_modules/.bin/claude'), ['-p', 'Print a marker with Bash.', '--output-format', 'json', '--allowedTools', 'Bash'], {
        cwd: dir,
        timeout: 90_000,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ANTHROPIC_BASE_URL: gw.url('vertex-claude'), ANTHROPIC_API_KEY: 'sk-any', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' },
      });
      const result = JSON.parse(stdout) as { result: string; is_error: boolean };
      expect(result).toMatchObject({ is_error: false, result: 'vertex tool said vertex-ok' });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    const first = vx.requests[before];
    expect(first.url).toBe(`${BASE}/claude-opus-4-5@20251101:streamRawPredict`);
    expect(bearerOf(first)).toBe(issuedTo(sa));
    expect(first.headers['x-api-key']).toBeUndefined();
    expect(first.headers['anthropic-beta']).toContain('claude-code-20250219');
    expect(first.body).toMatchObject({ anthropic_version: 'vertex-2023-10-16', max_tokens: 64000, stream: true });
    expect('model' in first.body).toBe(false);
    expect(vx.requests.length).toBe(before + 2);
  }, 120_000);

  it('sends a Claude Code turn with only the Vertex edits: the rest of the body is the client\'s bytes', async () => {
    const res = await postMessages(gw.url('vertex-claude'), fixtureRaw, { 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' });
    expect(res.status).toBe(200);
    await res.text();
    // claude-opus-5-5 → the opus tier's Vertex id, whose 64k output ceiling clamps Claude Code's 128000.
    expect(vx.last.url).toBe(`${BASE}/claude-opus-4-5@20251101:streamRawPredict`);
    const middle = fixtureRaw.slice(fixtureRaw.indexOf('"messages":'), fixtureRaw.indexOf(',"max_tokens":'));
    const tail = fixtureRaw.slice(fixtureRaw.indexOf(',"thinking":'));
    expect(vx.last.raw).toBe(`{"anthropic_version":"vertex-2023-10-16",${middle},"max_tokens":64000${tail}`);
    expect(vx.last.headers['anthropic-beta']).toBe('claude-code-20250219,interleaved-thinking-2025-05-14');
  });

  it('uses rawPredict for a non-streaming request, and the global endpoint\'s location', async () => {
    const client = new Anthropic({ baseURL: gw.url('vertex-claude'), apiKey: 'x', maxRetries: 0 });
    const msg = await client.messages.create({ model: 'claude-sonnet-4-5-20250929', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'whole' }]);
    expect(vx.last.url).toBe(`${BASE}/claude-sonnet-4-5@20250929:rawPredict`);

    const globalClient = new Anthropic({ baseURL: gw.url('vglobal'), apiKey: 'x', maxRetries: 0 });
    await globalClient.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(vx.last.url).toBe('/v1/projects/proj-g/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict');
    expect(bearerOf(vx.last)).toBe(issuedTo(saGlobal));
  });

  it('counts tokens through Vertex count-tokens:rawPredict (model in the body, no betas)', async () => {
    const res = await fetch(gw.url('vertex-claude') + '/v1/messages/count_tokens?beta=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-beta': 'token-counting-2024-11-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5-20250929', messages: [{ role: 'user', content: 'count me' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-count')).toBe('upstream');
    expect(await res.json()).toEqual({ input_tokens: 42 });
    expect(vx.last.url).toBe(`${BASE}/count-tokens:rawPredict`);
    expect(vx.last.body).toEqual({ anthropic_version: 'vertex-2023-10-16', model: 'claude-sonnet-4-5@20250929', messages: [{ role: 'user', content: 'count me' }] });
    expect(vx.last.headers['anthropic-beta']).toBeUndefined();
    expect(bearerOf(vx.last)).toMatch(/^Bearer ya29\.test-/);

    // Vertex refusing the count: counted locally instead.
    vx.next((_req, res2) => json(res2, 404, { error: { code: 404, message: 'count-tokens not available', status: 'NOT_FOUND' } }));
    const local = await fetch(gw.url('vertex-claude') + '/v1/messages/count_tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'count me' }] }) });
    expect(local.headers.get('x-switchboard-count')).toBe('local');
    expect((await local.json()).input_tokens).toBeGreaterThan(0);
  });

  it('maps Google\'s RESOURCE_EXHAUSTED to a 429 with retry-after from RetryInfo', async () => {
    vx.next((_req, res) =>
      json(res, 429, {
        error: {
          code: 429,
          message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: anthropic-claude-sonnet-4-5.',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
        },
      }),
    );
    const res = await postMessages(gw.url('vertex-claude'), { model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.headers.get('retry-after')).toBe('37');
    const message = await expectErrorResponse(res, 429, 'rate_limit_error');
    expect(message).toContain('Vertex AI Claude rate limit: Quota exceeded');
  });

  it('maps Google platform errors and Anthropic model errors by their status', async () => {
    vx.next((_req, res) => json(res, 403, { error: { code: 403, message: "Permission 'aiplatform.endpoints.predict' denied on resource", status: 'PERMISSION_DENIED' } }));
    await expectErrorResponse(await postMessages(gw.url('vertex-claude'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), 403, 'permission_error', /aiplatform\.endpoints\.predict/);
    vx.next((_req, res) => json(res, 404, { error: { code: 404, message: 'Publisher Model `claude-sonnet-4-5@20250929` was not found or your project does not have access to it.', status: 'NOT_FOUND' } }));
    await expectErrorResponse(await postMessages(gw.url('vertex-claude'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), 404, 'not_found_error', /does not have access/);
    vx.next((_req, res) => json(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    await expectErrorResponse(await postMessages(gw.url('vertex-claude'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), 529, 'overloaded_error', /Overloaded/);
    vx.next((_req, res) => json(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' } }));
    await expectErrorResponse(await postMessages(gw.url('vertex-claude'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), 400, 'invalid_request_error', /prompt is too long/);
  });

  it('drops anthropic-beta values Vertex refuses: resent once without them, never sent again', async () => {
    const refusals = vx.requests.length;
    vx.next((_req, res) =>
      json(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'Unexpected value(s) `first-party-only-2026-01-01`, `other-only-2026-02-02` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header.' }, request_id: 'req_vrtx_1' }),
    );
    const betas = { 'anthropic-beta': 'claude-code-20250219, first-party-only-2026-01-01,other-only-2026-02-02,interleaved-thinking-2025-05-14' };
    const res = await postMessages(gw.url('vertex-claude'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, betas);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ content: [{ type: 'text', text: 'whole' }] });
    expect(vx.requests.length).toBe(refusals + 2);
    expect(vx.requests[refusals].headers['anthropic-beta']).toBe(betas['anthropic-beta']);
    expect(vx.last.headers['anthropic-beta']).toBe('claude-code-20250219,interleaved-thinking-2025-05-14');
    await (await postMessages(gw.url('vertex-claude'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, betas)).text();
    expect(vx.requests.length).toBe(refusals + 3);
    expect(vx.last.headers['anthropic-beta']).toBe('claude-code-20250219,interleaved-thinking-2025-05-14');
    // The same refusal again (nothing new learned) is an error, not a loop.
    vx.next((_req, r) => json(r, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'Unexpected value(s) `first-party-only-2026-01-01` for the `anthropic-beta` header.' } }));
    await expectErrorResponse(await postMessages(gw.url('vertex-claude'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), 400, 'invalid_request_error');
  });

  it('records provider, Vertex model id and the Vertex price in the usage ledger', async () => {
    const res = await postMessages(gw.url('vertex-claude'), { model: 'claude-sonnet-4-5-20250929', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'price me' }] });
    await res.text();
    gw.gateway.ledger!.flush();
    const row = fromDbRow(gw.gateway.ledger!.db.prepare('SELECT * FROM requests ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>);
    expect(row).toMatchObject({ provider: 'vertex-claude', requestedModel: 'claude-sonnet-4-5-20250929', upstreamModel: 'claude-sonnet-4-5@20250929', status: 200, inputTokens: 12, outputTokens: 5, stream: true });
    // Sonnet 4.5 on Vertex: $3 in, $15 out per million (price-table.ts, vertex-claude).
    expect(row.costUsd).toBeCloseTo(12 * 3e-6 + 5 * 15e-6, 12);
  });

  it('says clearly when credentials cannot be had, and the router moves on', async () => {
    const missing = await postMessages(gw.url('vmissing'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const m1 = await expectErrorResponse(missing, 500, 'api_error');
    expect(m1).toBe(
      `Vertex AI Claude (vmissing): the Google credentials file ${join(dir, 'missing.json')} (providers.vmissing.credentialsFile) does not exist. Point providers.vmissing.credentialsFile at a service-account key file, or unset it to use Application Default Credentials ("gcloud auth application-default login").`,
    );
    const refused = await postMessages(gw.url('vrefused'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const m2 = await expectErrorResponse(refused, 500, 'api_error');
    expect(m2).toContain(`Vertex AI Claude (vrefused): Google refused to issue an access token for service account ${stranger.email}`);
    expect(m2).toContain('invalid_grant');

    // On the router port the provider without credentials is skipped for the next one.
    const routed = await postMessages(gw.url('router'), { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(routed.status).toBe(200);
    expect(routed.headers.get('x-switchboard-provider')).toBe('vertex-claude');
    expect(routed.headers.get('x-switchboard-fallback')).toBe('vmissing:500');
  });

  it('fetches a new token after Vertex answers 401 (a revoked token)', async () => {
    vx.next((_req, res) => json(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token.', status: 'UNAUTHENTICATED' } }));
    const body = { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    // The existing upstream-401 mapping: 401 authentication_error with the upstream's words.
    await expectErrorResponse(await postMessages(gw.url('v401'), body), 401, 'authentication_error', /Vertex AI Claude \(v401\) rejected .*Expected OAuth 2 access token/);
    const revoked = bearerOf(vx.last);
    expect(revoked).toBe(issuedTo(sa401));
    expect((await postMessages(gw.url('v401'), body)).status).toBe(200);
    expect(bearerOf(vx.last)).not.toBe(revoked);
    expect(bearerOf(vx.last)).toBe(issuedTo(sa401));
    expect(tokenRequestsOf(sa401).length).toBe(2);
  });

  it('probes health with the Model Garden entry (no tokens spent) and the bearer token', async () => {
    const provider = gw.gateway.settings.providers.get('vertex-claude')!;
    const result = await gw.gateway.health.probe(provider);
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(vx.last.method).toBe('GET');
    expect(vx.last.url).toBe('/v1/publishers/anthropic/models/claude-sonnet-4-5');
    expect(bearerOf(vx.last)).toMatch(/^Bearer ya29\.test-/);
    const broken = await gw.gateway.health.probe(gw.gateway.settings.providers.get('vmissing')!);
    expect(broken.ok).toBe(false);
    expect(broken.error).toContain('does not exist');
  });

  it('never logs a token or key material, and warned about the broken credentials at start', () => {
    const all = logLines.join('');
    for (const t of tokens.issued) expect(all).not.toContain(t);
    expect(all).not.toContain('PRIVATE KEY');
    expect(all).toContain('Vertex AI Claude: Google credentials ready');
    expect(all).toMatch(/Vertex AI Claude \(vmissing\): the Google credentials file .* does not exist.*requests to Vertex AI Claude \(vmissing\) fail until this is fixed/);
    // Across every test: one token request for this provider's whole life.
    expect(tokenRequestsOf(sa).length).toBe(1);
  });
});
