import { countTokens as bpeCount } from 'gpt-tokenizer/encoding/o200k_base';
import type { ContentBlock, MessagesRequest } from '../protocol/anthropic/types.js';

// A local count for /v1/messages/count_tokens when the upstream has no count
// endpoint: a real BPE tokenizer (o200k_base) over everything the model sees —
// system, messages, tool calls and results, and tool definitions — plus the
// per-message framing chat templates add. Claude Code calls this often with the
// same system prompt and tools, so per-segment counts are cached.

const NO_SPECIAL = { disallowedSpecial: new Set<string>() };
/** Framing tokens a chat template adds around each message (role markers, separators). */
const PER_MESSAGE = 4;
/** Tokens for an image whose size we do not decode: Anthropic's figure for about 1.15 megapixels. */
const PER_IMAGE = 1600;
const CACHE_LIMIT = 2000;
const MIN_CACHED_LENGTH = 256;

const cache = new Map<string, number>();

export function countText(text: string): number {
  if (!text) return 0;
  if (text.length < MIN_CACHED_LENGTH) return bpeCount(text, NO_SPECIAL);
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const n = bpeCount(text, NO_SPECIAL);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, n);
  return n;
}

export function countRequestTokens(req: Pick<MessagesRequest, 'system' | 'messages' | 'tools'>): number {
  let total = 0;
  if (typeof req.system === 'string') total += countText(req.system) + PER_MESSAGE;
  else if (Array.isArray(req.system)) {
    for (const b of req.system) total += countText(b.text);
    total += PER_MESSAGE;
  }
  for (const m of req.messages) {
    total += PER_MESSAGE;
    if (typeof m.content === 'string') total += countText(m.content);
    else for (const b of m.content) total += countBlock(b);
  }
  if (req.tools?.length) {
    for (const t of req.tools) {
      if ((t as { defer_loading?: boolean }).defer_loading) continue;
      total += countText(JSON.stringify(t));
    }
  }
  return total;
}

function countBlock(b: ContentBlock | { type: string }): number {
  switch (b.type) {
    case 'text':
      return countText((b as { text: string }).text);
    case 'thinking':
      return countText((b as { thinking: string }).thinking);
    case 'tool_use': {
      const t = b as { name: string; input: unknown };
      return countText(t.name) + countText(JSON.stringify(t.input ?? {}));
    }
    case 'tool_result': {
      const c = (b as { content?: string | ContentBlock[] }).content;
      if (typeof c === 'string') return countText(c);
      let n = 0;
      for (const inner of c ?? []) n += countBlock(inner);
      return n;
    }
    case 'image':
      return PER_IMAGE;
    case 'document': {
      const src = (b as { source?: { type?: string; data?: string } }).source;
      return src?.type === 'text' && src.data ? countText(src.data) : PER_IMAGE * 2;
    }
    default:
      return countText(JSON.stringify(b));
  }
}
