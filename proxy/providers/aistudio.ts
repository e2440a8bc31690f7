import { GEMINI_DEFAULTS, geminiModelFacts } from './gemini-models.js';
import type { ProviderSpec } from './types.js';

// Google AI Studio (the Gemini Developer API), reference providers.md §2.3:
// POST {base}/models/{model}:generateContent | :streamGenerateContent?alt=sse,
// key in x-goog-api-key, catalog GET {base}/models (paginated, no prices).

export const aistudio: ProviderSpec = {
  type: 'aistudio',
  label: 'Google AI Studio',
  dialect: 'gemini',
  baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  // No base-URL variable: GOOGLE_GEMINI_BASE_URL (Gemini CLI) is an origin without the API version,
  // and may point at another gateway. Set providers.<id>.baseUrl instead.
  // GEMINI_API_KEY first: GOOGLE_API_KEY is also used by other Google APIs (Maps, ...).
  keyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  auth: 'x-goog-api-key',
  keyRequired: true,
  // The dialect builds each model's URL from gemini.modelPath; path is unused.
  path: '',
  modelsPath: '/models',
  catalogFormat: 'google',
  ...GEMINI_DEFAULTS,
  gemini: {
    modelPath: '/models/{model}',
    countTokens: 'wrapped',
    webSearch: 'googleSearch',
    modelFacts: geminiModelFacts,
  },
};
