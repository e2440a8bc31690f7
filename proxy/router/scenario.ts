import type { IncomingHttpHeaders } from 'node:http';
import type { ContentBlock, MessagesRequest } from '../protocol/anthropic/types.js';
import { sessionIdOf } from './affinity.js';
import { tierOf } from './model-map.js';
import type { RequestFacts, Scenario } from './state.js';

// Scenarios as claude-code-router users know them; each can be mapped to
// targets in config. Precedence, first match wins:
//   image > webSearch > longContext > think > background > default
// image and webSearch first: they need a capability (vision, the server-side
//   web_search tool) that nothing else in routing checks, so a target without
//   it fails the request. Claude Code's web-search sub-requests carry no images.
// longContext next: a size the target must hold. It beats think and background,
//   so a big haiku request (an Explore subagent deep in a session) does not go
//   to a small background model; background is thus "haiku and small".
// think beats background: thinking asked for explicitly outweighs the tier.

/** Like claude-code-router's default. */
export const DEFAULT_LONG_CONTEXT_THRESHOLD = 60_000;
/** Characters per token for the cheap estimate: English prose and code both run 3-4 with BPE tokenizers. */
export const CHARS_PER_TOKEN = 3.5;
/** An image whose size we do not decode: Anthropic's figure for about 1.15 megapixels (as tokens/count.ts). */
const IMAGE_TOKENS = 1_600;
/** A base64 PDF: pages cost text plus a page image; ~1 token per 8 base64 characters is a rough middle. */
const BASE64_CHARS_PER_TOKEN = 8;

export interface ScenarioOptions {
  longContextThreshold?: number;
  /** estimateTokens(body), computed once by the caller. */
  estimate: number;
}

export function classifyScenario(body: MessagesRequest, opts: ScenarioOptions): Scenario {
  if (hasImage(body)) return 'image';
  if (hasWebSearch(body)) return 'webSearch';
  if (opts.estimate > (opts.longContextThreshold ?? DEFAULT_LONG_CONTEXT_THRESHOLD)) return 'longContext';
  if (thinkingOn(body)) return 'think';
  if (typeof body.model === 'string' && tierOf(body.model) === 'haiku') return 'background';
  return 'default';
}

export function thinkingOn(body: MessagesRequest): boolean {
  const t = body.thinking?.type;
  return t === 'enabled' || t === 'adaptive';
}

export function hasWebSearch(body: MessagesRequest): boolean {
  return Array.isArray(body.tools) && body.tools.some((t) => typeof t.type === 'string' && t.type.startsWith('web_search'));
}

/** An image block in the last user message, directly or inside its tool results (a screenshot a tool read). */
export function hasImage(body: MessagesRequest): boolean {
  const msgs = body.messages;
  for (let i = msgs.length - 1; i >= 0; i--) {
    if (msgs[i].role !== 'user') continue;
    const content = msgs[i].content;
    return Array.isArray(content) && content.some(blockHasImage);
  }
  return false;
}

function blockHasImage(b: ContentBlock): boolean {
  if (b.type === 'image') return true;
  return b.type === 'tool_result' && Array.isArray(b.content) && b.content.some(blockHasImage);
}

/**
 * A cheap prompt-size estimate (it runs on every request): characters of every
 * string (and object key) in system, messages and tools, / CHARS_PER_TOKEN.
 * Walks the parsed body instead of serialising it. Images count a fixed
 * amount, base64 documents by size, thinking signatures and deferred tools
 * (not shown to the model) not at all.
 */
export function estimateTokens(body: MessagesRequest): number {
  let chars = walk(body.system) + walk(body.messages);
  if (Array.isArray(body.tools)) for (const t of body.tools) if (t.defer_loading !== true) chars += walk(t);
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

function walk(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (typeof v !== 'object' || v === null) return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) n += walk(x);
    return n;
  }
  const o = v as Record<string, unknown>;
  if (o.type === 'image') return IMAGE_TOKENS * CHARS_PER_TOKEN;
  if (o.type === 'base64' && typeof o.data === 'string') return (o.data.length / BASE64_CHARS_PER_TOKEN) * CHARS_PER_TOKEN;
  for (const k in o) {
    if (k === 'signature' || k === 'cache_control') continue;
    n += k.length + walk(o[k]);
  }
  return n;
}

/** The routing facts of one request: tier, scenario, size estimate, session. */
export function tierFacts(
  body: MessagesRequest,
  opts: { headers?: IncomingHttpHeaders; longContextThreshold?: number } = {},
): RequestFacts {
  const estimate = estimateTokens(body);
  return {
    tier: (typeof body.model === 'string' ? tierOf(body.model) : undefined) ?? null,
    scenario: classifyScenario(body, { estimate, longContextThreshold: opts.longContextThreshold }),
    estimatedInputTokens: estimate,
    maxTokens: body.max_tokens,
    sessionId: sessionIdOf(opts.headers ?? {}, body),
  };
}
