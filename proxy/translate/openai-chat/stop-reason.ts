import type { StopReason } from '../../protocol/anthropic/types.js';

export interface StopOutcome {
  stopReason: StopReason;
  stopSequence: string | null;
}

/**
 * OpenAI finish_reason → Anthropic stop_reason.
 *
 * Any emitted tool call wins: Ollama and some vLLM builds finish tool turns with
 * "stop", and Claude Code only runs tools when it sees stop_reason "tool_use".
 * `upstreamStop` is vLLM's per-choice `stop_reason` (the matched stop string).
 */
export function toStopReason(
  finishReason: string | null | undefined,
  sawToolCall: boolean,
  upstreamStop?: unknown,
  stopSequences?: readonly string[],
): StopOutcome {
  if (sawToolCall) return { stopReason: 'tool_use', stopSequence: null };
  switch (finishReason) {
    case 'length':
      return { stopReason: 'max_tokens', stopSequence: null };
    case 'tool_calls':
    case 'function_call':
      return { stopReason: 'tool_use', stopSequence: null };
    case 'content_filter':
      return { stopReason: 'refusal', stopSequence: null };
    case 'stop':
      if (typeof upstreamStop === 'string' && stopSequences && stopSequences.includes(upstreamStop)) {
        return { stopReason: 'stop_sequence', stopSequence: upstreamStop };
      }
      return { stopReason: 'end_turn', stopSequence: null };
    default:
      return { stopReason: 'end_turn', stopSequence: null };
  }
}
