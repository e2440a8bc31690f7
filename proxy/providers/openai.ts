import { HOSTED_CHAT, isOpenAIReasoningModel } from './chat-defaults.js';
import type { ProviderSpec } from './types.js';

export const openai: ProviderSpec = {
  type: 'openai',
  label: 'OpenAI',
  dialect: 'openai-chat',
  baseUrl: 'https://api.openai.com/v1',
  baseUrlEnv: ['OPENAI_BASE_URL'],
  keyEnv: ['OPENAI_API_KEY'],
  auth: 'bearer',
  keyRequired: true,
  path: '/chat/completions',
  modelsPath: '/models',
  tiers: { opus: 'gpt-5', sonnet: 'gpt-5', haiku: 'gpt-5-mini' },
  defaultMaxOutputTokens: 16384,
  models: {
    'gpt-5': { maxOutputTokens: 128000, contextWindow: 400000, reasoning: true },
    'gpt-5-mini': { maxOutputTokens: 128000, contextWindow: 400000, reasoning: true },
    'gpt-5-nano': { maxOutputTokens: 128000, contextWindow: 400000, reasoning: true },
    'gpt-4.1': { maxOutputTokens: 32768, contextWindow: 1047576 },
    'gpt-4.1-mini': { maxOutputTokens: 32768, contextWindow: 1047576 },
    'gpt-4o': { maxOutputTokens: 16384, contextWindow: 128000 },
    'gpt-4o-mini': { maxOutputTokens: 16384, contextWindow: 128000 },
  },
  isReasoningModel: isOpenAIReasoningModel,
  // Every current OpenAI chat model accepts max_completion_tokens; reasoning models require it.
  chat: { ...HOSTED_CHAT, maxTokensField: 'max_completion_tokens' },
};
