// What the openai-chat translator needs to know about one target (provider + model).
// Providers fill this from their data; the translator never looks at provider ids.

import type { ThinkingDisplay } from '../../protocol/anthropic/thinking-display.js';

export interface OpenAIChatTarget {
  /** Provider id, stamped into thinking-signature envelopes. */
  providerId: string;
  /** Upstream model id sent in the request. */
  model: string;
  /** Output-token ceiling of the model; max_tokens is clamped to it. */
  maxOutputTokens?: number;
  /** Field carrying the output limit (OpenAI reasoning models need max_completion_tokens). */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /**
   * Where `role: "system"` entries inside `messages` go: kept in place (hosted APIs accept
   * system messages anywhere), hoisted into the leading system message (chat templates that
   * reject late system turns), or sent as user text.
   */
  systemMessages: 'inline' | 'hoist' | 'user';
  /** How thinking config is expressed upstream. */
  reasoning: 'none' | 'openai' | 'openrouter' | 'deepseek';
  /** Field used to send earlier reasoning back on assistant turns (DeepSeek needs it with tool calls). */
  reasoningEcho: 'none' | 'reasoning_content' | 'reasoning';
  /** Keep Anthropic cache_control markers on text parts (OpenRouter forwards them to Claude/Gemini). */
  cacheControl: boolean;
  /** Ask for usage in streams with stream_options.include_usage. */
  streamUsage: boolean;
  /** The upstream accepts top_k (OpenRouter, vLLM, Ollama); OpenAI rejects it. */
  topK: boolean;
  /** Map Anthropic's web_search server tool to the provider's equivalent, if any. */
  webSearch: 'none' | 'openrouter';
  /** The request's strings are byte strings (protocol/anthropic/byte-strings.ts); text we add must match. */
  byteStrings?: boolean;
}

/** Per-request facts the response side needs. */
export interface ResponseContext {
  /** Model name echoed to the client: the one it asked for. */
  requestedModel: string;
  providerId: string;
  upstreamModel: string;
  /** The client's stop_sequences, to report which one ended the output when the upstream says. */
  stopSequences?: string[];
  /**
   * Whether and how reasoning reaches the client: 'off' when the request did not ask for
   * thinking (reasoning is dropped), 'omitted' when it asked for display "omitted" (Claude Code
   * does: the block carries only the signature), 'summarized' otherwise.
   */
  thinkingDisplay: ThinkingDisplay;
  /** Prefix for minted message ids. */
  messageId: string;
}
