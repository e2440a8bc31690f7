// Shared helpers for the openai-chat stream translator tests.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ResponseContext } from '../translate/openai-chat/options.js';
import { ChatStreamTranslator } from '../translate/openai-chat/stream.js';
import { assertValidAnthropicStream, parseAnthropicSse, type AnthropicSseEvent } from './anthropic-stream.js';

export const CTX: ResponseContext = {
  requestedModel: 'claude-opus-5-5',
  providerId: 'deepseek',
  upstreamModel: 'deepseek-v4-pro',
  thinkingDisplay: 'summarized',
  messageId: 'msg_01STREAM',
};

export const fixture = (name: string): Buffer => readFileSync(new URL(`../translate/openai-chat/fixtures/${name}`, import.meta.url));

/** Runs bytes through a translator in the given pieces; returns the Anthropic SSE text and the translator. */
export function translate(pieces: Buffer[], ctx: ResponseContext = CTX): { text: string; t: ChatStreamTranslator } {
  const t = new ChatStreamTranslator(ctx);
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

/** Data lines → upstream SSE bytes. */
export function sse(...chunks: Array<object | string>): Buffer {
  return Buffer.from(chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\n\n`).join(''));
}
export const delta = (d: object, finish: string | null = null, extra: object = {}) => ({ choices: [{ index: 0, delta: d, finish_reason: finish, ...extra }] });

export const usage0 = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };

export const sig = expect.stringMatching(/^swb1\./);
