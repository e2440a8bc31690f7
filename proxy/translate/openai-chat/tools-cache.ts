import type { MessagesRequest } from '../../protocol/anthropic/types.js';
import type { ChatTool } from '../../protocol/openai/types.js';

// Claude Code sends the same ~31 KB of tool definitions on every turn, and
// serialising their translation is the largest single cost of a request. This
// cache reuses those bytes when the client's top-level tools are byte-identical
// to ones seen before. It only applies to byte-string bodies
// (protocol/anthropic/byte-strings.ts), where re-serialising parsed values
// reproduces the client's bytes.
//
// Why a hit is sound: the top-level keys after `tools` are re-serialised from the
// parsed body (a few hundred bytes for Claude Code) and must be exactly the end of
// the raw body, so the top-level tools value ends right where they begin. A cached
// array is accepted only where it ends there too and is preceded by `"tools":`
// (unescaped quotes cannot sit inside a string, so that is a real key). Two JSON
// values that close on the same byte are the same value, so the cached bytes are
// the top-level tools, not a nested "tools" array elsewhere.

const KEY = Buffer.from('"tools":');
const MAX_ENTRIES = 16;
/** Beyond this the keys after `tools` are not worth re-serialising (clients that send tools first). */
const MAX_TAIL = 4096;

interface Entry {
  /** The client's tools array, as sent. */
  client: Buffer;
  /** Its translation as JSON bytes. */
  translated: Buffer;
}

export class ToolsJsonCache {
  private readonly entries: Entry[] = [];

  /** The JSON bytes of `translated` (the translation of body.tools), reused when `raw` carries known tool bytes. */
  bytes(raw: Buffer, body: MessagesRequest, translated: ChatTool[]): Buffer {
    const end = toolsEnd(raw, body);
    if (end !== -1) {
      for (let i = 0; i < this.entries.length; i++) {
        const e = this.entries[i];
        if (matchesAt(raw, e.client, end)) {
          if (i > 0) this.entries.unshift(...this.entries.splice(i, 1));
          return e.translated;
        }
      }
    }
    const out = Buffer.from(JSON.stringify(translated), 'latin1');
    if (end !== -1) {
      const client = Buffer.from(JSON.stringify(body.tools), 'latin1');
      if (matchesAt(raw, client, end)) {
        this.entries.unshift({ client, translated: out });
        if (this.entries.length > MAX_ENTRIES) this.entries.pop();
      }
    }
    return out;
  }
}

/** Where the top-level tools value must end in `raw` if it is compact JSON, or -1. */
export function toolsEnd(raw: Buffer, body: MessagesRequest): number {
  const tail = tailAfterTools(body);
  if (tail === null || tail.length >= raw.length) return -1;
  const end = raw.length - tail.length;
  return raw.compare(tail, 0, tail.length, end, raw.length) === 0 ? end : -1;
}

/** `value` sits in `raw` as the value of a "tools" key, ending at `end`. */
export function matchesAt(raw: Buffer, value: Buffer, end: number): boolean {
  const start = end - value.length;
  if (start < KEY.length) return false;
  return raw.compare(KEY, 0, KEY.length, start - KEY.length, start) === 0 && raw.compare(value, 0, value.length, start, end) === 0;
}

/** The exact bytes that follow the tools value in compact JSON: the later top-level keys and the closing brace. */
function tailAfterTools(body: MessagesRequest): Buffer | null {
  const keys = Object.keys(body);
  let text = '';
  for (let i = keys.indexOf('tools') + 1; i < keys.length; i++) {
    const value = JSON.stringify(body[keys[i]]);
    if (value === undefined) continue;
    text += ',' + JSON.stringify(keys[i]) + ':' + value;
    if (text.length > MAX_TAIL) return null;
  }
  return Buffer.from(text + '}', 'latin1');
}
