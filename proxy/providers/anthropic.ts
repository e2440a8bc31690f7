import type { ProviderSpec } from './types.js';

export const anthropic: ProviderSpec = {
  type: 'anthropic',
  label: 'Anthropic',
  dialect: 'anthropic',
  baseUrl: 'https://api.anthropic.com',
  // ANTHROPIC_BASE_URL is deliberately not read: in a Claude Code shell it points at Switchboard itself.
  keyEnv: ['ANTHROPIC_API_KEY'],
  auth: 'x-api-key',
  keyRequired: true,
  path: '/v1/messages',
  modelsPath: '/v1/models',
  countTokensPath: '/v1/messages/count_tokens',
  tiers: {},
};

/** Any server that speaks the Messages API natively (LM Studio, llama.cpp server, ...). */
export const anthropicCompatible: ProviderSpec = {
  type: 'anthropic-compatible',
  label: 'Anthropic-compatible server',
  dialect: 'anthropic',
  baseUrl: '',
  baseUrlRequired: true,
  auth: 'x-api-key',
  keyRequired: false,
  path: '/v1/messages',
  modelsPath: '/v1/models',
  tiers: {},
};
