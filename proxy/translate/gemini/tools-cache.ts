import type { MessagesRequest } from '../../protocol/anthropic/types.js';
import { matchesAt, toolsEnd } from '../openai-chat/tools-cache.js';
import type { GeminiTools } from './request-tools.js';

// Claude Code resends byte-identical tool definitions (~31 KB) every turn, and for
// Gemini each schema must also be sanitized. This cache keeps, per distinct tools
// array, the declared names and the translated `tools` JSON bytes, so a repeat turn
// neither walks the schemas nor serialises them. A hit is proven structurally, as in
// openai-chat/tools-cache.ts: the cached client bytes must sit in the raw body as the
// value of the top-level "tools" key. Byte-string bodies only (their re-serialised
// values reproduce the client's bytes).

const MAX_ENTRIES = 16;

export interface CachedTools {
  names: string[];
  /** JSON of the translated `tools` array in the body's byte representation, or null when none is declared. */
  json: Buffer | null;
}

interface Entry extends CachedTools {
  client: Buffer;
  /** Target switches the translation depends on. */
  profile: string;
}

export class GeminiToolsCache {
  private readonly entries: Entry[] = [];

  /** The translation of body.tools: from the cache when `raw` carries known tool bytes, else built and remembered. */
  get(raw: Buffer, body: MessagesRequest, profile: string, build: () => GeminiTools): CachedTools {
    const end = toolsEnd(raw, body);
    if (end !== -1) {
      for (let i = 0; i < this.entries.length; i++) {
        const e = this.entries[i];
        if (e.profile === profile && matchesAt(raw, e.client, end)) {
          if (i > 0) this.entries.unshift(...this.entries.splice(i, 1));
          return e;
        }
      }
    }
    const built = build();
    const out: CachedTools = { names: built.names, json: built.tools ? Buffer.from(JSON.stringify(built.tools), 'latin1') : null };
    if (end !== -1) {
      const client = Buffer.from(JSON.stringify(body.tools), 'latin1');
      if (matchesAt(raw, client, end)) {
        this.entries.unshift({ ...out, client, profile });
        if (this.entries.length > MAX_ENTRIES) this.entries.pop();
      }
    }
    return out;
  }
}
