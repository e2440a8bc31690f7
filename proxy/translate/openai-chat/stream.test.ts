import { describe, expect, it } from 'vitest';
import { accumulateMessage, parseAnthropicSse } from '../../test/anthropic-stream.js';
import { CTX, delta, events, sig, sse, translate, usage0 } from '../../test/chat-stream-helpers.js';
import { decodeEnvelope } from '../../sessions/thinking-envelope.js';
import { ChatStreamTranslator } from './stream.js';

describe('ChatStreamTranslator: behaviour', () => {
  it('start() emits message_start with zero usage and a ping, once', () => {
    const t = new ChatStreamTranslator(CTX);
    const first = parseAnthropicSse(t.start());
    expect(first.map((e) => e.event)).toEqual(['message_start', 'ping']);
    expect(first[0].data.message).toMatchObject({ id: 'msg_01STREAM', model: 'claude-opus-5-5', content: [], usage: usage0 });
    expect(t.start()).toBe('');
  });

  it('write() before start() starts implicitly', () => {
    const t = new ChatStreamTranslator(CTX);
    const text = t.write(sse(delta({ content: 'hi' }, 'stop'), '[DONE]'));
    expect(accumulateMessage(events(text)).content).toEqual([{ type: 'text', text: 'hi' }]);
  });

  it('role-only, empty and null chunks open no block; an empty reply is content []', () => {
    const { text } = translate([sse(delta({ role: 'assistant', content: '' }), delta({ content: null }), delta({}), { choices: [] }, delta({}, 'stop'), '[DONE]')]);
    const ev = events(text);
    expect(ev.map((e) => e.event)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
    expect(accumulateMessage(ev)).toMatchObject({ content: [], stop_reason: 'end_turn' });
  });

  it('whitespace-only content never opens a text block; it is kept in front of real text', () => {
    const onlyWs = translate([sse(delta({ content: '\n\n' }), delta({ content: ' ' }), delta({}, 'stop'), '[DONE]')]).text;
    expect(accumulateMessage(events(onlyWs)).content).toEqual([]);
    const lead = translate([sse(delta({ reasoning_content: 'hmm' }), delta({ content: '\n\n' }), delta({ content: 'Answer' }), delta({}, 'stop'), '[DONE]')]).text;
    expect(accumulateMessage(events(lead)).content).toEqual([
      { type: 'thinking', thinking: 'hmm', signature: sig },
      { type: 'text', text: '\n\nAnswer' },
    ]);
  });

  it("thinkingDisplay 'off' drops reasoning; 'omitted' sends only the signature, carrying the text", () => {
    const bytes = sse(delta({ reasoning_content: 'step 1, ' }), delta({ reasoning_content: 'step 2' }), delta({ content: 'Done' }), delta({}, 'stop'), '[DONE]');
    const off = accumulateMessage(events(translate([bytes], { ...CTX, thinkingDisplay: 'off' }).text));
    expect(off.content).toEqual([{ type: 'text', text: 'Done' }]);

    const text = translate([bytes], { ...CTX, thinkingDisplay: 'omitted' }).text;
    const ev = events(text);
    expect(ev.some((e) => e.data.delta?.type === 'thinking_delta')).toBe(false);
    const msg = accumulateMessage(ev);
    expect(msg.content[0]).toMatchObject({ type: 'thinking', thinking: '' });
    expect(decodeEnvelope(msg.content[0].signature)).toEqual({ provider: 'deepseek', model: 'deepseek-v4-pro', reasoning: 'step 1, step 2' });
  });

  it('reasoning in the `reasoning` field and a second reasoning segment after text get their own blocks', () => {
    const msg = accumulateMessage(
      events(translate([sse(delta({ reasoning: 'a' }), delta({ content: 'b' }), delta({ reasoning: 'c' }), delta({ content: 'd' }), delta({}, 'stop'), '[DONE]')]).text),
    );
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text', 'thinking', 'text']);
  });

  it('[DONE] ends the stream; later input and end() add nothing', () => {
    const t = new ChatStreamTranslator(CTX);
    let text = t.start() + t.write(sse(delta({ content: 'x' }), '[DONE]'));
    expect(t.finished).toBe(true);
    expect(t.write(sse(delta({ content: 'late' })))).toBe('');
    expect(t.end()).toBe('');
    expect(t.fail('api_error', 'x')).toBe('');
    text += '';
    expect(accumulateMessage(events(text))).toMatchObject({ content: [{ type: 'text', text: 'x' }], stop_reason: 'end_turn' });
  });

  it('EOF after a finish_reason without [DONE] is a clean end; EOF before it is an error', () => {
    const clean = translate([sse(delta({ content: 'x' }, 'length'))]);
    expect(accumulateMessage(events(clean.text)).stop_reason).toBe('max_tokens');
    const cut = translate([sse(delta({ content: 'x' }))]);
    const ev = events(cut.text);
    expect(ev.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'upstream stream ended before completion' } } });
    // A final event without its blank line is still processed at EOF.
    const noBlank = translate([Buffer.from('data: {"choices":[{"delta":{"content":"y"},"finish_reason":"stop"}]}')]);
    expect(accumulateMessage(events(noBlank.text))).toMatchObject({ content: [{ type: 'text', text: 'y' }], stop_reason: 'end_turn' });
  });

  it('fail() mid-stream emits one error event and finishes', () => {
    const t = new ChatStreamTranslator(CTX);
    const text = t.start() + t.write(sse(delta({ content: 'partial' }))) + t.fail('timeout_error', 'upstream timed out');
    expect(t.finished).toBe(true);
    expect(t.end()).toBe('');
    const ev = events(text);
    expect(ev.at(-1)!.data.error).toEqual({ type: 'timeout_error', message: 'upstream timed out' });
  });

  it('mid-stream error objects map to Anthropic error types', () => {
    const typeFor = (error: object) => {
      const ev = events(translate([sse(delta({ content: 'x' }), { error, choices: [] })]).text);
      return ev.at(-1)!.data.error.type;
    };
    expect(typeFor({ code: 429, message: 'slow down' })).toBe('rate_limit_error');
    expect(typeFor({ code: 529, message: 'busy' })).toBe('overloaded_error');
    expect(typeFor({ code: 503, message: 'busy' })).toBe('overloaded_error');
    expect(typeFor({ code: '502', message: 'down' })).toBe('overloaded_error');
    expect(typeFor({ code: 400, message: 'bad' })).toBe('invalid_request_error');
    expect(typeFor({ code: 500, message: 'oops' })).toBe('api_error');
    expect(typeFor({ code: 'rate_limit_exceeded', message: 'x' })).toBe('rate_limit_error');
    expect(typeFor({ message: 'no code' })).toBe('api_error');
  });

  it('finish_reason "error" without an error object, non-JSON and JSON null payloads are errors', () => {
    for (const bytes of [sse(delta({ content: 'x' }, 'error')), sse(delta({ content: 'x' }), 'not json'), sse('null')]) {
      const ev = events(translate([bytes]).text);
      expect(ev.at(-1)!.event).toBe('error');
      expect(ev.at(-1)!.data.error.message).toMatch(/mid-stream/);
    }
  });

  it('skips comments, keep-alives and empty data lines', () => {
    const bytes = Buffer.from(': OPENROUTER PROCESSING\n\n:\n\ndata:\n\ndata: ' + JSON.stringify(delta({ content: 'ok' }, 'stop')) + '\n\n: trailing\n\ndata: [DONE]\n\n');
    expect(accumulateMessage(events(translate([bytes]).text)).content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('reports the matched stop sequence from a vLLM-style stop_reason', () => {
    const bytes = sse(delta({ content: 'x' }), delta({}, 'stop', { stop_reason: 'END' }), '[DONE]');
    const msg = accumulateMessage(events(translate([bytes], { ...CTX, stopSequences: ['END'] }).text));
    expect([msg.stop_reason, msg.stop_sequence]).toEqual(['stop_sequence', 'END']);
  });

  it('refusal deltas become text with stop_reason refusal', () => {
    const msg = accumulateMessage(events(translate([sse(delta({ refusal: "I can't" }), delta({}, 'stop'), '[DONE]')]).text));
    expect(msg).toMatchObject({ content: [{ type: 'text', text: "I can't" }], stop_reason: 'refusal' });
  });

  it('a call whose first call is still incomplete at the end is flushed whole, in index order', () => {
    const tc = (index: number, fn: object, id?: string) => delta({ tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: fn }] });
    const bytes = sse(
      tc(0, { name: 'A', arguments: '{"a":' }, 'c0'),
      tc(2, { name: 'C', arguments: '{"c":3}' }, 'c2'),
      tc(1, { name: 'B', arguments: '{"b":2}' }, 'c1'),
      tc(0, { arguments: '1}' }),
      delta({}, 'tool_calls'),
      '[DONE]',
    );
    const msg = accumulateMessage(events(translate([bytes]).text));
    expect(msg.content).toEqual([
      { type: 'tool_use', id: 'c0', name: 'A', input: { a: 1 } },
      { type: 'tool_use', id: 'c1', name: 'B', input: { b: 2 } },
      { type: 'tool_use', id: 'c2', name: 'C', input: { c: 3 } },
    ]);
  });

  it('a call with no arguments yields input {}; a call whose name never came is still delivered', () => {
    const bytes = sse(
      delta({ tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'NoArgs' } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: '{"x":1}' } }] }),
      delta({}, 'tool_calls'),
      '[DONE]',
    );
    const msg = accumulateMessage(events(translate([bytes]).text));
    expect(msg.content).toEqual([
      { type: 'tool_use', id: 'c0', name: 'NoArgs', input: {} },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'unnamed_tool', input: { x: 1 } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
  });

  it('arguments sent as an object are serialized, not lost', () => {
    const bytes = sse(delta({ tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'X', arguments: { k: 'v' } } }] }), delta({}, 'stop'), '[DONE]');
    expect(accumulateMessage(events(translate([bytes]).text)).content).toEqual([{ type: 'tool_use', id: 'c0', name: 'X', input: { k: 'v' } }]);
  });

  it('text after a tool call opens a new text block', () => {
    const bytes = sse(
      delta({ tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'X', arguments: '{}' } }] }),
      delta({ content: 'after' }),
      delta({}, 'tool_calls'),
      '[DONE]',
    );
    expect(accumulateMessage(events(translate([bytes]).text)).content.map((b) => b.type)).toEqual(['tool_use', 'text']);
  });


  it('usage getter reflects the latest usage before the end', () => {
    const t = new ChatStreamTranslator(CTX);
    t.start();
    t.write(sse({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 4 } } }));
    expect(t.usage).toEqual({ input_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: 2 });
    expect(t.stopReason).toBeNull();
  });

  it('stays within the per-chunk CPU budget', () => {
    const chunk = (i: number) =>
      `data: {"id":"chatcmpl-perf","object":"chat.completion.chunk","created":1763700000,"model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"token ${i} é"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`;
    const reads: Buffer[] = [];
    for (let i = 0; i < 1000; i++) reads.push(Buffer.from(chunk(i)));
    reads.push(Buffer.from('data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'));
    const run = () => {
      const t = new ChatStreamTranslator(CTX);
      let n = t.start().length;
      for (const r of reads) n += t.write(r).length;
      return n + t.end().length;
    };
    for (let i = 0; i < 20; i++) run();
    const runs = 50;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) run();
    const msPerStream = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
    // Target ≈ 1 ms per 1000-chunk stream here; the bound leaves room for slow CI machines.
    expect(msPerStream).toBeLessThan(4);
  });
});
