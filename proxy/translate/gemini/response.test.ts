import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../protocol/anthropic/errors.js';
import type { GeminiResponse } from '../../protocol/gemini/types.js';
import { accumulateMessage } from '../../test/anthropic-stream.js';
import { events, fixture, RC, sig, translate } from '../../test/gemini-helpers.js';
import { geminiResponseToAnthropic } from './response.js';
import { bindingTag, decodeToolId } from './signatures.js';

/** The chunks of an SSE fixture merged the way generateContent answers: one candidate, all parts, the last usage. */
function merged(file: string): GeminiResponse {
  const chunks = fixture(file)
    .toString('utf8')
    .split('\r\n\r\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as GeminiResponse);
  const parts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
  const last = chunks.at(-1)!;
  return { candidates: [{ content: { role: 'model', parts }, finishReason: last.candidates?.[0]?.finishReason, finishMessage: last.candidates?.[0]?.finishMessage }], usageMetadata: last.usageMetadata, promptFeedback: chunks[0].promptFeedback };
}

describe('geminiResponseToAnthropic', () => {
  it('text, thinking and a signed call: same blocks, ids and signatures as the streamed answer', () => {
    for (const file of ['gemini-thinking-tool.sse', 'gemini-parallel.sse', 'gemini-text.sse', 'gemini-thought-signed.sse', 'gemini-safety.sse', 'gemini-max-tokens.sse']) {
      const json = geminiResponseToAnthropic(merged(file), RC);
      const streamed = accumulateMessage(events(translate([fixture(file)]).text));
      expect(json.content, file).toEqual(streamed.content);
      expect(json.stop_reason, file).toBe(streamed.stop_reason);
      expect(json.usage, file).toEqual(streamed.usage);
    }
  });

  it('builds a complete Anthropic message', () => {
    const m = geminiResponseToAnthropic(merged('gemini-thinking-tool.sse'), RC);
    expect(m).toMatchObject({ id: 'msg_01GEMINI', type: 'message', role: 'assistant', model: 'claude-opus-5-5', stop_reason: 'tool_use', stop_sequence: null });
    expect(m.content[0]).toEqual({ type: 'thinking', thinking: '**Planning**\nI should run echo with é🤖 to test UTF-8.', signature: sig });
    const call = m.content[1];
    expect(call.type === 'tool_use' && decodeToolId(call.id, bindingTag('gemini', 'gemini-3-pro-preview'))).toEqual({ thoughtSignature: 'EpYCCpMCAdHtim9Q3h+YfW1uZ/0xK2pRbA5vN0Y4dGVzdA==' });
  });

  it('a blocked prompt is a refusal with an explanation', () => {
    const m = geminiResponseToAnthropic({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 9 } }, RC);
    expect(m.stop_reason).toBe('refusal');
    expect(m.content).toEqual([{ type: 'text', text: '[Gemini blocked the prompt (blockReason SAFETY).]' }]);
    expect(m.usage.input_tokens).toBe(9);
  });

  it('an empty STOP answer is a valid empty message, not an empty text block', () => {
    const m = geminiResponseToAnthropic({ candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP' }] }, RC);
    expect(m.content).toEqual([]);
    expect(m.stop_reason).toBe('end_turn');
  });

  it('errors and unusable answers throw GatewayErrors', () => {
    const err = (r: unknown) => {
      try {
        geminiResponseToAnthropic(r as GeminiResponse, RC);
      } catch (e) {
        return e as GatewayError;
      }
      throw new Error('no error');
    };
    expect(err({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota' } })).toMatchObject({ status: 429, type: 'rate_limit_error' });
    expect(err({ error: { code: 503, status: 'UNAVAILABLE', message: 'busy' } })).toMatchObject({ status: 529, type: 'overloaded_error' });
    // The same status and type as the stream path reports, not a generic 502.
    expect(err({ error: { code: 401, status: 'UNAUTHENTICATED', message: 'no' } })).toMatchObject({ status: 401, type: 'authentication_error' });
    expect(err({ error: { code: 404, status: 'NOT_FOUND', message: 'no model' } })).toMatchObject({ status: 404, type: 'not_found_error' });
    expect(err({ error: { code: 504, status: 'DEADLINE_EXCEEDED', message: 'slow' } })).toMatchObject({ status: 504, type: 'timeout_error' });
    expect(err({ candidates: [] })).toMatchObject({ status: 502, type: 'api_error', retryable: true });
    expect(err(null)).toBeInstanceOf(GatewayError);
  });
});
