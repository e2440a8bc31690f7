import { HOSTED_CHAT } from './chat-defaults.js';
import type { ProviderSpec } from './types.js';

export const deepseek: ProviderSpec = {
  type: 'deepseek',
  label: 'DeepSeek',
  dialect: 'openai-chat',
  baseUrl: 'https://api.deepseek.com',
  baseUrlEnv: ['DEEPSEEK_BASE_URL'],
  keyEnv: ['DEEPSEEK_API_KEY'],
  auth: 'bearer',
  keyRequired: true,
  path: '/chat/completions',
  modelsPath: '/models',
  // DeepSeek's model ids move often; these follow its Anthropic endpoint's own opus/other split.
  tiers: { opus: 'deepseek-v4-pro', sonnet: 'deepseek-v4-flash', haiku: 'deepseek-v4-flash' },
  defaultMaxOutputTokens: 32768,
  models: {
    'deepseek-chat': { maxOutputTokens: 8192, contextWindow: 128000 },
    'deepseek-reasoner': { maxOutputTokens: 65536, contextWindow: 128000 },
  },
  chat: {
    ...HOSTED_CHAT,
    reasoning: 'deepseek',
    reasoningAlways: true,
    // Tool-call turns in thinking mode must carry their reasoning_content back, or DeepSeek answers 400.
    reasoningEcho: 'reasoning_content',
  },
  alternate: {
    dialect: 'anthropic',
    baseUrl: 'https://api.deepseek.com/anthropic',
    path: '/v1/messages',
    auth: 'x-api-key',
  },
};
