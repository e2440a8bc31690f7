import type { DialectName } from '../providers/types.js';
import { anthropicDialect } from './anthropic.js';
import { geminiDialect } from './gemini.js';
import { openaiChatDialect } from './openai-chat.js';
import type { Dialect } from './types.js';

export const DIALECTS: Record<DialectName, Dialect> = {
  anthropic: anthropicDialect,
  'openai-chat': openaiChatDialect,
  gemini: geminiDialect,
};
