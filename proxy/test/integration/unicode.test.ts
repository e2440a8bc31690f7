import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../sessions/thinking-envelope.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, completion, json, openaiStream, ScriptedUpstream, sse } from '../upstream.js';

// Request bodies are handled as byte strings when lossless (protocol/anthropic/byte-strings.ts).
// These tests prove no character is altered on the way to an openai-chat upstream,
// whatever the client's JSON looks like.

const TEXT = 'héllo 🤖 日本語 — “quotes” \u001b[31mred\u001b[0m';

describe('non-ASCII text reaches the upstream unchanged', () => {
  let up: ScriptedUpstream;
  let an: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    an = await ScriptedUpstream.start();
    up.otherwise((_req, res) => json(res, 200, completion({ content: 'ok' })));
    an.otherwise((_req, res) => json(res, 200, { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }));
    gw = await startGateway({
      providers: {
        oa: { type: 'openai-compatible', baseUrl: up.url },
        ds: { type: 'deepseek', baseUrl: up.url, apiKey: 'sk-ds', models: { sonnet: 'deepseek-v4-flash' } },
        lm: { type: 'anthropic-compatible', baseUrl: an.url, models: { sonnet: 'qwen3' } },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
    await an.close();
  });

  const request = (content: string, extra: object = {}) => ({ model: 'claude-sonnet-5-5', max_tokens: 50, system: `sys ${TEXT}`, messages: [{ role: 'user', content }], ...extra });

  for (const [name, encode] of [
    ['raw UTF-8 JSON (what Claude Code sends)', (o: object) => JSON.stringify(o)],
    ['ASCII-only JSON with \\u escapes (Python json.dumps)', (o: object) => JSON.stringify(o).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))],
  ] as const) {
    it(`openai-chat: ${name}`, async () => {
      const res = await fetch(gw.url('oa') + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: encode(request(TEXT, { stop_sequences: ['ß-stop'] })) });
      expect(res.status).toBe(200);
      const sent = up.last.body;
      expect(sent.messages[0].content).toBe(`sys ${TEXT}`);
      expect(sent.messages[1].content).toBe(TEXT);
      expect(sent.stop).toEqual(['ß-stop']);
    });

    it(`anthropic passthrough with a mapped model: ${name}`, async () => {
      const res = await fetch(gw.url('lm') + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: encode(request(TEXT)) });
      expect(res.status).toBe(200);
      expect(an.last.body.model).toBe('qwen3');
      expect(an.last.body.messages[0].content).toBe(TEXT);
      expect(an.last.body.system).toBe(`sys ${TEXT}`);
    });
  }

  it('DeepSeek gets non-ASCII reasoning back from an omitted-display envelope', async () => {
    const reasoning = 'Je réfléchis… 思考 🤔';
    const signature = encodeEnvelope({ provider: 'ds', model: 'deepseek-v4-flash', reasoning });
    const messages = [
      { role: 'user', content: 'liste les fichiers' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: '', signature }, { type: 'tool_use', id: 'call_1', name: 'Bash', input: { command: 'ls é' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'fichier-é.txt' }] },
    ];
    up.next((_req, res) => sse(res, openaiStream([chunk({ content: 'voilà' }), chunk({}, 'stop')])));
    const res = await fetch(gw.url('ds') + '/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 100, stream: true, thinking: { type: 'adaptive', display: 'omitted' }, messages }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const assistant = up.last.body.messages.find((m: { role: string }) => m.role === 'assistant');
    expect(assistant.reasoning_content).toBe(reasoning);
    expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toEqual({ command: 'ls é' });
    expect(up.last.body.messages.find((m: { role: string }) => m.role === 'tool').content).toBe('fichier-é.txt');
  });
});
