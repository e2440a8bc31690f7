import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { expect } from 'vitest';

// Client-side helpers for integration tests. `raw` uses node:http so a test can
// send what fetch refuses to: any Host header, no content-type, absolute-form
// targets, odd paths.

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): any;
}

export interface RawOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export function raw(baseUrl: string, opts: RawOptions = {}): Promise<RawResponse> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const JSON_HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };

/** POST /v1/messages with fetch; `body` objects are serialised, strings sent as is. */
export function postMessages(baseUrl: string, body: unknown, headers: Record<string, string> = {}, path = '/v1/messages?beta=true'): Promise<Response> {
  return fetch(baseUrl + path, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A minimal valid Messages request. */
export function minimalRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra };
}

/** Asserts Anthropic's error shape: {type:'error', error:{type, message}}. Returns the message. */
export function expectAnthropicError(status: number, body: any, expectedStatus: number, type: string, message?: RegExp | string): string {
  expect(status).toBe(expectedStatus);
  expect(body).toMatchObject({ type: 'error', error: { type, message: expect.any(String) } });
  if (message !== undefined) expect(body.error.message).toMatch(message);
  return body.error.message as string;
}

export async function expectErrorResponse(res: Response, status: number, type: string, message?: RegExp | string): Promise<string> {
  const body = await res.json();
  return expectAnthropicError(res.status, body, status, type, message);
}

/** An Anthropic /v1/messages JSON answer. */
export function anthropicMessage(text: string, model = 'claude-up', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'msg_up_1',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    ...extra,
  };
}
