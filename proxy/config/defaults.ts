export const DEFAULTS = {
  host: '127.0.0.1',
  bodyLimitMb: 32,
  timeouts: { connectMs: 10_000, firstByteMs: 300_000, idleMs: 300_000 },
  logLevel: 'info',
} as const;

/** Ports given to enabled providers when the config names none. */
export const PROVIDER_PORTS: Record<string, number> = {
  'vertex-claude': 8090,
  'vertex-gemini': 8091,
  'github-models': 8092,
  openrouter: 8093,
  anthropic: 8094,
  openai: 8095,
  deepseek: 8096,
  ollama: 8097,
  // 8091 is Vertex AI Gemini (the seeds' port); AI Studio is another Gemini provider.
  aistudio: 8098,
};
export const ROUTER_PORT = 8080;
export const FIRST_CUSTOM_PORT = 8100;
