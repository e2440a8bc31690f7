import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicStream, anthropicTextEvents, chunk, completion, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';

describe('smoke: both dialects end to end', () => {
  let openai: ScriptedUpstream;
  let anthropic: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    openai = await ScriptedUpstream.start();
    anthropic = await ScriptedUpstream.start();
    gw = await startGateway({
      providers: {
        oa: { type: 'openai-compatible', baseUrl: openai.url, apiKey: 'sk-oa-secret', models: { sonnet: 'gpt-test' } },
        an: { type: 'anthropic', baseUrl: anthropic.url, apiKey: 'sk-ant-secret' },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await openai.close();
    await anthropic.close();
  });

  it('streams an openai-chat answer to the SDK', async () => {
    openai.next((_req, res) => sse(res, openaiStream([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), usageChunk(20, 2)])));
    const client = new Anthropic({ baseURL: gw.url('oa'), apiKey: 'x' });
    const msg = await client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 128000, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(msg.content).toHaveLength(1);
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello' });
    expect(msg.usage.input_tokens).toBe(20);
    expect(openai.last.body.model).toBe('gpt-test');
    expect(openai.last.body.max_tokens).toBe(8192);
    expect(openai.last.headers.authorization).toBe('Bearer sk-oa-secret');
  });

  it('answers non-streaming through openai-chat', async () => {
    openai.next((_req, res) => json(res, 200, completion({ content: 'ok' })));
    const client = new Anthropic({ baseURL: gw.url('oa'), apiKey: 'x' });
    const msg = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'ok' });
    expect(msg.model).toBe('claude-sonnet-5-5');
  });

  it('passes an anthropic stream through byte for byte', async () => {
    const pieces = anthropicStream(anthropicTextEvents('passthrough!'));
    anthropic.next((_req, res) => sse(res, pieces));
    const res = await fetch(gw.url('an') + '/v1/messages?beta=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219' },
      body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(pieces.join(''));
    expect(anthropic.last.url).toBe('/v1/messages?beta=true');
    expect(anthropic.last.headers['x-api-key']).toBe('sk-ant-secret');
    expect(anthropic.last.headers['anthropic-beta']).toBe('claude-code-20250219');
    expect(res.headers.get('x-switchboard-provider')).toBe('an');
  });
});
