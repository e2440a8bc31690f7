// Golden Gemini SSE captures through the stream translator; stream.test.ts covers behaviour.
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { accumulateMessage, parseAnthropicSse } from '../../test/anthropic-stream.js';
import { events, fixture, sig, translate } from '../../test/gemini-helpers.js';
import { decodeEnvelope } from '../../sessions/thinking-envelope.js';
import { bindingTag, decodeCarrierState, decodeToolId } from './signatures.js';

const SIG_TEXT = 'CiQBjz1rX3Q0cmVzdHNpZ25hdHVyZQ==';
const SIG_CALL = 'EpYCCpMCAdHtim9Q3h+YfW1uZ/0xK2pRbA5vN0Y4dGVzdA==';
const SIG_PAR = 'Cs4BAdHtim8kZmlyc3QvY2FsbCtzaWc=';
const SIG_THOUGHT = 'CrwBAdHtim9yb3VnaHQrcnVuL3NpZw==';
const TAG = bindingTag('gemini', 'gemini-3-pro-preview');
const toolId = expect.stringMatching(/^toolu_[a-zA-Z0-9_-]+$/);
const usage = (input: number, output: number, cacheRead = 0) => ({ input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: cacheRead, output_tokens: output });

interface Golden {
  file: string;
  content: unknown[];
  stop_reason?: string;
  usage?: Record<string, number>;
  error?: { type: string; message: string | RegExp };
}

const GOLDEN: Golden[] = [
  {
    file: 'gemini-text.sse',
    // The trailing empty part's signature travels in a carrier block right after the text.
    content: [{ type: 'text', text: 'Bonjour é🤖 ! Ça va très bien.' }, { type: 'thinking', thinking: '', signature: sig }],
    stop_reason: 'end_turn',
    usage: usage(1114, 132, 4096),
  },
  {
    file: 'gemini-thinking-tool.sse',
    content: [
      { type: 'thinking', thinking: '**Planning**\nI should run echo with é🤖 to test UTF-8.', signature: sig },
      { type: 'tool_use', id: toolId, name: 'Bash', input: { command: "echo 'é🤖'", description: 'Print é🤖' } },
    ],
    stop_reason: 'tool_use',
    usage: usage(900, 80),
  },
  {
    file: 'gemini-parallel.sse',
    content: [
      { type: 'text', text: 'Je lis les deux fichiers é🤖.' },
      { type: 'tool_use', id: toolId, name: 'Read', input: { file_path: '/tmp/é🤖.txt' } },
      { type: 'tool_use', id: toolId, name: 'Read', input: { file_path: '/tmp/b.txt' } },
    ],
    stop_reason: 'tool_use',
    usage: usage(300, 40),
  },
  {
    file: 'gemini-thought-signed.sse',
    content: [{ type: 'thinking', thinking: 'Thinking about é🤖', signature: sig }, { type: 'text', text: 'Done.' }],
    stop_reason: 'end_turn',
    usage: usage(40, 11),
  },
  {
    file: 'gemini-safety.sse',
    content: [{ type: 'text', text: '[Gemini stopped the response (finishReason SAFETY).]' }],
    stop_reason: 'refusal',
    usage: usage(20, 0),
  },
  {
    file: 'gemini-max-tokens.sse',
    content: [{ type: 'text', text: 'Voici le début d’une longue réponse é🤖 qui continue' }],
    stop_reason: 'max_tokens',
    usage: usage(50, 16),
  },
  {
    file: 'gemini-prompt-blocked.sse',
    content: [{ type: 'text', text: '[Gemini blocked the prompt (blockReason PROHIBITED_CONTENT).]' }],
    stop_reason: 'refusal',
    usage: usage(12, 0),
  },
  {
    file: 'gemini-malformed-call.sse',
    content: [{ type: 'text', text: '[Gemini could not complete a tool call (MALFORMED_FUNCTION_CALL): Malformed function call: print(default_api.Bash(command=))]' }],
    stop_reason: 'end_turn',
    usage: usage(70, 0),
  },
  {
    file: 'gemini-truncated.sse',
    content: [{ type: 'text', text: 'Here is the start of a long answer é🤖 and more' }],
    error: { type: 'api_error', message: 'upstream stream ended before completion' },
  },
  {
    file: 'gemini-error.sse',
    content: [{ type: 'text', text: 'Let me look at this' }],
    error: { type: 'overloaded_error', message: 'upstream failed mid-stream: The model is overloaded. Please try again later.' },
  },
  {
    file: 'gemini-garbage.sse',
    content: [{ type: 'text', text: 'Partial answer' }],
    error: { type: 'api_error', message: /malformed event data/ },
  },
];

describe('GeminiStreamTranslator: golden upstream captures', () => {
  for (const g of GOLDEN) {
    it(`${g.file} → valid Anthropic stream with the expected message`, () => {
      const { text, t } = translate([fixture(g.file)]);
      const ev = events(text);
      const msg = accumulateMessage(ev);
      expect(msg.id).toBe('msg_01GEMINI');
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
        expect(t.usage).toEqual(g.usage);
      }
      for (const b of msg.content.filter((c) => c.type === 'thinking')) {
        expect(decodeEnvelope(b.signature)).toMatchObject({ provider: 'gemini', model: 'gemini-3-pro-preview' });
      }
    });
  }

  it('signatures land where they came from: text → carrier "prev", thought → its block, call → its id (first parallel call only)', () => {
    const state = (file: string, i: number) => decodeCarrierState(decodeEnvelope(accumulateMessage(events(translate([fixture(file)]).text)).content[i].signature)?.state);
    expect(state('gemini-text.sse', 1)).toEqual({ kind: 'prev', signature: SIG_TEXT });
    expect(state('gemini-thought-signed.sse', 0)).toEqual({ kind: 'thought', signature: SIG_THOUGHT });
    expect(state('gemini-thinking-tool.sse', 0)).toBeNull(); // an unsigned thought run

    const call = accumulateMessage(events(translate([fixture('gemini-thinking-tool.sse')]).text)).content[1];
    expect(decodeToolId(call.id, bindingTag('gemini', 'gemini-3-pro-preview'))).toEqual({ thoughtSignature: SIG_CALL });
    const par = accumulateMessage(events(translate([fixture('gemini-parallel.sse')]).text)).content;
    expect(decodeToolId(par[1].id, TAG)).toEqual({ thoughtSignature: SIG_PAR });
    expect(decodeToolId(par[2].id, TAG)).toBeNull();
    expect(par[1].id).not.toBe(par[2].id);
  });

  it('message_start carries zero usage and a ping; the counts come in message_delta', () => {
    const ev = events(translate([fixture('gemini-text.sse')]).text);
    expect(ev[0].data.message.usage).toEqual(usage(0, 0, 0));
    expect(ev[1].event).toBe('ping');
    expect(ev.find((e) => e.event === 'message_delta')!.data.usage).toMatchObject({ input_tokens: 1114, cache_read_input_tokens: 4096 });
  });

  it('function calls arrive whole: exactly one input_json_delta per tool_use', () => {
    const ev = events(translate([fixture('gemini-parallel.sse')]).text);
    expect(ev.filter((e) => e.data.delta?.type === 'input_json_delta')).toHaveLength(2);
  });

  it('byte-identical output when every fixture is split at every byte offset (UTF-8 and CRLF safe)', () => {
    for (const g of GOLDEN) {
      const buf = fixture(g.file);
      const whole = translate([buf]).text;
      for (let i = 1; i < buf.length; i++) {
        const split = translate([buf.subarray(0, i), buf.subarray(i)]).text;
        if (split !== whole) throw new Error(`${g.file}: output differs when split at byte ${i}`);
      }
    }
  });

  it('byte-by-byte feeding gives the same stream', () => {
    for (const file of ['gemini-text.sse', 'gemini-thinking-tool.sse', 'gemini-parallel.sse']) {
      const buf = fixture(file);
      const bytes: Buffer[] = [];
      for (let i = 0; i < buf.length; i++) bytes.push(buf.subarray(i, i + 1));
      expect(translate(bytes).text, file).toBe(translate([buf]).text);
    }
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
    const text = translate([fixture('gemini-error.sse')]).text;
    const client = new Anthropic({
      apiKey: 'test',
      baseURL: 'http://gateway.test',
      maxRetries: 0,
      fetch: async () => new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    });
    await expect(client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()).rejects.toThrow(/overloaded/);
  });
});
