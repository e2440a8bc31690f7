import type { ChatQuirks } from './types.js';

/** Quirks of a well-behaved hosted OpenAI-compatible API; presets override what differs. */
export const HOSTED_CHAT: ChatQuirks = {
  maxTokensField: 'max_tokens',
  systemMessages: 'inline',
  reasoning: 'openai',
  reasoningEcho: 'none',
  cacheControl: false,
  streamUsage: true,
  topK: false,
  webSearch: 'none',
};

/** OpenAI o-series and gpt-5 take reasoning_effort and max_completion_tokens; gpt-5-chat does not reason. */
export function isOpenAIReasoningModel(model: string): boolean {
  const id = model.slice(model.lastIndexOf('/') + 1);
  return /^(o\d|gpt-5)/.test(id) && !id.startsWith('gpt-5-chat');
}
