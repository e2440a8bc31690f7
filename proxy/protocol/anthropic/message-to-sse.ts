import { blockStart, blockStop, inputJsonDelta, MESSAGE_STOP, messageDelta, messageStart, signatureDelta, textDelta, thinkingDelta } from './sse.js';
import type { MessageResponse } from './types.js';

/** A complete message as a valid Anthropic event stream (for upstreams that answered a stream request with JSON). */
export function messageToSse(m: MessageResponse): string {
  const zero = { input_tokens: m.usage.input_tokens, output_tokens: 0, cache_creation_input_tokens: m.usage.cache_creation_input_tokens, cache_read_input_tokens: m.usage.cache_read_input_tokens };
  let out = messageStart(m.id, m.model, zero);
  m.content.forEach((b, i) => {
    switch (b.type) {
      case 'text':
        out += blockStart(i, { type: 'text', text: '' }) + textDelta(i, b.text);
        break;
      case 'thinking':
        out += blockStart(i, { type: 'thinking', thinking: '' });
        if (b.thinking) out += thinkingDelta(i, b.thinking);
        out += signatureDelta(i, b.signature);
        break;
      case 'tool_use':
        out += blockStart(i, { type: 'tool_use', id: b.id, name: b.name, input: {} }) + inputJsonDelta(i, JSON.stringify(b.input));
        break;
      case 'redacted_thinking':
        out += blockStart(i, b);
        break;
    }
    out += blockStop(i);
  });
  return out + messageDelta(m.stop_reason ?? 'end_turn', m.stop_sequence, m.usage) + MESSAGE_STOP;
}
