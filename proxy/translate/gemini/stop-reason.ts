import type { StopReason } from '../../protocol/anthropic/types.js';

// Gemini finishReason → Anthropic stop_reason (reference §2.3, §3.3). Gemini has no
// "tool calls" reason: a turn with functionCall parts ends with STOP, and Claude
// Code only runs tools when it sees stop_reason "tool_use", so calls always win.

/** Gemini stopped to avoid unsafe, blocked, personal or recited content. */
const BLOCKED: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** The model tried to call a tool and failed; the turn ends, and the text says why. */
const BAD_CALL: ReadonlySet<string> = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']);

export function geminiStopReason(finishReason: string | null | undefined, hasToolCalls: boolean): StopReason {
  if (hasToolCalls) return 'tool_use';
  if (!finishReason) return 'end_turn';
  if (finishReason === 'MAX_TOKENS') return 'max_tokens';
  if (BLOCKED.has(finishReason)) return 'refusal';
  return 'end_turn'; // STOP, LANGUAGE, OTHER, BAD_CALL, unknown future reasons
}

/**
 * Text to show the user for an ending that would otherwise be silent or puzzling:
 * a blocked answer with no content, or a failed tool call (always). null otherwise.
 */
export function finishNote(finishReason: string | null | undefined, finishMessage: string | undefined, hasContent: boolean): string | null {
  if (!finishReason) return null;
  const detail = typeof finishMessage === 'string' && finishMessage.trim() ? ': ' + finishMessage.trim() : '.';
  if (BAD_CALL.has(finishReason)) return `[Gemini could not complete a tool call (${finishReason})${detail}]`;
  if (BLOCKED.has(finishReason) && !hasContent) return `[Gemini stopped the response (finishReason ${finishReason})${detail}]`;
  return null;
}

/** A prompt Gemini refused to answer at all (promptFeedback.blockReason). */
export function blockedPromptNote(blockReason: string, message: string | undefined): string {
  const detail = typeof message === 'string' && message.trim() ? ': ' + message.trim() : '.';
  return `[Gemini blocked the prompt (blockReason ${blockReason})${detail}]`;
}
