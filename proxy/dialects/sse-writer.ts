import { PING } from '../protocol/anthropic/sse.js';
import type { ClientSink } from './types.js';

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

/** Quiet time after which a ping keeps proxies and clients from timing out (long thinking). */
const HEARTBEAT_MS = 10_000;

/**
 * Writes translated SSE text to the client: one write per upstream read, and a
 * ping when the upstream has been silent, always at event boundaries.
 */
export class SseWriter {
  private timer: NodeJS.Timeout | null = null;
  private lastWrite = 0;
  private closed = false;

  constructor(private readonly sink: ClientSink) {}

  open(first: string): void {
    this.sink.head(200, SSE_HEADERS);
    if (first) this.sink.write(first);
    this.lastWrite = Date.now();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  write(text: string): void {
    if (!text || this.closed) return;
    this.sink.write(text);
    this.lastWrite = Date.now();
  }

  close(last: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.sink.end(last || undefined);
  }

  private beat(): void {
    if (this.closed) return;
    if (Date.now() - this.lastWrite >= HEARTBEAT_MS - 50) this.write(PING);
  }
}
