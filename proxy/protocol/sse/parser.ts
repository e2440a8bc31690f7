import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  /** The `event:` field, or '' when absent (OpenAI and Gemini send none). */
  event: string;
  data: string;
}

/**
 * Incremental Server-Sent Events parser per the WHATWG grammar.
 * UTF-8 safe across chunk boundaries (a stateful decoder, never per-chunk
 * toString), skips `:` comments and keep-alives, accepts LF, CRLF and CR.
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private event = '';
  private data: string[] = [];
  private pendingCR = false;

  /** Feeds bytes; returns the events completed by them. */
  push(chunk: Buffer | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.pendingCR) {
      // A CR ended the previous chunk; a LF starting this one belongs to it.
      if (text.charCodeAt(0) === 10) text = text.slice(1);
      this.pendingCR = false;
    }
    const input = this.rest.length ? this.rest + text : text;
    const out: SseEvent[] = [];
    let start = 0;
    const len = input.length;
    // Searched once and again only when passed: most streams have no CR at all, and
    // rescanning the rest of a 64 KB read for every line would be quadratic.
    let cr = input.indexOf('\r');
    for (;;) {
      const lf = input.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = input.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 === len) {
          this.pendingCR = true;
          next = cr + 1;
        } else {
          next = input.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
        }
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        break;
      }
      this.line(input, start, end, out);
      start = next;
    }
    this.rest = start < len ? input.slice(start) : '';
    return out;
  }

  /** Flushes a final event that was not followed by a blank line. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    const tail = this.rest + this.decoder.end();
    this.rest = '';
    if (tail.length) this.line(tail, 0, tail.length, out);
    this.line('', 0, 0, out);
    return out;
  }

  /** Bytes received but not yet part of a complete line (for diagnostics). */
  get pending(): string {
    return this.rest;
  }

  private line(input: string, start: number, end: number, out: SseEvent[]): void {
    if (start === end) {
      if (this.data.length) {
        out.push({ event: this.event, data: this.data.length === 1 ? this.data[0] : this.data.join('\n') });
      }
      this.event = '';
      this.data = [];
      return;
    }
    const first = input.charCodeAt(start);
    if (first === 58 /* ':' */) return; // comment / keep-alive
    const colon = input.indexOf(':', start);
    let field: string;
    let value: string;
    if (colon === -1 || colon >= end) {
      field = input.slice(start, end);
      value = '';
    } else {
      field = input.slice(start, colon);
      const vs = input.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
      value = input.slice(vs, end);
    }
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    // id / retry / unknown fields are irrelevant to a one-shot response stream.
  }
}
