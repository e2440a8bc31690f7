import { encodeBody } from '../protocol/anthropic/byte-strings.js';
import { GatewayError } from '../protocol/anthropic/errors.js';
import type { GeminiCandidate, GeminiResponse } from '../protocol/gemini/types.js';
import { vertexLocationUrl } from '../providers/vertex.js';
import { geminiError } from '../translate/gemini/errors.js';
import { geminiResponseContext, type GeminiTarget } from '../translate/gemini/options.js';
import { geminiRequest, toGeminiRequest } from '../translate/gemini/request.js';
import { geminiResponseToAnthropic } from '../translate/gemini/response.js';
import { GeminiStreamTranslator } from '../translate/gemini/stream.js';
import { GeminiToolsCache } from '../translate/gemini/tools-cache.js';
import { baseHeaders } from './headers.js';
import { HeldStreamResponder } from './held-stream.js';
import { JsonAnswerResponder } from './json-responder.js';
import type { Dialect, Target, TranslateAnswer } from './types.js';

// Full translation to and from Google's generateContent API (AI Studio and Vertex AI
// Gemini share the wire format). Provider-shaped parts come from provider data:
// the model URL (gemini.modelPath under the base URL, or for Vertex under the
// project's location), the auth header (baseHeaders: x-goog-api-key; Vertex's Bearer
// token comes from the auth hook), and the countTokens body shape. Streams get the
// same guarantees as openai-chat (held-stream.ts).

/** Sanitized tool declarations, reused across turns (Claude Code resends identical tools). One per process. */
const toolsCache = new GeminiToolsCache();

export const geminiDialect: Dialect = {
  messagesRequest(ctx, target) {
    const req = geminiRequest(ctx, geminiTarget(target, ctx.byteStrings), { toolsCache });
    return { url: modelUrl(target) + req.pathSuffix, method: 'POST', headers: baseHeaders(target.provider, ctx.headers), body: req.body };
  },

  responder(ctx, target, sink) {
    const rc = geminiResponseContext(ctx, geminiTarget(target, ctx.byteStrings));
    const label = target.provider.label;
    // A whole generateContent answer: the non-streaming one, or a server that ignored alt=sse (replayed as a stream).
    const answer: TranslateAnswer = (bytes) => {
      const message = geminiResponseToAnthropic(parseAnswer(bytes, label), rc);
      return { message, outcome: { usage: message.usage, stopReason: message.stop_reason } };
    };
    return ctx.stream ? new HeldStreamResponder(new GeminiStreamTranslator(rc), answer, label, sink) : new JsonAnswerResponder(answer, sink);
  },

  countTokensRequest(ctx, target) {
    const shape = target.provider.gemini?.countTokens ?? 'none';
    if (shape === 'none') return null;
    const fields = toGeminiRequest(ctx.body, geminiTarget(target, ctx.byteStrings));
    // Generation settings do not change the prompt's size.
    fields.generationConfig = undefined;
    // Vertex's CountTokensRequest has no toolConfig (an unknown field is a 400); the prompt is the rest.
    const flat = { contents: fields.contents, systemInstruction: fields.systemInstruction, tools: fields.tools };
    const body = shape === 'wrapped' ? { generateContentRequest: { model: `models/${bareModel(target.model)}`, ...fields } } : flat;
    return { url: modelUrl(target) + ':countTokens', method: 'POST', headers: baseHeaders(target.provider, ctx.headers), body: encodeBody(JSON.stringify(body), ctx.byteStrings) };
  },

  countTokensResult(body) {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { totalTokens?: unknown };
      return typeof parsed?.totalTokens === 'number' && parsed.totalTokens >= 0 ? parsed.totalTokens : null;
    } catch {
      return null;
    }
  },

  httpError(status, headers, body, target, redact) {
    return geminiError(status, body, headers, { label: target.provider.label, redact });
  },
};

/** The translator's view of a provider + model: family facts, overridden by config modelInfo. */
export function geminiTarget(target: Target, byteStrings = false): GeminiTarget {
  const p = target.provider;
  const g = p.gemini;
  if (!g) throw new GatewayError(500, `${p.label} has no gemini settings`);
  const facts = g.modelFacts(target.model);
  const known = p.models[target.model];
  // modelInfo.reasoning false turns thinking controls off; true on an unknown family means a budget.
  const thinking = known?.reasoning === false ? 'none' : facts.thinking !== 'none' ? facts.thinking : known?.reasoning ? 'budget' : 'none';
  return {
    providerId: p.id,
    model: target.model,
    maxOutputTokens: known?.maxOutputTokens ?? p.defaultMaxOutputTokens ?? facts.maxOutputTokens,
    thinking,
    requiresSignatures: facts.requiresSignatures,
    multimodalToolResults: facts.multimodalToolResults,
    webSearch: g.webSearch,
    byteStrings,
  };
}

/**
 * URL of one model, without the method: {base}/models/gemini-2.5-pro (AI Studio),
 * {base}/projects/{p}/locations/{r}/publishers/google/models/gemini-2.5-pro (Vertex AI,
 * built after the auth hook has settled the project).
 */
export function modelUrl(target: Target): string {
  const p = target.provider;
  const path = (p.gemini?.modelPath ?? '/models/{model}').replace('{model}', encodeURIComponent(bareModel(target.model)));
  return (p.vertex === undefined ? p.baseUrl : vertexLocationUrl(p.vertex)) + path;
}

/** AI Studio's catalog names models "models/…"; the URL adds that part itself. */
function bareModel(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

/** One answer object; the chunk array of the non-SSE stream endpoint is merged into one. */
function parseAnswer(body: Buffer, label: string): GeminiResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!parsed || typeof parsed !== 'object') throw new GatewayError(502, `${label} returned a response that is not a Gemini answer`, { type: 'api_error', retryable: true });
  return Array.isArray(parsed) ? merge(parsed as GeminiResponse[]) : (parsed as GeminiResponse);
}

/** Stream chunks as one answer: parts in order, the last finishReason and usage; an error chunk wins. */
function merge(chunks: GeminiResponse[]): GeminiResponse {
  const cand: GeminiCandidate = { content: { role: 'model', parts: [] } };
  const out: GeminiResponse = { candidates: [cand] };
  for (const c of chunks) {
    if (!c || typeof c !== 'object') continue;
    if (c.error) return c;
    const src = c.candidates?.[0];
    if (Array.isArray(src?.content?.parts)) cand.content!.parts!.push(...src.content.parts);
    if (src?.finishReason) cand.finishReason = src.finishReason;
    if (src?.finishMessage) cand.finishMessage = src.finishMessage;
    if (c.usageMetadata) out.usageMetadata = c.usageMetadata;
    if (c.promptFeedback) out.promptFeedback = c.promptFeedback;
  }
  return out;
}

