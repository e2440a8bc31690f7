import { HOSTED_CHAT, isOpenAIReasoningModel } from './chat-defaults.js';
import type { ProviderSpec } from './types.js';

export const githubModels: ProviderSpec = {
  type: 'github-models',
  label: 'GitHub Models',
  dialect: 'openai-chat',
  // The current inference endpoint (the Azure one, models.inference.ai.azure.com, is superseded).
  baseUrl: 'https://models.github.ai/inference',
  baseUrlEnv: ['GITHUB_MODELS_BASE_URL'],
  keyEnv: ['GITHUB_TOKEN', 'GH_TOKEN'],
  auth: 'bearer',
  keyRequired: true,
  path: '/chat/completions',
  modelsPath: '/catalog/models',
  headers: { 'x-github-api-version': '2022-11-28' },
  tiers: { opus: 'openai/gpt-4.1', sonnet: 'openai/gpt-4.1', haiku: 'openai/gpt-4.1-mini' },
  // The free tier caps a request at about 4k output tokens; raise it in config on a paid plan.
  defaultMaxOutputTokens: 4000,
  isReasoningModel: isOpenAIReasoningModel,
  chat: { ...HOSTED_CHAT },
};
