import { toUnicode } from '../../protocol/anthropic/byte-strings.js';
import type { MessagesRequest } from '../../protocol/anthropic/types.js';
import { geminiFunctionName } from './tool-names.js';
import { thinkingDisplay, type ThinkingDisplay } from '../../protocol/anthropic/thinking-display.js';

// What the Gemini translator needs to know about one target (provider + model).
// The dialect fills this from provider data and model facts; the translator never
// looks at provider ids except to stamp and check signature bindings.

export interface GeminiTarget {
  /** Provider id, bound into thinking envelopes and signed tool ids. */
  providerId: string;
  /** Upstream model id (also bound into signatures: they are model-specific). */
  model: string;
  /** Output-token ceiling of the model; max_tokens is clamped to it. */
  maxOutputTokens?: number;
  /**
   * How thinking is configured: 'budget' (Gemini 2.5 thinkingBudget), 'level' (Gemini 3
   * thinkingLevel), or 'none' (no thinkingConfig is ever sent).
   */
  thinking: 'budget' | 'level' | 'none';
  /**
   * The model rejects function-call turns without a thoughtSignature (Gemini 3). History that
   * has none (another provider or model produced it) then gets the documented dummy value.
   */
  requiresSignatures: boolean;
  /** functionResponse.parts may carry media (Gemini 3+); otherwise tool images follow as a user Content. */
  multimodalToolResults: boolean;
  /** Map Anthropic's web_search server tool to Gemini's googleSearch tool (only when no functions are declared). */
  webSearch: 'none' | 'googleSearch';
  /** The request's strings are byte strings (protocol/anthropic/byte-strings.ts); text we add must match. */
  byteStrings?: boolean;
}

/** Per-request facts the response side needs. */
export interface GeminiResponseContext {
  /** Model name echoed to the client: the one it asked for. */
  requestedModel: string;
  providerId: string;
  upstreamModel: string;
  /**
   * 'off' when the request did not ask for thinking (thought parts are dropped), 'omitted'
   * when it asked for display "omitted" (blocks carry only the signature), else 'summarized'.
   */
  thinkingDisplay: ThinkingDisplay;
  /** Id of the message (msg_...). */
  messageId: string;
  /** Gemini function name → the client's tool name, for names that had to be rewritten. */
  toolNames?: ReadonlyMap<string, string>;
}

/** The request facts a response context is built from (RequestContext satisfies it). */
export interface GeminiResponseInput {
  body: MessagesRequest;
  requestedModel: string;
  messageId: string;
  byteStrings: boolean;
}

export function geminiResponseContext(input: GeminiResponseInput, target: GeminiTarget): GeminiResponseContext {
  const rc: GeminiResponseContext = {
    requestedModel: input.requestedModel,
    providerId: target.providerId,
    upstreamModel: target.model,
    thinkingDisplay: thinkingDisplay(input.body),
    messageId: input.messageId,
  };
  const names = renamedTools(input.body, input.byteStrings);
  if (names) rc.toolNames = names;
  return rc;
}


/** Tool names Gemini would reject, keyed by the name they are sent under; null when none (the usual case). */
function renamedTools(body: MessagesRequest, byteStrings: boolean): Map<string, string> | null {
  const tools = body.tools;
  if (!Array.isArray(tools)) return null;
  let out: Map<string, string> | null = null;
  for (const t of tools) {
    if (!t || typeof t.name !== 'string') continue;
    const name = toUnicode(t.name, byteStrings);
    const sent = geminiFunctionName(name);
    if (sent !== name) (out ??= new Map()).set(sent, name);
  }
  return out;
}
