import { HOSTED_CHAT } from './chat-defaults.js';
import type { ProviderSpec } from './types.js';

export const ollama: ProviderSpec = {
  type: 'ollama',
  label: 'Ollama',
  // Ollama >= 0.14 serves the Messages API natively; `dialect: "openai-chat"` selects /v1/chat/completions.
  dialect: 'anthropic',
  baseUrl: 'http://127.0.0.1:11434',
  baseUrlEnv: ['OLLAMA_HOST'],
  enableEnv: ['OLLAMA_HOST'],
  auth: 'none',
  keyRequired: false,
  path: '/v1/messages',
  modelsPath: '/v1/models',
  tiers: { opus: 'qwen3-coder', sonnet: 'qwen3-coder', haiku: 'qwen3-coder' },
  chat: { ...HOSTED_CHAT, reasoning: 'none', systemMessages: 'hoist', topK: true },
  alternate: {
    dialect: 'openai-chat',
    baseUrl: 'http://127.0.0.1:11434/v1',
    path: '/chat/completions',
    auth: 'none',
    modelsPath: '/models',
  },
};
