import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonBody, validateMessagesRequest } from '../../protocol/anthropic/validate.js';
import type { MessagesRequest } from '../../protocol/anthropic/types.js';
import type { ChatTool } from '../../protocol/openai/types.js';
import { ToolsJsonCache } from './tools-cache.js';

const fixture = readFileSync(new URL('../../test/fixtures/claude-code-turn1.json', import.meta.url));

/** Parses like the /v1/messages route (byte strings) and returns a stand-in translation of the tools. */
function load(raw: Buffer): { body: MessagesRequest; translated: ChatTool[] } {
  const { value, byteStrings } = parseJsonBody(raw, true);
  expect(byteStrings).toBe(true);
  const body = validateMessagesRequest(value);
  const translated = (body.tools ?? []).map((t) => ({ type: 'function' as const, function: { name: t.name, parameters: (t as { input_schema: Record<string, unknown> }).input_schema } }));
  return { body, translated };
}

const bytes = (o: object) => Buffer.from(JSON.stringify(o));
/** The cache's answer as a string, to compare with JSON.stringify of a translation. */
const str = (cache: ToolsJsonCache, raw: Buffer, body: MessagesRequest, translated: ChatTool[]) => cache.bytes(raw, body, translated).toString('latin1');

describe('ToolsJsonCache', () => {
  it('learns a tool set and answers the same JSON for the same bytes', () => {
    const cache = new ToolsJsonCache();
    const first = load(fixture);
    expect(str(cache, fixture, first.body, first.translated)).toBe(JSON.stringify(first.translated));
    // A new turn: different messages, same tools. The cached JSON is returned even if we pass a different array.
    const next = JSON.parse(fixture.toString());
    next.messages.push({ role: 'assistant', content: 'ok' }, { role: 'user', content: 'again' });
    const second = load(bytes(next));
    expect(str(cache, bytes(next), second.body, [])).toBe(JSON.stringify(first.translated));
  });

  it('misses when a schema changes, even with the same names and property names', () => {
    const cache = new ToolsJsonCache();
    const a = load(fixture);
    str(cache, fixture, a.body, a.translated);
    const changed = JSON.parse(fixture.toString());
    const bash = changed.tools.find((t: { name: string }) => t.name === 'Bash');
    bash.input_schema.properties.command.description = 'changed!';
    const b = load(bytes(changed));
    expect(str(cache, bytes(changed), b.body, b.translated)).toBe(JSON.stringify(b.translated));
    expect(JSON.stringify(b.translated)).toContain('changed!');
  });

  it('never learns from pretty-printed bodies, and stays correct', () => {
    const cache = new ToolsJsonCache();
    const pretty = Buffer.from(JSON.stringify(JSON.parse(fixture.toString()), null, 2));
    const p = load(pretty);
    expect(str(cache, pretty, p.body, p.translated)).toBe(JSON.stringify(p.translated));
    expect(str(cache, pretty, p.body, p.translated)).toBe(JSON.stringify(p.translated));
  });

  it('is not fooled by a "tools" array nested inside the tool definitions', () => {
    const cache = new ToolsJsonCache();
    const inner = [{ name: 'A', description: 'x', input_schema: { type: 'object' } }];
    const learned = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], tools: inner };
    const l = load(bytes(learned));
    str(cache, bytes(learned), l.body, l.translated);
    // The real tools end with a tool whose input_examples hold a byte-identical "tools" array.
    const outer = { ...learned, tools: [{ name: 'B', description: 'y', input_schema: { type: 'object' }, input_examples: [{ tools: inner }] }] };
    const o = load(bytes(outer));
    const json = str(cache, bytes(outer), o.body, o.translated);
    expect(JSON.parse(json)[0].function.name).toBe('B');
  });

  it('hits only for the exact top-level bytes, turn after turn, with Claude Code key order', () => {
    const cache = new ToolsJsonCache();
    const first = load(fixture);
    const firstJson = str(cache, fixture, first.body, first.translated);
    let hits = 0;
    for (let turn = 0; turn < 5; turn++) {
      const next = JSON.parse(fixture.toString());
      for (let i = 0; i <= turn; i++) next.messages.push({ role: 'assistant', content: [{ type: 'text', text: `turn ${i} "tools":[ x` }] }, { role: 'user', content: 'more' });
      const raw = bytes(next);
      const n = load(raw);
      if (str(cache, raw, n.body, []) === firstJson) hits++;
    }
    expect(hits).toBe(5);
  });

  it('is not fooled by a nested "tools" array after the real one', () => {
    const cache = new ToolsJsonCache();
    const small = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'A', description: 'x', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }] };
    const s = load(bytes(small));
    str(cache, bytes(small), s.body, s.translated);
    // Same names, description lengths and property names at the top level, but a different schema;
    // the learned bytes appear later, nested in metadata.
    const tricky = {
      ...small,
      tools: [{ name: 'A', description: 'y', input_schema: { type: 'object', properties: { q: { type: 'number' } } } }],
      metadata: { tools: small.tools },
    };
    const t = load(bytes(tricky));
    const json = str(cache, bytes(tricky), t.body, t.translated);
    // The last "tools":[ is the nested one and its bytes match the cache; the answer must still be
    // the translation of the real top-level tools.
    expect(JSON.parse(json)[0].function.parameters.properties.q.type).toBe('number');
  });
});

describe('openai-chat request bodies with the tools cache', () => {
  it('equal the uncached translation, first turn and cached later turns', async () => {
    const { openaiChatDialect, chatTarget } = await import('../../dialects/openai-chat.js');
    const { resolveSettings } = await import('../../config/resolve.js');
    const { toChatRequest } = await import('./request.js');
    const settings = resolveSettings({ providers: { oa: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9' } } }, {});
    const target = { provider: settings.providers.get('oa')!, model: 'up' };
    for (let turn = 0; turn < 3; turn++) {
      const next = JSON.parse(fixture.toString());
      for (let i = 0; i < turn; i++) next.messages.push({ role: 'assistant', content: 'é ok' }, { role: 'user', content: '🤖 again' });
      const raw = bytes(next);
      const { body } = load(raw);
      const ctx = { body, raw, query: '', headers: {}, requestedModel: body.model, stream: true, messageId: 'msg_1', byteStrings: true };
      const sent = openaiChatDialect.messagesRequest(ctx, target).body as Buffer;
      const plain = Buffer.from(JSON.stringify(toChatRequest(body, chatTarget(target, true))), 'latin1');
      expect(JSON.parse(sent.toString('utf8'))).toEqual(JSON.parse(plain.toString('utf8')));
      expect(sent.length).toBe(plain.length);
    }
  });
});
