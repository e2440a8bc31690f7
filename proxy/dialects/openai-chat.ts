import type { IncomingHttpHeaders } from 'node:http';
import { encodeBody, toUnicode } from '../protocol/anthropic/byte-strings.js';
import { GatewayError } from '../protocol/anthropic/errors.js';
import { messageToSse } from '../protocol/anthropic/message-to-sse.js';
import type { ErrorType, MessageResponse, MessagesRequest } from '../protocol/anthropic/types.js';
import type { ChatCompletion, ChatRequest } from '../protocol/openai/types.js';
import { modelInfoFor } from '../router/model-map.js';
import type { OpenAIChatTarget, ResponseContext } from '../translate/openai-chat/options.js';
import { toChatRequest } from '../translate/openai-chat/request.js';
import { fromChatCompletion } from '../translate/openai-chat/response.js';
import { ChatStreamTranslator } from '../translate/openai-chat/stream.js';
import { ToolsJsonCache } from '../translate/openai-chat/tools-cache.js';
import { providerCostOf } from '../translate/openai-chat/usage.js';
import { baseHeaders, single } from './headers.js';
import type { ClientSink, Dialect, Outcome, RequestContext, Responder, Target } from './types.js';
import { SseWriter } from './sse-writer.js';

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
    return ctx.stream ? new ChatStreamResponder(rc, target.provider.label, sink) : new ChatJsonResponder(rc, target.provider.label, sink);
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

function thinkingDisplay(body: MessagesRequest): ResponseContext['thinkingDisplay'] {
  const t = body.thinking;
  if (!t || t.type === 'disabled') return 'off';
  return t.display === 'omitted' ? 'omitted' : 'summarized';
}

function isJson(headers: IncomingHttpHeaders): boolean {
  return (single(headers['content-type']) ?? '').includes('json');
}

/**
 * Longest the client waits for response headers while they are held back. Until
 * the upstream produces its first content, nothing is sent, so a provider that
 * answers 200 and then fails at once (OpenRouter reports provider errors that
 * way) can still be replaced by the next target; after this, the stream opens.
 */
const HOLD_MS = 2000;

/**
 * Streams translated events; falls back to synthesising a stream when the
 * upstream answers with JSON. Holds the client's headers until the first content
 * (or HOLD_MS), so a failure before any output can still fall back.
 */
class ChatStreamResponder implements Responder {
  private readonly translator: ChatStreamTranslator;
  private readonly writer: SseWriter;
  private json: ChatJsonCollector | null = null;
  /** The outcome when the upstream answered the stream request with JSON. */
  private jsonOutcome: Outcome | null = null;
  /** Frames produced before the first content and not sent yet. */
  private held = '';
  private holdTimer: NodeJS.Timeout | null = null;
  private early: GatewayError | null = null;
  committed = false;

  constructor(
    private readonly rc: ResponseContext,
    private readonly label: string,
    sink: ClientSink,
  ) {
    this.translator = new ChatStreamTranslator(rc);
    this.writer = new SseWriter(sink);
  }

  onStart(_status: number, headers: IncomingHttpHeaders): void {
    if (isJson(headers)) {
      // Some servers ignore stream:true; translate the whole answer once it is in.
      this.json = new ChatJsonCollector();
      return;
    }
    this.held = this.translator.start();
    this.holdTimer = setTimeout(() => this.release(''), HOLD_MS);
    this.holdTimer.unref();
  }

  onData(chunk: Buffer): void {
    if (this.json) {
      this.json.push(chunk);
      return;
    }
    const out = this.translator.write(chunk);
    if (this.committed) this.writer.write(out);
    else if (this.translator.hasContent || (this.translator.finished && !this.translator.failure)) this.release(out);
    else if (this.translator.finished) this.failEarly();
    else this.held += out;
    // [DONE] or a terminal error: end the client's response now, whatever the upstream does next.
    if (this.translator.finished && this.committed) this.writer.close('');
  }

  /** Set when the upstream failed before producing any content: nothing was sent, the caller may fall back. */
  get earlyFailure(): GatewayError | null {
    return this.early;
  }

  get finished(): boolean {
    return !this.json && (this.translator.finished || this.early !== null);
  }

  onEnd(): void {
    if (this.json) {
      const completion = this.json.parse(this.label);
      const message = fromChatCompletion(completion, this.rc);
      this.jsonOutcome = outcomeOf(message, completion);
      this.writer.open(messageToSse(message));
      this.writer.close('');
      this.committed = true;
      return;
    }
    if (this.early) return;
    const out = this.translator.end();
    if (!this.committed) {
      if (!this.translator.hasContent && this.translator.failure) {
        this.failEarly();
        return;
      }
      this.release('');
    }
    this.writer.close(out);
  }

  onError(err: GatewayError): void {
    this.clearHold();
    if (this.json || !this.committed) return; // nothing sent yet: the caller answers with a status, or falls back
    this.writer.close(this.translator.fail(err.type, err.message));
  }

  outcome(): Outcome {
    if (this.jsonOutcome) return this.jsonOutcome;
    return { usage: this.translator.usage, stopReason: this.translator.stopReason, providerCostUsd: this.translator.providerCostUsd };
  }

  /** Opens the client's stream with everything held so far. */
  private release(out: string): void {
    if (this.committed || this.early) return;
    this.clearHold();
    this.committed = true;
    this.writer.open(this.held + out);
    this.held = '';
  }

  private failEarly(): void {
    this.clearHold();
    const f = this.translator.failure;
    if (f) this.early = earlyError(f.type, f.message, this.label);
  }

  private clearHold(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
  }
}

/** An in-stream upstream error, before any content, as the HTTP error the client would have got. */
function earlyError(type: ErrorType, message: string, label: string): GatewayError {
  const status = STATUS_BY_TYPE[type] ?? 502;
  return new GatewayError(status, `${label}: ${message}`, { type: status === 502 ? 'api_error' : type });
}

const STATUS_BY_TYPE: Partial<Record<ErrorType, number>> = {
  rate_limit_error: 429,
  overloaded_error: 529,
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
};

class ChatJsonResponder implements Responder {
  private readonly collector = new ChatJsonCollector();
  private outcomeValue: Outcome = {};
  readonly committed = false;

  constructor(
    private readonly rc: ResponseContext,
    private readonly label: string,
    private readonly sink: ClientSink,
  ) {}

  onStart(): void {}

  onData(chunk: Buffer): void {
    this.collector.push(chunk);
  }

  onEnd(): void {
    const completion = this.collector.parse(this.label);
    const message = fromChatCompletion(completion, this.rc);
    this.outcomeValue = outcomeOf(message, completion);
    this.sink.head(200, { 'content-type': 'application/json' });
    this.sink.end(JSON.stringify(message));
  }

  onError(): void {}

  outcome(): Outcome {
    return this.outcomeValue;
  }
}

function outcomeOf(message: MessageResponse, completion: ChatCompletion): Outcome {
  return { usage: message.usage, stopReason: message.stop_reason, providerCostUsd: providerCostOf(completion.usage) };
}

class ChatJsonCollector {
  private chunks: Buffer[] = [];

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  parse(label: string): ChatCompletion {
    const text = Buffer.concat(this.chunks).toString('utf8');
    try {
      const parsed = JSON.parse(text) as ChatCompletion;
      if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
      if (!Array.isArray(parsed.choices) && !(parsed as { error?: unknown }).error) throw new Error('no choices');
      return parsed;
    } catch {
      throw new GatewayError(502, `${label} returned a response that is not a chat completion`, { type: 'api_error', retryable: true });
    }
  }
}

