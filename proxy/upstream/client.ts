import type { IncomingHttpHeaders } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';

export interface UpstreamRequest {
  /** Full URL of the endpoint. */
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** Callbacks for one upstream exchange; exactly one of onEnd / onError ends it. */
export interface UpstreamHandlers {
  onResponse(status: number, headers: IncomingHttpHeaders): void;
  /** Decoded (decompressed) body bytes. */
  onData(chunk: Buffer): void;
  onEnd(): void;
  onError(err: Error): void;
}

export interface UpstreamCall {
  abort(reason?: Error): void;
  pause(): void;
  resume(): void;
}

export interface Timeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

/** Keep-alive pools per upstream origin, with our timeouts. One per gateway. */
export class UpstreamClient {
  private readonly agent: Agent;
  private readonly timeouts: Timeouts;

  constructor(timeouts: Timeouts) {
    this.timeouts = timeouts;
    this.agent = new Agent({
      connect: { timeout: timeouts.connectMs },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
      // Streams are long-lived: never pipeline a request behind one.
      pipelining: 1,
    });
  }

  send(req: UpstreamRequest, handlers: UpstreamHandlers): UpstreamCall {
    const url = new URL(req.url);
    let controller: Dispatcher.DispatchController | null = null;
    let pendingAbort: Error | null = null;
    let decoder: Transform | null = null;
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      if (err) handlers.onError(err);
      else handlers.onEnd();
    };

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (pendingAbort) c.abort(pendingAbort);
      },
      onResponseStart(c, status, headers) {
        controller = c;
        const enc = headers['content-encoding'];
        decoder = typeof enc === 'string' ? makeDecoder(enc) : null;
        if (decoder) {
          decoder.on('data', (chunk: Buffer) => handlers.onData(chunk));
          decoder.on('end', () => settle(null));
          decoder.on('error', (err: Error) => {
            settle(new UpstreamBodyError(`could not decode ${enc} response: ${err.message}`));
            c.abort(err);
          });
        }
        handlers.onResponse(status, headers);
      },
      onResponseData(_c, chunk) {
        if (decoder) decoder.write(chunk);
        else handlers.onData(chunk);
      },
      onResponseEnd() {
        if (decoder) decoder.end();
        else settle(null);
      },
      onResponseError(_c, err) {
        if (decoder) decoder.destroy();
        settle(err);
      },
    };

    this.agent.dispatch(
      {
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        headersTimeout: this.timeouts.firstByteMs,
        bodyTimeout: this.timeouts.idleMs,
      },
      handler,
    );

    return {
      abort(reason = new Error('aborted')) {
        if (controller) {
          if (!controller.aborted) controller.abort(reason);
        } else {
          pendingAbort = reason;
        }
      },
      pause() {
        controller?.pause();
      },
      resume() {
        controller?.resume();
      },
    };
  }

  /** A small GET for catalogs and price lists, bounded by its own timeout; `signal` cancels it (gateway stop). */
  async getJson(url: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; json: unknown }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await this.agent.request({
      origin: new URL(url).origin,
      path: new URL(url).pathname + new URL(url).search,
      method: 'GET',
      headers: { ...headers, 'accept-encoding': 'identity', accept: 'application/json' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    const text = await res.body.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // left null: the caller reports an unusable answer
    }
    return { status: res.statusCode, json };
  }

  /**
   * A GET whose body is not wanted (health probes): the status only. The body is
   * read compressed and discarded, so a big catalog costs little and the
   * keep-alive connection stays usable. `signal` cancels it (gateway stop).
   */
  async probe(url: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number }> {
    const u = new URL(url);
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await this.agent.request({
      origin: u.origin,
      path: u.pathname + u.search,
      method: 'GET',
      headers: { ...headers, accept: 'application/json' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    await res.body.dump({ limit: 4 * 1024 * 1024 });
    return { status: res.statusCode };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  destroy(): void {
    void this.agent.destroy();
  }
}

export class UpstreamBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamBodyError';
  }
}

function makeDecoder(encoding: string): Transform | null {
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

/** What we ask upstreams for: encodings Node can decode on every supported version. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';
