// Wire types of OpenAI Chat Completions, as spoken by OpenAI, OpenRouter,
// GitHub Models, DeepSeek, Ollama /v1 and other compatible servers.

export type ChatContentPart =
  | { type: 'text'; text: string; cache_control?: { type: 'ephemeral'; ttl?: string } }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'file'; file: { filename?: string; file_data?: string; file_id?: string } };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string | ChatContentPart[] }
  | { role: 'user'; content: string | ChatContentPart[] }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: ChatToolCall[];
      reasoning_content?: string;
      reasoning?: string;
    }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

export type ChatToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop?: string[];
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  reasoning_effort?: string;
  /** OpenRouter's unified reasoning switch. */
  reasoning?: { effort?: string; max_tokens?: number; enabled?: boolean; exclude?: boolean };
  /** DeepSeek's thinking toggle. */
  thinking?: { type: 'enabled' | 'disabled' };
  response_format?: { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } };
  plugins?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek splits prompt tokens into cache hits and misses. */
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
  /** OpenRouter reports its charge in USD. */
  cost?: number;
  /** OpenRouter: what the upstream provider charged (set for BYOK requests, billed to the user's own key). */
  cost_details?: { upstream_inference_cost?: number | null } | null;
  /** OpenRouter: the request ran on the user's own provider key. */
  is_byok?: boolean;
}

export interface ChatCompletion {
  id?: string;
  model?: string;
  choices: Array<{
    index?: number;
    message: {
      role?: string;
      content?: string | null;
      tool_calls?: ChatToolCall[] | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      refusal?: string | null;
    };
    finish_reason?: string | null;
    /** vLLM: the stop string (or token id) that ended the output. */
    stop_reason?: string | number | null;
  }>;
  usage?: ChatUsage | null;
  /** Some servers (OpenRouter) answer 200 with an error object and no choices. */
  error?: ChatError;
}

export interface ChatChunkToolCall {
  index?: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    delta?: {
      role?: string;
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: ChatChunkToolCall[] | null;
      refusal?: string | null;
    };
    finish_reason?: string | null;
    /** vLLM: the stop string (or token id) that ended the output. */
    stop_reason?: string | number | null;
  }>;
  usage?: ChatUsage | null;
  error?: ChatError;
}

/** Error object of OpenAI-compatible servers; OpenRouter puts the HTTP status in `code`. */
export interface ChatError {
  message?: string;
  code?: number | string | null;
  type?: string | null;
  metadata?: Record<string, unknown>;
}
