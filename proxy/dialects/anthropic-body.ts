import { encodeBody } from '../protocol/anthropic/byte-strings.js';
import type { ContentBlock, MessagesRequest } from '../protocol/anthropic/types.js';
import { modelInfoFor } from '../router/model-map.js';
import { ENVELOPE_MARKER, isEnvelope } from '../sessions/thinking-envelope.js';
import type { RequestContext, Target } from './types.js';

// The request body edits an Anthropic-dialect upstream may need: the model name, an
// output ceiling, and thinking blocks minted by another provider. Shared by the plain
// passthrough (dialects/anthropic.ts) and the Vertex shaper (dialects/vertex-claude.ts).

export interface BodyEdits {
  /** The ceiling max_tokens must be clamped to, when the client asked for more. */
  clampTo: number | undefined;
  /** The history holds thinking blocks another provider minted (they must be dropped). */
  foreignThinking: boolean;
}

export function bodyEdits(ctx: RequestContext, target: Target): BodyEdits {
  const max = modelInfoFor(target.provider, target.model).maxOutputTokens;
  return {
    clampTo: max !== undefined && ctx.body.max_tokens > max ? max : undefined,
    foreignThinking: ctx.raw.includes(ENVELOPE_MARKER) && hasEnvelopeThinking(ctx.body),
  };
}

/** The raw body when nothing must change; otherwise a re-serialised copy with only the needed edits. */
export function passthroughBody(ctx: RequestContext, target: Target): Buffer | string {
  const body = ctx.body;
  const { clampTo, foreignThinking } = bodyEdits(ctx, target);
  if (body.model === target.model && clampTo === undefined && !foreignThinking) return ctx.raw;
  const out: MessagesRequest = { ...body, model: target.model };
  if (clampTo !== undefined) out.max_tokens = clampTo;
  if (foreignThinking) out.messages = withoutForeignThinking(body.messages);
  return encodeBody(JSON.stringify(out), ctx.byteStrings);
}

/** A turn left empty is dropped; the API merges the consecutive user turns around it. */
export function withoutForeignThinking(messages: MessagesRequest['messages']): MessagesRequest['messages'] {
  return messages.map(stripEnvelopeThinking).filter((m) => typeof m.content === 'string' || m.content.length > 0);
}

function hasEnvelopeThinking(body: MessagesRequest): boolean {
  for (const m of body.messages) {
    if (m.role !== 'assistant' || typeof m.content === 'string') continue;
    for (const b of m.content) if (b.type === 'thinking' && isEnvelope(b.signature)) return true;
  }
  return false;
}

/** Thinking minted by a non-Anthropic provider cannot be verified by Anthropic: drop it, never forge. */
function stripEnvelopeThinking(m: MessagesRequest['messages'][number]): MessagesRequest['messages'][number] {
  if (m.role !== 'assistant' || typeof m.content === 'string') return m;
  if (!m.content.some((b) => b.type === 'thinking' && isEnvelope(b.signature))) return m;
  const content = m.content.filter((b: ContentBlock) => !(b.type === 'thinking' && isEnvelope(b.signature)));
  return { ...m, content };
}
