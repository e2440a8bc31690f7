// Shared builders for the openai-chat request translation tests.
import { readFileSync } from 'node:fs';
import type { ContentBlock, MessagesRequest, Tool } from '../protocol/anthropic/types.js';
import type { OpenAIChatTarget } from '../translate/openai-chat/options.js';

export const fixtureText = readFileSync(new URL('./fixtures/claude-code-turn1.json', import.meta.url), 'utf8');
export const claudeCode = (): MessagesRequest => JSON.parse(fixtureText) as MessagesRequest;

export const OPENAI: OpenAIChatTarget = {
  providerId: 'openai',
  model: 'gpt-5.1',
  maxOutputTokens: 32768,
  maxTokensField: 'max_completion_tokens',
  systemMessages: 'inline',
  reasoning: 'openai',
  reasoningEcho: 'none',
  cacheControl: false,
  streamUsage: true,
  topK: false,
  webSearch: 'none',
};
export const DEEPSEEK: OpenAIChatTarget = {
  ...OPENAI,
  providerId: 'deepseek',
  model: 'deepseek-v4-pro',
  maxOutputTokens: 8192,
  maxTokensField: 'max_tokens',
  reasoning: 'deepseek',
  reasoningEcho: 'reasoning_content',
};
export const OPENROUTER: OpenAIChatTarget = {
  ...OPENAI,
  providerId: 'openrouter',
  model: 'anthropic/claude-sonnet-4.5',
  maxOutputTokens: undefined,
  maxTokensField: 'max_tokens',
  reasoning: 'openrouter',
  reasoningEcho: 'reasoning',
  cacheControl: true,
  topK: true,
  webSearch: 'openrouter',
};

export function req(messages: MessagesRequest['messages'], extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return { model: 'claude-opus-5-5', max_tokens: 1024, messages, ...extra };
}
export const user = (content: string | ContentBlock[]) => ({ role: 'user' as const, content });
export const assistant = (content: string | ContentBlock[]) => ({ role: 'assistant' as const, content });
export const text = (t: string, extra: Record<string, unknown> = {}): ContentBlock => ({ type: 'text', text: t, ...extra }) as ContentBlock;
export const tool = (name: string, extra: Record<string, unknown> = {}): Tool =>
  ({ name, description: `${name} tool`, input_schema: { type: 'object', properties: { x: { type: 'string' } } }, ...extra }) as Tool;
