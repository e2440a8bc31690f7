import type { IncomingHttpHeaders } from 'node:http';
import { encodeBody } from '../protocol/anthropic/byte-strings.js';
import { errorEvent, type GatewayError } from '../protocol/anthropic/errors.js';
import { upstreamErrorMessage, upstreamHttpError } from '../upstream/errors.js';
import { passthroughBody } from './anthropic-body.js';
import { AnthropicUsageScanner } from './anthropic-usage.js';
import { baseHeaders, single } from './headers.js';
import type { ClientSink, Dialect, Outcome, Responder, Target } from './types.js';
import { vertexClaudeHttpError, vertexCountTokensRequest, vertexMessagesRequest } from './vertex-claude.js';

// Passthrough to Anthropic and Anthropic-compatible servers: the body goes out
// byte-for-byte unless something must change (model name, an output ceiling,
// thinking blocks minted by another provider), and the response streams back as
// it arrives, cut only at event boundaries so a failure can end it cleanly.
// Vertex AI Claude (a provider with `vertex` settings) gets its URL, body and
// headers from the Vertex shaper (dialects/vertex-claude.ts); its answers are the same.

const FORWARDED = ['anthropic-version', 'anthropic-beta', 'user-agent', 'x-app', 'x-claude-code-session-id'];

export const anthropicDialect: Dialect = {
  messagesRequest(ctx, target) {
    const vertex = target.provider.vertex;
    if (vertex !== undefined) return vertexMessagesRequest(ctx, target, vertex);
    return {
      url: target.provider.baseUrl + target.provider.path + ctx.query,
      method: 'POST',
      headers: passthroughHeaders(target, ctx.headers),
      body: passthroughBody(ctx, target),
    };
  },

  responder(ctx, _target, sink) {
    return ctx.stream ? new StreamRelay(sink) : new BodyRelay(sink);
  },

  countTokensRequest(ctx, target) {
    const vertex = target.provider.vertex;
    if (vertex !== undefined) return vertexCountTokensRequest(ctx, target, vertex);
    const path = target.provider.countTokensPath;
    if (!path) return null;
    const body = ctx.body.model === target.model ? ctx.raw : encodeBody(JSON.stringify({ ...ctx.body, model: target.model }), ctx.byteStrings);
    return { url: target.provider.baseUrl + path + ctx.query, method: 'POST', headers: passthroughHeaders(target, ctx.headers), body };
  },

  httpError(status, headers, body, target, redact) {
    if (target.provider.vertex !== undefined) return vertexClaudeHttpError(status, headers, body, target, redact);
    return upstreamHttpError(status, headers, upstreamErrorMessage(body), target.provider.label, redact);
  },
};

function passthroughHeaders(target: Target, client: IncomingHttpHeaders): Record<string, string> {
  const h = baseHeaders(target.provider, client);
  for (const name of FORWARDED) {
    const v = single(client[name]);
    if (v) h[name] = v;
  }
  h['anthropic-version'] ??= '2023-06-01';
  return h;
}

const RESPONSE_HEADERS = ['request-id', 'anthropic-organization-id'];

function relayHeaders(upstream: IncomingHttpHeaders, contentType: string): Record<string, string> {
  const h: Record<string, string> = { 'content-type': contentType };
  for (const name of RESPONSE_HEADERS) {
    const v = single(upstream[name]);
    if (v) h[name] = v;
  }
  for (const [name, v] of Object.entries(upstream)) {
    if (name.startsWith('anthropic-ratelimit-') && typeof v === 'string') h[name] = v;
  }
  return h;
}

const LF2 = Buffer.from('\n\n');
const CRLF2 = Buffer.from('\r\n\r\n');

/** Relays an SSE stream, writing only whole events so an error event can always follow cleanly. */
class StreamRelay implements Responder {
  private pending: Buffer | null = null;
  private done = false;
  /** A message_stop or error event has been relayed (an SSE upstream that ends without one was cut). */
  private terminal = false;
  private sse = true;
  private readonly usage = new AnthropicUsageScanner();
  committed = false;

  constructor(private readonly sink: ClientSink) {}

  onStart(_status: number, headers: IncomingHttpHeaders): void {
    const type = single(headers['content-type']) ?? 'text/event-stream';
    this.sse = type.startsWith('text/event-stream');
    const h = relayHeaders(headers, type.startsWith('text/event-stream') ? 'text/event-stream; charset=utf-8' : type);
    h['cache-control'] = 'no-cache';
    h['x-accel-buffering'] = 'no';
    this.sink.head(200, h);
    this.committed = true;
  }

  onData(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const cut = Math.max(lastBoundary(buf, LF2, 2), lastBoundary(buf, CRLF2, 4));
    if (cut === -1) {
      this.pending = buf;
      return;
    }
    this.pending = cut < buf.length ? buf.subarray(cut) : null;
    const out = cut === buf.length ? buf : buf.subarray(0, cut);
    if (!this.terminal) this.terminal = isTerminal(out);
    this.usage.scan(out);
    this.sink.write(out);
  }

  onEnd(): void {
    if (this.done) return;
    this.done = true;
    const tail = this.pending;
    // A trailing event without its blank line is still an event; pass it on.
    if (this.terminal || !this.sse || (tail && isTerminal(tail))) this.sink.end(tail ?? undefined);
    // Cut short with a clean EOF: the client must see a failure, not a truncated message.
    else this.sink.end(errorEvent('api_error', 'upstream stream ended before completion'));
  }

  onError(err: GatewayError): void {
    if (this.done) return;
    this.done = true;
    this.sink.end(errorEvent(err.type, err.message));
  }

  outcome(): Outcome {
    return { usage: this.usage.usage, stopReason: this.usage.stopReason };
  }
}

/**
 * Whether the last event in `buf` ends the message. Only the last event is read
 * (a terminal event is always last). JSON-quoted, so text that merely mentions
 * these words (escaped quotes) does not count.
 */
function isTerminal(buf: Buffer): boolean {
  const start = buf.lastIndexOf('event:', buf.length - 2);
  const last = start <= 0 ? buf : buf.subarray(start);
  return last.includes('"message_stop"') || last.includes('"error"');
}

function lastBoundary(buf: Buffer, sep: Buffer, len: number): number {
  const i = buf.lastIndexOf(sep);
  return i === -1 ? -1 : i + len;
}

/**
 * Relays a non-streaming JSON answer. It is buffered (it is small) so that an
 * upstream failure halfway through still reaches the client as a proper error.
 */
class BodyRelay implements Responder {
  readonly committed = false;
  private chunks: Buffer[] = [];
  private readonly usage = new AnthropicUsageScanner();
  private status = 200;
  private headers: Record<string, string> = {};

  constructor(private readonly sink: ClientSink) {}

  onStart(status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.headers = relayHeaders(headers, single(headers['content-type']) ?? 'application/json');
  }

  onData(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onEnd(): void {
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.usage.scanMessage(body);
    this.sink.head(this.status, this.headers);
    this.sink.end(body);
  }

  onError(_err: GatewayError): void {
    // Nothing was sent: the caller answers with the error status instead.
  }

  outcome(): Outcome {
    return { usage: this.usage.usage, stopReason: this.usage.stopReason };
  }
}
