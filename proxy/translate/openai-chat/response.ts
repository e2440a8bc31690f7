import { GatewayError } from '../../protocol/anthropic/errors.js';
import type { MessageResponse, ResponseBlock } from '../../protocol/anthropic/types.js';
import type { ChatCompletion, ChatError } from '../../protocol/openai/types.js';
import { encodeEnvelope } from '../../sessions/thinking-envelope.js';
import { clientToolId } from '../../sessions/tool-ids.js';
import type { ResponseContext } from './options.js';
import { isBlank } from './request.js';
import { toStopReason } from './stop-reason.js';
import { toAnthropicUsage } from './usage.js';

// Non-streaming OpenAI chat completion → Anthropic message.

export function fromChatCompletion(res: ChatCompletion, ctx: ResponseContext): MessageResponse {
  const choice = res.choices?.[0];
  if (!choice) {
    // OpenRouter and others answer 200 with only an error object.
    if (res.error) throw upstreamError(res.error);
    throw new GatewayError(502, 'upstream returned no choices', { type: 'api_error' });
  }
  const msg = choice.message ?? {};
  const content: ResponseBlock[] = [];

  const reasoning = msg.reasoning_content ?? msg.reasoning;
  if (ctx.thinkingDisplay !== 'off' && typeof reasoning === 'string' && !isBlank(reasoning)) {
    const omitted = ctx.thinkingDisplay === 'omitted';
    content.push({
      type: 'thinking',
      thinking: omitted ? '' : reasoning,
      // The envelope lets the next turn restore the reasoning for the same provider+model.
      signature: encodeEnvelope({ provider: ctx.providerId, model: ctx.upstreamModel, reasoning: omitted ? reasoning : undefined }),
    });
  }

  // Never an empty text block: Claude Code persists it and every later turn is rejected.
  if (typeof msg.content === 'string' && !isBlank(msg.content)) content.push({ type: 'text', text: msg.content });

  const refused = typeof msg.refusal === 'string' && !isBlank(msg.refusal);
  if (refused) content.push({ type: 'text', text: msg.refusal as string });

  const calls = msg.tool_calls;
  let sawToolCall = false;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      const fn = call?.function;
      if (!fn || typeof fn.name !== 'string' || !fn.name) continue;
      sawToolCall = true;
      content.push({ type: 'tool_use', id: clientToolId(call.id), name: fn.name, input: parseArguments(fn.arguments) });
    }
  }

  const stop = toStopReason(choice.finish_reason, sawToolCall, choice.stop_reason, ctx.stopSequences);
  return {
    id: ctx.messageId,
    type: 'message',
    role: 'assistant',
    model: ctx.requestedModel,
    content,
    stop_reason: refused && !sawToolCall ? 'refusal' : stop.stopReason,
    stop_sequence: stop.stopSequence,
    usage: toAnthropicUsage(res.usage),
  };
}

/**
 * Tool arguments → tool_use input. Unparseable or non-object arguments are kept
 * as {"_raw": ...} so the model sees its own mistake in the tool error instead of
 * an empty input (LiteLLM#25321 loops on "required parameter missing").
 */
export function parseArguments(args: unknown): Record<string, unknown> {
  if (args && typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>; // Ollama-native style
  if (typeof args !== 'string' || isBlank(args)) return {};
  try {
    const v: unknown = JSON.parse(args);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  return { _raw: args };
}

export function upstreamError(err: ChatError): GatewayError {
  const code = typeof err.code === 'number' ? err.code : typeof err.code === 'string' ? Number(err.code) : NaN;
  const status = code >= 400 && code <= 599 ? code : 502;
  const message = typeof err.message === 'string' && err.message ? err.message : 'upstream returned an error';
  return new GatewayError(status, message);
}
