import { describe, expect, it } from 'vitest';
import { toStopReason } from './stop-reason.js';

describe('toStopReason', () => {
  const r = (...a: Parameters<typeof toStopReason>) => {
    const o = toStopReason(...a);
    return [o.stopReason, o.stopSequence];
  };

  it('maps finish_reason', () => {
    expect(r('stop', false)).toEqual(['end_turn', null]);
    expect(r('length', false)).toEqual(['max_tokens', null]);
    expect(r('tool_calls', false)).toEqual(['tool_use', null]);
    expect(r('function_call', false)).toEqual(['tool_use', null]);
    expect(r('content_filter', false)).toEqual(['refusal', null]);
    expect(r(null, false)).toEqual(['end_turn', null]);
    expect(r(undefined, false)).toEqual(['end_turn', null]);
    expect(r('something_new', false)).toEqual(['end_turn', null]);
  });

  it('any emitted tool call forces tool_use (Ollama/vLLM finish with "stop")', () => {
    expect(r('stop', true)).toEqual(['tool_use', null]);
    expect(r('length', true)).toEqual(['tool_use', null]);
    expect(r(null, true)).toEqual(['tool_use', null]);
  });

  it('vLLM stop_reason naming a requested stop sequence → stop_sequence', () => {
    expect(r('stop', false, '</answer>', ['</answer>', 'END'])).toEqual(['stop_sequence', '</answer>']);
    expect(r('stop', false, 'other', ['</answer>'])).toEqual(['end_turn', null]);
    expect(r('stop', false, 151645, ['</answer>'])).toEqual(['end_turn', null]); // a token id, not a string
    expect(r('stop', false, '</answer>', undefined)).toEqual(['end_turn', null]);
    expect(r('length', false, '</answer>', ['</answer>'])).toEqual(['max_tokens', null]);
  });
});
