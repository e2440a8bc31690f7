// Assistant turns, tools, limits and reasoning; request.test.ts covers system, user content and tool results.
import { describe, expect, it } from 'vitest';
import type { ContentBlock, MessagesRequest, Tool } from '../../protocol/anthropic/types.js';
import type { ChatMessage } from '../../protocol/openai/types.js';
import { encodeEnvelope } from '../../sessions/thinking-envelope.js';
import { assistant, DEEPSEEK, OPENAI, OPENROUTER, req, text, tool, user } from '../../test/chat-request-helpers.js';
import { isBlank, toChatRequest } from './request.js';

describe('toChatRequest: assistant turns', () => {
  const sameModel = encodeEnvelope({ provider: 'deepseek', model: 'deepseek-v4-pro' });

  it('null content with tool calls; skipped when empty; text blocks concatenated', () => {
    const r = req([
      assistant([{ type: 'tool_use', id: 't1', name: 'X', input: {} }]),
      assistant([text('')]),
      assistant(''),
      assistant([text('Hello '), text('world')]),
    ]);
    expect(toChatRequest(r, OPENAI).messages).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'X', arguments: '{}' } }] },
      { role: 'assistant', content: 'Hello world' },
    ]);
  });

  it('restores reasoning only from our own envelope for the same provider and model', () => {
    const call = { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'ls' } } as ContentBlock;
    const r = (block: ContentBlock) => req([assistant([block, call])]);
    const reasoningOf = (block: ContentBlock, target = DEEPSEEK) =>
      (toChatRequest(r(block), target).messages[0] as Extract<ChatMessage, { role: 'assistant' }>).reasoning_content;

    expect(reasoningOf({ type: 'thinking', thinking: 'I will ls.', signature: sameModel })).toBe('I will ls.');
    // display "omitted": the text lives in the envelope
    const omitted = encodeEnvelope({ provider: 'deepseek', model: 'deepseek-v4-pro', reasoning: 'hidden plan' });
    expect(reasoningOf({ type: 'thinking', thinking: '', signature: omitted })).toBe('hidden plan');
    // other model, other provider, Anthropic signature, garbage: dropped
    expect(reasoningOf({ type: 'thinking', thinking: 'x', signature: encodeEnvelope({ provider: 'deepseek', model: 'deepseek-v4-flash' }) })).toBeUndefined();
    expect(reasoningOf({ type: 'thinking', thinking: 'x', signature: encodeEnvelope({ provider: 'openrouter', model: 'deepseek-v4-pro' }) })).toBeUndefined();
    expect(reasoningOf({ type: 'thinking', thinking: 'x', signature: 'EqQBCkgIARABGAIiQL...' })).toBeUndefined();
    expect(reasoningOf({ type: 'redacted_thinking', data: 'abc' })).toBeUndefined();
    // echo disabled
    expect(reasoningOf({ type: 'thinking', thinking: 'x', signature: sameModel }, { ...DEEPSEEK, reasoningEcho: 'none' })).toBeUndefined();

    const json = JSON.stringify(toChatRequest(r({ type: 'thinking', thinking: 'x', signature: 'EqQBCkgIARABGAIiQL' }), DEEPSEEK));
    expect(json).not.toContain('EqQBCkgIARABGAIiQL');
    expect(json).not.toContain('signature');
  });

  it('uses the `reasoning` field when the target says so', () => {
    const sig = encodeEnvelope({ provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5' });
    const out = toChatRequest(req([assistant([{ type: 'thinking', thinking: 'plan', signature: sig }, text('done')])]), OPENROUTER);
    expect(out.messages[0]).toEqual({ role: 'assistant', content: 'done', reasoning: 'plan' });
  });
});

describe('toChatRequest: tools and tool_choice', () => {
  const serverTools = [
    { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
    { type: 'code_execution_20250825', name: 'code_execution' },
    { type: 'bash_20250124', name: 'bash' },
    { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
    { type: 'web_fetch_20250910', name: 'web_fetch' },
    { type: 'memory_20250818', name: 'memory' },
    { type: 'tool_search_tool_regex_20251119', name: 'tool_search_tool_regex' },
  ] as Tool[];

  it('drops server tools, maps web search to the OpenRouter plugin', () => {
    const r = req([user('hi')], { tools: [tool('Read'), tool('Custom', { type: 'custom' }), ...serverTools] });
    const plain = toChatRequest(r, OPENAI);
    expect(plain.tools!.map((t) => t.function.name)).toEqual(['Read', 'Custom']);
    expect(plain.plugins).toBeUndefined();
    expect(plain.tools![0]).toEqual({
      type: 'function',
      function: { name: 'Read', description: 'Read tool', parameters: { type: 'object', properties: { x: { type: 'string' } } } },
    });
    const or = toChatRequest(r, OPENROUTER);
    expect(or.plugins).toEqual([{ id: 'web', max_results: 3 }]);
    const noMax = toChatRequest(req([user('hi')], { tools: [{ type: 'web_search_20260209', name: 'web_search' } as Tool] }), OPENROUTER);
    expect(noMax.plugins).toEqual([{ id: 'web', max_results: 5 }]);
    expect(noMax.tools).toBeUndefined();
  });

  it('maps tool_choice and disable_parallel_tool_use', () => {
    const base = { tools: [tool('Read'), ...serverTools] };
    const choice = (tc: MessagesRequest['tool_choice']) => {
      const o = toChatRequest(req([user('hi')], { ...base, tool_choice: tc }), OPENAI);
      return [o.tool_choice, o.parallel_tool_calls];
    };
    expect(choice({ type: 'auto' })).toEqual(['auto', undefined]);
    expect(choice({ type: 'any', disable_parallel_tool_use: true })).toEqual(['required', false]);
    expect(choice({ type: 'tool', name: 'Read' })).toEqual([{ type: 'function', function: { name: 'Read' } }, undefined]);
    expect(choice({ type: 'none' })).toEqual(['none', undefined]);
    // naming a dropped server tool: no tool_choice, parallel flag still honoured
    expect(choice({ type: 'tool', name: 'web_search', disable_parallel_tool_use: true })).toEqual([undefined, false]);
  });

  it('omits tool_choice and parallel_tool_calls when no tool remains', () => {
    const o = toChatRequest(
      req([user('hi')], { tools: [tool('Hidden', { defer_loading: true }), ...serverTools], tool_choice: { type: 'any', disable_parallel_tool_use: true } }),
      OPENAI,
    );
    expect(o.tools).toBeUndefined();
    expect('tool_choice' in o).toBe(false);
    expect('parallel_tool_calls' in o).toBe(false);
  });

  it('tolerates a tool without input_schema', () => {
    const o = toChatRequest(req([user('hi')], { tools: [{ name: 'Bare' } as Tool] }), OPENAI);
    expect(o.tools![0].function).toEqual({ name: 'Bare', parameters: { type: 'object', properties: {} } });
  });
});

describe('toChatRequest: sampling and limits', () => {
  it('max tokens = min(request, model ceiling), at least 1', () => {
    expect(toChatRequest(req([user('hi')], { max_tokens: 1000 }), OPENAI).max_completion_tokens).toBe(1000);
    expect(toChatRequest(req([user('hi')], { max_tokens: 0 }), OPENAI).max_completion_tokens).toBe(1);
    expect(toChatRequest(req([user('hi')], { max_tokens: 64000 }), { ...OPENAI, maxOutputTokens: undefined }).max_completion_tokens).toBe(64000);
  });

  it('passes temperature, top_p, stop; top_k only where accepted', () => {
    const r = req([user('hi')], { temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ['END'] });
    const o = toChatRequest(r, OPENAI);
    expect([o.temperature, o.top_p, o.top_k, o.stop]).toEqual([0.2, 0.9, undefined, ['END']]);
    expect(toChatRequest(r, OPENROUTER).top_k).toBe(40);
    expect(toChatRequest(req([user('hi')], { stop_sequences: [] }), OPENAI).stop).toBeUndefined();
  });

  it('stream_options only with streamUsage', () => {
    const o = toChatRequest(req([user('hi')], { stream: true }), { ...OPENAI, streamUsage: false });
    expect(o.stream).toBe(true);
    expect(o.stream_options).toBeUndefined();
    expect(toChatRequest(req([user('hi')]), OPENAI).stream).toBeUndefined();
  });

  it('json_schema output format → response_format', () => {
    const schema = { type: 'object', properties: { title: { type: 'string' } } };
    const o = toChatRequest(req([user('hi')], { output_config: { format: { type: 'json_schema', schema } } }), OPENAI);
    expect(o.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema } });
    expect(o.reasoning_effort).toBeUndefined();
  });
});

describe('toChatRequest: thinking → reasoning', () => {
  const think = (thinking: MessagesRequest['thinking'], effort?: string) =>
    req([user('hi')], { thinking, ...(effort ? { output_config: { effort } } : {}) });
  const pick = (o: ReturnType<typeof toChatRequest>) => ({ reasoning_effort: o.reasoning_effort, reasoning: o.reasoning, thinking: o.thinking });

  it('openai: reasoning_effort from effort, budget, or medium', () => {
    const eff = (t: MessagesRequest['thinking'], e?: string) => toChatRequest(think(t, e), OPENAI).reasoning_effort;
    expect(eff({ type: 'adaptive' }, 'low')).toBe('low');
    expect(eff({ type: 'adaptive' }, 'high')).toBe('high');
    expect(eff({ type: 'adaptive' }, 'xhigh')).toBe('high');
    expect(eff({ type: 'adaptive' }, 'max')).toBe('high');
    expect(eff({ type: 'adaptive' })).toBe('medium');
    expect(eff({ type: 'enabled', budget_tokens: 2048 })).toBe('low');
    expect(eff({ type: 'enabled', budget_tokens: 8000 })).toBe('medium');
    expect(eff({ type: 'enabled', budget_tokens: 16384 })).toBe('high');
    expect(eff({ type: 'enabled', budget_tokens: 2048 }, 'high')).toBe('high');
    expect(eff({ type: 'disabled' })).toBeUndefined();
    expect(eff(undefined, 'high')).toBeUndefined();
  });

  it('openrouter: reasoning.max_tokens for a budget without effort, else reasoning.effort', () => {
    expect(pick(toChatRequest(think({ type: 'enabled', budget_tokens: 5000 }), OPENROUTER)).reasoning).toEqual({ max_tokens: 5000 });
    expect(pick(toChatRequest(think({ type: 'enabled', budget_tokens: 5000 }, 'low'), OPENROUTER)).reasoning).toEqual({ effort: 'low' });
    expect(pick(toChatRequest(think({ type: 'adaptive' }, 'max'), OPENROUTER)).reasoning).toEqual({ effort: 'high' });
    expect(pick(toChatRequest(think({ type: 'adaptive' }), OPENROUTER))).toEqual({ reasoning: { effort: 'medium' } });
    expect(toChatRequest(think({ type: 'disabled' }), OPENROUTER).reasoning).toBeUndefined();
  });

  it('deepseek: thinking toggle and low|high|max effort', () => {
    const ds = (t: MessagesRequest['thinking'], e?: string) => pick(toChatRequest(think(t, e), DEEPSEEK));
    expect(ds({ type: 'adaptive' }, 'low')).toEqual({ thinking: { type: 'enabled' }, reasoning_effort: 'low' });
    expect(ds({ type: 'adaptive' }, 'medium')).toEqual({ thinking: { type: 'enabled' }, reasoning_effort: 'high' });
    expect(ds({ type: 'adaptive' }, 'high')).toEqual({ thinking: { type: 'enabled' }, reasoning_effort: 'high' });
    expect(ds({ type: 'adaptive' }, 'xhigh')).toEqual({ thinking: { type: 'enabled' }, reasoning_effort: 'max' });
    expect(ds({ type: 'adaptive' }, 'max')).toEqual({ thinking: { type: 'enabled' }, reasoning_effort: 'max' });
    expect(ds({ type: 'enabled', budget_tokens: 1024 })).toEqual({ thinking: { type: 'enabled' }, reasoning_effort: 'low' });
    expect(ds({ type: 'disabled' })).toEqual({ thinking: { type: 'disabled' } });
    expect(ds(undefined)).toEqual({});
  });

  it("'none' targets get nothing", () => {
    const o = toChatRequest(think({ type: 'enabled', budget_tokens: 5000 }, 'high'), { ...OPENAI, reasoning: 'none' });
    expect(pick(o)).toEqual({});
  });
});

describe('isBlank', () => {
  it('detects whitespace-only strings', () => {
    expect(isBlank('')).toBe(true);
    expect(isBlank(' \n\t\r\u00a0\u2003\u3000')).toBe(true);
    expect(isBlank(' a ')).toBe(false);
    expect(isBlank('é')).toBe(false);
  });
});
