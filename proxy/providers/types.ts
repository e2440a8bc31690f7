import type { GeminiTarget } from '../translate/gemini/options.js';
import type { OpenAIChatTarget } from '../translate/openai-chat/options.js';

export type DialectName = 'anthropic' | 'openai-chat' | 'gemini';
export type Tier = 'opus' | 'sonnet' | 'haiku';

/** How a provider expects its key. */
export type AuthScheme = 'x-api-key' | 'bearer' | 'x-goog-api-key' | 'none';

/**
 * How a provider's model list is shaped: OpenAI/Anthropic/GitHub style; Google AI Studio's paginated
 * {models:[{name:"models/…"}]}; or Vertex AI Model Garden's paginated {publisherModels:[{name:"publishers/google/models/…"}]},
 * whose modelsPath lives under the v1beta1 root (providers/vertex.ts vertexBetaBase).
 */
export type CatalogFormat = 'default' | 'google' | 'vertex';

/** Environment variables as resolve() sees them. */
export type EnvVars = Record<string, string | undefined>;

/** USD per million tokens of each kind. */
export interface PriceRates {
  inputPerM: number;
  outputPerM: number;
  /** Cache reads, when the provider discounts them (absent: billed as input). */
  cacheReadPerM?: number;
  /**
   * Cache writes with a 5-minute / 1-hour TTL (Anthropic: 1.25× and 2× input).
   * Absent for OpenAI, DeepSeek and Gemini: their automatic caching has no write fee.
   */
  cacheWrite5mPerM?: number;
  cacheWrite1hPerM?: number;
}

/** Rates for a prompt (input + cache reads + cache writes) above `thresholdTokens` (Gemini 2.5 Pro, Sonnet 4.5 over 200k). */
export interface LongContextRates extends PriceRates {
  thresholdTokens: number;
}

/** A model's price as the table or the config states it. */
export interface PriceSpec extends PriceRates {
  longContext?: LongContextRates;
}

/** Facts about one upstream model that translation needs. */
export interface ModelInfo {
  maxOutputTokens?: number;
  contextWindow?: number;
  /** The model takes reasoning controls (OpenAI o-series / gpt-5 style). */
  reasoning?: boolean;
  /** USD per million tokens, overriding live and bundled prices. */
  price?: PriceSpec;
}

/** What an openai-chat provider needs beyond the model (the per-target part comes from ModelInfo). */
export type ChatQuirks = Omit<OpenAIChatTarget, 'providerId' | 'model' | 'maxOutputTokens' | 'maxTokensField' | 'reasoning'> & {
  maxTokensField: OpenAIChatTarget['maxTokensField'];
  /** Reasoning control for models marked `reasoning`; 'none' for the rest. */
  reasoning: OpenAIChatTarget['reasoning'];
  /** Reasoning control used for every model, whatever ModelInfo says (OpenRouter normalises it). */
  reasoningAlways?: boolean;
};

/** What the Gemini translator needs to know about a model, decided by its family (Gemini 2.5, Gemini 3, ...). */
export type GeminiModelFacts = Pick<GeminiTarget, 'thinking' | 'requiresSignatures' | 'multimodalToolResults'> & {
  maxOutputTokens: number;
  contextWindow?: number;
};

/**
 * What a gemini-dialect provider adds to the preset: the URL shape of a model and the
 * API's small differences. AI Studio and Vertex AI share the wire format; they differ
 * in where a model lives, how the key is sent (`auth`) and the countTokens body.
 */
export interface GeminiProviderSettings {
  /**
   * Path of one model under the base URL, `{model}` replaced by the model id:
   * '/models/{model}' (AI Studio), '/publishers/google/models/{model}' (Vertex AI).
   * The method (':generateContent', ':streamGenerateContent?alt=sse', ':countTokens') follows.
   */
  modelPath: string;
  /**
   * countTokens body: 'wrapped' = {generateContentRequest: {model: "models/…", contents, systemInstruction, tools}}
   * (AI Studio: a bare {contents} would not count the system prompt or tools); 'flat' = those fields at the
   * top level (Vertex AI); 'none' = count locally.
   */
  countTokens: 'wrapped' | 'flat' | 'none';
  /** Anthropic's web_search server tool becomes googleSearch grounding. */
  webSearch: GeminiTarget['webSearch'];
  /** Facts for a model id (family rules; config modelInfo still sets maxOutputTokens and reasoning). */
  modelFacts: (model: string) => GeminiModelFacts;
}

/** What a Vertex AI preset says about itself; Claude and Gemini users set different variables. */
export interface VertexPreset {
  /** Model Garden publisher of its models. */
  publisher: 'anthropic' | 'google';
  /** Variables naming the region, first found wins. */
  regionEnv: string[];
  /** Region when neither config nor environment names one. */
  defaultRegion: string;
  /** Variables naming the project, first found wins (else the credentials'). */
  projectEnv: string[];
}

/**
 * A provider preset: data, not code. Adding an OpenAI-compatible provider is
 * one of these objects.
 */
export interface ProviderSpec {
  /** Preset id, also the config `type`. */
  type: string;
  label: string;
  dialect: DialectName;
  baseUrl: string;
  /** Environment variables that override the base URL, first found wins. */
  baseUrlEnv?: string[];
  /** Environment variables holding the key, first found wins. */
  keyEnv?: string[];
  auth: AuthScheme;
  /** The provider cannot be used without a key. */
  keyRequired: boolean;
  /** Path of the chat or messages endpoint, appended to the base URL. */
  path: string;
  /** Path of the model catalog, appended to the base URL. */
  modelsPath?: string;
  countTokensPath?: string;
  headers?: Record<string, string>;
  /** Default upstream model for each Claude tier. Absent: the requested name is sent as is. */
  tiers: Partial<Record<Tier, string>>;
  /** Output ceiling for models the table does not know. */
  defaultMaxOutputTokens?: number;
  /** Known models of this provider. */
  models?: Record<string, ModelInfo>;
  /** Decides reasoning support from a model id when `models` does not say. */
  isReasoningModel?: (model: string) => boolean;
  chat?: ChatQuirks;
  /** gemini dialect: where a model lives and how the provider's API is shaped. */
  gemini?: GeminiProviderSettings;
  /** Shape of the model list at modelsPath (default: OpenAI/Anthropic/GitHub style). */
  catalogFormat?: CatalogFormat;
  /** Enabled with no config when one of these variables is set (besides keyEnv). */
  enableEnv?: string[];
  /** Enabled with no config when this says so (a rule richer than "one variable is set"). */
  enableFromEnv?: (env: EnvVars) => boolean;
  /** A base URL must come from config (generic compatible servers). */
  baseUrlRequired?: boolean;
  /**
   * The provider's own id for a requested model name it recognises (Vertex AI: a dated
   * Claude id `claude-x-YYYYMMDD` is `claude-x@YYYYMMDD` there); undefined: the tiers apply.
   */
  modelId?: (requested: string) => string | undefined;
  /**
   * Google Vertex AI: URLs built from region and project, Google OAuth credentials
   * (providers/vertex.ts).
   */
  vertex?: VertexPreset;
  /** The same provider reached through its other dialect, chosen with `dialect` in config. */
  alternate?: { dialect: DialectName; baseUrl: string; path: string; auth: AuthScheme; modelsPath?: string; countTokensPath?: string };
}
