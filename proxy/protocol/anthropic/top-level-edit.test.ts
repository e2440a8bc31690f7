import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from './byte-strings.js';
import { editTopLevel, type TopLevelEdits } from './top-level-edit.js';

const fixtureRaw = readFileSync(new URL('../../test/fixtures/claude-code-turn1.json', import.meta.url));

function parse(raw: Buffer): { body: Record<string, unknown>; byteStrings: boolean } {
  const { text, byteStrings } = decodeBody(raw, true);
  return { body: JSON.parse(text), byteStrings };
}

/** What the edits mean, built the slow way. */
function expected(body: Record<string, unknown>, edits: TopLevelEdits): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(edits.prepend ?? {}) };
  for (const [k, v] of Object.entries(edits.set ?? {})) if (!(k in body)) out[k] = v;
  for (const [k, v] of Object.entries(body)) {
    if (edits.drop?.includes(k)) continue;
    out[k] = edits.set && k in edits.set ? edits.set[k] : v;
  }
  return out;
}

const VERTEX: TopLevelEdits = { prepend: { anthropic_version: 'vertex-2023-10-16' }, drop: ['model'], set: { max_tokens: 64000 } };

describe('editTopLevel', () => {
  it('edits the Claude Code body in place: the middle stays the client\'s bytes', () => {
    const { body, byteStrings } = parse(fixtureRaw);
    const out = editTopLevel(fixtureRaw, body, byteStrings, VERTEX)!;
    expect(out).not.toBeNull();
    expect(byteStrings).toBe(true);
    expect(JSON.parse(out.toString('latin1'))).toEqual(expected(body, VERTEX));
    const text = out.toString('utf8');
    expect(Object.keys(JSON.parse(text))).toEqual(['anthropic_version', 'messages', 'system', 'tools', 'metadata', 'max_tokens', 'thinking', 'context_management', 'output_config', 'stream']);
    const raw = fixtureRaw.toString('utf8');
    const middle = raw.slice(raw.indexOf('"messages":'), raw.indexOf(',"max_tokens":'));
    expect(text).toBe(`{"anthropic_version":"vertex-2023-10-16",${middle},"max_tokens":64000${raw.slice(raw.indexOf(',"thinking":'))}`);
  });

  it('only prepends when nothing in the body is edited', () => {
    const raw = Buffer.from('{"messages":[{"role":"user","content":"hi"}],"max_tokens":5}');
    const { body } = parse(raw);
    expect(editTopLevel(raw, body, true, { prepend: { v: 1 } })!.toString()).toBe('{"v":1,"messages":[{"role":"user","content":"hi"}],"max_tokens":5}');
  });

  it('adds a set member that is absent, in front', () => {
    const raw = Buffer.from('{"model":"m","messages":[],"stream":true}');
    const out = editTopLevel(raw, parse(raw).body, true, { drop: ['model'], set: { max_tokens: 7 } })!;
    expect(out.toString()).toBe('{"max_tokens":7,"messages":[],"stream":true}');
  });

  it('keeps non-ASCII bytes exact in byte-string bodies', () => {
    const raw = Buffer.from('{"model":"m","system":"café ☕ \\ud83d\\ude00","messages":[{"role":"user","content":"é"}],"metadata":{"user_id":"ü"},"max_tokens":99}');
    const { body, byteStrings } = parse(raw);
    const out = editTopLevel(raw, body, byteStrings, VERTEX)!;
    expect(out.toString('utf8')).toBe('{"anthropic_version":"vertex-2023-10-16","system":"café ☕ \\ud83d\\ude00","messages":[{"role":"user","content":"é"}],"metadata":{"user_id":"ü"},"max_tokens":64000}');
  });

  it('leaves nested members of the same name alone', () => {
    const raw = Buffer.from('{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"\\"model\\":\\"x\\",","model":"inner"}]}],"max_tokens":1,"tail":{"max_tokens":2}}');
    const { body } = parse(raw);
    const out = editTopLevel(raw, body, true, VERTEX)!;
    expect(JSON.parse(out.toString())).toEqual(expected(body, VERTEX));
  });

  it('refuses what it cannot prove: formatting, edits with nothing between, a body already holding a prepended member', () => {
    const cases = [
      '{ "model":"m","messages":[],"max_tokens":1}',
      '{"model": "m","messages":[],"max_tokens":1}',
      '{"model":"m","messages":[],"max_tokens":1}\n',
      '{"model":"m","max_tokens":1}',
      '{"messages":[],"max_tokens":1,"model":"m"}',
      '{"model":"\\u006d","messages":[],"max_tokens":1}',
      '{"anthropic_version":"x","model":"m","messages":[],"max_tokens":1}',
    ];
    for (const c of cases) {
      const raw = Buffer.from(c);
      expect(editTopLevel(raw, parse(raw).body, true, VERTEX), c).toBeNull();
    }
  });

  it('agrees with the slow way whenever it answers (many shapes)', () => {
    const values: unknown[] = [1, 'a', 'x"y', '\\', null, true, [1, { a: 'b' }], { model: 'n', max_tokens: 3 }, 'é', '}', ',"max_tokens":1}'];
    let answered = 0;
    for (let n = 0; n < 400; n++) {
      const keys = ['model', 'messages', 'system', 'max_tokens', 'stream', 'tools', 'x'].filter((_, i) => (n >> i) % 2 === 1 || i === 1);
      const body: Record<string, unknown> = {};
      keys.forEach((k, i) => (body[k] = values[(n * 7 + i * 3) % values.length]));
      const raw = Buffer.from(JSON.stringify(body));
      const edits: TopLevelEdits = { prepend: { anthropic_version: 'v' }, drop: ['model'], set: n % 3 ? { max_tokens: n } : undefined };
      const out = editTopLevel(raw, body, true, edits);
      if (!out) continue;
      answered++;
      expect(JSON.parse(out.toString('utf8')), raw.toString()).toEqual(expected(body, edits));
    }
    expect(answered).toBeGreaterThan(100);
  });
});
