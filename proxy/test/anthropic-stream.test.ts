import { describe, expect, it } from 'vitest';
import { accumulateMessage, assertValidAnthropicStream, parseAnthropicSse, type AnthropicSseEvent } from './anthropic-stream.js';

// The validator guards every golden stream test, so it must reject each kind of violation.

const ev = (event: string, data: Record<string, unknown> = {}): AnthropicSseEvent => ({ event, data: { type: event, ...data } });
const start = ev('message_start', {
  message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
});
const ping = ev('ping');
const bStart = (index: number, content_block: Record<string, unknown>) => ev('content_block_start', { index, content_block });
const bDelta = (index: number, delta: Record<string, unknown>) => ev('content_block_delta', { index, delta });
const bStop = (index: number) => ev('content_block_stop', { index });
const mDelta = (stop_reason = 'end_turn') => ev('message_delta', { delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: 5 } });
const mStop = ev('message_stop');
const text = (i: number, t = 'hi') => [bStart(i, { type: 'text', text: '' }), bDelta(i, { type: 'text_delta', text: t }), bStop(i)];
const thinking = (i: number, signed = true) => [
  bStart(i, { type: 'thinking', thinking: '' }),
  bDelta(i, { type: 'thinking_delta', thinking: 'hmm' }),
  ...(signed ? [bDelta(i, { type: 'signature_delta', signature: 'swb1.x' })] : []),
  bStop(i),
];
const tool = (i: number, json = '{"a":1}') => [
  bStart(i, { type: 'tool_use', id: `toolu_${i}`, name: 'T', input: {} }),
  bDelta(i, { type: 'input_json_delta', partial_json: json }),
  bStop(i),
];

describe('assertValidAnthropicStream', () => {
  it('accepts a well-formed stream and a terminal error', () => {
    expect(() => assertValidAnthropicStream([start, ping, ...thinking(0), ping, ...text(1), ...tool(2), mDelta('tool_use'), mStop])).not.toThrow();
    expect(() => assertValidAnthropicStream([start, bStart(0, { type: 'text', text: '' }), ev('error', { error: { type: 'overloaded_error', message: 'x' } })])).not.toThrow();
  });

  const bad: Array<[string, AnthropicSseEvent[], RegExp]> = [
    ['empty', [], /empty stream/],
    ['no message_start', [...text(0), mDelta(), mStop], /before message_start/],
    ['duplicate message_start', [start, start, mDelta(), mStop], /duplicate message_start/],
    ['missing event line', [start, { event: '', data: { type: 'ping' } }, mDelta(), mStop], /without an `event:` line/],
    ['event/type mismatch', [start, { event: 'ping', data: { type: 'message_stop' } }], /does not match/],
    ['index gap', [start, ...text(1), mDelta(), mStop], /expected 0/],
    ['overlapping blocks', [start, bStart(0, { type: 'text', text: '' }), bStart(1, { type: 'text', text: '' })], /while block 0 is open/],
    ['delta type mismatch', [start, bStart(0, { type: 'text', text: '' }), bDelta(0, { type: 'thinking_delta', thinking: 'x' })], /thinking_delta in a text block/],
    ['delta for closed block', [start, ...text(0), bDelta(0, { type: 'text_delta', text: 'x' })], /no block is open/],
    ['thinking without signature', [start, ...thinking(0, false), mDelta(), mStop], /without signature_delta/],
    ['empty text block', [start, bStart(0, { type: 'text', text: '' }), bStop(0), mDelta(), mStop], /is empty/],
    ['bad tool json', [start, ...tool(0, '{"a":'), mDelta(), mStop], /not valid JSON/],
    ['bad tool id', [start, bStart(0, { type: 'tool_use', id: 'call:1', name: 'T', input: {} })], /does not match/],
    ['duplicate message_delta', [start, mDelta(), mDelta(), mStop], /duplicate message_delta/],
    ['invalid stop_reason', [start, mDelta('stop'), mStop], /invalid stop_reason/],
    ['message_stop without delta', [start, mStop], /before message_delta/],
    ['event after message_stop', [start, mDelta(), mStop, ping], /after message_stop/],
    ['event after error', [start, ev('error', { error: { type: 'api_error', message: 'x' } }), mStop], /after terminal error/],
    ['truncated', [start, ...text(0)], /truncated/],
    ['unknown event', [start, ev('surprise'), mDelta(), mStop], /unknown event/],
  ];
  for (const [name, events, why] of bad) {
    it(`rejects: ${name}`, () => {
      expect(() => assertValidAnthropicStream(events)).toThrow(why);
    });
  }
});

describe('parseAnthropicSse / accumulateMessage', () => {
  it('round-trips frames and rebuilds the message', () => {
    const wire =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}\n\n' +
      ': comment\n\n' +
      'event: content_block_start\r\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t1","name":"T","input":{}}}\r\n\r\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\":"}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\\"é🤖\\"}"}}\n\n' +
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":7,"output_tokens":3}}\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    const events = parseAnthropicSse(wire);
    expect(events.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    assertValidAnthropicStream(events);
    expect(accumulateMessage(events)).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [{ type: 'tool_use', id: 't1', name: 'T', input: { a: 'é🤖' } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 7, output_tokens: 3 },
    });
  });

  it('throws on non-JSON data', () => {
    expect(() => parseAnthropicSse('event: ping\ndata: nope\n\n')).toThrow(/not JSON/);
  });
});
