import { encodeBody } from '../../protocol/anthropic/byte-strings.js';
import type { MessagesRequest } from '../../protocol/anthropic/types.js';
import type { GeminiGenerationConfig, GeminiRequest, GeminiThinkingConfig, GeminiThinkingLevel } from '../../protocol/gemini/types.js';
import type { GeminiTarget } from './options.js';
import { toGeminiContents } from './request-contents.js';
import { geminiToolConfig, geminiTools, type GeminiTools } from './request-tools.js';
import { toGeminiSchema } from './tool-schema.js';
import type { GeminiToolsCache } from './tools-cache.js';

// Anthropic Messages request → Gemini generateContent / streamGenerateContent?alt=sse.
// The output is built field by field, so everything Anthropic-only (metadata,
// cache_control, context_management, safeguards, betas) is dropped by construction.

/** The request facts translation needs (the dialect's RequestContext satisfies it). */
export interface GeminiRequestInput {
  body: MessagesRequest;
  /** The client's bytes, for the tools cache (byte-string bodies only). */
  raw?: Buffer;
  /** `body`'s strings are byte strings: the upstream body is encoded back as latin1 (see byte-strings.ts). */
  byteStrings: boolean;
  stream: boolean;
}

export interface GeminiUpstreamRequest {
  /** The model method: POST {base}/models/{model}:{action} (AI Studio) or …/publishers/google/models/{model}:{action} (Vertex). */
  action: 'generateContent' | 'streamGenerateContent';
  /** Query to add: 'alt=sse' for streams (SSE instead of a chunked JSON array), '' otherwise. */
  query: string;
  /** `:${action}` plus `?${query}` when there is one: append to the model's URL. */
  pathSuffix: string;
  /** UTF-8 JSON bytes. */
  body: Buffer;
}

export interface GeminiRequestOptions {
  /** Reuses sanitized tool declarations across turns (one per process, like openai-chat's). */
  toolsCache?: GeminiToolsCache;
}

/** Gemini 2.5 Flash accepts budgets up to 24576 (Pro 32768): the common ceiling. */
const MAX_THINKING_BUDGET = 24576;
/** Gemini accepts at most 5 stop sequences. */
const MAX_STOP_SEQUENCES = 5;

export function geminiRequest(input: GeminiRequestInput, target: GeminiTarget, opts: GeminiRequestOptions = {}): GeminiUpstreamRequest {
  const body = input.body;
  const t: GeminiTarget = target.byteStrings === input.byteStrings ? target : { ...target, byteStrings: input.byteStrings };
  const action = input.stream ? 'streamGenerateContent' : 'generateContent';
  const query = input.stream ? 'alt=sse' : '';
  const pathSuffix = ':' + action + (query ? '?' + query : '');

  const cache = opts.toolsCache;
  if (cache && input.byteStrings && input.raw && Array.isArray(body.tools) && body.tools.length) {
    const cached = cache.get(input.raw, body, t.webSearch, () => geminiTools(body, t));
    const req = toGeminiRequest(body, t, { tools: undefined, names: cached.names });
    if (!cached.json) return { action, query, pathSuffix, body: encodeBody(JSON.stringify(req), true) };
    const rest = JSON.stringify(req);
    return { action, query, pathSuffix, body: Buffer.concat([Buffer.from(rest.slice(0, -1) + ',"tools":', 'latin1'), cached.json, Buffer.from('}')]) };
  }
  return { action, query, pathSuffix, body: encodeBody(JSON.stringify(toGeminiRequest(body, t)), input.byteStrings) };
}

/** The request as an object. `tools` lets a caller supply (cached) tool translation; by default it is computed. */
export function toGeminiRequest(body: MessagesRequest, target: GeminiTarget, tools: GeminiTools = geminiTools(body, target)): GeminiRequest {
  const { contents, systemInstruction } = toGeminiContents(body, target);
  const out: GeminiRequest = { contents };
  if (systemInstruction) out.systemInstruction = systemInstruction;
  if (tools.tools) out.tools = tools.tools;
  const toolConfig = geminiToolConfig(body, tools.names, target.byteStrings === true);
  if (toolConfig) out.toolConfig = toolConfig;
  const gen = generationConfig(body, target);
  if (gen) out.generationConfig = gen;
  return out;
}

function generationConfig(body: MessagesRequest, target: GeminiTarget): GeminiGenerationConfig | undefined {
  const gen: GeminiGenerationConfig = {};
  const max = Math.min(Number.isFinite(body.max_tokens) ? body.max_tokens : Infinity, target.maxOutputTokens ?? Infinity);
  // max_tokens 0 (Anthropic cache pre-warm) is not valid upstream: ask for one token.
  if (max !== Infinity) gen.maxOutputTokens = Math.max(1, Math.floor(max));
  if (typeof body.temperature === 'number') gen.temperature = body.temperature;
  if (typeof body.top_p === 'number') gen.topP = body.top_p;
  if (typeof body.top_k === 'number') gen.topK = body.top_k;
  if (Array.isArray(body.stop_sequences)) {
    const stops = body.stop_sequences.filter((s) => typeof s === 'string' && s !== '').slice(0, MAX_STOP_SEQUENCES);
    if (stops.length) gen.stopSequences = stops;
  }
  const format = body.output_config?.format;
  if (format && format.type === 'json_schema' && format.schema) {
    gen.responseMimeType = 'application/json';
    gen.responseSchema = toGeminiSchema(format.schema);
  }
  const thinking = thinkingConfig(body, target);
  if (thinking) gen.thinkingConfig = thinking;
  return Object.keys(gen).length ? gen : undefined;
}

/**
 * Anthropic thinking → thinkingConfig (reference §3.1 "thinking" row). enabled + budget_tokens →
 * that budget (capped); adaptive → Gemini's dynamic budget (-1), or a fixed one when
 * output_config.effort says low/high. Gemini 3 takes a level instead: low, or high (its
 * default) for everything else. Without a thinking request nothing is sent: Gemini 2.5 Pro
 * and Gemini 3 cannot switch thinking off, and includeThoughts stays off.
 */
function thinkingConfig(body: MessagesRequest, target: GeminiTarget): GeminiThinkingConfig | undefined {
  const t = body.thinking;
  if (target.thinking === 'none' || !t || (t.type !== 'enabled' && t.type !== 'adaptive')) return undefined;
  const effort = body.output_config?.effort;
  const budget = t.type === 'enabled' && typeof t.budget_tokens === 'number' && t.budget_tokens > 0 ? t.budget_tokens : undefined;
  if (target.thinking === 'level') {
    let level: GeminiThinkingLevel = 'high';
    if (effort === 'low' || (effort === undefined && budget !== undefined && budget < 8192)) level = 'low';
    return { thinkingLevel: level, includeThoughts: true };
  }
  if (budget !== undefined) return { thinkingBudget: Math.min(Math.floor(budget), MAX_THINKING_BUDGET), includeThoughts: true };
  if (effort === 'low') return { thinkingBudget: 1024, includeThoughts: true };
  if (effort === 'high' || effort === 'xhigh' || effort === 'max') return { thinkingBudget: MAX_THINKING_BUDGET, includeThoughts: true };
  return { thinkingBudget: -1, includeThoughts: true };
}
