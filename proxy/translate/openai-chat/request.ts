import type {
  ContentBlock,
  DocumentBlock,
  ImageBlock,
  MessagesRequest,
  TextBlock,
  ToolResultBlock,
} from '../../protocol/anthropic/types.js';
import type { ChatContentPart, ChatMessage, ChatRequest, ChatToolCall } from '../../protocol/openai/types.js';
import { decodeEnvelope } from '../../sessions/thinking-envelope.js';
import type { OpenAIChatTarget } from './options.js';
import { addReasoning } from './request-reasoning.js';
import { addTools } from './request-tools.js';

// Anthropic Messages request → OpenAI Chat Completions request.
// Hot path (every Claude Code turn, ~50 KB): one pass over the body, no deep
// clones, no regexes, no JSON round trips except tool inputs (which must become
// strings). Everything Anthropic-only is dropped by construction: the output is
// built field by field, never by copying the input.

/** Claude Code's per-session billing line; it busts upstream prefix caches and means nothing elsewhere. */
const BILLING_PREFIX = 'x-anthropic-billing-header:';
const TOOL_ERROR_PREFIX = '[tool error] ';

type SystemContent = string | ChatContentPart[];

export function toChatRequest(req: MessagesRequest, target: OpenAIChatTarget): ChatRequest {
  const messages: ChatMessage[] = [];
  const keepCache = target.cacheControl;

  const system = systemContent(req.system, keepCache);
  if (system !== null) messages.push({ role: 'system', content: system });

  const src = req.messages ?? [];
  for (let i = 0; i < src.length; i++) {
    const m = src[i];
    if (m.role === 'user') addUser(messages, m.content, target);
    else if (m.role === 'assistant') addAssistant(messages, m.content, target);
    else if (m.role === 'system') addSystem(messages, systemContent(m.content, keepCache), target);
    // Unknown roles carry nothing an OpenAI upstream could accept.
  }

  const out: ChatRequest = { model: target.model, messages };

  addTools(out, req, target);

  const max = Math.min(Number.isFinite(req.max_tokens) ? req.max_tokens : Infinity, target.maxOutputTokens ?? Infinity);
  // max_tokens 0 (Anthropic cache pre-warm) is not valid upstream: ask for one token.
  if (max !== Infinity) out[target.maxTokensField] = Math.max(1, Math.floor(max));

  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  if (target.topK && typeof req.top_k === 'number') out.top_k = req.top_k;
  if (Array.isArray(req.stop_sequences) && req.stop_sequences.length) out.stop = req.stop_sequences;

  if (req.stream) {
    out.stream = true;
    if (target.streamUsage) out.stream_options = { include_usage: true };
  }

  addReasoning(out, req, target);

  const format = req.output_config?.format;
  if (format && format.type === 'json_schema' && format.schema) {
    out.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } };
  }
  return out;
}

// ---------------------------------------------------------------- system

/** System text (string or text blocks) → string, or text parts when cache markers are kept. null when empty. */
function systemContent(content: string | ContentBlock[] | undefined, keepCache: boolean): SystemContent | null {
  if (content == null) return null;
  if (typeof content === 'string') return isBlank(content) ? null : content;
  if (keepCache) {
    const parts: ChatContentPart[] = [];
    for (let i = 0; i < content.length; i++) {
      const b = content[i] as TextBlock;
      if (b.type !== 'text' || typeof b.text !== 'string' || isBlank(b.text) || b.text.startsWith(BILLING_PREFIX)) continue;
      parts.push(b.cache_control ? { type: 'text', text: b.text, cache_control: b.cache_control } : { type: 'text', text: b.text });
    }
    return parts.length ? parts : null;
  }
  let text = '';
  for (let i = 0; i < content.length; i++) {
    const b = content[i] as TextBlock;
    if (b.type !== 'text' || typeof b.text !== 'string' || isBlank(b.text) || b.text.startsWith(BILLING_PREFIX)) continue;
    text = text ? text + '\n\n' + b.text : b.text;
  }
  return text ? text : null;
}

/** A system turn inside `messages` (Claude Code's environment block): never lost, placed per target. */
function addSystem(messages: ChatMessage[], content: SystemContent | null, target: OpenAIChatTarget): void {
  if (content === null) return;
  if (target.systemMessages === 'inline') {
    messages.push({ role: 'system', content });
    return;
  }
  if (target.systemMessages === 'user') {
    messages.push({ role: 'user', content: typeof content === 'string' ? content : plainText(content) });
    return;
  }
  // hoist: append to the leading system message, creating it if needed.
  const first = messages[0];
  if (!first || first.role !== 'system') {
    messages.unshift({ role: 'system', content });
  } else if (typeof first.content === 'string' && typeof content === 'string') {
    first.content = first.content + '\n\n' + content;
  } else {
    first.content = [...asParts(first.content), ...asParts(content)];
  }
}

function asParts(c: SystemContent): ChatContentPart[] {
  return typeof c === 'string' ? [{ type: 'text', text: c }] : c;
}

function plainText(parts: ChatContentPart[]): string {
  let text = '';
  for (const p of parts) if (p.type === 'text') text = text ? text + '\n\n' + p.text : p.text;
  return text;
}

// ---------------------------------------------------------------- user

function addUser(messages: ChatMessage[], content: string | ContentBlock[], target: OpenAIChatTarget): void {
  if (typeof content === 'string') {
    if (!isBlank(content)) messages.push({ role: 'user', content });
    return;
  }
  // Tool results must directly follow the assistant's tool_calls, so they are
  // emitted first; the turn's own text/images (and tool images) follow.
  let parts: ChatContentPart[] | null = null;
  let toolMedia: ChatContentPart[] | null = null;
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    if (b.type === 'tool_result') {
      toolMedia = addToolResult(messages, b as ToolResultBlock, toolMedia);
    } else if ((b.type as string) === 'mid_conv_system') {
      // A system block inside a user turn: flush what precedes it to keep order.
      if (parts) {
        pushUser(messages, parts);
        parts = null;
      }
      const inner = (b as { content?: string | ContentBlock[] }).content;
      addSystem(messages, systemContent(inner, target.cacheControl), target);
    } else {
      const part = userPart(b, target.cacheControl);
      if (part) (parts ??= []).push(part);
    }
  }
  if (toolMedia) parts = parts ? toolMedia.concat(parts) : toolMedia;
  if (parts) pushUser(messages, parts);
}

function pushUser(messages: ChatMessage[], parts: ChatContentPart[]): void {
  const only = parts.length === 1 ? parts[0] : null;
  // A lone text part becomes a plain string (widest compatibility) unless it carries a cache marker.
  if (only && only.type === 'text' && !only.cache_control) messages.push({ role: 'user', content: only.text });
  else messages.push({ role: 'user', content: parts });
}

/** One Anthropic user block → one OpenAI content part, or null when it has no OpenAI form. */
function userPart(b: ContentBlock, keepCache: boolean): ChatContentPart | null {
  switch (b.type) {
    case 'text': {
      const t = b as TextBlock;
      if (typeof t.text !== 'string' || isBlank(t.text)) return null;
      return keepCache && t.cache_control ? { type: 'text', text: t.text, cache_control: t.cache_control } : { type: 'text', text: t.text };
    }
    case 'image': {
      const src = (b as ImageBlock).source;
      if (!src) return null;
      if (src.type === 'base64') return { type: 'image_url', image_url: { url: 'data:' + src.media_type + ';base64,' + src.data } };
      if (src.type === 'url') return { type: 'image_url', image_url: { url: src.url } };
      return null; // Files-API ids mean nothing upstream.
    }
    case 'document': {
      const d = b as DocumentBlock;
      const src = d.source;
      if (!src) return null;
      if (src.type === 'base64') {
        return {
          type: 'file',
          file: { filename: d.title || 'document.pdf', file_data: 'data:' + (src.media_type || 'application/pdf') + ';base64,' + src.data },
        };
      }
      if (src.type === 'text') return textPart(d.title, src.data);
      if (src.type === 'content') {
        const inner = typeof src.content === 'string' ? src.content : joinText(src.content, '\n');
        return textPart(d.title, inner);
      }
      return null;
    }
    default:
      return null; // thinking, server-tool blocks, search results...: nothing to send
  }
}

function textPart(title: string | undefined, text: string | undefined): ChatContentPart | null {
  if (typeof text !== 'string' || isBlank(text)) return null;
  return { type: 'text', text: title ? title + '\n\n' + text : text };
}

/** Emits one tool message; returns the (possibly started) list of media parts for the follow-up user message. */
function addToolResult(messages: ChatMessage[], b: ToolResultBlock, media: ChatContentPart[] | null): ChatContentPart[] | null {
  let text = '';
  const c = b.content;
  if (typeof c === 'string') {
    text = c;
  } else if (Array.isArray(c)) {
    let first = true;
    let headed = false;
    for (let i = 0; i < c.length; i++) {
      const part = userPart(c[i], false);
      if (!part) continue;
      if (part.type === 'text') {
        text = first ? part.text : text + '\n' + part.text;
        first = false;
      } else {
        // OpenAI tool messages are text-only: images/files travel in a user message after the tool messages.
        media ??= [];
        if (!headed) {
          media.push({ type: 'text', text: 'Image returned by tool call ' + b.tool_use_id + ':' });
          headed = true;
        }
        media.push(part);
      }
    }
  }
  if (b.is_error) text = TOOL_ERROR_PREFIX + text;
  messages.push({ role: 'tool', tool_call_id: b.tool_use_id, content: text });
  return media;
}

function joinText(blocks: ContentBlock[], sep: string): string {
  let text = '';
  for (const b of blocks) {
    if (b.type === 'text' && typeof (b as TextBlock).text === 'string') text = text ? text + sep + (b as TextBlock).text : (b as TextBlock).text;
  }
  return text;
}

// ---------------------------------------------------------------- assistant

function addAssistant(messages: ChatMessage[], content: string | ContentBlock[], target: OpenAIChatTarget): void {
  if (typeof content === 'string') {
    if (!isBlank(content)) messages.push({ role: 'assistant', content });
    return;
  }
  let text = '';
  let calls: ChatToolCall[] | undefined;
  let reasoning = '';
  const echo = target.reasoningEcho;
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    if (b.type === 'text') {
      if (typeof b.text === 'string') text += b.text;
    } else if (b.type === 'tool_use') {
      (calls ??= []).push({
        id: b.id,
        type: 'function',
        function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
      });
    } else if (b.type === 'thinking' && echo !== 'none') {
      // Only our own envelope for this exact provider+model restores reasoning; Anthropic
      // signatures and other providers' envelopes are dropped, never forwarded.
      const env = decodeEnvelope(b.signature, target.byteStrings === true);
      if (env && env.provider === target.providerId && env.model === target.model) {
        const r = b.thinking || env.reasoning || '';
        if (r) reasoning += r;
      }
    }
    // redacted_thinking and anything else: dropped.
  }
  const hasText = !isBlank(text);
  if (!hasText && !calls) return;
  const msg: Extract<ChatMessage, { role: 'assistant' }> = { role: 'assistant', content: hasText ? text : null };
  if (calls) msg.tool_calls = calls;
  if (reasoning && echo !== 'none') msg[echo] = reasoning;
  messages.push(msg);
}

// ---------------------------------------------------------------- helpers

/** True for '' and whitespace-only strings; stops at the first visible character (no regex, no copy). */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0xfeff || c === 0x2028 || c === 0x2029) continue;
    if (c >= 0x1680 && c <= 0x3000 && (c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000)) continue;
    return false;
  }
  return true;
}
