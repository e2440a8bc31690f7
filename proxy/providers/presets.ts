import { aistudio } from './aistudio.js';
import { anthropic, anthropicCompatible } from './anthropic.js';
import { deepseek } from './deepseek.js';
import { githubModels } from './github-models.js';
import { ollama } from './ollama.js';
import { openai } from './openai.js';
import { openaiCompatible } from './openai-compatible.js';
import { openrouter } from './openrouter.js';
import type { ProviderSpec } from './types.js';
import { vertexClaude } from './vertex-claude.js';
import { vertexGemini } from './vertex-gemini.js';

export const PRESETS: Record<string, ProviderSpec> = Object.fromEntries(
  [vertexClaude, vertexGemini, anthropic, openai, openrouter, githubModels, deepseek, aistudio, ollama, openaiCompatible, anthropicCompatible].map((p) => [p.type, p]),
);

/** Default fallback order of the router port (the seeds' priority: Vertex Claude, Vertex Gemini, GitHub, OpenRouter; then the rest). */
export const DEFAULT_ROUTER_ORDER = ['vertex-claude', 'vertex-gemini', 'github-models', 'openrouter', 'anthropic', 'openai', 'deepseek', 'aistudio', 'ollama'];

export const ROUTER_PORT = 8080;
