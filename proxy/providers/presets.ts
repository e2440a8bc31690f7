import { aistudio } from './aistudio.js';
import { anthropic, anthropicCompatible } from './anthropic.js';
import { deepseek } from './deepseek.js';
import { githubModels } from './github-models.js';
import { ollama } from './ollama.js';
import { openai } from './openai.js';
import { openaiCompatible } from './openai-compatible.js';
import { openrouter } from './openrouter.js';
import type { ProviderSpec } from './types.js';

export const PRESETS: Record<string, ProviderSpec> = Object.fromEntries(
  [anthropic, openai, openrouter, githubModels, deepseek, aistudio, ollama, openaiCompatible, anthropicCompatible].map((p) => [p.type, p]),
);

/** Default fallback order of the router port (the seeds' priority, then the rest). */
export const DEFAULT_ROUTER_ORDER = ['github-models', 'openrouter', 'anthropic', 'openai', 'deepseek', 'aistudio', 'ollama'];

/** Default dedicated ports; 8090/8091 are reserved for Vertex AI Claude and Gemini. */
export const DEFAULT_PORTS: Record<string, number> = { 'github-models': 8092, openrouter: 8093 };
export const ROUTER_PORT = 8080;
