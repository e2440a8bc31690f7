// The gemini dialect end to end through a real gateway, against a scripted upstream
// speaking Google AI Studio's wire format: URLs, auth, streamed and parallel
// function calls, thought signatures across turns, safety, MAX_TOKENS, mid-stream
// errors, UTF-8 split across reads, non-streaming answers, and the SDK with tools.
import Anthropic from '@anthropic-ai/sdk';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accumulateMessage, assertValidAnthropicStream } from '../anthropic-stream.js';
import { gChunk, geminiAnswer, geminiStream, serveGemini } from '../gemini-upstream.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { json, ScriptedUpstream, sleep } from '../upstream.js';
import { messagesBody, post, readSse, terminalError } from './_helpers.js';

const KEY = 'AIza-test-gemini-secret-1234';
const TOOLS = [
  {
    name: 'Read',
    description: 'Read a file',
    input_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', additionalProperties: false, properties: { file_path: { type: 'string' }, limit: { type: 'integer', exclusiveMinimum: 0 } }, required: ['file_path'] },
  },
  { name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
];
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

async function trickle(res: ServerResponse, bytes: Buffer): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (let i = 0; i < bytes.length; i++) {
    if (res.destroyed) return;
    res.write(bytes.subarray(i, i + 1));
    await sleep(1);
  }
  res.end();
}

describe('gemini dialect (Google AI Studio wire format)', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    gw = await startGateway({
      server: { timeouts: { connectMs: 1000, firstByteMs: 3000, idleMs: 3000 } },
      providers: {
        gem: { type: 'aistudio', baseUrl: up.url + '/v1beta', apiKey: KEY },
        gem3: { type: 'aistudio', baseUrl: up.url + '/v1beta', apiKey: KEY, models: { opus: 'gemini-3-pro-preview', sonnet: 'gemini-3-pro-preview' } },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
  });
  beforeEach(() => {
    up.requests.length = 0;
  });

  async function streamed(body: Record<string, unknown>, id = 'gem') {
    const res = await post(gw.url(id), body);
    expect(res.status).toBe(200);
    const { text, events } = await readSse(res);
    assertValidAnthropicStream(events);
    return { res, text, events, msg: accumulateMessage(events) };
  }

  it('streams text from {base}/models/{model}:streamGenerateContent?alt=sse with x-goog-api-key', async () => {
    up.next((_req, res) =>
      serveGemini(res, [gChunk([{ text: 'Hello ' }]), gChunk([{ text: 'from Gemini' }], { finish: 'STOP', usage: { promptTokenCount: 1000, cachedContentTokenCount: 400, candidatesTokenCount: 50, thoughtsTokenCount: 30 } })]),
    );
    const { res, msg } = await streamed(messagesBody({ stream: true, system: [{ type: 'text', text: 'Be brief.' }] }));
    expect(res.headers.get('x-switchboard-provider')).toBe('gem');
    expect(res.headers.get('x-switchboard-model')).toBe('gemini-2.5-pro');
    expect(msg.model).toBe('claude-sonnet-5-5');
    expect(msg.content).toEqual([{ type: 'text', text: 'Hello from Gemini' }]);
    expect(msg.stop_reason).toBe('end_turn');
    // Cached tokens split out of the prompt; thinking counted as output.
    expect(msg.usage).toMatchObject({ input_tokens: 600, cache_read_input_tokens: 400, output_tokens: 80 });

    const req = up.last;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(req.headers['x-goog-api-key']).toBe(KEY);
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers['x-api-key']).toBeUndefined();
    expect(req.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 1024 },
    });
  });

  it('non-streaming: {model}:generateContent, JSON message back', async () => {
    up.next((_req, res) => json(res, 200, geminiAnswer([{ text: 'plain answer' }], 'STOP', { promptTokenCount: 12, candidatesTokenCount: 3 })));
    const res = await post(gw.url('gem'), messagesBody());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-sonnet-5-5', content: [{ type: 'text', text: 'plain answer' }], stop_reason: 'end_turn', usage: { input_tokens: 12, output_tokens: 3 } });
    expect(up.last.url).toBe('/v1beta/models/gemini-2.5-pro:generateContent');
  });

  it('parallel function calls → complete tool_use blocks in order, stop_reason tool_use; schemas sanitized', async () => {
    up.next((_req, res) =>
      serveGemini(res, [
        gChunk([{ text: 'Reading both.' }]),
        gChunk([{ functionCall: { name: 'Read', args: { file_path: '/a' } } }, { functionCall: { name: 'Read', args: { file_path: '/b', limit: 5 } } }]),
        gChunk([], { finish: 'STOP', usage: { promptTokenCount: 300, candidatesTokenCount: 40 } }),
      ]),
    );
    const { msg } = await streamed(messagesBody({ stream: true, tools: TOOLS, tool_choice: { type: 'auto' } }));
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'tool_use', 'tool_use']);
    expect(msg.content[1]).toMatchObject({ name: 'Read', input: { file_path: '/a' } });
    expect(msg.content[2]).toMatchObject({ name: 'Read', input: { file_path: '/b', limit: 5 } });
    expect(msg.content[1].id).toMatch(TOOL_ID);
    expect(msg.content[1].id).not.toBe(msg.content[2].id);
    expect(msg.stop_reason).toBe('tool_use');

    const sent = up.last.body;
    expect(sent.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    const decls = sent.tools[0].functionDeclarations;
    expect(decls.map((d: { name: string }) => d.name)).toEqual(['Read', 'Bash']);
    // JSON Schema 2020-12 keywords Gemini rejects are gone.
    expect(JSON.stringify(decls)).not.toMatch(/\$schema|additionalProperties|exclusiveMinimum/);
    expect(decls[0].parameters).toMatchObject({ type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] });
  });

  it('thought signatures survive a round trip: the second request carries each signature on its own part', async () => {
    up.next((_req, res) =>
      serveGemini(res, [
        gChunk([{ text: 'I should list files.', thought: true }], { model: 'gemini-3-pro-preview' }),
        gChunk([{ thought: true, thoughtSignature: 'VGhvdWdodFNpZw==' }], { model: 'gemini-3-pro-preview' }),
        gChunk(
          [
            { functionCall: { name: 'Bash', args: { command: 'ls' } }, thoughtSignature: 'Q2FsbFNpZ0ZpcnN0' },
            { functionCall: { name: 'Read', args: { file_path: '/etc/hostname' } } },
          ],
          { model: 'gemini-3-pro-preview', finish: 'STOP', usage: { promptTokenCount: 200, candidatesTokenCount: 20, thoughtsTokenCount: 15 } },
        ),
      ]),
    );
    const ask = { role: 'user', content: 'look around' };
    const thinking = { type: 'adaptive', display: 'summarized' };
    const { msg } = await streamed({ model: 'claude-opus-5-5', max_tokens: 4096, stream: true, thinking, tools: TOOLS, messages: [ask] }, 'gem3');
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'tool_use', 'tool_use']);
    expect(msg.content[0]).toMatchObject({ thinking: 'I should list files.' });
    expect(msg.content[0].signature).toMatch(/^swb1\./);
    const [call1, call2] = [msg.content[1], msg.content[2]];
    expect(call1.id).toMatch(TOOL_ID);
    // Gemini 3 thinks at a level, and thoughts were asked for.
    expect(up.last.body.generationConfig.thinkingConfig).toEqual({ thinkingLevel: 'high', includeThoughts: true });

    // Turn 2, as Claude Code sends it: the assistant turn replayed verbatim, then both results.
    up.next((_req, res) => serveGemini(res, [gChunk([{ text: 'Two results read.' }], { finish: 'STOP', model: 'gemini-3-pro-preview' })]));
    const assistant = { role: 'assistant', content: msg.content };
    const results = {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: call1.id, content: 'a.txt\nb.txt' },
        { type: 'tool_result', tool_use_id: call2.id, content: 'box' },
      ],
    };
    const turn2 = await streamed({ model: 'claude-opus-5-5', max_tokens: 4096, stream: true, thinking, tools: TOOLS, messages: [ask, assistant, results] }, 'gem3');
    expect(turn2.msg.content).toEqual([{ type: 'text', text: 'Two results read.' }]);

    const contents = up.last.body.contents;
    expect(contents.map((c: { role: string }) => c.role)).toEqual(['user', 'model', 'user']);
    expect(contents[1].parts).toEqual([
      { text: 'I should list files.', thought: true, thoughtSignature: 'VGhvdWdodFNpZw==' },
      { functionCall: { name: 'Bash', args: { command: 'ls' } }, thoughtSignature: 'Q2FsbFNpZ0ZpcnN0' },
      // Only the first parallel call is signed, as Gemini sent it.
      { functionCall: { name: 'Read', args: { file_path: '/etc/hostname' } } },
    ]);
    expect(contents[2].parts).toEqual([
      { functionResponse: { name: 'Bash', response: { content: 'a.txt\nb.txt' } } },
      { functionResponse: { name: 'Read', response: { content: 'box' } } },
    ]);

    // The same history sent to another Gemini model: its signatures are not replayed there.
    up.next((_req, res) => serveGemini(res, [gChunk([{ text: 'ok' }], { finish: 'STOP' })]));
    await streamed({ model: 'claude-opus-5-5', max_tokens: 4096, stream: true, tools: TOOLS, messages: [ask, assistant, results] }, 'gem');
    expect(up.last.url).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(up.last.raw).not.toMatch(/VGhvdWdodFNpZw|Q2FsbFNpZ0ZpcnN0/);
  });

  it('a safety stop with no content → a refusal with an explanatory text block', async () => {
    up.next((_req, res) =>
      serveGemini(res, [{ candidates: [{ finishReason: 'SAFETY', index: 0, safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }] }], usageMetadata: { promptTokenCount: 20, totalTokenCount: 20 } }]),
    );
    const { msg } = await streamed(messagesBody({ stream: true }));
    expect(msg.stop_reason).toBe('refusal');
    expect(msg.content).toHaveLength(1);
    expect(msg.content[0].text).toMatch(/SAFETY/);
  });

  it('a blocked prompt (promptFeedback.blockReason) → refusal', async () => {
    up.next((_req, res) => serveGemini(res, [{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 } }]));
    const { msg } = await streamed(messagesBody({ stream: true }));
    expect(msg.stop_reason).toBe('refusal');
    expect(msg.content[0].text).toMatch(/PROHIBITED_CONTENT/);
  });

  it('MAX_TOKENS → stop_reason max_tokens, text kept; max_tokens is clamped to the model ceiling', async () => {
    up.next((_req, res) => serveGemini(res, [gChunk([{ text: 'cut sho' }], { finish: 'MAX_TOKENS', usage: { promptTokenCount: 10, candidatesTokenCount: 3 } })]));
    const { msg } = await streamed(messagesBody({ stream: true, max_tokens: 128000 }));
    expect(msg.stop_reason).toBe('max_tokens');
    expect(msg.content).toEqual([{ type: 'text', text: 'cut sho' }]);
    expect(up.last.body.generationConfig.maxOutputTokens).toBe(65536);
  });

  it('an error event after content → the text so far, then one terminal error event', async () => {
    up.next((_req, res) => serveGemini(res, [gChunk([{ text: 'Let me look at this' }]), { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }]));
    const res = await post(gw.url('gem'), messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    expect(terminalError(events)).toEqual({ type: 'overloaded_error', message: expect.stringMatching(/overloaded/) });
    expect(accumulateMessage(events).content).toEqual([{ type: 'text', text: 'Let me look at this' }]);
  });

  it('a stream cut after content without finishReason → error event, never a clean end', async () => {
    up.next((_req, res) => serveGemini(res, [gChunk([{ text: 'partial' }])]));
    const { events } = await readSse(await post(gw.url('gem'), messagesBody({ stream: true })));
    expect(terminalError(events).type).toBe('api_error');
  });

  it('multi-byte UTF-8 split one byte per write → exact text and tool arguments', async () => {
    const bytes = Buffer.from(
      geminiStream([gChunk([{ text: 'é🤖' }]), gChunk([{ text: '日本 ok é' }]), gChunk([{ functionCall: { name: 'Bash', args: { command: 'echo 🤖é' } } }], { finish: 'STOP' })]).join(''),
      'utf8',
    );
    up.next((_req, res) => trickle(res, bytes));
    const { msg } = await streamed(messagesBody({ stream: true, tools: TOOLS }));
    expect(msg.content[0]).toEqual({ type: 'text', text: 'é🤖日本 ok é' });
    expect(msg.content[1]).toMatchObject({ type: 'tool_use', name: 'Bash', input: { command: 'echo 🤖é' } });
  });

  it('a stream request answered with plain JSON → a valid synthesized stream', async () => {
    up.next((_req, res) => json(res, 200, geminiAnswer([{ text: 'not streamed' }, { functionCall: { name: 'Bash', args: { command: 'pwd' } } }])));
    const { msg } = await streamed(messagesBody({ stream: true, tools: TOOLS }));
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    expect(msg.stop_reason).toBe('tool_use');
  });

  it('@anthropic-ai/sdk streams a tool call through the AI Studio port and sends the result back', async () => {
    up.next((_req, res) =>
      serveGemini(res, [gChunk([{ text: 'Checking.' }]), gChunk([{ functionCall: { name: 'Bash', args: { command: 'uname' } } }], { finish: 'STOP', usage: { promptTokenCount: 50, candidatesTokenCount: 9 } })], { delayMs: 2 }),
    );
    const client = new Anthropic({ baseURL: gw.url('gem'), apiKey: 'x', maxRetries: 0 });
    const tools = TOOLS as Anthropic.Tool[];
    const ask: Anthropic.MessageParam = { role: 'user', content: 'what os?' };
    const msg = await client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 1000, tools, messages: [ask] }).finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    const call = msg.content[1] as Anthropic.ToolUseBlock;
    expect(call).toMatchObject({ name: 'Bash', input: { command: 'uname' } });
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.usage).toMatchObject({ input_tokens: 50, output_tokens: 9 });

    up.next((_req, res) => serveGemini(res, [gChunk([{ text: 'Linux.' }], { finish: 'STOP' })]));
    const next = await client.messages
      .stream({ model: 'claude-sonnet-5-5', max_tokens: 1000, tools, messages: [ask, { role: 'assistant', content: msg.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Linux' }] }] })
      .finalMessage();
    expect(next.content).toEqual([expect.objectContaining({ type: 'text', text: 'Linux.' })]);
    expect(up.last.body.contents.at(-1)).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'Bash', response: { content: 'Linux' } } }] });
  });
});
