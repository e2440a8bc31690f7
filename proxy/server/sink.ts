import type { ServerResponse } from 'node:http';
import type { ClientSink } from '../dialects/types.js';
import type { Redact } from '../log.js';

/**
 * The client's HTTP response as dialects see it. Adds the transparency headers
 * of the attempt in flight, and applies backpressure: when the client socket is
 * full, the upstream is paused until it drains.
 */
export class ResponseSink implements ClientSink {
  extraHeaders: Record<string, string> = {};
  /** performance.now() when the response headers went out (the first byte), or null. */
  firstByteAt: number | null = null;
  private pauseUpstream: (() => void) | null = null;
  private resumeUpstream: (() => void) | null = null;
  private waitingDrain = false;

  /** `redact` removes configured secrets from what is sent (an upstream error event may echo a key). */
  constructor(
    private readonly res: ServerResponse,
    private readonly redact?: Redact,
  ) {}

  /** Wires backpressure to the upstream call of the current attempt. */
  bindFlow(pause: () => void, resume: () => void): void {
    this.pauseUpstream = pause;
    this.resumeUpstream = resume;
  }

  head(status: number, headers: Record<string, string>): void {
    if (this.res.headersSent) return;
    this.firstByteAt = performance.now();
    this.res.writeHead(status, { ...headers, ...this.extraHeaders });
  }

  write(chunk: string | Buffer): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    chunk = this.clean(chunk);
    if (!this.res.write(chunk) && !this.waitingDrain && this.pauseUpstream) {
      this.waitingDrain = true;
      this.pauseUpstream();
      this.res.once('drain', () => {
        this.waitingDrain = false;
        this.resumeUpstream?.();
      });
    }
  }

  end(chunk?: string | Buffer): void {
    if (this.waitingDrain) {
      // 'drain' never fires on an ending response: let undici read the upstream to its end so
      // the connection goes back to the keep-alive pool instead of being aborted.
      this.waitingDrain = false;
      this.resumeUpstream?.();
    }
    if (this.res.writableEnded || this.res.destroyed) return;
    if (chunk === undefined) this.res.end();
    else this.res.end(this.clean(chunk));
  }

  /** Chunks are whole events or bodies, so a secret is never split across two; untouched bytes stay a Buffer. */
  private clean(chunk: string | Buffer): string | Buffer {
    if (!this.redact || !this.redact.found(chunk)) return chunk;
    return this.redact(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }
}
