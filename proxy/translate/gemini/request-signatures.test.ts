// Thought signatures across two turns: Gemini answer → Claude Code (which replays the
// blocks verbatim) → next request. Each signature must come back on exactly the part
// that carried it, and only to the provider+model that issued it.
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../protocol/anthropic/validate.js';
import type { ContentBlock, MessagesRequest } from '../../protocol/anthropic/types.js';
import type { GeminiContent, GeminiRequest } from '../../protocol/gemini/types.js';
import { accumulateMessage } from '../../test/anthropic-stream.js';
import { assistant, block, events, fixture, FLASH, PRO3, RC, req, sse, translate, user } from '../../test/gemini-helpers.js';
import type { GeminiResponseContext, GeminiTarget } from './options.js';
import { geminiRequest, toGeminiRequest } from './request.js';

const SIG_TEXT = 'CiQBjz1rX3Q0cmVzdHNpZ25hdHVyZQ==';
const SIG_CALL = 'EpYCCpMCAdHtim9Q3h+YfW1uZ/0xK2pRbA5vN0Y4dGVzdA==';
const SIG_PAR = 'Cs4BAdHtim8kZmlyc3QvY2FsbCtzaWc=';
const SIG_THOUGHT = 'CrwBAdHtim9yb3VnaHQrcnVuL3NpZw==';
const DUMMY = 'skip_thought_signature_validator';

/** What Claude Code stores from a streamed Gemini answer. */
function answer(stream: Buffer, ctx: GeminiResponseContext = RC): ContentBlock[] {
  return accumulateMessage(events(translate([stream], ctx).text)).content as unknown as ContentBlock[];
}

/** The next turn: the stored answer plus a result for each of its calls. */
function nextTurn(content: ContentBlock[], target: GeminiTarget = PRO3): GeminiContent[] {
  const results = content.filter((b) => b.type === 'tool_use').map((b) => block({ type: 'tool_result', tool_use_id: (b as { id: string }).id, content: 'done' }));
  const messages = [user('go'), assistant(content)];
  if (results.length) messages.push(user(results));
  else messages.push(user('thanks'));
  return toGeminiRequest(req(messages, { thinking: { type: 'adaptive' } }), target).contents;
}

describe('thought signatures: round trip through Claude Code', () => {
  it('a functionCall signature comes back on that functionCall part, byte-exact', () => {
    const model = nextTurn(answer(fixture('gemini-thinking-tool.sse')))[1];
    expect(model.parts).toEqual([{ functionCall: { name: 'Bash', args: { command: "echo 'é🤖'", description: 'Print é🤖' } }, thoughtSignature: SIG_CALL }]);
  });

  it('parallel calls: only the first call carries one, and no dummy is added to the second', () => {
    const model = nextTurn(answer(fixture('gemini-parallel.sse')))[1];
    expect(model.parts.map((p) => [p.text ?? p.functionCall?.name, p.thoughtSignature])).toEqual([
      ['Je lis les deux fichiers é🤖.', undefined],
      ['Read', SIG_PAR],
      ['Read', undefined],
    ]);
  });

  it('a text signature (carrier block) goes back onto the text part before it', () => {
    const model = nextTurn(answer(fixture('gemini-text.sse')))[1];
    expect(model.parts).toEqual([{ text: 'Bonjour é🤖 ! Ça va très bien.', thoughtSignature: SIG_TEXT }]);
  });

  it('a signed thought run comes back as its thought part; with display "omitted" its text comes from the envelope', () => {
    const expected = [{ text: 'Thinking about é🤖', thought: true, thoughtSignature: SIG_THOUGHT }, { text: 'Done.' }];
    expect(nextTurn(answer(fixture('gemini-thought-signed.sse')))[1].parts).toEqual(expected);
    const omitted = answer(fixture('gemini-thought-signed.sse'), { ...RC, thinkingDisplay: 'omitted' });
    expect((omitted[0] as { thinking: string }).thinking).toBe('');
    expect(nextTurn(omitted)[1].parts).toEqual(expected);
  });

  it('Gemini call ids come back on both the call and its response', () => {
    const content = answer(sse({ candidates: [{ content: { role: 'model', parts: [{ functionCall: { id: 'fc-7', name: 'Read', args: {} }, thoughtSignature: 'QUJD' }] }, finishReason: 'STOP' }] }));
    const out = nextTurn(content);
    expect(out[1].parts).toEqual([{ functionCall: { id: 'fc-7', name: 'Read', args: {} }, thoughtSignature: 'QUJD' }]);
    expect(out[2].parts).toEqual([{ functionResponse: { id: 'fc-7', name: 'Read', response: { content: 'done' } } }]);
  });
});

describe('thought signatures: never replayed elsewhere', () => {
  it('another model of the same provider gets no signature, no call id, no thought part', () => {
    const other: GeminiTarget = { ...PRO3, model: 'gemini-3-flash-preview', requiresSignatures: false };
    expect(nextTurn(answer(fixture('gemini-thinking-tool.sse')), other)[1].parts).toEqual([{ functionCall: { name: 'Bash', args: { command: "echo 'é🤖'", description: 'Print é🤖' } } }]);
    expect(nextTurn(answer(fixture('gemini-text.sse')), other)[1].parts).toEqual([{ text: 'Bonjour é🤖 ! Ça va très bien.' }]);
    expect(nextTurn(answer(fixture('gemini-thought-signed.sse')), other)[1].parts).toEqual([{ text: 'Done.' }]);
  });

  it('a model that requires signatures gets the documented dummy on the first call of a foreign turn only', () => {
    const vertex: GeminiTarget = { ...PRO3, providerId: 'vertex-gemini' };
    const model = nextTurn(answer(fixture('gemini-parallel.sse')), vertex)[1];
    expect(model.parts.filter((p) => p.functionCall).map((p) => p.thoughtSignature)).toEqual([DUMMY, undefined]);
  });

  it('history from Anthropic: its thinking blocks are dropped, its calls get the dummy on Gemini 3 and nothing on 2.5', () => {
    const claude = [
      block({ type: 'thinking', thinking: 'Claude reasoning', signature: 'EqQBCkYIBxgCKkDanthropicsig' }),
      block({ type: 'redacted_thinking', data: 'abc' }),
      block({ type: 'text', text: 'Let me check.' }),
      block({ type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'Read', input: { file_path: '/a' } }),
    ];
    expect(nextTurn(claude, PRO3)[1].parts).toEqual([{ text: 'Let me check.' }, { functionCall: { name: 'Read', args: { file_path: '/a' } }, thoughtSignature: DUMMY }]);
    expect(nextTurn(claude, FLASH)[1].parts).toEqual([{ text: 'Let me check.' }, { functionCall: { name: 'Read', args: { file_path: '/a' } } }]);
  });

  it('no signature or envelope text ever reaches Gemini as text', () => {
    const json = JSON.stringify(toGeminiRequest(req([user('go'), assistant(answer(fixture('gemini-text.sse'))), user('more')]), PRO3));
    expect(json).not.toContain('swb1.');
    expect(json).not.toContain('toolu_');
  });
});

describe('thought signatures: byte-string bodies', () => {
  it('the whole round trip works on a body decoded as byte strings, with the same bytes as the UTF-8 path', () => {
    const content = [...answer(fixture('gemini-thought-signed.sse'), { ...RC, thinkingDisplay: 'omitted' }), ...answer(fixture('gemini-thinking-tool.sse'))];
    const id = (content.find((b) => b.type === 'tool_use') as { id: string }).id;
    const body = req([user('go 🤖'), assistant(content), user([block({ type: 'tool_result', tool_use_id: id, content: 'sortie é🤖' })])]);
    const raw = Buffer.from(JSON.stringify(body), 'utf8');
    const { value, byteStrings } = parseJsonBody(raw, true);
    expect(byteStrings).toBe(true);
    const bytes = geminiRequest({ body: value as MessagesRequest, raw, byteStrings, stream: true }, PRO3).body;
    const plain = geminiRequest({ body, byteStrings: false, stream: true }, PRO3).body;
    expect(bytes.equals(plain)).toBe(true);
    const model = (JSON.parse(bytes.toString('utf8')) as GeminiRequest).contents[1];
    expect(model.parts[0]).toEqual({ text: 'Thinking about é🤖', thought: true, thoughtSignature: SIG_THOUGHT });
    expect(model.parts.find((p) => p.functionCall)?.thoughtSignature).toBe(SIG_CALL);
  });
});
