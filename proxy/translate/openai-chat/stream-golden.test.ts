// Golden upstream captures through the stream translator; stream.test.ts covers behaviour.
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { accumulateMessage, parseAnthropicSse } from '../../test/anthropic-stream.js';
import { events, fixture, sig, translate, usage0 } from '../../test/chat-stream-helpers.js';
import { decodeEnvelope } from '../../sessions/thinking-envelope.js';

interface Golden {
  file: string;
  content?: unknown[];
  stop_reason?: string;
  usage?: Record<string, number>;
  error?: { type: string; message: string | RegExp };
}

const GOLDEN: Golden[] = [
  {
    file: 'openai-text.sse',
    content: [{ type: 'text', text: 'Bonjour é🤖 ! Ça va très bien.' }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 12 },
  },
  {
    file: 'openrouter-reasoning-text.sse',
    content: [
      { type: 'thinking', thinking: 'The user greets me in French — réponds 🤖.', signature: sig },
      { type: 'text', text: 'Salut ! Je suis là.' },
    ],
    stop_reason: 'end_turn',
    usage: { input_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 30 },
  },
  {
    file: 'deepseek-reasoning-tool.sse',
    content: [
      { type: 'thinking', thinking: 'I should run echo with é🤖 to test UTF-8.', signature: sig },
      { type: 'tool_use', id: 'call_00_ZmSgq3vT8pY', name: 'Bash', input: { command: "echo 'é🤖'", description: 'Print é🤖' } },
    ],
    stop_reason: 'tool_use',
    usage: { input_tokens: 136, cache_creation_input_tokens: 0, cache_read_input_tokens: 4864, output_tokens: 80 },
  },
  {
    file: 'parallel-sequential.sse',
    content: [
      { type: 'tool_use', id: 'call_Ab12Cd34', name: 'Read', input: { file_path: '/tmp/a.txt' } },
      { type: 'tool_use', id: 'call_Ef56Gh78', name: 'Read', input: { file_path: '/tmp/b.txt' } },
    ],
    stop_reason: 'tool_use',
    usage: { input_tokens: 300, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 40 },
  },
  {
    file: 'parallel-interleaved.sse',
    content: [
      { type: 'text', text: 'Je lis les deux fichiers.' },
      { type: 'tool_use', id: 'call_one', name: 'Read', input: { file_path: '/tmp/é🤖.txt' } },
      { type: 'tool_use', id: 'call_two', name: 'Grep', input: { pattern: 'é🤖', path: '/tmp' } },
    ],
    stop_reason: 'tool_use',
    usage: usage0,
  },
  {
    file: 'args-before-name.sse',
    content: [{ type: 'tool_use', id: 'chatcmpl-tool-9f8e7d', name: 'Glob', input: { pattern: '**/*.ts' } }],
    stop_reason: 'tool_use',
    usage: { input_tokens: 800, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 20 },
  },
  {
    file: 'ollama-whole-args.sse',
    content: [
      { type: 'thinking', thinking: 'Need to write the file é🤖.', signature: sig },
      { type: 'tool_use', id: 'call_ol1zq8x2', name: 'Write', input: { file_path: '/tmp/é🤖.txt', content: 'héllo 🤖\nligne 2' } },
    ],
    stop_reason: 'tool_use', // upstream said "stop"
    usage: { input_tokens: 900, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 31 },
  },
  {
    file: 'interleaved-thinking.sse',
    content: [
      { type: 'thinking', thinking: 'First, list files.', signature: sig },
      { type: 'text', text: 'Listing.\n' },
      { type: 'tool_use', id: 'call_a1', name: 'Bash', input: { command: 'ls' } },
      { type: 'thinking', thinking: 'Then read the README.', signature: sig },
      { type: 'tool_use', id: 'call_a2', name: 'Read', input: { file_path: '/tmp/README.md' } },
    ],
    stop_reason: 'tool_use',
    usage: { input_tokens: 88, cache_creation_input_tokens: 100, cache_read_input_tokens: 512, output_tokens: 60 },
  },
  {
    file: 'gemini-no-index.sse',
    content: [
      { type: 'tool_use', id: 'function-call-1', name: 'Read', input: { file_path: '/a' } },
      { type: 'tool_use', id: 'function-call-2', name: 'Read', input: { file_path: '/b' } },
    ],
    stop_reason: 'tool_use',
    usage: { input_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 10 },
  },
  {
    file: 'index-reuse.sse',
    content: [
      { type: 'tool_use', id: 'call_1', name: 'Read', input: { file_path: '/x' } },
      { type: 'tool_use', id: 'call_2', name: 'Bash', input: { command: 'pwd' } },
    ],
    stop_reason: 'tool_use',
    usage: usage0,
  },
  {
    file: 'openrouter-error.sse',
    content: [{ type: 'text', text: 'Let me look at this' }],
    error: { type: 'overloaded_error', message: 'upstream failed mid-stream: Provider returned error' },
  },
  {
    file: 'garbage.sse',
    content: [{ type: 'text', text: 'Partial answer' }],
    error: { type: 'api_error', message: /mid-stream/ },
  },
  {
    file: 'truncated.sse',
    content: [{ type: 'text', text: 'Here is the start of a long answer é🤖' }],
    error: { type: 'api_error', message: 'upstream stream ended before completion' },
  },
];

describe('ChatStreamTranslator: golden upstream captures', () => {
  for (const g of GOLDEN) {
    it(`${g.file} → valid Anthropic stream with the expected message`, () => {
      const { text, t } = translate([fixture(g.file)]);
      const ev = events(text);
      const msg = accumulateMessage(ev);
      expect(msg.id).toBe('msg_01STREAM');
      expect(msg.model).toBe('claude-opus-5-5');
      expect(msg.content).toEqual(g.content);
      expect(text).not.toContain('\uFFFD');
      expect(t.finished).toBe(true);
      if (g.error) {
        expect(ev.at(-1)!.event).toBe('error');
        expect(msg.error?.type).toBe(g.error.type);
        expect(msg.error?.message).toMatch(g.error.message);
        expect(ev.filter((e) => e.event === 'error')).toHaveLength(1);
        expect(t.stopReason).toBeNull();
      } else {
        expect(msg.error).toBeUndefined();
        expect(msg.stop_reason).toBe(g.stop_reason);
        expect(msg.usage).toEqual(g.usage);
        expect(t.stopReason).toBe(g.stop_reason);
        expect(t.usage).toEqual(g.usage);
      }
      // Every thinking block is signed with our envelope for this provider and upstream model.
      for (const b of msg.content.filter((c) => c.type === 'thinking')) {
        expect(decodeEnvelope(b.signature)).toEqual({ provider: 'deepseek', model: 'deepseek-v4-pro' });
      }
    });
  }

  it('byte-identical output when every fixture is split at every byte offset', () => {
    for (const g of GOLDEN) {
      const buf = fixture(g.file);
      const whole = translate([buf]).text;
      for (let i = 1; i < buf.length; i++) {
        const split = translate([buf.subarray(0, i), buf.subarray(i)]).text;
        if (split !== whole) throw new Error(`${g.file}: output differs when split at byte ${i}`);
      }
    }
  });

  it('byte-by-byte and random three-way feeding give the same stream (UTF-8 safe)', () => {
    for (const file of ['openai-text.sse', 'deepseek-reasoning-tool.sse', 'parallel-interleaved.sse', 'ollama-whole-args.sse', 'parallel-sequential.sse']) {
      const buf = fixture(file);
      const whole = translate([buf]).text;
      const bytes: Buffer[] = [];
      for (let i = 0; i < buf.length; i++) bytes.push(buf.subarray(i, i + 1));
      expect(translate(bytes).text, file).toBe(whole);
      let seed = 7;
      const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      for (let k = 0; k < 200; k++) {
        const a = rnd(buf.length);
        const b = a + rnd(buf.length - a);
        expect(translate([buf.subarray(0, a), buf.subarray(a, b), buf.subarray(b)]).text).toBe(whole);
      }
    }
  });

  it('interleaved parallel calls never interleave blocks: the second call is buffered and sent whole', () => {
    const ev = events(translate([fixture('parallel-interleaved.sse')]).text);
    const seq = ev
      .filter((e) => e.event.startsWith('content_block'))
      .map((e) => `${e.event.replace('content_block_', '')}:${e.data.index}${e.data.delta?.partial_json !== undefined ? `:${e.data.delta.partial_json}` : ''}`);
    expect(seq).toEqual([
      'start:0',
      'delta:0',
      'stop:0',
      'start:1',
      'delta:1:{"file_path":',
      'delta:1:"/tmp/é🤖.txt"}',
      'stop:1',
      'start:2',
      'delta:2:{"pattern":"é🤖","path":"/tmp"}',
      'stop:2',
    ]);
  });

  it('Ollama-style whole arguments produce exactly one input_json_delta', () => {
    const ev = events(translate([fixture('ollama-whole-args.sse')]).text);
    const json = ev.filter((e) => e.data.delta?.type === 'input_json_delta');
    expect(json).toHaveLength(1);
  });

  it('the real Anthropic SDK accepts the streams and agrees with accumulateMessage', async () => {
    for (const g of GOLDEN.filter((x) => !x.error)) {
      const text = translate([fixture(g.file)]).text;
      const client = new Anthropic({
        apiKey: 'test',
        baseURL: 'http://gateway.test',
        maxRetries: 0,
        fetch: async () => new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
      });
      const final = await client.messages.stream({ model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
      const ours = accumulateMessage(parseAnthropicSse(text));
      expect(final.content, g.file).toEqual(ours.content);
      expect(final.stop_reason).toBe(ours.stop_reason);
      expect(final.usage).toMatchObject(ours.usage);
    }
  });

  it('the SDK raises the mid-stream error', async () => {
    const text = translate([fixture('openrouter-error.sse')]).text;
    const client = new Anthropic({
      apiKey: 'test',
      baseURL: 'http://gateway.test',
      maxRetries: 0,
      fetch: async () => new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    });
    await expect(client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()).rejects.toThrow(/Provider returned error/);
  });
});
