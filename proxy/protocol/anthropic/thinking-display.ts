import type { MessagesRequest } from './types.js';

/** How the client wants thinking shown: not at all, summarised, or omitted (signature only). */
export type ThinkingDisplay = 'off' | 'summarized' | 'omitted';

/** What a request's `thinking` asks for; any type but enabled/adaptive means no thinking blocks. */
export function thinkingDisplay(body: MessagesRequest): ThinkingDisplay {
  const t = body.thinking;
  if (!t || (t.type !== 'enabled' && t.type !== 'adaptive')) return 'off';
  return t.display === 'omitted' ? 'omitted' : 'summarized';
}
