import { HOSTED_CHAT } from './chat-defaults.js';
import type { ProviderSpec } from './types.js';

/** Any server speaking Chat Completions: vLLM, LM Studio, llama.cpp, Groq, Together, ... */
export const openaiCompatible: ProviderSpec = {
  type: 'openai-compatible',
  label: 'OpenAI-compatible server',
  dialect: 'openai-chat',
  baseUrl: '',
  baseUrlRequired: true,
  auth: 'bearer',
  keyRequired: false,
  path: '/chat/completions',
  modelsPath: '/models',
  tiers: {},
  // Local servers fail when max_tokens plus the prompt exceed their context; Claude Code asks for 128000.
  defaultMaxOutputTokens: 8192,
  // Many local chat templates reject a system turn after the first message.
  chat: { ...HOSTED_CHAT, reasoning: 'none', systemMessages: 'hoist', topK: true },
};
