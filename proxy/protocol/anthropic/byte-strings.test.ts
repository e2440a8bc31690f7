import { describe, expect, it } from 'vitest';
import { byteStringsSafe, decodeBody, encodeBody, toUnicode } from './byte-strings.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('byte strings', () => {
  it('round-trips multi-byte UTF-8 through parse and stringify byte for byte', () => {
    const raw = utf8(JSON.stringify({ text: 'héllo 🤖 日本語 — “quotes”', n: [1, 2] }));
    const { text, byteStrings } = decodeBody(raw, true);
    expect(byteStrings).toBe(true);
    const out = encodeBody(JSON.stringify(JSON.parse(text)), true);
    expect(out.equals(raw)).toBe(true);
  });

  it('is used with low escapes (ANSI colours, NUL) and refused with escapes of non-ASCII characters', () => {
    expect(byteStringsSafe(utf8('{"a":"\\u001b[31mred\\u0000"}'))).toBe(true);
    expect(byteStringsSafe(utf8('{"a":"caf\\u00e9"}'))).toBe(false);
    expect(byteStringsSafe(utf8('{"a":"\\u65e5"}'))).toBe(false);
    expect(byteStringsSafe(utf8('{"a":"\\ud83e\\udd16"}'))).toBe(false);
    expect(byteStringsSafe(utf8('{"a":"\\u007f"}'))).toBe(true);
    expect(byteStringsSafe(utf8('{"a":"\\u0080"}'))).toBe(false);
    const { byteStrings, text } = decodeBody(utf8('{"a":"caf\\u00e9"}'), true);
    expect(byteStrings).toBe(false);
    expect(JSON.parse(text).a).toBe('café');
  });

  it('is not used unless allowed', () => {
    expect(decodeBody(utf8('{"a":"é"}'), false)).toEqual({ text: '{"a":"é"}', byteStrings: false });
  });

  it('converts byte strings back to real strings for values shown to clients', () => {
    const { text } = decodeBody(utf8('{"m":"modèle"}'), true);
    expect(toUnicode(JSON.parse(text).m, true)).toBe('modèle');
    expect(toUnicode('plain', true)).toBe('plain');
    expect(toUnicode('é', false)).toBe('é');
  });
});
