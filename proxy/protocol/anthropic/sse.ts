import type { ResponseBlock, StopReason, Usage } from './types.js';

// Anthropic SSE frames, built as strings: every frame carries its `event:` line
// (the SDK drops frames without one) and the same `type` inside its JSON.

export function frame(event: string, json: string): string {
  return `event: ${event}\ndata: ${json}\n\n`;
}

export function messageStart(id: string, model: string, usage: Usage): string {
  return frame(
    'message_start',
    `{"type":"message_start","message":{"id":${JSON.stringify(id)},"type":"message","role":"assistant","model":${JSON.stringify(model)},"content":[],"stop_reason":null,"stop_sequence":null,"usage":${JSON.stringify(usage)}}}`,
  );
}

export const PING = frame('ping', '{"type":"ping"}');

export function blockStart(index: number, block: ResponseBlock | Record<string, unknown>): string {
  return frame('content_block_start', `{"type":"content_block_start","index":${index},"content_block":${JSON.stringify(block)}}`);
}

export function textDelta(index: number, text: string): string {
  return frame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}`);
}

export function thinkingDelta(index: number, thinking: string): string {
  return frame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":{"type":"thinking_delta","thinking":${JSON.stringify(thinking)}}}`);
}

export function signatureDelta(index: number, signature: string): string {
  return frame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":{"type":"signature_delta","signature":${JSON.stringify(signature)}}}`);
}

export function inputJsonDelta(index: number, partialJson: string): string {
  return frame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(partialJson)}}}`);
}

export function blockStop(index: number): string {
  return frame('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
}

export function messageDelta(stopReason: StopReason, stopSequence: string | null, usage: Usage): string {
  return frame(
    'message_delta',
    `{"type":"message_delta","delta":{"stop_reason":${JSON.stringify(stopReason)},"stop_sequence":${JSON.stringify(stopSequence)}},"usage":${JSON.stringify(usage)}}`,
  );
}

export const MESSAGE_STOP = frame('message_stop', '{"type":"message_stop"}');
