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

export const PRESETS: Record<string, ProviderSpec> = Object.fromEntries(
  [vertexClaude, anthropic, openai, openrouter, githubModels, deepseek, aistudio, ollama, openaiCompatible, anthropicCompatible].map((p) => [p.type, p]),
);

/** Default fallback order of the router port (the seeds' priority, then the rest). */
export const DEFAULT_ROUTER_ORDER = ['vertex-claude', 'github-models', 'openrouter', 'anthropic', 'openai', 'deepseek', 'aistudio', 'ollama'];

/** Default dedicated ports; 8091 is reserved for Vertex AI Gemini. */
export const DEFAULT_PORTS: Record<string, number> = { 'vertex-claude': 8090, 'github-models': 8092, openrouter: 8093 };
export const ROUTER_PORT = 8080;
