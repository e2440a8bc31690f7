import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../protocol/anthropic/validate.js';
import type { MessagesRequest, Tool } from '../../protocol/anthropic/types.js';
import type { GeminiFunctionDeclaration, GeminiRequest } from '../../protocol/gemini/types.js';
import { claudeCode, FLASH, fixtureText, PRO3, req, user } from '../../test/gemini-helpers.js';
import { assertGeminiSchema } from '../../test/gemini-schema-check.js';
import type { GeminiTarget } from './options.js';
import { geminiRequest, toGeminiRequest } from './request.js';
import { GeminiToolsCache } from './tools-cache.js';

const decls = (r: GeminiRequest): GeminiFunctionDeclaration[] => (r.tools?.[0] as { functionDeclarations: GeminiFunctionDeclaration[] }).functionDeclarations;
const tool = (name: string, extra: Record<string, unknown> = {}): Tool =>
  ({ name, description: `${name} tool`, input_schema: { type: 'object', properties: { x: { type: 'string' } } }, ...extra }) as Tool;

describe('toGeminiRequest: the real Claude Code first turn', () => {
  const out = toGeminiRequest(claudeCode(), PRO3);

  it('hoists system blocks and the role "system" message into systemInstruction, without the billing line', () => {
    const body = claudeCode();
    const sys = out.systemInstruction!.parts;
    expect(sys).toHaveLength(1);
    const text = sys[0].text!;
    expect(text.startsWith("You are a Claude agent, built on Anthropic's Claude Agent SDK.\n\n")).toBe(true);
    expect(text).not.toContain('x-anthropic-billing-header');
    const env = (body.messages[1].content as Array<{ text: string }>)[0].text;
    expect(text.endsWith('\n\n' + env)).toBe(true);
    expect(out.contents).toEqual([{ role: 'user', parts: [{ text: (body.messages[0].content as Array<{ text: string }>)[0].text }, { text: 'say hi' }] }]);
  });

  it('declares 11 functions (not the deferred placeholder), each with a valid Gemini schema', () => {
    const d = decls(out);
    expect(d.map((x) => x.name)).toEqual(['Agent', 'Bash', 'Edit', 'ListAgents', 'Read', 'ReportFindings', 'ScheduleWakeup', 'Skill', 'ToolSearch', 'Workflow', 'Write']);
    for (const x of d) assertGeminiSchema(x.parameters, x.name);
    expect(out.tools).toHaveLength(1);
  });

  it('is built only from Gemini keys (structural walk outside schemas), and leaks nothing Anthropic-only', () => {
    const allowed = new Set([
      'contents', 'role', 'parts', 'text', 'systemInstruction', 'tools', 'functionDeclarations', 'name', 'description', 'parameters',
      'generationConfig', 'maxOutputTokens', 'thinkingConfig', 'thinkingLevel', 'includeThoughts',
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
    walk(out);
    expect([...seen].filter((k) => !allowed.has(k))).toEqual([]);
    const json = JSON.stringify(out);
    for (const k of ['cache_control', 'context_management', 'output_config', 'metadata', 'defer_loading', '$schema', 'additionalProperties', 'input_schema', 'signature', 'exclusiveMinimum']) {
      expect(json.includes(`"${k}"`), k).toBe(false);
    }
  });

  it('clamps max_tokens to the model and maps adaptive thinking per target', () => {
    expect(out.generationConfig).toEqual({ maxOutputTokens: 65536, thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } });
    expect(toGeminiRequest(claudeCode(), FLASH).generationConfig!.thinkingConfig).toEqual({ thinkingBudget: -1, includeThoughts: true });
  });
});

describe('toGeminiRequest: generationConfig', () => {
  const gen = (extra: Partial<MessagesRequest>, target: GeminiTarget = FLASH) => toGeminiRequest(req([user('hi')], extra), target).generationConfig;

  it('sampling, stops (at most 5), max_tokens 0 → 1, unclamped when the model limit is unknown', () => {
    expect(gen({ temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ['a', '', 'b', 'c', 'd', 'e', 'f'] })).toEqual({
      maxOutputTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['a', 'b', 'c', 'd', 'e'],
    });
    expect(gen({ max_tokens: 0 })).toEqual({ maxOutputTokens: 1 });
    expect(gen({ max_tokens: 128000 }, { ...FLASH, maxOutputTokens: undefined })).toEqual({ maxOutputTokens: 128000 });
  });

  it('structured output → JSON mime type and a sanitized responseSchema', () => {
    const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false };
    expect(gen({ output_config: { format: { type: 'json_schema', schema } } })).toMatchObject({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
    });
  });

  it.each([
    [{ type: 'enabled', budget_tokens: 4000 }, undefined, FLASH, { thinkingBudget: 4000, includeThoughts: true }],
    [{ type: 'enabled', budget_tokens: 60000 }, undefined, FLASH, { thinkingBudget: 24576, includeThoughts: true }],
    [{ type: 'adaptive' }, 'low', FLASH, { thinkingBudget: 1024, includeThoughts: true }],
    [{ type: 'adaptive' }, 'medium', FLASH, { thinkingBudget: -1, includeThoughts: true }],
    [{ type: 'adaptive' }, 'max', FLASH, { thinkingBudget: 24576, includeThoughts: true }],
    [{ type: 'enabled', budget_tokens: 2048 }, undefined, PRO3, { thinkingLevel: 'low', includeThoughts: true }],
    [{ type: 'enabled', budget_tokens: 20000 }, undefined, PRO3, { thinkingLevel: 'high', includeThoughts: true }],
    [{ type: 'adaptive', display: 'omitted' }, 'low', PRO3, { thinkingLevel: 'low', includeThoughts: true }],
    [{ type: 'adaptive' }, 'medium', PRO3, { thinkingLevel: 'high', includeThoughts: true }],
    [{ type: 'disabled' }, undefined, FLASH, undefined],
    [undefined, 'high', PRO3, undefined],
    [{ type: 'adaptive' }, 'high', { ...FLASH, thinking: 'none' as const }, undefined],
  ])('thinking %j, effort %s', (thinking, effort, target, expected) => {
    const g = gen({ thinking: thinking as MessagesRequest['thinking'], output_config: effort ? { effort } : undefined }, target);
    expect(g?.thinkingConfig).toEqual(expected);
  });
});

describe('toGeminiRequest: tools and tool_choice', () => {
  const tools = [tool('Read'), tool('Bash'), tool('Hidden', { defer_loading: true }), { type: 'web_search_20250305', name: 'web_search' }, { type: 'code_execution_20250825', name: 'code_execution' }] as Tool[];

  it.each([
    [{ type: 'auto' }, { functionCallingConfig: { mode: 'AUTO' } }],
    [{ type: 'any', disable_parallel_tool_use: true }, { functionCallingConfig: { mode: 'ANY' } }],
    [{ type: 'tool', name: 'Bash' }, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['Bash'] } }],
    [{ type: 'tool', name: 'Hidden' }, undefined],
    [{ type: 'tool', name: 'web_search' }, undefined],
    [{ type: 'none' }, { functionCallingConfig: { mode: 'NONE' } }],
  ])('%j → %j', (choice, expected) => {
    const out = toGeminiRequest(req([user('hi')], { tools, tool_choice: choice as MessagesRequest['tool_choice'] }), FLASH);
    expect(decls(out).map((d) => d.name)).toEqual(['Read', 'Bash']);
    expect(out.toolConfig).toEqual(expected);
  });

  it('web_search alone becomes googleSearch (when the target maps it); no tools, no toolConfig', () => {
    const ws = [{ type: 'web_search_20260209', name: 'web_search', max_uses: 5 }] as Tool[];
    expect(toGeminiRequest(req([user('q')], { tools: ws, tool_choice: { type: 'any' } }), FLASH)).toMatchObject({ tools: [{ googleSearch: {} }] });
    expect(toGeminiRequest(req([user('q')], { tools: ws, tool_choice: { type: 'any' } }), FLASH).toolConfig).toBeUndefined();
    expect(toGeminiRequest(req([user('q')], { tools: ws }), { ...FLASH, webSearch: 'none' }).tools).toBeUndefined();
    expect(toGeminiRequest(req([user('q')], { tools: [], tool_choice: { type: 'auto' } }), FLASH)).not.toHaveProperty('toolConfig');
  });

  it('a tool taking no parameters is declared without them; names Gemini rejects are rewritten consistently', () => {
    const out = toGeminiRequest(req([user('hi')], { tools: [tool('Noop', { input_schema: { type: 'object', properties: {} } }), tool('my tool/v2')], tool_choice: { type: 'tool', name: 'my tool/v2' } }), FLASH);
    expect(decls(out)[0]).toEqual({ name: 'Noop', description: 'Noop tool' });
    expect(decls(out)[1].name).toBe('my_tool_v2');
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['my_tool_v2'] } });
  });
});

describe('geminiRequest: bytes on the wire', () => {
  const utf8Body = JSON.stringify(req([user('Grüße 👋 你好 — «ok»')], { system: 'Réponds en 日本語 🤖', tools: [tool('Read', { description: 'Lit un fichier 📄' })] }));

  it('byte-string bodies become valid UTF-8 JSON: no mojibake for emoji and CJK', () => {
    const raw = Buffer.from(utf8Body, 'utf8');
    const { value, byteStrings } = parseJsonBody(raw, true);
    expect(byteStrings).toBe(true);
    const bytes = geminiRequest({ body: value as MessagesRequest, raw, byteStrings, stream: false }, FLASH).body;
    const plain = geminiRequest({ body: JSON.parse(utf8Body) as MessagesRequest, byteStrings: false, stream: false }, FLASH).body;
    expect(bytes.equals(plain)).toBe(true);
    const parsed = JSON.parse(bytes.toString('utf8')) as GeminiRequest;
    expect(parsed.contents[0].parts[0].text).toBe('Grüße 👋 你好 — «ok»');
    expect(parsed.systemInstruction!.parts[0].text).toBe('Réponds en 日本語 🤖');
    expect(decls(parsed)[0].description).toBe('Lit un fichier 📄');
  });

  it('stream requests ask for SSE', () => {
    const body = req([user('hi')]);
    expect(geminiRequest({ body, byteStrings: false, stream: true }, FLASH)).toMatchObject({ action: 'streamGenerateContent', query: 'alt=sse', pathSuffix: ':streamGenerateContent?alt=sse' });
    expect(geminiRequest({ body, byteStrings: false, stream: false }, FLASH)).toMatchObject({ action: 'generateContent', query: '', pathSuffix: ':generateContent' });
  });

  it('the tools cache reuses sanitized declarations and produces the same bytes as translating afresh', () => {
    // Compact JSON, as Claude Code sends it (the cache's structural proof relies on it).
    const raw = Buffer.from(JSON.stringify(JSON.parse(fixtureText)), 'utf8');
    const { value, byteStrings } = parseJsonBody(raw, true);
    const body = value as MessagesRequest;
    const cache = new GeminiToolsCache();
    let builds = 0;
    const orig = cache.get.bind(cache);
    cache.get = (r, b, p, build) => orig(r, b, p, () => (builds++, build()));
    const fresh = geminiRequest({ body, raw, byteStrings, stream: true }, PRO3).body;
    const first = geminiRequest({ body, raw, byteStrings, stream: true }, PRO3, { toolsCache: cache }).body;
    const second = geminiRequest({ body, raw, byteStrings, stream: true }, PRO3, { toolsCache: cache }).body;
    expect(builds).toBe(1);
    expect(JSON.parse(first.toString('utf8'))).toEqual(JSON.parse(fresh.toString('utf8')));
    expect(second.equals(first)).toBe(true);
    // Another target profile (web search mapping) is a separate entry.
    geminiRequest({ body, raw, byteStrings, stream: true }, { ...PRO3, webSearch: 'none' }, { toolsCache: cache });
    expect(builds).toBe(2);
  });
});
