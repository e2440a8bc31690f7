import { describe, expect, it } from 'vitest';
import { geminiModelFacts } from './gemini-models.js';
import { parseGoogleCatalog } from './google-catalog.js';

describe('Gemini model facts by family', () => {
  it.each([
    ['gemini-3-pro-preview', 'level', true, true, 65536],
    ['models/gemini-3-flash', 'level', true, true, 65536],
    ['gemini-2.5-pro', 'budget', false, false, 65536],
    ['gemini-2.5-flash-lite', 'budget', false, false, 65536],
    ['google/gemini-2.5-flash', 'budget', false, false, 65536],
    ['gemini-flash-latest', 'budget', false, false, 65536],
    ['gemini-2.0-flash', 'none', false, false, 8192],
    ['gemini-1.5-pro', 'none', false, false, 8192],
    ['gemma-3-27b-it', 'none', false, false, 8192],
  ] as const)('%s → thinking %s, signatures %s, media in tool results %s, %d output tokens', (model, thinking, signatures, media, max) => {
    expect(geminiModelFacts(model)).toMatchObject({ thinking, requiresSignatures: signatures, multimodalToolResults: media, maxOutputTokens: max });
  });
});

describe("Google's model list", () => {
  it('keeps generateContent models (or ones that do not say), strips models/, reads the next page token', () => {
    const parsed = parseGoogleCatalog({
      models: [
        { name: 'models/gemini-2.5-pro', displayName: 'Gemini 2.5 Pro', supportedGenerationMethods: ['generateContent'] },
        { name: 'models/embedding-001', supportedGenerationMethods: ['embedContent'] },
        { name: 'models/imagen-4.0-generate-001', supportedGenerationMethods: ['predict'] },
        { name: 'models/custom', displayName: 'custom' },
        { displayName: 'no name' },
        'junk',
      ],
      nextPageToken: 'abc',
    });
    expect(parsed).toEqual({ models: [{ id: 'gemini-2.5-pro', displayName: 'Gemini 2.5 Pro' }, { id: 'custom' }], nextPageToken: 'abc' });
    expect(parseGoogleCatalog(null)).toEqual({ models: [], nextPageToken: null });
    expect(parseGoogleCatalog({ models: [], nextPageToken: '' }).nextPageToken).toBeNull();
  });
});
