import type { IncomingHttpHeaders } from 'node:http';
import { encodeBody } from '../protocol/anthropic/byte-strings.js';
import type { GatewayError } from '../protocol/anthropic/errors.js';
import { editTopLevel } from '../protocol/anthropic/top-level-edit.js';
import { vertexModelUrl, type VertexSettings } from '../providers/vertex.js';
import { parseGoogleError, geminiError } from '../translate/gemini/errors.js';
import type { UpstreamRequest } from '../upstream/client.js';
import { upstreamErrorMessage, upstreamHttpError } from '../upstream/errors.js';
import { bodyEdits, withoutForeignThinking } from './anthropic-body.js';
import { baseHeaders, single } from './headers.js';
import type { RequestContext, Target } from './types.js';

// The Vertex request shaper for the anthropic dialect (providers.md §2.2): the model
// moves from the body into the URL (`…/models/{model}:streamRawPredict`, or
// `:rawPredict` when not streaming), the body gains `"anthropic_version":
// "vertex-2023-10-16"`, and the rest of the body stays the client's bytes where it
// can (protocol/anthropic/top-level-edit.ts). Auth is the provider's Google OAuth
// hook, added by the attempt loop. Answers are Anthropic's own SSE and JSON, so the
// passthrough responders relay them unchanged.
//
// anthropic-beta stays a header (the SDK keeps it there on Vertex). Vertex refuses
// betas it does not serve with a 400 naming them ("Unexpected value(s) `x` for the
// `anthropic-beta` header"); Claude Code sends many first-party-only ones. The names
// are remembered per provider, the request is resent once without them, and later
// requests never carry them. count-tokens refuses even more, so it gets none (it
// falls back to the local count if it fails anyway).

export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';
const VERSION_MEMBER = { anthropic_version: VERTEX_ANTHROPIC_VERSION };
const DROP_MODEL = ['model'] as const;
const MAX_REJECTED = 64;

/** anthropic-beta values each Vertex provider refused, learned from its 400s. */
const rejected = new WeakMap<VertexSettings, Set<string>>();

export function vertexMessagesRequest(ctx: RequestContext, target: Target, v: VertexSettings): UpstreamRequest {
  return {
    url: vertexModelUrl(v, target.model, ctx.stream ? 'streamRawPredict' : 'rawPredict'),
    method: 'POST',
    headers: vertexHeaders(target, ctx.headers, rejected.get(v) ?? null),
    body: vertexBody(ctx, target),
  };
}

/** count-tokens:rawPredict takes the model in the body (its Vertex id) and no betas. */
export function vertexCountTokensRequest(ctx: RequestContext, target: Target, v: VertexSettings): UpstreamRequest {
  const out: Record<string, unknown> = { ...VERSION_MEMBER, ...ctx.body, model: target.model };
  out.anthropic_version = VERTEX_ANTHROPIC_VERSION;
  const headers = vertexHeaders(target, ctx.headers, null);
  delete headers['anthropic-beta'];
  return { url: vertexModelUrl(v, 'count-tokens', 'rawPredict'), method: 'POST', headers, body: encodeBody(JSON.stringify(out), ctx.byteStrings) };
}

/** Without `model`, with `anthropic_version`; the middle of the body spliced through untouched when provably safe. */
export function vertexBody(ctx: RequestContext, target: Target): Buffer {
  const { clampTo, foreignThinking } = bodyEdits(ctx, target);
  const body = ctx.body as unknown as Record<string, unknown>;
  if (!foreignThinking) {
    const spliced = editTopLevel(ctx.raw, body, ctx.byteStrings, { prepend: VERSION_MEMBER, drop: DROP_MODEL, set: clampTo !== undefined ? { max_tokens: clampTo } : undefined });
    if (spliced) return spliced;
  }
  const { model: _model, ...rest } = ctx.body;
  const out: Record<string, unknown> = { ...VERSION_MEMBER, ...rest };
  out.anthropic_version = VERTEX_ANTHROPIC_VERSION;
  if (clampTo !== undefined) out.max_tokens = clampTo;
  if (foreignThinking) out.messages = withoutForeignThinking(ctx.body.messages);
  return encodeBody(JSON.stringify(out), ctx.byteStrings);
}

/** Content type, encodings, hop marker and config headers; the client's betas (minus refused ones) and user agent. */
function vertexHeaders(target: Target, client: IncomingHttpHeaders, refused: Set<string> | null): Record<string, string> {
  const h = baseHeaders(target.provider, client);
  const ua = single(client['user-agent']);
  if (ua) h['user-agent'] = ua;
  const beta = single(client['anthropic-beta']) ?? h['anthropic-beta'];
  if (beta !== undefined) {
    const kept = refused === null || refused.size === 0 ? beta : beta.split(',').map((b) => b.trim()).filter((b) => b && !refused.has(b)).join(',');
    if (kept) h['anthropic-beta'] = kept;
    else delete h['anthropic-beta'];
  }
  return h;
}

const UNEXPECTED_BETAS = /Unexpected value\(s\) (.+?) for the `anthropic-beta` header/;

/**
 * Vertex's errors as Anthropic errors: model errors come in Anthropic's shape, platform
 * errors (auth, quota with RetryInfo, model not enabled) in Google's; both are mapped
 * by status (Google's canonical status where it has one). Null: a refused beta was
 * learned, resend.
 */
export function vertexClaudeHttpError(status: number, headers: IncomingHttpHeaders, body: string, target: Target, redact: (s: string) => string): GatewayError | null {
  const v = target.provider.vertex!;
  if (status === 400 && learnRefusedBetas(v, body, target.provider.id)) return null;
  const label = target.provider.label;
  if (parseGoogleError(body)) return geminiError(status, body, headers, { label, redact });
  return upstreamHttpError(status, headers, upstreamErrorMessage(body), label, redact);
}

/** True when the body names anthropic-beta values not known to be refused yet (they are now). */
export function learnRefusedBetas(v: VertexSettings, body: string, providerId: string): boolean {
  const m = UNEXPECTED_BETAS.exec(body);
  if (!m) return false;
  let set = rejected.get(v);
  if (!set) rejected.set(v, (set = new Set()));
  const added: string[] = [];
  for (const [, name] of m[1].matchAll(/`([^`]+)`/g)) {
    if (set.has(name) || set.size >= MAX_REJECTED) continue;
    set.add(name);
    added.push(name);
  }
  if (added.length) v.credentials.log?.info({ provider: providerId, betas: added }, 'Vertex AI refuses these anthropic-beta values; they are no longer sent');
  return added.length > 0;
}
