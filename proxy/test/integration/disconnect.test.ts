// A client that goes away must not leave the upstream generating (and billing)
// tokens: the gateway closes the upstream connection promptly, in both dialects,
// whether the upstream was mid-stream or had not answered yet.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicStream, anthropicTextEvents, chunk, completion, json, openaiStream, ScriptedUpstream, sleep, sse } from '../upstream.js';
import { messagesBody, post, readChunks, waitFor } from './_helpers.js';

const PROMPT_MS = 1000;

/** A long, slow upstream stream: one event every 40 ms for ~8 s. */
function slowOpenAI(): string[] {
  const pieces = [chunk({ role: 'assistant', content: '' })];
  for (let i = 0; i < 200; i++) pieces.push(chunk({ content: `tok${i} ` }));
  pieces.push(chunk({}, 'stop'));
  return openaiStream(pieces);
}

function slowAnthropic(): string[] {
  const ev = anthropicTextEvents('first');
  const deltas = Array.from({ length: 200 }, (_, i) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ` tok${i}` } }));
  return anthropicStream([...ev.slice(0, 4), ...deltas, ...ev.slice(4)]);
}

describe('client disconnect', () => {
  let oa: ScriptedUpstream;
  let an: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    oa = await ScriptedUpstream.start();
    an = await ScriptedUpstream.start();
    gw = await startGateway({
      server: { timeouts: { connectMs: 1000, firstByteMs: 10_000, idleMs: 10_000 } },
      providers: {
        oa: { type: 'openai-compatible', baseUrl: oa.url, apiKey: 'sk-oa-secret-1234', models: { sonnet: 'up-model' } },
        an: { type: 'anthropic-compatible', baseUrl: an.url, apiKey: 'sk-an-secret-1234' },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await oa.close();
    await an.close();
  });

  const cases = [
    { dialect: 'openai-chat', id: 'oa', up: () => oa, pieces: slowOpenAI },
    { dialect: 'anthropic', id: 'an', up: () => an, pieces: slowAnthropic },
  ] as const;

  for (const c of cases) {
    it(`${c.dialect}: client aborts mid-stream → upstream connection closed within ${PROMPT_MS} ms`, async () => {
      const up = c.up();
      let written = 0;
      up.next(async (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const p of c.pieces()) {
          if (res.destroyed) return;
          res.write(p);
          written++;
          await sleep(40);
        }
        res.end();
      });
      const before = up.aborted;
      const ac = new AbortController();
      const res = await post(gw.url(c.id), messagesBody({ stream: true }), { signal: ac.signal });
      expect(res.status).toBe(200);
      await readChunks(res, (_t, total) => total.includes('tok2')).catch(() => {});
      ac.abort();
      const ms = await waitFor(() => up.aborted > before, PROMPT_MS, 'the upstream to see its connection closed');
      expect(ms).toBeLessThan(PROMPT_MS);
      const at = written;
      await sleep(150);
      expect(written).toBe(at); // nothing more was produced for a client that is gone
      expect(written).toBeLessThan(50);
    });

    it(`${c.dialect}: client aborts before the upstream answered headers → upstream connection closed`, async () => {
      const up = c.up();
      let arrived = false;
      up.next(() => {
        arrived = true; // never answers
      });
      const before = up.aborted;
      const ac = new AbortController();
      const pending = post(gw.url(c.id), messagesBody({ stream: true }), { signal: ac.signal }).catch((e: unknown) => e);
      await waitFor(() => arrived, 2000, 'the request to reach the upstream');
      ac.abort();
      expect(await pending).toBeInstanceOf(Error);
      const ms = await waitFor(() => up.aborted > before, PROMPT_MS, 'the upstream to see its connection closed');
      expect(ms).toBeLessThan(PROMPT_MS);
    });
  }

  it('openai-chat non-streaming: client aborts while the upstream is thinking → upstream connection closed', async () => {
    let arrived = false;
    oa.next(async (_req, res) => {
      arrived = true;
      await sleep(3000);
      if (!res.destroyed) json(res, 200, completion({ content: 'late' }));
    });
    const before = oa.aborted;
    const ac = new AbortController();
    const pending = post(gw.url('oa'), messagesBody(), { signal: ac.signal }).catch((e: unknown) => e);
    await waitFor(() => arrived, 2000, 'the request to reach the upstream');
    ac.abort();
    await pending;
    await waitFor(() => oa.aborted > before, PROMPT_MS, 'the upstream to see its connection closed');
  });

  it('SDK stream.abort() mid-stream closes the upstream; the next request still works', async () => {
    oa.next((_req, res) => sse(res, slowOpenAI(), { delayMs: 40 }));
    const before = oa.aborted;
    const client = new Anthropic({ baseURL: gw.url('oa'), apiKey: 'x', maxRetries: 0 });
    const stream = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    await new Promise<void>((resolve) => stream.on('text', (_d, snap) => snap.includes('tok1') && resolve()));
    stream.abort();
    await stream.done().catch(() => {});
    await waitFor(() => oa.aborted > before, PROMPT_MS, 'the upstream to see its connection closed');

    oa.next((_req, res) => sse(res, openaiStream([chunk({ role: 'assistant', content: 'again' }), chunk({}, 'stop')])));
    const msg = await client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'again' });
  });
});
