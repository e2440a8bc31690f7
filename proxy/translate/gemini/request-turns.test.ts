// Gemini's turn-structure rules: roles, merging, call/response pairing, media placement.
import { describe, expect, it } from 'vitest';
import type { GeminiContent } from '../../protocol/gemini/types.js';
import { assistant, block, FLASH, PRO3, req, user } from '../../test/gemini-helpers.js';
import type { GeminiTarget } from './options.js';
import { toGeminiRequest } from './request.js';

const contents = (messages: Parameters<typeof req>[0], target: GeminiTarget = FLASH): GeminiContent[] => toGeminiRequest(req(messages), target).contents;
const call = (id: string, name = 'Read', input: Record<string, unknown> = { file_path: '/' + id }) => block({ type: 'tool_use', id, name, input });
const result = (id: string, content: unknown = 'ok ' + id, extra: Record<string, unknown> = {}) => block({ type: 'tool_result', tool_use_id: id, content, ...extra });
const png = { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' };
const fr = (name: string, response: Record<string, unknown>) => ({ functionResponse: { name, response } });
const fc = (name: string, args: Record<string, unknown>) => ({ functionCall: { name, args } });

describe('roles and merging', () => {
  it('user/assistant → user/model; consecutive same-role turns merge; blank and empty turns vanish', () => {
    const out = contents([user('a'), user([block({ type: 'text', text: 'b' }), block({ type: 'text', text: '  ' })]), assistant('c'), assistant([block({ type: 'redacted_thinking', data: 'x' })]), assistant('d'), user('e')]);
    expect(out).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }, { text: 'd' }] },
      { role: 'user', parts: [{ text: 'e' }] },
    ]);
  });

  it('a history starting with a model turn (calls included) gets a user turn first; a trailing model turn gets one after', () => {
    const out = contents([assistant([call('t1')]), user([result('t1')]), assistant('prefill')]);
    expect(out.map((c) => c.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    expect(out[0].parts).toEqual([{ text: 'Continue.' }]);
    expect(out[4].parts).toEqual([{ text: 'Continue.' }]);
  });

  it('role "system" messages and mid_conv_system blocks go to systemInstruction, in order', () => {
    const r = toGeminiRequest(req([user('hi'), { role: 'system', content: 'env' }, user([block({ type: 'mid_conv_system', content: [{ type: 'text', text: 'later' }] }), block({ type: 'text', text: 'go' })])], { system: 'base' }), FLASH);
    expect(r.systemInstruction).toEqual({ parts: [{ text: 'base\n\nenv\n\nlater' }] });
    expect(r.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }, { text: 'go' }] }]);
  });
});

describe('function calls and responses', () => {
  it('tool_results become functionResponse parts named after their call, all parallel results in one Content, in call order', () => {
    const out = contents([user('read both'), assistant([block({ type: 'text', text: 'Reading.' }), call('t1'), call('t2', 'Grep', { pattern: 'x' })]), user([result('t2', [{ type: 'text', text: 'line 1' }, { type: 'text', text: 'line 2' }]), result('t1')])]);
    expect(out[1]).toEqual({ role: 'model', parts: [{ text: 'Reading.' }, fc('Read', { file_path: '/t1' }), fc('Grep', { pattern: 'x' })] });
    expect(out[2]).toEqual({ role: 'user', parts: [fr('Read', { content: 'ok t1' }), fr('Grep', { content: 'line 1\nline 2' })] });
    expect(out).toHaveLength(3);
  });

  it('is_error → {error}; results split over two user messages still form one Content', () => {
    const out = contents([user('x'), assistant([call('a'), call('b')]), user([result('a', 'boom', { is_error: true })]), user([result('b')])]);
    expect(out[2]).toEqual({ role: 'user', parts: [fr('Read', { error: 'boom' }), fr('Read', { content: 'ok b' })] });
    expect(out).toHaveLength(3);
  });

  it('text beside tool results (system reminders) follows in its own user Content, never as a sibling', () => {
    const out = contents([user('x'), assistant([call('a')]), user([result('a'), block({ type: 'text', text: '<system-reminder>note</system-reminder>' })])]);
    expect(out.slice(2)).toEqual([
      { role: 'user', parts: [fr('Read', { content: 'ok a' })] },
      { role: 'user', parts: [{ text: '<system-reminder>note</system-reminder>' }] },
    ]);
  });

  it('a call without a result is answered with an error, so counts always match', () => {
    const out = contents([user('x'), assistant([call('a'), call('b')]), user([result('b')]), assistant('done')]);
    expect(out[2].parts).toEqual([fr('Read', { error: 'No result was provided for this tool call.' }), fr('Read', { content: 'ok b' })]);
    const last = contents([user('x'), assistant([call('a')])]);
    expect(last.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(last[2].parts).toEqual([fr('Read', { error: 'No result was provided for this tool call.' })]);
  });

  it('results whose call is missing from the history, or not in the turn just before, travel as text', () => {
    const out = contents([user([result('ghost', 'late')]), assistant([call('a')]), user([result('a')]), assistant('ok'), user([result('a', 'again')])]);
    expect(out[0]).toEqual({ role: 'user', parts: [{ text: 'Result of tool call ghost:\nlate' }] });
    expect(out[4]).toEqual({ role: 'user', parts: [{ text: 'Result of tool call Read:\n{"content":"again"}' }] });
  });

  it('tool input that is not an object becomes {}', () => {
    const out = contents([user('x'), assistant([block({ type: 'tool_use', id: 'a', name: 'Read', input: null })]), user([result('a')])]);
    expect(out[1].parts).toEqual([fc('Read', {})]);
  });
});

describe('media', () => {
  it('user images and documents: base64 inline, https/gs file URIs, data: URLs unpacked, other URLs named in text', () => {
    const out = contents([
      user([
        block({ type: 'image', source: png }),
        block({ type: 'image', source: { type: 'url', url: 'https://example.com/cat.webp?x=1' } }),
        block({ type: 'image', source: { type: 'url', url: 'gs://bucket/a' } }),
        block({ type: 'image', source: { type: 'url', url: 'data:image/gif;base64,R0lGOD' } }),
        block({ type: 'image', source: { type: 'url', url: 'http://insecure/x.png' } }),
        block({ type: 'image', source: { type: 'file', file_id: 'file_1' } }),
        block({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }),
        block({ type: 'document', source: { type: 'url', url: 'https://example.com/spec.pdf' } }),
        block({ type: 'document', title: 'Notes', source: { type: 'text', media_type: 'text/plain', data: 'plain text' } }),
      ]),
    ]);
    expect(out[0].parts).toEqual([
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp?x=1' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'gs://bucket/a' } },
      { inlineData: { mimeType: 'image/gif', data: 'R0lGOD' } },
      { text: '[image: http://insecure/x.png]' },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
      { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/spec.pdf' } },
      { text: 'Notes\n\nplain text' },
    ]);
  });

  it('Gemini 2.x: tool-result images follow the responses in the next user Content, with a caption', () => {
    const msgs = [user('x'), assistant([call('a'), call('b')]), user([result('a', [{ type: 'text', text: 'shot' }, { type: 'image', source: png }]), result('b'), block({ type: 'text', text: 'see' })])];
    const out = contents(msgs);
    expect(out[2]).toEqual({ role: 'user', parts: [fr('Read', { content: 'shot' }), fr('Read', { content: 'ok b' })] });
    expect(out[3]).toEqual({ role: 'user', parts: [{ text: 'Media returned by tool call Read (a):' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }, { text: 'see' }] });
  });

  it('Gemini 3: tool-result images ride inside functionResponse.parts', () => {
    const out = contents([user('x'), assistant([call('a')]), user([result('a', [{ type: 'text', text: 'shot' }, { type: 'image', source: png }])])], PRO3);
    expect(out[2].parts).toEqual([{ functionResponse: { name: 'Read', response: { content: 'shot' }, parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] } }]);
    expect(out).toHaveLength(3);
  });
});
