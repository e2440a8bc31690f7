// One ledger row per /v1/messages request, recorded through the real request path
// and read back from SQLite.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDbRow } from '../../usage/ledger/index.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, json, openaiStream, ScriptedUpstream, sse } from '../upstream.js';
import { post, readSse } from './_helpers.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/claude-code-turn1.json', import.meta.url), 'utf8'));

describe('usage ledger', () => {
  let up: ScriptedUpstream;
  let an: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    an = await ScriptedUpstream.start();
    gw = await startGateway({
      providers: {
        oa: { type: 'openai-compatible', baseUrl: up.url, models: { opus: 'up-model' }, modelInfo: { 'up-model': { price: { inputPerM: 1, outputPerM: 2 } } } },
        an: { type: 'anthropic-compatible', baseUrl: an.url, modelInfo: { 'claude-opus-5-5': { price: { inputPerM: 5, outputPerM: 25 } } } },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
    await an.close();
  });

  const rows = () => {
    gw.gateway.ledger!.flush();
    return gw.gateway.ledger!.db.prepare('SELECT * FROM requests ORDER BY id').all().map((r) => fromDbRow(r as Record<string, unknown>));
  };

  it('records a Claude Code turn: tokens, cache-aware cost, session, project, timing', async () => {
    up.next((_req, res) =>
      sse(
        res,
        openaiStream([
          chunk({ content: 'hello' }),
          chunk({}, 'stop'),
          { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [], usage: { prompt_tokens: 1000, completion_tokens: 100, prompt_tokens_details: { cached_tokens: 400 } } },
        ]),
      ),
    );
    const res = await post(gw.url('oa'), { ...fixture, stream: true }, { headers: { 'x-claude-code-session-id': '4235ce3a-8a18-4901-86ee-edfd06130fbb' } });
    await readSse(res);
    const [row] = rows();
    expect(row).toMatchObject({
      provider: 'oa',
      requestedModel: 'claude-opus-5-5',
      upstreamModel: 'up-model',
      strategy: 'pinned',
      attempts: 1,
      status: 200,
      errorType: null,
      inputTokens: 600,
      cacheReadTokens: 400,
      outputTokens: 100,
      sessionId: '4235ce3a-8a18-4901-86ee-edfd06130fbb',
      project: '/tmp',
      stream: true,
    });
    // 600 × $1/M + 400 cache reads at the input price (no cache price known) + 100 × $2/M.
    expect(row.costUsd).toBeCloseTo(0.0006 + 0.0004 + 0.0002, 9);
    // Savings baseline: the same tokens at Anthropic's Opus list price ($5 in, $0.50 cache read, $25 out).
    expect(row.referenceCostUsd).toBeCloseTo(600 * 5e-6 + 400 * 0.5e-6 + 100 * 25e-6, 9);
    expect(row.latencyMs).toBeGreaterThan(0);
    expect(row.ttftMs).not.toBeNull();
    expect(row.ttftMs!).toBeLessThanOrEqual(row.latencyMs!);
  });

  it('records a failed request with its status and error type, and an unknown cost', async () => {
    up.next((_req, res) => json(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '5' }));
    const res = await post(gw.url('oa'), { model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(429);
    await res.text();
    const last = rows().at(-1)!;
    expect(last).toMatchObject({ status: 429, errorType: 'rate_limit_error', inputTokens: null, costUsd: null, stream: false });
  });

  it('reads usage from a relayed Anthropic stream (message_start + cumulative message_delta) and a JSON answer', async () => {
    const events = [
      { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-opus-5-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 300, output_tokens: 1, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a "message_start" mention in text' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 40 } },
      { type: 'message_stop' },
    ];
    an.next((_req, res) => sse(res, events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`)));
    await readSse(await post(gw.url('an'), { model: 'claude-opus-5-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    const streamed = rows().at(-1)!;
    expect(streamed).toMatchObject({ provider: 'an', inputTokens: 300, outputTokens: 40, cacheWriteTokens: 100, cacheReadTokens: 2000, stream: true });
    // 300 × $5/M + 2000 reads and 100 writes at the input price (no cache prices in config) + 40 × $25/M.
    expect(streamed.costUsd).toBeCloseTo((300 + 2000 + 100) * 5e-6 + 40 * 25e-6, 9);

    an.next((_req, res) => json(res, 200, { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-opus-5-5', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 3 } }));
    const res = await post(gw.url('an'), { model: 'claude-opus-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    await res.text();
    expect(rows().at(-1)).toMatchObject({ inputTokens: 10, outputTokens: 3, stream: false });
  });
});
