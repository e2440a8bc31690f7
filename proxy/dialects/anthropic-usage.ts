import type { StopReason, Usage } from '../protocol/anthropic/types.js';

// Reads usage from an Anthropic stream while it is relayed, without parsing the
// stream: only message_start and message_delta carry usage, and they are found
// with native byte search. The markers are JSON-quoted, so text that merely
// mentions them (its quotes are escaped) never matches.

const START = Buffer.from('"message_start"');
const DELTA = Buffer.from('"message_delta"');
const DATA = Buffer.from('data:');
/** message_delta and message_stop are a few hundred bytes; this is plenty. */
const TAIL = 2048;

const USAGE_FIELDS = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const;

export class AnthropicUsageScanner {
  private usageValue: Usage | null = null;
  private sawStart = false;
  private stop: StopReason | null = null;

  /**
   * Complete SSE events, as relayed. message_start comes once, first; message_delta
   * comes once, last but for message_stop: so only the start is searched until found,
   * and only each read's tail for the delta (a full search of every read would cost
   * ~80 µs per 1000-event stream).
   */
  scan(buf: Buffer): void {
    if (!this.sawStart) this.take(buf, START, 0);
    this.take(buf, DELTA, Math.max(0, buf.length - TAIL));
  }

  /** A whole non-streaming Message response. */
  scanMessage(body: Buffer): void {
    try {
      const m = JSON.parse(body.toString('utf8')) as { usage?: Partial<Usage>; stop_reason?: StopReason };
      if (m && typeof m === 'object' && m.usage) this.merge(m.usage, true);
      if (m?.stop_reason) this.stop = m.stop_reason;
    } catch {
      // not a message (an error body relayed as is): no usage
    }
  }

  get usage(): Usage | undefined {
    return this.usageValue ?? undefined;
  }

  get stopReason(): StopReason | null {
    return this.stop;
  }

  private take(buf: Buffer, marker: Buffer, from: number): void {
    // message_start occurs once: stop at the first match instead of searching the rest of the read.
    for (let i = buf.indexOf(marker, from); i !== -1; i = marker === START && this.sawStart ? -1 : buf.indexOf(marker, i + marker.length)) {
      const line = buf.lastIndexOf(DATA, i);
      if (line === -1) continue;
      const end = buf.indexOf(0x0a, i);
      try {
        const ev = JSON.parse(buf.toString('utf8', line + DATA.length, end === -1 ? buf.length : end)) as {
          type?: string;
          message?: { usage?: Partial<Usage> };
          usage?: Partial<Usage>;
          delta?: { stop_reason?: StopReason };
        };
        if (ev.type === 'message_start') {
          this.sawStart = true;
          if (ev.message?.usage) this.merge(ev.message.usage, true);
        }
        else if (ev.type === 'message_delta') {
          if (ev.usage) this.merge(ev.usage, false);
          if (ev.delta?.stop_reason) this.stop = ev.delta.stop_reason;
        }
      } catch {
        // a malformed event is the client's to judge; usage just stays unknown
      }
    }
  }

  /** message_delta usage is cumulative: its non-null fields replace message_start's. */
  private merge(u: Partial<Usage>, reset: boolean): void {
    const base: Usage = reset || !this.usageValue ? { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } : this.usageValue;
    for (const k of USAGE_FIELDS) if (typeof u[k] === 'number') base[k] = u[k] as number;
    this.usageValue = base;
  }
}
