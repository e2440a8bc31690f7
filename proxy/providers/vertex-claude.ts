import type { ModelInfo, ProviderSpec } from './types.js';
import { DEFAULT_VERTEX_REGION } from './vertex.js';

// Claude on Google Vertex AI (Model Garden partner models): the anthropic dialect with
// the Vertex request shaper (dialects/vertex-claude.ts), Google OAuth, and Vertex's
// model ids. Reference: providers.md §2.2.
//
// Model ids: older models carry their date after an `@` (`claude-sonnet-4-5@20250929`),
// newer ones have none (`claude-opus-4-6`). A requested first-party id with a date
// (`claude-sonnet-4-5-20250929`) becomes the `@` form; known undated aliases get the
// Vertex id they stand for; any other Claude name takes its tier's default.

/** Undated names with their Vertex id (the date Vertex needs, or the id itself for models without one). */
const VERTEX_IDS: Record<string, string> = {
  'claude-opus-4-5': 'claude-opus-4-5@20251101',
  'claude-opus-4-1': 'claude-opus-4-1@20250805',
  'claude-opus-4-0': 'claude-opus-4@20250514',
  'claude-opus-4': 'claude-opus-4@20250514',
  'claude-sonnet-4-5': 'claude-sonnet-4-5@20250929',
  'claude-sonnet-4-0': 'claude-sonnet-4@20250514',
  'claude-sonnet-4': 'claude-sonnet-4@20250514',
  'claude-haiku-4-5': 'claude-haiku-4-5@20251001',
  'claude-3-7-sonnet': 'claude-3-7-sonnet@20250219',
  'claude-3-7-sonnet-latest': 'claude-3-7-sonnet@20250219',
  'claude-3-5-haiku': 'claude-3-5-haiku@20241022',
  'claude-3-5-haiku-latest': 'claude-3-5-haiku@20241022',
  'claude-opus-4-6': 'claude-opus-4-6',
  'claude-sonnet-4-6': 'claude-sonnet-4-6',
  // First-party ids whose Vertex name differs by more than the date.
  'claude-3-5-sonnet-20241022': 'claude-3-5-sonnet-v2@20241022',
};

const DATED = /^(claude-[a-z0-9-]+?)-(\d{8})$/;

/** The Vertex id for a requested Claude name, or undefined when the tiers should decide. */
export function vertexClaudeModelId(requested: string): string | undefined {
  const known = VERTEX_IDS[requested];
  if (known) return known;
  if (requested.startsWith('claude-') && requested.includes('@')) return requested;
  const m = DATED.exec(requested);
  return m ? `${m[1]}@${m[2]}` : undefined;
}

// Output ceilings matter: Claude Code asks for max_tokens 128000, which these models refuse.
const MODELS: Record<string, ModelInfo> = {
  'claude-opus-4-5@20251101': { maxOutputTokens: 64000, contextWindow: 200000 },
  'claude-sonnet-4-5@20250929': { maxOutputTokens: 64000, contextWindow: 200000 },
  'claude-haiku-4-5@20251001': { maxOutputTokens: 64000, contextWindow: 200000 },
  'claude-opus-4-1@20250805': { maxOutputTokens: 32000, contextWindow: 200000 },
  'claude-opus-4@20250514': { maxOutputTokens: 32000, contextWindow: 200000 },
  'claude-sonnet-4@20250514': { maxOutputTokens: 64000, contextWindow: 200000 },
  'claude-3-7-sonnet@20250219': { maxOutputTokens: 64000, contextWindow: 200000 },
  'claude-3-5-haiku@20241022': { maxOutputTokens: 8192, contextWindow: 200000 },
};

export const vertexClaude: ProviderSpec = {
  type: 'vertex-claude',
  label: 'Vertex AI Claude',
  dialect: 'anthropic',
  // Built per region (providers/vertex.ts); the SDK's own override variable is honoured.
  baseUrl: '',
  baseUrlEnv: ['ANTHROPIC_VERTEX_BASE_URL'],
  // Claude Code's own Vertex switches, and the seeds' variable: a Vertex user already has one set.
  enableEnv: ['CLAUDE_CODE_USE_VERTEX', 'ANTHROPIC_VERTEX_PROJECT_ID', 'CLOUD_ML_REGION', 'VERTEX_AI_LOCATION'],
  auth: 'none',
  keyRequired: false,
  path: '',
  tiers: { opus: 'claude-opus-4-5@20251101', sonnet: 'claude-sonnet-4-5@20250929', haiku: 'claude-haiku-4-5@20251001' },
  models: MODELS,
  modelId: vertexClaudeModelId,
  // Claude Code's region variable first, then the seeds'; the project as the Anthropic SDK looks for it.
  vertex: {
    publisher: 'anthropic',
    regionEnv: ['CLOUD_ML_REGION', 'VERTEX_AI_LOCATION'],
    defaultRegion: DEFAULT_VERTEX_REGION,
    projectEnv: ['ANTHROPIC_VERTEX_PROJECT_ID', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'],
  },
};
