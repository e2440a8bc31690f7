import { encodeBody, toUnicode } from '../protocol/anthropic/byte-strings.js';
import { GatewayError } from '../protocol/anthropic/errors.js';
import type { MessageResponse } from '../protocol/anthropic/types.js';
import type { ChatCompletion, ChatRequest } from '../protocol/openai/types.js';
import { modelInfoFor } from '../router/model-map.js';
import type { OpenAIChatTarget, ResponseContext } from '../translate/openai-chat/options.js';
import { toChatRequest } from '../translate/openai-chat/request.js';
import { fromChatCompletion } from '../translate/openai-chat/response.js';
import { ChatStreamTranslator } from '../translate/openai-chat/stream.js';
import { ToolsJsonCache } from '../translate/openai-chat/tools-cache.js';
import { providerCostOf } from '../translate/openai-chat/usage.js';
import { baseHeaders } from './headers.js';
import { HeldStreamResponder } from './held-stream.js';
import { JsonAnswerResponder } from './json-responder.js';
import type { Dialect, Outcome, RequestContext, Target, TranslateAnswer } from './types.js';
import { thinkingDisplay } from '../protocol/anthropic/thinking-display.js';

// Full translation to and from OpenAI Chat Completions, streamed incrementally.

export const openaiChatDialect: Dialect = {
  messagesRequest(ctx, target) {
    const chat = toChatRequest(ctx.body, chatTarget(target, ctx.byteStrings));
    return {
      url: target.provider.baseUrl + target.provider.path,
      method: 'POST',
      headers: baseHeaders(target.provider, ctx.headers),
      body: serialise(chat, ctx),
    };
  },

  responder(ctx, target, sink) {
    const rc = responseContext(ctx, target);
    const label = target.provider.label;
    // A whole completion: the non-streaming answer, or a server that ignored stream:true (replayed as a stream).
    const answer: TranslateAnswer = (bytes) => {
      const completion = parseCompletion(bytes, label);
      const message = fromChatCompletion(completion, rc);
      return { message, outcome: outcomeOf(message, completion) };
    };
    return ctx.stream ? new HeldStreamResponder(new ChatStreamTranslator(rc), answer, label, sink) : new JsonAnswerResponder(answer, sink);
  },

  countTokensRequest() {
    return null;
  },
};

const toolsCache = new ToolsJsonCache();

const CLOSE = Buffer.from('}');

/** The chat request as bytes; the tool definitions come from the cache when the client resends known ones. */
function serialise(chat: ChatRequest, ctx: RequestContext): Buffer {
  const tools = chat.tools;
  if (!tools || !ctx.byteStrings || !Array.isArray(ctx.body.tools)) return encodeBody(JSON.stringify(chat), ctx.byteStrings);
  const toolsBytes = toolsCache.bytes(ctx.raw, ctx.body, tools);
  chat.tools = undefined;
  const rest = JSON.stringify(chat);
  chat.tools = tools;
  return Buffer.concat([Buffer.from(rest.slice(0, -1) + ',"tools":', 'latin1'), toolsBytes, CLOSE]);
}

/** The translator's view of a provider + model, from provider data and model facts. */
export function chatTarget(target: Target, byteStrings = false): OpenAIChatTarget {
  const p = target.provider;
  const quirks = p.chat;
  if (!quirks) throw new GatewayError(500, `${p.label} has no openai-chat settings`);
  const info = modelInfoFor(p, target.model);
  const reasons = quirks.reasoningAlways || info.reasoning;
  return {
    providerId: p.id,
    model: target.model,
    maxOutputTokens: info.maxOutputTokens,
    // Reasoning models reject max_tokens outright.
    maxTokensField: info.reasoning ? 'max_completion_tokens' : quirks.maxTokensField,
    systemMessages: quirks.systemMessages,
    reasoning: reasons ? quirks.reasoning : 'none',
    reasoningEcho: quirks.reasoningEcho,
    cacheControl: quirks.cacheControl,
    streamUsage: quirks.streamUsage,
    topK: quirks.topK,
    webSearch: quirks.webSearch,
    byteStrings,
  };
}

export function responseContext(ctx: RequestContext, target: Target): ResponseContext {
  return {
    requestedModel: ctx.requestedModel,
    providerId: target.provider.id,
    upstreamModel: target.model,
    stopSequences: ctx.byteStrings ? ctx.body.stop_sequences?.map((s) => toUnicode(s, true)) : ctx.body.stop_sequences,
    thinkingDisplay: thinkingDisplay(ctx.body),
    messageId: ctx.messageId,
  };
}

function outcomeOf(message: MessageResponse, completion: ChatCompletion): Outcome {
  return { usage: message.usage, stopReason: message.stop_reason, providerCostUsd: providerCostOf(completion.usage) };
}

function parseCompletion(body: Buffer, label: string): ChatCompletion {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as ChatCompletion;
    if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
    if (!Array.isArray(parsed.choices) && !(parsed as { error?: unknown }).error) throw new Error('no choices');
    return parsed;
  } catch {
    throw new GatewayError(502, `${label} returned a response that is not a chat completion`, { type: 'api_error', retryable: true });
  }
}
