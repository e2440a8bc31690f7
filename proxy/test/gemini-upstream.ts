// Gemini wire bytes for scripted upstreams (reference providers.md §2.3): alt=sse
// streams are `data: <GenerateContentResponse>` events with CRLF framing, no event
// names and no [DONE]; errors are {"error":{code,message,status,details}}.
import type { ServerResponse } from 'node:http';
import { json, sse } from './upstream.js';

export type Part = Record<string, unknown>;

export interface Usage {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
}

/** One streamed GenerateContentResponse chunk. */
export function gChunk(parts: Part[], opts: { finish?: string; usage?: Usage; model?: string } = {}): object {
  const cand: Record<string, unknown> = { content: { parts, role: 'model' }, index: 0 };
  if (opts.finish) cand.finishReason = opts.finish;
  const out: Record<string, unknown> = { candidates: [cand], modelVersion: opts.model ?? 'gemini-2.5-pro', responseId: 'resp-1' };
  if (opts.usage) out.usageMetadata = { totalTokenCount: (opts.usage.promptTokenCount ?? 0) + (opts.usage.candidatesTokenCount ?? 0), ...opts.usage };
  return out;
}

/** SSE event strings for chunks (or raw data strings). */
export function geminiStream(chunks: Array<object | string>): string[] {
  return chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\r\n\r\n`);
}

/** Serves a Gemini alt=sse stream. */
export function serveGemini(res: ServerResponse, chunks: Array<object | string>, opts: { delayMs?: number; end?: boolean } = {}): Promise<void> {
  return sse(res, geminiStream(chunks), opts);
}

/** Google's error body. */
export function googleError(code: number, status: string, message: string, details: object[] = []): object {
  return { error: { code, message, status, ...(details.length ? { details } : {}) } };
}

export function serveGoogleError(res: ServerResponse, code: number, status: string, message: string, details: object[] = []): void {
  json(res, code, googleError(code, status, message, details));
}

export const retryInfo = (delay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: delay });
export const errorInfo = (reason: string) => ({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' });

/** A whole generateContent answer. */
export function geminiAnswer(parts: Part[], finish = 'STOP', usage: Usage = { promptTokenCount: 10, candidatesTokenCount: 5 }): object {
  return gChunk(parts, { finish, usage });
}
