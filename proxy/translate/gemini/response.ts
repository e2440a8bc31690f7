import { GatewayError } from '../../protocol/anthropic/errors.js';
import type { MessageResponse, ResponseBlock } from '../../protocol/anthropic/types.js';
import type { GeminiResponse } from '../../protocol/gemini/types.js';
import { googleHttpStatus } from './errors.js';
import type { GeminiResponseContext } from './options.js';
import { type BlockSink, PartTranslator } from './parts.js';
import { geminiUsage } from './usage.js';

// Non-streaming generateContent answer → Anthropic message. The same part
// translator as the stream builds the blocks, so signatures, carriers and notes
// land exactly where a streamed answer would put them.

export function geminiResponseToAnthropic(res: GeminiResponse, ctx: GeminiResponseContext): MessageResponse {
  if (!res || typeof res !== 'object') throw new GatewayError(502, 'Gemini returned a response that is not JSON', { type: 'api_error', retryable: true });
  // An error object in a 200 answer: the same status and type as the stream path reports.
  if (res.error) throw new GatewayError(googleHttpStatus(res.error), `Gemini: ${res.error.message || res.error.status || 'error'}`);
  const cand = Array.isArray(res.candidates) ? res.candidates[0] : undefined;
  const blockReason = res.promptFeedback?.blockReason;
  if (!cand && !blockReason) throw new GatewayError(502, 'Gemini returned no candidates', { type: 'api_error', retryable: true });

  const content: ResponseBlock[] = [];
  const json: string[] = [];
  const sink: BlockSink = {
    start: (i, b) => {
      content[i] = { ...b } as unknown as ResponseBlock;
    },
    text: (i, t) => {
      const b = content[i];
      if (b.type === 'text') b.text += t;
    },
    thinking: (i, t) => {
      const b = content[i];
      if (b.type === 'thinking') b.thinking += t;
    },
    signature: (i, s) => {
      const b = content[i];
      if (b.type === 'thinking') b.signature = s;
    },
    input: (i, s) => {
      json[i] = s;
    },
    stop: (i) => {
      const b = content[i];
      if (b.type === 'tool_use' && json[i]) b.input = JSON.parse(json[i]) as Record<string, unknown>;
    },
  };
  const parts = new PartTranslator(ctx, sink);
  const list = cand?.content?.parts;
  if (Array.isArray(list)) for (const p of list) parts.part(p);
  const stop = parts.conclude({
    finishReason: typeof cand?.finishReason === 'string' ? cand.finishReason : null,
    finishMessage: cand?.finishMessage,
    blockReason,
    blockMessage: res.promptFeedback?.blockReasonMessage,
  });
  return {
    id: ctx.messageId,
    type: 'message',
    role: 'assistant',
    model: ctx.requestedModel,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: geminiUsage(res.usageMetadata),
  };
}
