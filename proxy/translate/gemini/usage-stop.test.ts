import { describe, expect, it } from 'vitest';
import { blockedPromptNote, finishNote, geminiStopReason } from './stop-reason.js';
import { geminiUsage } from './usage.js';

describe('geminiUsage', () => {
  it('splits cached tokens out of the prompt and counts thoughts as output', () => {
    expect(geminiUsage({ promptTokenCount: 5210, cachedContentTokenCount: 4096, candidatesTokenCount: 12, thoughtsTokenCount: 120, totalTokenCount: 5342 })).toEqual({
      input_tokens: 1114,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 4096,
      output_tokens: 132,
    });
  });

  it('bills tool-use prompt tokens as input; tolerates missing and bogus fields', () => {
    expect(geminiUsage({ promptTokenCount: 100, toolUsePromptTokenCount: 40, candidatesTokenCount: 5 })).toMatchObject({ input_tokens: 140, output_tokens: 5 });
    expect(geminiUsage(undefined)).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
    expect(geminiUsage({ promptTokenCount: -1, cachedContentTokenCount: 'x' as unknown as number })).toMatchObject({ input_tokens: 0, cache_read_input_tokens: 0 });
    // Never negative, even if cached were reported above the prompt.
    expect(geminiUsage({ promptTokenCount: 10, cachedContentTokenCount: 20 }).input_tokens).toBe(0);
  });
});

describe('geminiStopReason', () => {
  it.each([
    ['STOP', false, 'end_turn'],
    ['STOP', true, 'tool_use'],
    ['MAX_TOKENS', false, 'max_tokens'],
    ['SAFETY', false, 'refusal'],
    ['RECITATION', false, 'refusal'],
    ['PROHIBITED_CONTENT', false, 'refusal'],
    ['BLOCKLIST', false, 'refusal'],
    ['SPII', false, 'refusal'],
    ['IMAGE_SAFETY', false, 'refusal'],
    ['MALFORMED_FUNCTION_CALL', false, 'end_turn'],
    ['UNEXPECTED_TOOL_CALL', false, 'end_turn'],
    ['LANGUAGE', false, 'end_turn'],
    ['OTHER', false, 'end_turn'],
    ['SOMETHING_NEW', false, 'end_turn'],
    [null, false, 'end_turn'],
  ] as const)('%s (calls: %s) → %s', (reason, calls, expected) => {
    expect(geminiStopReason(reason, calls)).toBe(expected);
  });

  it('explains silent or puzzling endings', () => {
    expect(finishNote('SAFETY', undefined, false)).toBe('[Gemini stopped the response (finishReason SAFETY).]');
    expect(finishNote('SAFETY', undefined, true)).toBeNull();
    expect(finishNote('MALFORMED_FUNCTION_CALL', ' bad call ', true)).toBe('[Gemini could not complete a tool call (MALFORMED_FUNCTION_CALL): bad call]');
    expect(finishNote('STOP', 'x', false)).toBeNull();
    expect(finishNote(null, undefined, false)).toBeNull();
    expect(blockedPromptNote('SAFETY', 'why')).toBe('[Gemini blocked the prompt (blockReason SAFETY): why]');
  });
});
