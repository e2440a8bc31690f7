import { GEMINI_DEFAULTS, geminiModelFacts } from './gemini-models.js';
import type { EnvVars, ProviderSpec } from './types.js';

// Gemini on Google Vertex AI (reference providers.md §2.3): the gemini dialect, as for
// AI Studio, with the model under the project's location and Google OAuth:
//   POST https://{host}/v1/projects/{p}/locations/{r}/publishers/google/models/{model}:streamGenerateContent?alt=sse
//   (…:generateContent, …:countTokens with the request's fields at the top level)
// host per region as for Vertex AI Claude (providers/vertex.ts). The model list is Model
// Garden's publisher listing, GET https://{host}/v1beta1/publishers/google/models (v1beta1 only).

const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/**
 * Env-only mode: what google-genai and Gemini CLI read. GOOGLE_GENAI_USE_VERTEXAI=true (or 1)
 * enables it, =false (or 0) keeps it off; otherwise GOOGLE_CLOUD_PROJECT together with a
 * location (GOOGLE_CLOUD_LOCATION, or the seeds' VERTEX_AI_LOCATION) does. Credentials alone
 * (GOOGLE_APPLICATION_CREDENTIALS) and a project alone (Gemini CLI sets one for Code Assist) do not.
 */
export function vertexGeminiEnabledByEnv(env: EnvVars): boolean {
  const flag = env.GOOGLE_GENAI_USE_VERTEXAI?.trim().toLowerCase();
  if (flag && TRUE.has(flag)) return true;
  if (flag && FALSE.has(flag)) return false;
  return !!env.GOOGLE_CLOUD_PROJECT?.trim() && !!(env.GOOGLE_CLOUD_LOCATION?.trim() || env.VERTEX_AI_LOCATION?.trim());
}

export const vertexGemini: ProviderSpec = {
  type: 'vertex-gemini',
  label: 'Vertex AI Gemini',
  dialect: 'gemini',
  // Built per region (providers/vertex.ts). No base-URL variable: google-genai's GOOGLE_VERTEX_BASE_URL
  // is an origin without the API version; set providers.<id>.baseUrl (with /v1) instead.
  baseUrl: '',
  enableFromEnv: vertexGeminiEnabledByEnv,
  // Google OAuth through the auth hook; no static key.
  auth: 'none',
  keyRequired: false,
  path: '',
  modelsPath: '/publishers/google/models',
  catalogFormat: 'vertex',
  ...GEMINI_DEFAULTS,
  gemini: {
    modelPath: '/publishers/google/models/{model}',
    // Vertex's CountTokensRequest takes contents, systemInstruction and tools at the top level.
    countTokens: 'flat',
    webSearch: 'googleSearch',
    modelFacts: geminiModelFacts,
  },
  vertex: {
    publisher: 'google',
    // google-genai's location variable, then the seeds'. Claude Code's CLOUD_ML_REGION is for Claude.
    regionEnv: ['GOOGLE_CLOUD_LOCATION', 'VERTEX_AI_LOCATION'],
    // google-genai's default: the global endpoint serves every Gemini model (some previews only there).
    defaultRegion: 'global',
    // A Claude Code Vertex setup names its project only in ANTHROPIC_VERTEX_PROJECT_ID: the same project serves Gemini.
    projectEnv: ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT', 'ANTHROPIC_VERTEX_PROJECT_ID'],
  },
};
