import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessagesRequest } from '../protocol/anthropic/types.js';

// Spy on the tokenizer so the cache can be observed.
const bpe = vi.hoisted(() => ({ calls: 0 }));
vi.mock('gpt-tokenizer/encoding/o200k_base', async (importOriginal) => {
  const orig = await importOriginal<typeof import('gpt-tokenizer/encoding/o200k_base')>();
  return {
    ...orig,
    countTokens: (...args: Parameters<typeof orig.countTokens>) => {
      bpe.calls++;
      return orig.countTokens(...args);
    },
  };
});

const { countRequestTokens, countText } = await import('./count.js');

type Req = Pick<MessagesRequest, 'system' | 'messages' | 'tools'>;
const user = (content: unknown): Req => ({ messages: [{ role: 'user', content }] as MessagesRequest['messages'] });
const PER_MESSAGE = 4;

beforeEach(() => {
  bpe.calls = 0;
});

describe('countText', () => {
  it('is a real BPE count (o200k_base), not characters / 4', () => {
    expect(countText('')).toBe(0);
    expect(countText('hello world')).toBe(2);
    expect(countText('a'.repeat(400))).not.toBe(100);
    const code = 'function add(a: number, b: number): number {\n  return a + b;\n}\n';
    expect(countText(code)).toBeGreaterThan(10);
    expect(countText(code)).toBeLessThan(code.length);
  });

  it('treats special-token text as plain text', () => {
    expect(() => countText('<|endoftext|> and <|im_start|>')).not.toThrow();
    expect(countText('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('caches long texts, not short ones', () => {
    const long = 'The system prompt. '.repeat(40) + Math.random();
    const n = countText(long);
    expect(bpe.calls).toBe(1);
    expect(countText(long)).toBe(n);
    expect(bpe.calls).toBe(1);
    countText('short');
    countText('short');
    expect(bpe.calls).toBe(3);
  });

  it('keeps the cache bounded, evicting the oldest entry', () => {
    const first = `first ${Math.random()} `.repeat(30);
    countText(first);
    for (let i = 0; i < 2000; i++) countText(`filler ${i} `.repeat(30));
    bpe.calls = 0;
    countText(first);
    expect(bpe.calls).toBe(1);
  });
});

describe('countRequestTokens', () => {
  it('counts system (string or blocks), messages and framing', () => {
    const text = 'Please summarise the design document.';
    const base = countRequestTokens(user(text));
    expect(base).toBe(countText(text) + PER_MESSAGE);
    expect(countRequestTokens({ ...user(text), system: 'You are terse.' })).toBe(base + countText('You are terse.') + PER_MESSAGE);
    expect(countRequestTokens({ ...user(text), system: [{ type: 'text', text: 'You are' }, { type: 'text', text: ' terse.' }] })).toBe(base + countText('You are') + countText(' terse.') + PER_MESSAGE);
    expect(countRequestTokens(user([{ type: 'text', text }]))).toBe(base);
  });

  it('counts tool calls, tool results (nested), thinking and unknown blocks', () => {
    const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls -la /tmp' } };
    expect(countRequestTokens(user([toolUse]))).toBe(PER_MESSAGE + countText('Bash') + countText(JSON.stringify(toolUse.input)));
    const nested = { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'file.txt' }, { type: 'text', text: 'other.txt' }] };
    expect(countRequestTokens(user([nested]))).toBe(PER_MESSAGE + countText('file.txt') + countText('other.txt'));
    expect(countRequestTokens(user([{ type: 'tool_result', tool_use_id: 't', content: 'plain' }]))).toBe(PER_MESSAGE + countText('plain'));
    expect(countRequestTokens(user([{ type: 'thinking', thinking: 'Let me think about it.', signature: 'sig' }]))).toBe(PER_MESSAGE + countText('Let me think about it.'));
    const unknown = { type: 'search_result', source: 'https://x', title: 'X', content: [{ type: 'text', text: 'found' }] };
    expect(countRequestTokens(user([unknown]))).toBe(PER_MESSAGE + countText(JSON.stringify(unknown)));
  });

  it('counts images at a fixed cost, also inside tool results, without tokenising their data', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(500_000) } };
    const one = countRequestTokens(user([image]));
    expect(one).toBe(PER_MESSAGE + 1600);
    expect(countRequestTokens(user([image, image]))).toBe(PER_MESSAGE + 3200);
    expect(countRequestTokens(user([{ type: 'tool_result', tool_use_id: 't', content: [image, { type: 'text', text: 'screenshot' }] }]))).toBe(PER_MESSAGE + 1600 + countText('screenshot'));
  });

  it('counts text documents by content and other documents at a fixed cost', () => {
    expect(countRequestTokens(user([{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'The quick brown fox.' } }]))).toBe(PER_MESSAGE + countText('The quick brown fox.'));
    expect(countRequestTokens(user([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } }]))).toBe(PER_MESSAGE + 3200);
  });

  it('counts tool definitions, skipping defer_loading ones', () => {
    const tool = { name: 'Read', description: 'Reads a file from the local filesystem.', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } };
    const deferred = { name: 'DeferredToolPlaceholder', description: 'Reserved placeholder; never call this tool.', input_schema: { type: 'object', properties: {} }, defer_loading: true };
    const base = countRequestTokens(user('hi'));
    const withTool = countRequestTokens({ ...user('hi'), tools: [tool] as MessagesRequest['tools'] });
    expect(withTool).toBe(base + countText(JSON.stringify(tool)));
    expect(countRequestTokens({ ...user('hi'), tools: [tool, deferred] as MessagesRequest['tools'] })).toBe(withTool);
    expect(countRequestTokens({ ...user('hi'), tools: [] })).toBe(base);
  });

  it('counts the real Claude Code turn in a plausible range, mostly tools and system', () => {
    const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/claude-code-turn1.json', import.meta.url), 'utf8')) as MessagesRequest;
    const total = countRequestTokens(fixture);
    expect(total).toBeGreaterThan(8_000);
    expect(total).toBeLessThan(16_000);
    expect(total).not.toBe(Math.round(JSON.stringify(fixture).length / 4));
    const noTools = countRequestTokens({ ...fixture, tools: [] });
    const noSystem = countRequestTokens({ ...fixture, system: undefined });
    expect(total - noTools).toBeGreaterThan(5_000);
    expect(total - noSystem).toBeGreaterThan(1_000);
    // The deferred placeholder does not count.
    const withoutPlaceholder = countRequestTokens({ ...fixture, tools: fixture.tools!.filter((t) => !(t as { defer_loading?: boolean }).defer_loading) });
    expect(withoutPlaceholder).toBe(total);
  });
});
