import { errorEvent } from '../../protocol/anthropic/errors.js';
import {
  blockStart,
  blockStop,
  inputJsonDelta,
  MESSAGE_STOP,
  messageDelta,
  messageStart,
  PING,
  signatureDelta,
  textDelta,
  thinkingDelta,
} from '../../protocol/anthropic/sse.js';
import type { ErrorType, StopReason, Usage } from '../../protocol/anthropic/types.js';
import type { GeminiErrorObject, GeminiResponse, GeminiUsageMetadata } from '../../protocol/gemini/types.js';
import { SseParser } from '../../protocol/sse/parser.js';
import { isBlank } from '../openai-chat/request.js';
import { geminiErrorType } from './errors.js';
import type { GeminiResponseContext } from './options.js';
import { type BlockSink, PartTranslator } from './parts.js';
import { geminiUsage } from './usage.js';

// Gemini streamGenerateContent?alt=sse → Anthropic Messages SSE (reference §3.5,
// "Gemini variant"). Each SSE event is a whole GenerateContentResponse fragment
// (no event names, no [DONE]); the last one carries finishReason and the final
// usageMetadata, and the stream ends at EOF. Guarantees, as for openai-chat: a valid
// Anthropic event sequence (parts.ts keeps the block invariants), UTF-8 safe across
// reads (SseParser decodes statefully), and an end without finishReason, a data
// line that is not JSON, or an error object becomes exactly one `error` event.

export class GeminiStreamTranslator {
  private readonly parser = new SseParser();
  private readonly parts: PartTranslator;
  /** Frames produced by the part translator since the last return. */
  private out = '';
  private started = false;
  private done = false;
  private finishReason: string | null = null;
  private finishMessage: string | undefined;
  private blockReason: string | null = null;
  private blockMessage: string | undefined;
  private rawUsage: GeminiUsageMetadata | null = null;
  private finalUsage: Usage | null = null;
  private stop: StopReason | null = null;
  private failed: { type: ErrorType; message: string } | null = null;

  constructor(private readonly ctx: GeminiResponseContext) {
    const sink: BlockSink = {
      start: (i, b) => (this.out += blockStart(i, b)),
      text: (i, t) => (this.out += textDelta(i, t)),
      thinking: (i, t) => (this.out += thinkingDelta(i, t)),
      signature: (i, s) => (this.out += signatureDelta(i, s)),
      input: (i, json) => (this.out += inputJsonDelta(i, json)),
      stop: (i) => (this.out += blockStop(i)),
    };
    this.parts = new PartTranslator(ctx, sink);
  }

  /**
   * message_start and a first ping, with zero usage (the final counts go in message_delta).
   * The responder calls it when the upstream answers; otherwise the first event starts the message.
   */
  start(): string {
    return this.begin();
  }

  /** Upstream bytes in, Anthropic SSE text out (possibly ''): one socket write per upstream read. */
  write(chunk: Buffer): string {
    if (this.done) return '';
    const events = this.parser.push(chunk);
    let out = '';
    for (let i = 0; i < events.length && !this.done; i++) out += this.onData(events[i].data);
    return out;
  }

  /** Upstream EOF. A stream that never said how it finished is an error, not a clean stop. */
  end(): string {
    if (this.done) return '';
    let out = '';
    const events = this.parser.end();
    for (let i = 0; i < events.length && !this.done; i++) out += this.onData(events[i].data);
    if (this.done) return out;
    out += this.begin();
    if (this.finishReason !== null || this.blockReason !== null) return out + this.finish();
    return out + this.error('api_error', 'upstream stream ended before completion');
  }

  /** Transport failure mid-stream (socket reset, timeout): one terminal error event. */
  fail(type: ErrorType, message: string): string {
    if (this.done) return '';
    return this.begin() + this.error(type, message);
  }

  /** A terminal message_stop or error has been produced. */
  get finished(): boolean {
    return this.done;
  }

  /** The error the stream ended with, if it ended with one. */
  get failure(): { type: ErrorType; message: string } | null {
    return this.failed;
  }

  /** A content block has been opened: the client has (or would have) seen model output. */
  get hasContent(): boolean {
    return this.parts.blockCount > 0;
  }

  get usage(): Usage {
    return this.finalUsage ?? geminiUsage(this.rawUsage);
  }

  /** The stop_reason sent, or null when the stream has not ended cleanly. */
  get stopReason(): StopReason | null {
    return this.stop;
  }

  // ------------------------------------------------------------ events

  private begin(): string {
    if (this.started) return '';
    this.started = true;
    return messageStart(this.ctx.messageId, this.ctx.requestedModel, geminiUsage(null)) + PING;
  }

  private onData(data: string): string {
    if (isBlank(data)) return '';
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return this.begin() + this.error('api_error', 'upstream failed mid-stream: malformed event data');
    }
    // The non-SSE stream endpoint wraps chunks in an array; accept that shape too.
    if (Array.isArray(chunk)) {
      let out = '';
      for (const c of chunk) if (!this.done) out += this.onChunk(c as GeminiResponse);
      return out;
    }
    return this.onChunk(chunk as GeminiResponse);
  }

  private onChunk(chunk: GeminiResponse): string {
    if (!chunk || typeof chunk !== 'object') return this.begin() + this.error('api_error', 'upstream failed mid-stream: malformed event data');
    let out = this.begin();
    if (chunk.error) return out + this.upstreamError(chunk.error);
    if (chunk.usageMetadata) this.rawUsage = chunk.usageMetadata;
    const fb = chunk.promptFeedback;
    if (fb && typeof fb.blockReason === 'string' && fb.blockReason) {
      this.blockReason = fb.blockReason;
      this.blockMessage = fb.blockReasonMessage;
    }
    const cand = Array.isArray(chunk.candidates) ? chunk.candidates[0] : undefined; // candidateCount is always 1
    if (cand) {
      const parts = cand.content?.parts;
      if (Array.isArray(parts)) for (const p of parts) this.parts.part(p);
      const fr = cand.finishReason;
      if (typeof fr === 'string' && fr && fr !== 'FINISH_REASON_UNSPECIFIED') {
        this.finishReason = fr;
        this.finishMessage = cand.finishMessage;
      }
    }
    out += this.out;
    this.out = '';
    return out;
  }

  private finish(): string {
    const reason = this.parts.conclude({
      finishReason: this.finishReason,
      finishMessage: this.finishMessage,
      blockReason: this.blockReason,
      blockMessage: this.blockMessage,
    });
    const usage = geminiUsage(this.rawUsage);
    this.finalUsage = usage;
    this.stop = reason;
    this.done = true;
    const out = this.out;
    this.out = '';
    return out + messageDelta(reason, null, usage) + MESSAGE_STOP;
  }

  private upstreamError(err: GeminiErrorObject): string {
    const msg = typeof err.message === 'string' && err.message ? err.message : typeof err.status === 'string' ? err.status : 'unknown error';
    return this.error(geminiErrorType(err), 'upstream failed mid-stream: ' + msg);
  }

  private error(type: ErrorType, message: string): string {
    this.done = true;
    this.failed = { type, message };
    return errorEvent(type, message);
  }
}
