// Shared helpers for the Gemini translation tests.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ContentBlock, MessagesRequest } from '../protocol/anthropic/types.js';
import type { GeminiResponse } from '../protocol/gemini/types.js';
import type { GeminiResponseContext, GeminiTarget } from '../translate/gemini/options.js';
import { GeminiStreamTranslator } from '../translate/gemini/stream.js';
import { assertValidAnthropicStream, parseAnthropicSse, type AnthropicSseEvent } from './anthropic-stream.js';

export const fixtureText = readFileSync(new URL('./fixtures/claude-code-turn1.json', import.meta.url), 'utf8');
export const claudeCode = (): MessagesRequest => JSON.parse(fixtureText) as MessagesRequest;

export const FLASH: GeminiTarget = {
  providerId: 'gemini',
  model: 'gemini-2.5-flash',
  maxOutputTokens: 65536,
  thinking: 'budget',
  requiresSignatures: false,
  multimodalToolResults: false,
  webSearch: 'googleSearch',
};
export const PRO3: GeminiTarget = {
  ...FLASH,
  model: 'gemini-3-pro-preview',
  thinking: 'level',
  requiresSignatures: true,
  multimodalToolResults: true,
};

export const RC: GeminiResponseContext = {
  requestedModel: 'claude-opus-5-5',
  providerId: 'gemini',
  upstreamModel: 'gemini-3-pro-preview',
  thinkingDisplay: 'summarized',
  messageId: 'msg_01GEMINI',
};

export function req(messages: MessagesRequest['messages'], extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return { model: 'claude-opus-5-5', max_tokens: 1024, messages, ...extra };
}
export const user = (content: string | ContentBlock[]) => ({ role: 'user' as const, content });
export const assistant = (content: string | ContentBlock[]) => ({ role: 'assistant' as const, content });
export const block = (b: Record<string, unknown>): ContentBlock => b as unknown as ContentBlock;

export const fixture = (name: string): Buffer => readFileSync(new URL(`../translate/gemini/fixtures/${name}`, import.meta.url));

/** Gemini SSE bytes (alt=sse: data lines only, no event names, no [DONE]). */
export function sse(...chunks: Array<GeminiResponse | string>): Buffer {
  return Buffer.from(chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\r\n\r\n`).join(''));
}

/** Runs bytes through a translator in the given pieces; returns the Anthropic SSE text and the translator. */
export function translate(pieces: Buffer[], ctx: GeminiResponseContext = RC): { text: string; t: GeminiStreamTranslator } {
  const t = new GeminiStreamTranslator(ctx);
  // As the responder does (dialects/held-stream.ts): message_start goes out when the upstream answers.
  let text = t.start();
  for (const p of pieces) text += t.write(p);
  text += t.end();
  return { text, t };
}

export function events(text: string): AnthropicSseEvent[] {
  const ev = parseAnthropicSse(text);
  assertValidAnthropicStream(ev);
  return ev;
}

export const sig = expect.stringMatching(/^swb1\./);
