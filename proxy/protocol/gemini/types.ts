// Wire types of Google's Gemini generateContent API (AI Studio v1beta and Vertex AI v1),
// as far as Switchboard reads or writes them (reference providers.md §2.3).
// Response types are lenient: Google adds fields often, and every field may be absent.

/** Gemini's OpenAPI-3.0-style Schema (function parameters, responseSchema). Types are lowercase on the wire we send. */
export type GeminiSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface GeminiSchema {
  type?: GeminiSchemaType;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  /** String values only. */
  enum?: string[];
  default?: unknown;
  example?: unknown;
  items?: GeminiSchema;
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  propertyOrdering?: string[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minProperties?: number;
  maxProperties?: number;
  anyOf?: GeminiSchema[];
}

export interface GeminiInlineData {
  mimeType: string;
  /** base64 */
  data: string;
}

export interface GeminiFileData {
  mimeType?: string;
  fileUri: string;
}

export interface GeminiFunctionCall {
  /** Present on some models (and Vertex); echoed back on the matching functionResponse. */
  id?: string;
  name: string;
  args?: Record<string, unknown>;
  /** Some older Gemini 2.x builds nested the signature here; read only. */
  thoughtSignature?: string;
}

/** Media inside a function response (Gemini 3+ only). */
export interface GeminiFunctionResponsePart {
  inlineData?: GeminiInlineData;
  fileData?: GeminiFileData;
}

export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** Must be a JSON object. */
  response: Record<string, unknown>;
  parts?: GeminiFunctionResponsePart[];
}

export interface GeminiPart {
  text?: string;
  /** A thought summary (only with thinkingConfig.includeThoughts). */
  thought?: boolean;
  /** Opaque base64 reasoning state; must be replayed on exactly the part that carried it. */
  thoughtSignature?: string;
  inlineData?: GeminiInlineData;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: unknown;
  codeExecutionResult?: unknown;
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
}

export type GeminiTool =
  | { functionDeclarations: GeminiFunctionDeclaration[] }
  | { googleSearch: Record<string, never> };

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface GeminiToolConfig {
  functionCallingConfig: { mode: GeminiFunctionCallingMode; allowedFunctionNames?: string[] };
}

export type GeminiThinkingLevel = 'minimal' | 'low' | 'medium' | 'high';

export interface GeminiThinkingConfig {
  /** Gemini 2.5: token budget; -1 = dynamic. */
  thinkingBudget?: number;
  /** Gemini 3: coarse level instead of a budget. */
  thinkingLevel?: GeminiThinkingLevel;
  includeThoughts?: boolean;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  thinkingConfig?: GeminiThinkingConfig;
}

export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
}

// ------------------------------------------------------------------ responses

export interface GeminiUsageMetadata {
  /** Includes cachedContentTokenCount. */
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  /** Excludes thoughtsTokenCount. */
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

/**
 * STOP, MAX_TOKENS, SAFETY, RECITATION, LANGUAGE, OTHER, BLOCKLIST, PROHIBITED_CONTENT, SPII,
 * MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS, IMAGE_*, ... (open set).
 */
export type GeminiFinishReason = string;

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: GeminiFinishReason;
  finishMessage?: string;
  index?: number;
  safetyRatings?: unknown[];
  groundingMetadata?: unknown;
}

export interface GeminiPromptFeedback {
  blockReason?: string;
  blockReasonMessage?: string;
  safetyRatings?: unknown[];
}

/** Google's error object: {"error":{"code":429,"message":…,"status":"RESOURCE_EXHAUSTED","details":[…]}}. */
export interface GeminiErrorObject {
  code?: number;
  message?: string;
  status?: string;
  details?: unknown[];
}

/** One generateContent answer, or one SSE chunk of a streamGenerateContent?alt=sse answer. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: GeminiPromptFeedback;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  /** A failure reported inside a 200 stream. */
  error?: GeminiErrorObject;
}
