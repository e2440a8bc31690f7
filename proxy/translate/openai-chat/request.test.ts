import { describe, expect, it } from 'vitest';
import type { ContentBlock, MessagesRequest } from '../../protocol/anthropic/types.js';
import type { ChatContentPart } from '../../protocol/openai/types.js';
import { assistant, claudeCode, DEEPSEEK, OPENAI, OPENROUTER, req, text, user } from '../../test/chat-request-helpers.js';
import { toChatRequest } from './request.js';

describe('toChatRequest: the real Claude Code first turn', () => {
  it('keeps the system-role message, drops the billing line and the deferred placeholder', () => {
    const body = claudeCode();
    const out = toChatRequest(body, OPENAI);
    const roles = out.messages.map((m) => m.role);
    expect(roles).toEqual(['system', 'user', 'system']);

    const sys = out.messages[0].content as string;
    expect(typeof sys).toBe('string');
    expect(sys.startsWith("You are a Claude agent, built on Anthropic's Claude Agent SDK.\n\n")).toBe(true);
    expect(sys).not.toContain('x-anthropic-billing-header');
    expect(sys.length).toBe((body.system as Array<{ text: string }>)[1].text.length + 2 + (body.system as Array<{ text: string }>)[2].text.length);

    const env = out.messages[2].content as string;
    expect(env.startsWith('# Environment')).toBe(true);

    const u = out.messages[1].content as ChatContentPart[];
    expect(u).toHaveLength(2);
    expect(u[1]).toEqual({ type: 'text', text: 'say hi' });

    const names = out.tools!.map((t) => t.function.name);
    expect(names).toHaveLength(11);
    expect(names).not.toContain('DeferredToolPlaceholder');
    expect(names[0]).toBe('Agent');
  });

  it('leaks no Anthropic-only key into the upstream JSON', () => {
    const json = JSON.stringify(toChatRequest(claudeCode(), OPENAI));
    for (const key of ['cache_control', 'context_management', 'safeguards', 'output_config', '"thinking"', '"metadata"', 'defer_loading', '$schema', 'x-anthropic-billing-header', 'input_schema', 'signature']) {
      expect(json.includes(key), key).toBe(false);
    }
    const ds = JSON.stringify(toChatRequest(claudeCode(), DEEPSEEK));
    expect(ds).toContain('"thinking":{"type":"enabled"}');
    for (const key of ['cache_control', 'context_management', 'output_config', '"metadata"', 'defer_loading', '$schema']) expect(ds.includes(key), key).toBe(false);
  });

  it('builds the request only from OpenAI keys (structural walk outside tool schemas)', () => {
    const allowed = new Set([
      'model', 'messages', 'tools', 'max_completion_tokens', 'stream', 'stream_options', 'include_usage', 'reasoning_effort',
      'role', 'content', 'type', 'text', 'function', 'name', 'description', 'parameters',
    ]);
    const seen = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== 'object') return;
      for (const [k, child] of Object.entries(v)) {
        seen.add(k);
        if (k !== 'parameters') walk(child);
      }
    };
    walk(toChatRequest(claudeCode(), OPENAI));
    expect([...seen].filter((k) => !allowed.has(k))).toEqual([]);
  });

  it('clamps max_tokens and writes only the target field', () => {
    const out = toChatRequest(claudeCode(), OPENAI);
    expect(out.max_completion_tokens).toBe(32768);
    expect('max_tokens' in out).toBe(false);
    const ds = toChatRequest(claudeCode(), DEEPSEEK);
    expect(ds.max_tokens).toBe(8192);
    expect('max_completion_tokens' in ds).toBe(false);
  });

  it('maps streaming, effort and schemas', () => {
    const body = claudeCode();
    const out = toChatRequest(body, OPENAI);
    expect(out.model).toBe('gpt-5.1');
    expect(out.stream).toBe(true);
    expect(out.stream_options).toEqual({ include_usage: true });
    expect(out.reasoning_effort).toBe('medium');
    const bash = out.tools!.find((t) => t.function.name === 'Bash')!;
    const orig = (body.tools as Array<{ name: string; input_schema: Record<string, unknown> }>).find((t) => t.name === 'Bash')!.input_schema;
    expect(bash.function.parameters.$schema).toBeUndefined();
    expect(bash.function.parameters.properties).toBe(orig.properties); // shallow copy, never a deep clone
    expect(orig.$schema).toBeDefined(); // the input is not mutated
    expect(out.tool_choice).toBeUndefined();
    expect(out.parallel_tool_calls).toBeUndefined();
  });

  it('hoists or converts the system-role message per target', () => {
    const hoisted = toChatRequest(claudeCode(), { ...OPENAI, systemMessages: 'hoist' });
    expect(hoisted.messages.map((m) => m.role)).toEqual(['system', 'user']);
    const sys = hoisted.messages[0].content as string;
    expect(sys.startsWith('You are a Claude agent')).toBe(true);
    expect(sys).toContain('\n\n# Environment');

    const asUser = toChatRequest(claudeCode(), { ...OPENAI, systemMessages: 'user' });
    expect(asUser.messages.map((m) => m.role)).toEqual(['system', 'user', 'user']);
    expect((asUser.messages[2].content as string).startsWith('# Environment')).toBe(true);
  });

  it('keeps cache_control on text parts for cache-aware targets', () => {
    const out = toChatRequest(claudeCode(), OPENROUTER);
    const sys = out.messages[0].content as ChatContentPart[];
    expect(sys).toHaveLength(2);
    expect(sys.every((p) => p.type === 'text' && p.cache_control?.type === 'ephemeral')).toBe(true);
    const env = out.messages[2].content as ChatContentPart[];
    expect(env[0]).toMatchObject({ type: 'text', cache_control: { type: 'ephemeral' } });
    expect(JSON.stringify(out)).not.toContain('x-anthropic-billing-header');
    expect(out.reasoning).toEqual({ effort: 'medium' });
    expect(out.max_tokens).toBe(128000);
  });

  it('is fast enough for the hot path', () => {
    const body = claudeCode();
    for (let i = 0; i < 200; i++) toChatRequest(body, OPENAI);
    const n = 2000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) toChatRequest(body, OPENAI);
    const perCallMs = Number(process.hrtime.bigint() - t0) / 1e6 / n;
    // Budget is 0.25 ms for the whole gateway; the translation itself is a few µs. Generous bound for CI noise.
    expect(perCallMs).toBeLessThan(0.1);
  });
});

describe('toChatRequest: system', () => {
  it('string system → leading system message; blank system → none', () => {
    expect(toChatRequest(req([user('hi')], { system: 'Be brief.' }), OPENAI).messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(toChatRequest(req([user('hi')], { system: '  ' }), OPENAI).messages.map((m) => m.role)).toEqual(['user']);
    const onlyBilling = req([user('hi')], { system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=1; cc_entrypoint=cli;' }] });
    expect(toChatRequest(onlyBilling, OPENAI).messages.map((m) => m.role)).toEqual(['user']);
  });

  it('system role with string content, and hoist without a leading system message', () => {
    const r = req([user('hi'), { role: 'system', content: 'Env: linux' }, assistant('ok'), user('next')]);
    expect(toChatRequest(r, OPENAI).messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'Env: linux' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'next' },
    ]);
    const hoisted = toChatRequest(r, { ...OPENAI, systemMessages: 'hoist' }).messages;
    expect(hoisted[0]).toEqual({ role: 'system', content: 'Env: linux' });
    expect(hoisted.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    const two = toChatRequest({ ...r, system: 'Base.' }, { ...OPENAI, systemMessages: 'hoist' }).messages;
    expect(two[0]).toEqual({ role: 'system', content: 'Base.\n\nEnv: linux' });
  });

  it('hoist into cache-marked parts appends parts', () => {
    const r = req([user('hi'), { role: 'system', content: [text('Env', { cache_control: { type: 'ephemeral' } })] }], {
      system: [text('Base', { cache_control: { type: 'ephemeral' } })] as MessagesRequest['system'],
    });
    const out = toChatRequest(r, { ...OPENROUTER, systemMessages: 'hoist' });
    expect(out.messages[0]).toEqual({
      role: 'system',
      content: [
        { type: 'text', text: 'Base', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Env', cache_control: { type: 'ephemeral' } },
      ],
    });
  });

  it('a mid_conv_system block inside a user turn becomes a system message in place', () => {
    const r = req([user([text('before'), { type: 'mid_conv_system', content: [text('SYS')] } as unknown as ContentBlock, text('after')])]);
    expect(toChatRequest(r, OPENAI).messages).toEqual([
      { role: 'user', content: 'before' },
      { role: 'system', content: 'SYS' },
      { role: 'user', content: 'after' },
    ]);
  });
});

describe('toChatRequest: user content', () => {
  it('maps text, images, documents; skips blank text and unknown blocks', () => {
    const r = req([
      user([
        text(''),
        text('  \n'),
        text('look'),
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
        { type: 'image', source: { type: 'file', file_id: 'file_1' } },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec.pdf' },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain doc' }, title: 'Notes' },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'untitled' } },
        { type: 'search_result', source: 'x', title: 't', content: [] } as unknown as ContentBlock,
        { type: 'thinking', thinking: 'x', signature: 'y' },
      ]),
    ]);
    expect(toChatRequest(r, OPENAI).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
          { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          { type: 'text', text: 'Notes\n\nplain doc' },
          { type: 'text', text: 'untitled' },
        ],
      },
    ]);
  });

  it('single text part → plain string; blank user messages vanish; cache_control dropped', () => {
    const r = req([user([text('hello', { cache_control: { type: 'ephemeral' }, citations: [] })]), user(''), user([text(' ')])]);
    expect(toChatRequest(r, OPENAI).messages).toEqual([{ role: 'user', content: 'hello' }]);
    // A cache-aware target keeps the marker, so the part stays a part.
    expect(toChatRequest(r, OPENROUTER).messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] }]);
  });
});

describe('toChatRequest: tool results', () => {
  const history = (): MessagesRequest['messages'] => [
    user('list and read'),
    assistant([
      text('On it.'),
      { type: 'tool_use', id: 'toolu_a', name: 'Bash', input: { command: 'ls' } },
      { type: 'tool_use', id: 'toolu_b', name: 'Read', input: { file_path: '/x.png' } },
    ]),
  ];

  it('tool messages come right after the assistant, before the turn’s own text', () => {
    const r = req([
      ...history(),
      user([
        text('and then summarize'),
        { type: 'tool_result', tool_use_id: 'toolu_a', content: 'a.txt\nb.txt', cache_control: { type: 'ephemeral' } },
        { type: 'tool_result', tool_use_id: 'toolu_b', content: [text('line 1'), text('line 2')], is_error: true },
      ]),
    ]);
    const msgs = toChatRequest(r, OPENAI).messages;
    expect(msgs.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'On it.',
        tool_calls: [
          { id: 'toolu_a', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } },
          { id: 'toolu_b', type: 'function', function: { name: 'Read', arguments: '{"file_path":"/x.png"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_a', content: 'a.txt\nb.txt' },
      { role: 'tool', tool_call_id: 'toolu_b', content: '[tool error] line 1\nline 2' },
      { role: 'user', content: 'and then summarize' },
    ]);
  });

  it('images returned by a tool follow the tool messages in a user message', () => {
    const png = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } } as ContentBlock;
    const r = req([
      ...history(),
      user([
        { type: 'tool_result', tool_use_id: 'toolu_a', content: '' },
        { type: 'tool_result', tool_use_id: 'toolu_b', content: [text('screenshot:'), png, png] },
        text('what do you see?'),
      ]),
    ]);
    const msgs = toChatRequest(r, OPENAI).messages;
    expect(msgs.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_a', content: '' },
      { role: 'tool', tool_call_id: 'toolu_b', content: 'screenshot:' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Image returned by tool call toolu_b:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'text', text: 'what do you see?' },
        ],
      },
    ]);
  });

  it('a turn of only tool results produces only tool messages', () => {
    const r = req([...history(), user([{ type: 'tool_result', tool_use_id: 'toolu_a', content: [] }])]);
    const msgs = toChatRequest(r, OPENAI).messages;
    expect(msgs.at(-1)).toEqual({ role: 'tool', tool_call_id: 'toolu_a', content: '' });
  });
});
