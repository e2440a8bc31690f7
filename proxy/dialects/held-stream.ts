import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../protocol/anthropic/errors.js';
import { messageToSse } from '../protocol/anthropic/message-to-sse.js';
import type { ErrorType, StopReason, Usage } from '../protocol/anthropic/types.js';
import { single } from './headers.js';
import { SseWriter } from './sse-writer.js';
import type { ClientSink, Outcome, Responder, TranslateAnswer } from './types.js';

// The streaming responder of the translating dialects (openai-chat, gemini). Both
// translators have the same shape and guarantees; what this adds is when the
// client's response starts: headers are held until the first content (at most
// HOLD_MS), so an upstream that answers 200 and then fails before producing
// anything becomes an earlyFailure the attempt loop can still fall back from.

/** What a stream translator offers (translate/openai-chat/stream.ts, translate/gemini/stream.ts). */
export interface StreamTranslator {
  /** message_start (and a ping), before any upstream byte. */
  start(): string;
  /** Upstream bytes in, Anthropic SSE text out (possibly ''). */
  write(chunk: Buffer): string;
  /** Upstream EOF: the closing events, or one error event when the stream did not finish. */
  end(): string;
  /** A transport failure mid-stream: one terminal error event. */
  fail(type: ErrorType, message: string): string;
  readonly finished: boolean;
  readonly failure: { type: ErrorType; message: string } | null;
  /** A content block has been produced. */
  readonly hasContent: boolean;
  readonly usage: Usage | undefined;
  readonly stopReason: StopReason | null;
  readonly providerCostUsd?: number;
}

/**
 * Longest the client waits for response headers while they are held back. Until
 * the upstream produces its first content, nothing is sent, so a provider that
 * answers 200 and then fails at once (OpenRouter reports provider errors that
 * way) can still be replaced by the next target; after this, the stream opens.
 */
const HOLD_MS = 2000;

export function isJson(headers: IncomingHttpHeaders): boolean {
  return (single(headers['content-type']) ?? '').includes('json');
}

/**
 * Streams translated events; falls back to synthesising a stream when the
 * upstream answers with JSON. Holds the client's headers until the first content
 * (or HOLD_MS), so a failure before any output can still fall back.
 */
export class HeldStreamResponder implements Responder {
  private readonly writer: SseWriter;
  private json: BodyCollector | null = null;
  /** The outcome when the upstream answered the stream request with JSON. */
  private jsonOutcome: Outcome | null = null;
  /** Frames produced before the first content and not sent yet. */
  private held = '';
  private holdTimer: NodeJS.Timeout | null = null;
  private early: GatewayError | null = null;
  committed = false;

  constructor(
    private readonly translator: StreamTranslator,
    /** A JSON answer to the stream request (the server ignored `stream`), replayed as a complete stream. */
    private readonly answer: TranslateAnswer,
    private readonly label: string,
    sink: ClientSink,
  ) {
    this.writer = new SseWriter(sink);
  }

  onStart(_status: number, headers: IncomingHttpHeaders): void {
    if (isJson(headers)) {
      // Some servers ignore stream:true; translate the whole answer once it is in.
      this.json = new BodyCollector();
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
    const t = this.translator;
    const out = t.write(chunk);
    if (this.committed) this.writer.write(out);
    else if (t.hasContent || (t.finished && !t.failure)) this.release(out);
    else if (t.finished) this.failEarly();
    else this.held += out;
    // A terminal event: end the client's response now, whatever the upstream does next.
    if (t.finished && this.committed) this.writer.close('');
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
      const { message, outcome } = this.answer(this.json.bytes());
      this.jsonOutcome = outcome;
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
    const t = this.translator;
    return { usage: t.usage, stopReason: t.stopReason, providerCostUsd: t.providerCostUsd };
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

/** Buffers a (small) JSON answer. */
export class BodyCollector {
  private chunks: Buffer[] = [];

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  bytes(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
  }
}
