// Shared client-side helpers for the fault, fallback and streaming integration
// tests: real HTTP requests to a running gateway, SSE reading, error-shape checks.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { expect } from 'vitest';
import { parseAnthropicSse, type AnthropicSseEvent } from '../anthropic-stream.js';
import { sleep } from '../upstream.js';

export const MODEL = 'claude-sonnet-5-5';

export function messagesBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }], ...extra };
}

/** POSTs /v1/messages?beta=true the way Claude Code does. */
export function post(base: string, body: Record<string, unknown>, init: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(base + '/v1/messages?beta=true', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'client-key', ...(init.headers ?? {}) },
    body: JSON.stringify(body),
    signal: init.signal,
  });
}

/** Asserts an Anthropic error response: exact status, JSON content type, exact body shape; returns the message. */
export async function expectAnthropicError(res: Response, status: number, type: string): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text);
  expect(Object.keys(body).filter((k) => k !== 'request_id').sort()).toEqual(['error', 'type']);
  expect(body.type).toBe('error');
  expect(Object.keys(body.error).sort()).toEqual(['message', 'type']);
  expect(body.error.type).toBe(type);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.message as string;
}

/** Reads a whole SSE response (bounded) and parses it. */
export async function readSse(res: Response): Promise<{ text: string; events: AnthropicSseEvent[] }> {
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  return { text, events: parseAnthropicSse(text) };
}

/** The single terminal error event of a failed stream (asserts there is exactly one, last, and no message_stop). */
export function terminalError(events: AnthropicSseEvent[]): { type: string; message: string } {
  const errors = events.filter((e) => e.event === 'error');
  expect(errors).toHaveLength(1);
  expect(events[events.length - 1].event).toBe('error');
  expect(events.some((e) => e.event === 'message_stop')).toBe(false);
  return errors[0].data.error;
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls until cond() holds or the deadline passes; returns the elapsed ms (throws on timeout). */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
  return Date.now() - t0;
}

/** Writes pieces, waits for the peer to read them, then resets the TCP connection (RST). */
export async function resetAfter(res: ServerResponse, pieces: string[], opts: { status?: number; headers?: Record<string, string> } = {}): Promise<void> {
  res.writeHead(opts.status ?? 200, { 'content-type': 'text/event-stream', ...(opts.headers ?? {}) });
  for (const p of pieces) res.write(p);
  await sleep(80);
  res.socket?.resetAndDestroy();
}

/** Reads a fetch body chunk by chunk, with a hook after each chunk (for aborts and slow readers). */
export async function readChunks(res: Response, onChunk: (text: string, total: string) => Promise<boolean | void> | boolean | void): Promise<string> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let total = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const t = dec.decode(value, { stream: true });
    total += t;
    if ((await onChunk(t, total)) === true) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return total + dec.decode();
}
