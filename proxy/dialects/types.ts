import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedProvider } from '../config/resolve.js';
import type { GatewayError } from '../protocol/anthropic/errors.js';
import type { MessageResponse, MessagesRequest, StopReason, Usage } from '../protocol/anthropic/types.js';
import type { UpstreamRequest } from '../upstream/client.js';

/** One candidate: a provider and the upstream model it will be asked for. */
export interface Target {
  provider: ResolvedProvider;
  model: string;
}

/** Everything known about the client's request, parsed once. */
export interface RequestContext {
  body: MessagesRequest;
  /** The exact bytes the client sent (forwarded untouched where nothing must change). */
  raw: Buffer;
  /** The query string of the client's URL, with its '?', or ''. */
  query: string;
  headers: IncomingHttpHeaders;
  requestedModel: string;
  stream: boolean;
  messageId: string;
  /** `body`'s strings are byte strings (protocol/anthropic/byte-strings.ts): re-encode with encodeBody. */
  byteStrings: boolean;
}

/** Where a responder writes: the client's HTTP response. */
export interface ClientSink {
  head(status: number, headers: Record<string, string>): void;
  write(chunk: string | Buffer): void;
  end(chunk?: string | Buffer): void;
  readonly headersSent: boolean;
}

/** What a finished exchange produced, for usage records and events. */
export interface Outcome {
  usage?: Usage;
  stopReason?: StopReason | null;
  /** What the provider says the request cost, in USD (OpenRouter's usage.cost), when it says. */
  providerCostUsd?: number;
}

/**
 * A translating dialect's whole upstream answer as the Anthropic message and what it cost:
 * a non-streaming answer, or a JSON answer to a stream request (a server that ignored
 * `stream`). Throws a GatewayError when the body is unusable or an error object.
 */
export type TranslateAnswer = (body: Buffer) => { message: MessageResponse; outcome: Outcome };

/** Turns one successful (2xx) upstream response into the client's response. */
export interface Responder {
  onStart(status: number, headers: IncomingHttpHeaders): void;
  onData(chunk: Buffer): void;
  onEnd(): void;
  /** The upstream failed after answering 2xx (reset, idle timeout, bad encoding). */
  onError(err: GatewayError): void;
  /** True once the responder has sent client bytes that rule out a clean error status. */
  readonly committed: boolean;
  /** True once the client response is complete (terminal event sent) before the upstream ended. */
  readonly finished?: boolean;
  /**
   * Set when the upstream answered 2xx but failed before any content reached the client:
   * nothing was sent, so the attempt counts as failed and the next target may be tried.
   */
  readonly earlyFailure?: GatewayError | null;
  outcome(): Outcome;
}

export interface Dialect {
  /** Built after the provider's `authHook` (if any) has run: its headers are added to the result. */
  messagesRequest(ctx: RequestContext, target: Target): UpstreamRequest;
  responder(ctx: RequestContext, target: Target, sink: ClientSink): Responder;
  /** The upstream count_tokens request, or null to count locally. */
  countTokensRequest(ctx: RequestContext, target: Target): UpstreamRequest | null;
  /**
   * The token count in a 2xx answer to countTokensRequest, or null when it has none (then the
   * gateway counts locally). Absent: the answer is already Anthropic's {input_tokens} and is relayed.
   */
  countTokensResult?(body: Buffer): number | null;
  /**
   * A non-2xx upstream answer as the client's error (default: upstream/errors.ts
   * upstreamHttpError). Null means the provider learned why it refused (an
   * anthropic-beta value Vertex rejects): attempt() rebuilds and resends once.
   */
  httpError?(status: number, headers: IncomingHttpHeaders, body: string, target: Target, redact: (s: string) => string): GatewayError | null;
}
