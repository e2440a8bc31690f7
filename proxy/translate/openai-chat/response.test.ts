import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../protocol/anthropic/errors.js';
import type { ChatCompletion } from '../../protocol/openai/types.js';
import { decodeEnvelope } from '../../sessions/thinking-envelope.js';
import type { ResponseContext } from './options.js';
import { fromChatCompletion, parseArguments } from './response.js';

const CTX: ResponseContext = {
  requestedModel: 'claude-opus-5-5',
  providerId: 'deepseek',
  upstreamModel: 'deepseek-v4-pro',
  thinkingDisplay: 'summarized',
  messageId: 'msg_01TEST',
};

type Msg = ChatCompletion['choices'][number]['message'];
function completion(message: Msg, finish: string | null = 'stop', extra: Partial<ChatCompletion['choices'][number]> = {}): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    model: 'deepseek-v4-pro',
    choices: [{ index: 0, message, finish_reason: finish, ...extra }],
    usage: { prompt_tokens: 5000, completion_tokens: 80, prompt_cache_hit_tokens: 4864, prompt_cache_miss_tokens: 136 },
  };
}

describe('fromChatCompletion', () => {
  it('text reply: id, requested model, usage', () => {
    const m = fromChatCompletion(completion({ role: 'assistant', content: 'Hello é🤖' }), CTX);
    expect(m).toEqual({
      id: 'msg_01TEST',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-5-5',
      content: [{ type: 'text', text: 'Hello é🤖' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 136, cache_creation_input_tokens: 0, cache_read_input_tokens: 4864, output_tokens: 80 },
    });
  });

  it('empty reply → content [] (never an empty text block)', () => {
    expect(fromChatCompletion(completion({ role: 'assistant', content: '' }), CTX).content).toEqual([]);
    expect(fromChatCompletion(completion({ role: 'assistant', content: '  \n' }), CTX).content).toEqual([]);
    expect(fromChatCompletion(completion({ role: 'assistant', content: null }), CTX).content).toEqual([]);
  });

  it('reasoning → leading thinking block with our envelope', () => {
    const m = fromChatCompletion(completion({ role: 'assistant', content: 'Answer', reasoning_content: 'Let me think' }), CTX);
    expect(m.content).toHaveLength(2);
    const [think, txt] = m.content;
    expect(think).toMatchObject({ type: 'thinking', thinking: 'Let me think' });
    expect(decodeEnvelope((think as { signature: string }).signature)).toEqual({ provider: 'deepseek', model: 'deepseek-v4-pro' });
    expect(txt).toEqual({ type: 'text', text: 'Answer' });
  });

  it("display 'omitted' keeps the reasoning in the signature only; 'off' drops it", () => {
    const res = completion({ role: 'assistant', content: 'Answer', reasoning: 'secret plan' });
    const omitted = fromChatCompletion(res, { ...CTX, thinkingDisplay: 'omitted' });
    expect(omitted.content[0]).toMatchObject({ type: 'thinking', thinking: '' });
    expect(decodeEnvelope((omitted.content[0] as { signature: string }).signature)).toEqual({
      provider: 'deepseek',
      model: 'deepseek-v4-pro',
      reasoning: 'secret plan',
    });
    expect(fromChatCompletion(res, { ...CTX, thinkingDisplay: 'off' }).content).toEqual([{ type: 'text', text: 'Answer' }]);
    // empty reasoning is not a block
    expect(fromChatCompletion(completion({ role: 'assistant', content: 'x', reasoning_content: '' }), CTX).content).toHaveLength(1);
  });

  it('tool calls → tool_use with sanitized ids and parsed input; tool_use wins over "stop"', () => {
    const m = fromChatCompletion(
      completion(
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call:1', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls é🤖"}' } },
            { id: 'call_2', type: 'function', function: { name: 'Read', arguments: '' } },
            { id: 'call_3', type: 'function', function: { name: 'Edit', arguments: '{"file_path": "/x", "old' } },
          ],
        },
        'stop',
      ),
      CTX,
    );
    expect(m.stop_reason).toBe('tool_use');
    expect(m.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'Bash', input: { command: 'ls é🤖' } },
      { type: 'tool_use', id: 'call_2', name: 'Read', input: {} },
      { type: 'tool_use', id: 'call_3', name: 'Edit', input: { _raw: '{"file_path": "/x", "old' } },
    ]);
  });

  it('a tool call without id gets a minted valid id', () => {
    const m = fromChatCompletion(
      completion({ role: 'assistant', content: null, tool_calls: [{ id: '', type: 'function', function: { name: 'X', arguments: '{}' } }] }, 'tool_calls'),
      CTX,
    );
    expect((m.content[0] as { id: string }).id).toMatch(/^toolu_[a-zA-Z0-9_-]+$/);
  });

  it('refusal → text block and stop_reason refusal', () => {
    const m = fromChatCompletion(completion({ role: 'assistant', content: null, refusal: "I can't help with that." }), CTX);
    expect(m.content).toEqual([{ type: 'text', text: "I can't help with that." }]);
    expect(m.stop_reason).toBe('refusal');
    expect(fromChatCompletion(completion({ role: 'assistant', content: 'no' }, 'content_filter'), CTX).stop_reason).toBe('refusal');
  });

  it('length and stop sequences', () => {
    expect(fromChatCompletion(completion({ role: 'assistant', content: 'cut' }, 'length'), CTX).stop_reason).toBe('max_tokens');
    const m = fromChatCompletion(completion({ role: 'assistant', content: 'x' }, 'stop', { stop_reason: 'END' }), { ...CTX, stopSequences: ['END'] });
    expect([m.stop_reason, m.stop_sequence]).toEqual(['stop_sequence', 'END']);
  });

  it('an error object without choices throws a GatewayError', () => {
    const err = (error: ChatCompletion['error']) => {
      try {
        fromChatCompletion({ choices: undefined as unknown as ChatCompletion['choices'], error }, CTX);
      } catch (e) {
        return e as GatewayError;
      }
      throw new Error('did not throw');
    };
    const e1 = err({ code: 429, message: 'Rate limit exceeded: free-models-per-day' });
    expect(e1).toBeInstanceOf(GatewayError);
    expect([e1.status, e1.type, e1.message]).toEqual([429, 'rate_limit_error', 'Rate limit exceeded: free-models-per-day']);
    const e2 = err({ code: 'context_length_exceeded', message: 'too long' });
    expect([e2.status, e2.message]).toEqual([502, 'too long']);
    const e3 = err({ code: '503', message: 'No endpoints' });
    expect(e3.status).toBe(503);
    const e4 = err({ code: 200 });
    expect([e4.status, e4.message]).toEqual([502, 'upstream returned an error']);
    const empty = (() => {
      try {
        fromChatCompletion({ choices: [] }, CTX);
      } catch (e) {
        return e as GatewayError;
      }
    })();
    expect(empty?.status).toBe(502);
  });
});

describe('parseArguments', () => {
  it('never returns {} silently for sent arguments', () => {
    expect(parseArguments('{"a":1}')).toEqual({ a: 1 });
    expect(parseArguments('')).toEqual({});
    expect(parseArguments(undefined)).toEqual({});
    expect(parseArguments('[1,2]')).toEqual({ _raw: '[1,2]' });
    expect(parseArguments('null')).toEqual({ _raw: 'null' });
    expect(parseArguments('{bad')).toEqual({ _raw: '{bad' });
    expect(parseArguments({ already: 'object' })).toEqual({ already: 'object' });
  });
});
