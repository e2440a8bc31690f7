import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve.js';
import { ConfigSchema, type ConfigFile } from '../config/schema.js';
import { geminiDialect, geminiTarget, modelUrl } from './gemini.js';
import type { RequestContext, Target } from './types.js';

function target(config: ConfigFile['providers'], model: string, id = 'gem'): Target {
  const s = resolveSettings(ConfigSchema.parse({ providers: config }), { GEMINI_API_KEY: 'AIza-unit' });
  return { provider: s.providers.get(id)!, model };
}

const ctx = (body: Record<string, unknown>): RequestContext =>
  ({ body, raw: Buffer.from(JSON.stringify(body)), query: '?beta=true', headers: { 'x-api-key': 'client-key' }, requestedModel: String(body.model), stream: body.stream === true, messageId: 'msg_unit', byteStrings: false }) as unknown as RequestContext;

describe('gemini dialect: targets and URLs from provider data', () => {
  it('fills GeminiTarget from the model family', () => {
    expect(geminiTarget(target({ gem: { type: 'aistudio' } }, 'gemini-3-pro-preview'))).toEqual({
      providerId: 'gem',
      model: 'gemini-3-pro-preview',
      maxOutputTokens: 65536,
      thinking: 'level',
      requiresSignatures: true,
      multimodalToolResults: true,
      webSearch: 'googleSearch',
      byteStrings: false,
    });
    expect(geminiTarget(target({ gem: { type: 'aistudio' } }, 'gemini-2.5-flash'))).toMatchObject({ thinking: 'budget', requiresSignatures: false, maxOutputTokens: 65536 });
    expect(geminiTarget(target({ gem: { type: 'aistudio' } }, 'some-tuned-model'))).toMatchObject({ thinking: 'none', maxOutputTokens: 8192 });
  });

  it('config modelInfo and maxOutputTokens win over family facts', () => {
    const t = target({ gem: { type: 'aistudio', maxOutputTokens: 4000, modelInfo: { 'gemini-2.5-pro': { maxOutputTokens: 1000, reasoning: false }, 'my-tune': { reasoning: true } } } }, 'gemini-2.5-pro');
    expect(geminiTarget(t)).toMatchObject({ maxOutputTokens: 1000, thinking: 'none' });
    expect(geminiTarget({ ...t, model: 'my-tune' })).toMatchObject({ thinking: 'budget', maxOutputTokens: 4000 });
  });

  it('builds {base}{modelPath} URLs, stripping a models/ prefix', () => {
    const t = target({ gem: { type: 'aistudio', baseUrl: 'https://proxy.example/v1beta/' } }, 'models/gemini-2.5-pro');
    expect(modelUrl(t)).toBe('https://proxy.example/v1beta/models/gemini-2.5-pro');
    const req = geminiDialect.messagesRequest(ctx({ model: 'claude-sonnet-5-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }), t);
    expect(req.url).toBe('https://proxy.example/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(req.headers['x-goog-api-key']).toBe('AIza-unit');
    // The client's own key never goes to Google.
    expect(Object.values(req.headers)).not.toContain('client-key');
  });

  it('countTokens: AI Studio wraps the request; a flat shape (Vertex AI) sends its fields; the count is read from totalTokens', () => {
    const t = target({ gem: { type: 'aistudio' } }, 'gemini-2.5-pro');
    const body = { model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const wrapped = geminiDialect.countTokensRequest(ctx(body), t)!;
    expect(wrapped.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:countTokens');
    expect(JSON.parse(String(wrapped.body))).toEqual({ generateContentRequest: { model: 'models/gemini-2.5-pro', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
    const flat = { ...t, provider: { ...t.provider, gemini: { ...t.provider.gemini!, countTokens: 'flat' as const } } };
    expect(JSON.parse(String(geminiDialect.countTokensRequest(ctx(body), flat)!.body))).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    const none = { ...t, provider: { ...t.provider, gemini: { ...t.provider.gemini!, countTokens: 'none' as const } } };
    expect(geminiDialect.countTokensRequest(ctx(body), none)).toBeNull();
    expect(geminiDialect.countTokensResult!(Buffer.from('{"totalTokens":42}'))).toBe(42);
    expect(geminiDialect.countTokensResult!(Buffer.from('{"error":{}}'))).toBeNull();
    expect(geminiDialect.countTokensResult!(Buffer.from('nope'))).toBeNull();
  });
});
