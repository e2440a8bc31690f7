import { HOSTED_CHAT } from './chat-defaults.js';
import type { ProviderSpec } from './types.js';

export const openrouter: ProviderSpec = {
  type: 'openrouter',
  label: 'OpenRouter',
  dialect: 'openai-chat',
  baseUrl: 'https://openrouter.ai/api/v1',
  baseUrlEnv: ['OPENROUTER_BASE_URL'],
  keyEnv: ['OPENROUTER_API_KEY'],
  auth: 'bearer',
  keyRequired: true,
  path: '/chat/completions',
  modelsPath: '/models',
  headers: { 'http-referer': 'https://github.com/switchboard-app/switchboard', 'x-title': 'Switchboard' },
  tiers: { opus: 'anthropic/claude-opus-4.5', sonnet: 'anthropic/claude-sonnet-4.5', haiku: 'anthropic/claude-haiku-4.5' },
  defaultMaxOutputTokens: 16384,
  models: {
    'anthropic/claude-opus-4.5': { maxOutputTokens: 64000, contextWindow: 200000 },
    'anthropic/claude-sonnet-4.5': { maxOutputTokens: 64000, contextWindow: 1000000 },
    'anthropic/claude-haiku-4.5': { maxOutputTokens: 64000, contextWindow: 200000 },
  },
  chat: {
    ...HOSTED_CHAT,
    // OpenRouter normalises `reasoning` for every model and forwards cache_control to Claude and Gemini.
    reasoning: 'openrouter',
    reasoningAlways: true,
    cacheControl: true,
    topK: true,
    webSearch: 'openrouter',
  },
};
