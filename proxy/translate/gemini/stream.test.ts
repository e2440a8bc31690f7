// Behaviour of the Gemini stream translator; stream-golden.test.ts runs whole captures.
import { describe, expect, it } from 'vitest';
import type { GeminiPart, GeminiResponse } from '../../protocol/gemini/types.js';
import { accumulateMessage } from '../../test/anthropic-stream.js';
import { events, RC, sse, translate } from '../../test/gemini-helpers.js';
import { decodeEnvelope } from '../../sessions/thinking-envelope.js';
import type { GeminiResponseContext } from './options.js';
import { bindingTag, decodeCarrierState, decodeToolId } from './signatures.js';
import { GeminiStreamTranslator } from './stream.js';

const TAG = bindingTag(RC.providerId, RC.upstreamModel);
const chunk = (parts: GeminiPart[], finishReason?: string): GeminiResponse => ({ candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }] });
const done = (usage = { promptTokenCount: 10, candidatesTokenCount: 5 }): GeminiResponse => ({ candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'STOP' }], usageMetadata: usage });
const run = (chunks: Array<GeminiResponse | string>, ctx: GeminiResponseContext = RC) => {
  const { text, t } = translate([sse(...chunks)], ctx);
  return { msg: accumulateMessage(events(text)), t, text };
};

describe('GeminiStreamTranslator: blocks', () => {
  it('interleaves thinking, text and calls in arrival order, each in its own block', () => {
    const { msg } = run([
      chunk([{ text: 'plan', thought: true }, { text: 'Listing.' }]),
      chunk([{ functionCall: { name: 'Bash', args: { command: 'ls' } } }, { text: 'more', thought: true }, { text: 'After.' }]),
      done(),
    ]);
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use', 'thinking', 'text']);
    expect(msg.stop_reason).toBe('tool_use');
  });

  it('never opens a blank text block; whitespace before real text is kept', () => {
    const { msg } = run([chunk([{ text: '\n' }]), chunk([{ text: '  ' }, { text: 'Hi' }]), chunk([{ text: '\n\n' }]), done()]);
    expect(msg.content).toEqual([{ type: 'text', text: '\n  Hi\n\n' }]);
    const empty = run([chunk([{ text: '  \n' }]), done()]);
    expect(empty.msg.content).toEqual([]);
  });

  it('a call without args gets input {}; string args are parsed; a missing name is named', () => {
    const { msg } = run([chunk([{ functionCall: { name: 'ListAgents' } }, { functionCall: { name: 'Read', args: '{"a":1}' as unknown as Record<string, unknown> } }, { functionCall: { name: '' } }]), done()]);
    expect(msg.content.map((b) => [b.name, b.input])).toEqual([
      ['ListAgents', {}],
      ['Read', { a: 1 }],
      ['unnamed_tool', {}],
    ]);
  });

  it('maps rewritten tool names back to the client names', () => {
    const ctx = { ...RC, toolNames: new Map([['my_tool_v2', 'my tool/v2']]) };
    const { msg } = run([chunk([{ functionCall: { name: 'my_tool_v2', args: {} } }]), done()], ctx);
    expect(msg.content[0].name).toBe('my tool/v2');
  });

  it('Gemini call ids (Vertex, newer models) are carried with the signature and restored exactly', () => {
    const { msg } = run([chunk([{ functionCall: { id: 'call:é1', name: 'Read', args: {} }, thoughtSignature: 'sig' }, { functionCall: { id: 'c2', name: 'Read', args: {} } }]), done()]);
    expect(decodeToolId(msg.content[0].id, TAG)).toEqual({ callId: 'call:é1', thoughtSignature: 'sig' });
    expect(decodeToolId(msg.content[1].id, TAG)).toEqual({ callId: 'c2' });
  });

  it('a signature nested in functionCall (older 2.x builds) is read too', () => {
    const { msg } = run([chunk([{ functionCall: { name: 'Read', args: {}, thoughtSignature: 'QUJD' } }]), done()]);
    expect(decodeToolId(msg.content[0].id, TAG)).toEqual({ thoughtSignature: 'QUJD' });
  });
});

describe('GeminiStreamTranslator: thought signatures outside calls', () => {
  const state = (signature: string | undefined) => decodeCarrierState(decodeEnvelope(signature)?.state);

  it('a second signed text part starts a new text block, each followed by its carrier', () => {
    const { msg } = run([chunk([{ text: 'One.', thoughtSignature: 'AAAA' }, { text: 'Two.', thoughtSignature: 'BBBB' }]), done()]);
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'thinking', 'text', 'thinking']);
    expect(state(msg.content[1].signature)).toEqual({ kind: 'prev', signature: 'AAAA' });
    expect(state(msg.content[3].signature)).toEqual({ kind: 'prev', signature: 'BBBB' });
  });

  it('a signature after a tool call (nothing to attach to) is dropped, never misplaced onto the call', () => {
    const { msg } = run([chunk([{ functionCall: { name: 'Read', args: {} } }]), chunk([{ text: '', thoughtSignature: 'CCCC' }], 'STOP')]);
    expect(msg.content).toHaveLength(1);
    expect(decodeToolId(msg.content[0].id, TAG)).toBeNull();
  });

  it('a signed thought run closes its block; the next thought starts another', () => {
    const { msg } = run([chunk([{ text: 'a', thought: true }, { thought: true, thoughtSignature: 'S1S1' }, { text: 'b', thought: true }]), done()]);
    expect(msg.content.map((b) => [b.type, b.thinking])).toEqual([
      ['thinking', 'a'],
      ['thinking', 'b'],
    ]);
    expect(state(msg.content[0].signature)).toEqual({ kind: 'thought', signature: 'S1S1' });
    expect(state(msg.content[1].signature)).toBeNull();
  });

  it('display "omitted": no thinking text reaches the client, but a signed run keeps its text in the envelope', () => {
    const ctx: GeminiResponseContext = { ...RC, thinkingDisplay: 'omitted' };
    const { msg } = run([chunk([{ text: 'secret plan', thought: true, thoughtSignature: 'S2S2' }, { text: 'unsigned', thought: true }]), done()], ctx);
    expect(msg.content.map((b) => b.thinking)).toEqual(['', '']);
    expect(decodeEnvelope(msg.content[0].signature)).toEqual({ provider: 'gemini', model: 'gemini-3-pro-preview', reasoning: 'secret plan', state: 'g1t:S2S2' });
    expect(decodeEnvelope(msg.content[1].signature)).toEqual({ provider: 'gemini', model: 'gemini-3-pro-preview' });
  });

  it('display "off": thought parts and text signatures are dropped; call signatures still travel', () => {
    const ctx: GeminiResponseContext = { ...RC, thinkingDisplay: 'off' };
    const { msg } = run([chunk([{ text: 'hmm', thought: true }, { text: 'Hi', thoughtSignature: 'T1T1' }, { functionCall: { name: 'Read', args: {} }, thoughtSignature: 'U1U1' }]), done()], ctx);
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    expect(decodeToolId(msg.content[1].id, TAG)).toEqual({ thoughtSignature: 'U1U1' });
  });
});

describe('GeminiStreamTranslator: endings', () => {
  it('start() opens with zero usage; without it the first chunk starts the message with its prompt tokens', () => {
    const t = new GeminiStreamTranslator(RC);
    const text = t.start() + t.write(sse({ ...chunk([{ text: 'x' }]), usageMetadata: { promptTokenCount: 99 } })) + t.write(sse(done())) + t.end();
    const ev = events(text);
    expect(ev[0].data.message.usage.input_tokens).toBe(0);
    expect(ev.filter((e) => e.event === 'message_start')).toHaveLength(1);
  });

  it('an empty body is an error, never a silent success', () => {
    const { text, t } = translate([]);
    const ev = events(text);
    expect(ev.map((e) => e.event)).toEqual(['message_start', 'ping', 'error']);
    expect(t.failure).toEqual({ type: 'api_error', message: 'upstream stream ended before completion' });
    expect(t.hasContent).toBe(false);
  });

  it('an error before any content leaves hasContent false (the dialect can still fall back)', () => {
    const { t } = translate([sse({ error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } })]);
    expect(t.failure?.type).toBe('rate_limit_error');
    expect(t.hasContent).toBe(false);
  });

  it('fail() ends an open stream with one error event; nothing after a terminal event', () => {
    const t = new GeminiStreamTranslator(RC);
    let text = t.write(sse(chunk([{ text: 'partial' }])));
    text += t.fail('timeout_error', 'Gemini went silent past the idle timeout');
    expect(t.fail('api_error', 'again')).toBe('');
    expect(t.write(sse(done()))).toBe('');
    expect(t.end()).toBe('');
    const ev = events(text);
    expect(ev.at(-1)!.data.error).toEqual({ type: 'timeout_error', message: 'Gemini went silent past the idle timeout' });
  });

  it('array-wrapped data lines are tolerated', () => {
    const t = new GeminiStreamTranslator(RC);
    let text = t.write(sse(chunk([{ text: 'a' }])));
    text += t.write(Buffer.from(`data: ${JSON.stringify([chunk([{ text: 'b' }]), done()])}\n\n`));
    text += t.end();
    const msg = accumulateMessage(events(text));
    expect(msg.content).toEqual([{ type: 'text', text: 'ab' }]);
    expect(t.stopReason).toBe('end_turn');
    expect(t.usage).toEqual({ input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 5 });
  });

  it('finishReason may come before the last usage chunk: the stream ends at EOF with the final usage', () => {
    const { msg } = run([chunk([{ text: 'hi' }], 'STOP'), { usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 2, thoughtsTokenCount: 3 } }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage).toMatchObject({ input_tokens: 7, output_tokens: 5 });
  });

  it('SAFETY after some content: refusal without an extra note; RECITATION too', () => {
    const { msg } = run([chunk([{ text: 'Partial' }], 'SAFETY')]);
    expect(msg.content).toEqual([{ type: 'text', text: 'Partial' }]);
    expect(msg.stop_reason).toBe('refusal');
    expect(run([chunk([], 'RECITATION')]).msg.stop_reason).toBe('refusal');
  });

  it('MAX_TOKENS with a complete call still runs the tool', () => {
    expect(run([chunk([{ functionCall: { name: 'Read', args: {} } }], 'MAX_TOKENS')]).msg.stop_reason).toBe('tool_use');
  });
});
