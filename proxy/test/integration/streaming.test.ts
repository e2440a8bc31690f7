// Streaming guarantees end to end through a real gateway (openai-chat translation
// unless stated): the client always gets a grammatical Anthropic stream whose
// accumulated content is exactly what the upstream said.
import { constants as zc, createBrotliCompress, createGzip, brotliCompressSync, gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accumulateMessage, assertValidAnthropicStream, parseAnthropicSse } from '../anthropic-stream.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicStream, anthropicTextEvents, chunk, completion, json, openaiStream, ScriptedUpstream, sleep, sse, usageChunk } from '../upstream.js';
import { messagesBody, post, readSse } from './_helpers.js';

const TOOLS = [
  { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } },
  { name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
];

/** Writes bytes one at a time with a pause between writes, so every multi-byte character is split across reads. */
async function trickle(res: ServerResponse, bytes: Buffer, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, headers);
  for (let i = 0; i < bytes.length; i++) {
    if (res.destroyed) return;
    res.write(bytes.subarray(i, i + 1));
    await sleep(1);
  }
  res.end();
}

/** Streams SSE pieces through a streaming compressor, flushing after each so the gateway decodes incrementally. */
async function compressedSse(res: ServerResponse, pieces: string[], encoding: 'gzip' | 'br'): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': encoding });
  const z = encoding === 'gzip' ? createGzip() : createBrotliCompress();
  z.pipe(res);
  for (const p of pieces) {
    z.write(p);
    await new Promise<void>((r) => (encoding === 'gzip' ? z.flush(zc.Z_SYNC_FLUSH, () => r()) : z.flush(zc.BROTLI_OPERATION_FLUSH, () => r())));
    await sleep(5);
  }
  z.end();
}

const textStream = (...parts: string[]) => openaiStream([chunk({ role: 'assistant', content: '' }), ...parts.map((t) => chunk({ content: t })), chunk({}, 'stop'), usageChunk(30, parts.length)]);

describe('streaming guarantees', () => {
  let oa: ScriptedUpstream;
  let an: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    oa = await ScriptedUpstream.start();
    an = await ScriptedUpstream.start();
    gw = await startGateway({
      server: { timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: 2000 } },
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

  async function streamed(body = messagesBody({ stream: true }), id = 'oa') {
    const res = await post(gw.url(id), body);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    const { text, events } = await readSse(res);
    assertValidAnthropicStream(events);
    return { res, text, events, msg: accumulateMessage(events) };
  }

  it('parallel tool calls with interleaved argument deltas → two complete tool_use blocks in order', async () => {
    const call = (index: number, fn: object, id?: string) => chunk({ tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: fn }] });
    oa.next((_req, res) =>
      sse(res, [
        ...openaiStream(
          [
            chunk({ role: 'assistant', content: null }),
            call(0, { name: 'Read', arguments: '' }, 'call_read_1'),
            call(1, { name: 'Bash', arguments: '' }, 'call_bash_2'),
            call(0, { arguments: '{"file_' }),
            call(1, { arguments: '{"comm' }),
            call(0, { arguments: 'path": "/tmp/a.txt"' }),
            call(1, { arguments: 'and": "ls -la"}' }),
            call(0, { arguments: '}' }),
            chunk({}, 'tool_calls'),
            usageChunk(100, 40),
          ],
          true,
        ),
      ]),
    );
    const { msg } = await streamed(messagesBody({ stream: true, tools: TOOLS }));
    expect(msg.content).toEqual([
      { type: 'tool_use', id: 'call_read_1', name: 'Read', input: { file_path: '/tmp/a.txt' } },
      { type: 'tool_use', id: 'call_bash_2', name: 'Bash', input: { command: 'ls -la' } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.usage).toMatchObject({ input_tokens: 100, output_tokens: 40 });
  });

  it('the SDK accumulates interleaved parallel tool calls and reasoning exactly', async () => {
    const call = (index: number, fn: object, id?: string) => chunk({ tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: fn }] });
    oa.next((_req, res) =>
      sse(res, openaiStream([
        chunk({ role: 'assistant', content: null, reasoning_content: 'Two files.' }),
        call(0, { name: 'Read', arguments: '{"file_path":' }, 'call_a'),
        call(1, { name: 'Read', arguments: '{"file_path":' }, 'call_b'),
        call(1, { arguments: '"/b"}' }),
        call(0, { arguments: '"/a"}' }),
        chunk({}, 'tool_calls'),
        usageChunk(50, 20),
      ]), { delayMs: 2 }),
    );
    const client = new Anthropic({ baseURL: gw.url('oa'), apiKey: 'x', maxRetries: 0 });
    const msg = await client.messages
      .stream({ model: 'claude-sonnet-5-5', max_tokens: 1000, thinking: { type: 'enabled', budget_tokens: 1024 }, tools: TOOLS as Anthropic.Tool[], messages: [{ role: 'user', content: 'read a and b' }] })
      .finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'tool_use', 'tool_use']);
    expect(msg.content[0]).toMatchObject({ thinking: 'Two files.' });
    expect(msg.content[1]).toMatchObject({ id: 'call_a', name: 'Read', input: { file_path: '/a' } });
    expect(msg.content[2]).toMatchObject({ id: 'call_b', name: 'Read', input: { file_path: '/b' } });
    expect(msg.stop_reason).toBe('tool_use');
  });

  it('reasoning_content then text → a signed thinking block, then a text block', async () => {
    oa.next((_req, res) =>
      sse(res, openaiStream([chunk({ role: 'assistant', content: null, reasoning_content: '' }), chunk({ reasoning_content: 'Let me ' }), chunk({ reasoning_content: 'think.' }), chunk({ content: 'The answer' }), chunk({ content: ' is 4.' }), chunk({}, 'stop'), usageChunk(12, 9)])),
    );
    const { msg } = await streamed(messagesBody({ stream: true, thinking: { type: 'enabled', budget_tokens: 2048 } }));
    expect(msg.content).toHaveLength(2);
    expect(msg.content[0]).toMatchObject({ type: 'thinking', thinking: 'Let me think.' });
    expect(typeof msg.content[0].signature).toBe('string');
    expect(msg.content[0].signature!.length).toBeGreaterThan(0);
    expect(msg.content[1]).toEqual({ type: 'text', text: 'The answer is 4.' });
    expect(msg.stop_reason).toBe('end_turn');
  });

  it('multi-byte UTF-8 split across TCP writes, one byte at a time → exact text', async () => {
    const bytes = Buffer.from(textStream('é🤖', '日本', ' ok é').join(''), 'utf8');
    oa.next((_req, res) => trickle(res, bytes, { 'content-type': 'text/event-stream' }));
    const { msg } = await streamed();
    expect(msg.content).toEqual([{ type: 'text', text: 'é🤖日本 ok é' }]);
  });

  it('multi-byte UTF-8 split byte by byte, non-streaming → exact text', async () => {
    const bytes = Buffer.from(JSON.stringify(completion({ content: 'é🤖日本' })), 'utf8');
    oa.next((_req, res) => trickle(res, bytes, { 'content-type': 'application/json' }));
    const res = await post(gw.url('oa'), messagesBody());
    expect(res.status).toBe(200);
    expect((await res.json()).content).toEqual([expect.objectContaining({ type: 'text', text: 'é🤖日本' })]);
  });

  it('anthropic passthrough split byte by byte → verbatim bytes', async () => {
    const pieces = anthropicStream(anthropicTextEvents('é🤖日本'));
    an.next((_req, res) => trickle(res, Buffer.from(pieces.join(''), 'utf8'), { 'content-type': 'text/event-stream' }));
    const { text, msg } = await streamed(messagesBody({ stream: true }), 'an');
    expect(text).toBe(pieces.join(''));
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'é🤖日本' });
  });

  it('a streaming request answered with plain JSON (server ignored stream:true) → a valid synthesized stream', async () => {
    oa.next((_req, res) => json(res, 200, completion({ content: 'not streamed', tool_calls: [{ id: 'call_x', type: 'function', function: { name: 'Bash', arguments: '{"command":"pwd"}' } }] }, 'tool_calls')));
    const { msg } = await streamed(messagesBody({ stream: true, tools: TOOLS }));
    expect(msg.content).toEqual([
      { type: 'text', text: 'not streamed' },
      { type: 'tool_use', id: 'call_x', name: 'Bash', input: { command: 'pwd' } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
  });

  it('SSE comment lines (": OPENROUTER PROCESSING") are skipped', async () => {
    const body = textStream('Hello', ' world');
    const pieces = [': OPENROUTER PROCESSING\n\n', ': OPENROUTER PROCESSING\n\n', body[0], ': OPENROUTER PROCESSING\n\n', ...body.slice(1, 3), ':\n\n', ...body.slice(3)];
    oa.next((_req, res) => sse(res, pieces, { delayMs: 5 }));
    const { text, msg } = await streamed();
    expect(text).not.toContain('OPENROUTER');
    expect(msg.content).toEqual([{ type: 'text', text: 'Hello world' }]);
  });

  for (const encoding of ['gzip', 'br'] as const) {
    it(`${encoding}-compressed streaming upstream → decoded, translated stream, no content-encoding`, async () => {
      oa.next((_req, res) => compressedSse(res, textStream('Com', 'pressed ', 'é🤖'), encoding));
      const { msg } = await streamed();
      expect(oa.last.headers['accept-encoding']).toContain(encoding);
      expect(msg.content).toEqual([{ type: 'text', text: 'Compressed é🤖' }]);
      expect(msg.stop_reason).toBe('end_turn');
    });

    it(`${encoding}-compressed non-streaming upstream → decoded, translated JSON, no content-encoding`, async () => {
      const raw = Buffer.from(JSON.stringify(completion({ content: 'zipped é🤖' })));
      const body = encoding === 'gzip' ? gzipSync(raw) : brotliCompressSync(raw);
      oa.next((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': body.length });
        res.end(body);
      });
      const res = await post(gw.url('oa'), messagesBody());
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBeNull();
      const msg = await res.json();
      expect(msg).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-sonnet-5-5', stop_reason: 'end_turn' });
      expect(msg.content).toEqual([expect.objectContaining({ type: 'text', text: 'zipped é🤖' })]);
    });

    it(`${encoding}-compressed upstream error body → decoded upstream message`, async () => {
      const body = Buffer.from(JSON.stringify({ error: { message: 'compressed quota message' } }));
      const z = encoding === 'gzip' ? gzipSync(body) : brotliCompressSync(body);
      oa.next((_req, res) => {
        res.writeHead(429, { 'content-type': 'application/json', 'content-encoding': encoding, 'retry-after': '3' });
        res.end(z);
      });
      const res = await post(gw.url('oa'), messagesBody({ stream: true }));
      expect(res.status).toBe(429);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect((await res.json()).error.message).toContain('compressed quota message');
    });
  }

  it('gzip-compressed anthropic passthrough stream → decoded bytes verbatim', async () => {
    const pieces = anthropicStream(anthropicTextEvents('zipped passthrough'));
    an.next((_req, res) => compressedSse(res, pieces, 'gzip'));
    const { text } = await streamed(messagesBody({ stream: true }), 'an');
    expect(text).toBe(pieces.join(''));
  });

  it('a finished stream leaves the upstream connection reusable (keep-alive)', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      oa.next((_req, res) => {
        ports.push(res.socket!.remotePort!);
        return sse(res, textStream(`turn ${i}`));
      });
      const { msg } = await streamed();
      expect(msg.content).toEqual([{ type: 'text', text: `turn ${i}` }]);
      await sleep(50);
    }
    expect(ports[1]).toBe(ports[0]);
  });

  it('backpressure: a client that stalls pauses the upstream; a 24 MB answer read slowly arrives complete and valid', async () => {
    const N = 6000;
    const piece = (i: number) => `${String(i).padStart(5, '0')}:${'abcdefghij'.repeat(399)}é\n`; // 4001 chars
    let written = 0;
    oa.next(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify(chunk({ role: 'assistant', content: '' }))}\n\n`);
      for (let i = 0; i < N; i++) {
        if (res.destroyed) return;
        const ok = res.write(`data: ${JSON.stringify(chunk({ content: piece(i) }))}\n\n`);
        written = i + 1;
        if (!ok) await new Promise((r) => res.once('drain', r));
      }
      res.end(openaiStream([chunk({}, 'stop'), usageChunk(10, N)]).join(''));
    });
    const res = await post(gw.url('oa'), messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = dec.decode((await reader.read()).value, { stream: true });

    // The client stops reading for longer than the idle timeout: once every buffer on
    // the way is full the upstream must be held back, not drained into gateway memory.
    let last = -1;
    let stableSince = Date.now();
    const t0 = Date.now();
    while (Date.now() - stableSince < 400 && Date.now() - t0 < 4000) {
      await sleep(50);
      if (written !== last) {
        last = written;
        stableSince = Date.now();
      }
    }
    expect(written).toBeLessThan(N);
    expect(Date.now() - t0).toBeGreaterThan(400);

    let reads = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value, { stream: true });
      if (++reads % 50 === 0) await sleep(1);
    }
    text += dec.decode();
    const events = parseAnthropicSse(text);
    assertValidAnthropicStream(events);
    const msg = accumulateMessage(events);
    expect(msg.content).toHaveLength(1);
    const got = msg.content[0].text!;
    let expected = '';
    for (let i = 0; i < N; i++) expected += piece(i);
    expect(got.length).toBe(expected.length);
    expect(got === expected).toBe(true);
    expect(msg.stop_reason).toBe('end_turn');
  });
});

describe('heartbeat', () => {
  let oa: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    oa = await ScriptedUpstream.start();
    gw = await startGateway({
      server: { timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: 30_000 } },
      providers: { oa: { type: 'openai-compatible', baseUrl: oa.url, apiKey: 'sk-oa-secret-1234', models: { sonnet: 'up-model' } } },
    });
  });
  afterAll(async () => {
    await gw.close();
    await oa.close();
  });

  // The client's headers are held up to 2 s waiting for the first content (so a provider that fails at
  // once can still be replaced), then pings keep the client alive after 10 s without a write.
  it('a ping reaches the client while the upstream is silent (gateway pings after 10 s of silence)', { timeout: 25_000 }, async () => {
    let resumedAt = 0;
    oa.next(async (_req, res) => {
      await sse(res, [`data: ${JSON.stringify(chunk({ role: 'assistant', content: '' }))}\n\n`], { end: false });
      await sleep(12_700); // a long reasoning pause
      resumedAt = Date.now();
      res.end(textStream('after the pause').slice(1).join(''));
    });
    const res = await post(gw.url('oa'), messagesBody({ stream: true }));
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    let secondPingAt = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value, { stream: true });
      if (!secondPingAt && (text.match(/event: ping/g) ?? []).length >= 2) secondPingAt = Date.now();
    }
    expect(secondPingAt).toBeGreaterThan(0);
    expect(secondPingAt).toBeLessThan(resumedAt);
    const events = parseAnthropicSse(text);
    assertValidAnthropicStream(events);
    expect(events.slice(0, 3).map((e) => e.event)).toEqual(['message_start', 'ping', 'ping']);
    expect(accumulateMessage(events).content).toEqual([{ type: 'text', text: 'after the pause' }]);
  });
});
