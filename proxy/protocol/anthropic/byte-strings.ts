// Request bodies are decoded as latin1 ("byte strings": one char per UTF-8 byte)
// when that is lossless, because decoding, parsing, re-serialising and encoding a
// 50 KB Claude Code body as real UTF-8 costs ~80 µs more per request (its few
// non-ASCII characters push V8 into two-byte strings). latin1 maps bytes to chars
// one to one and JSON.stringify leaves chars 0x80-0xFF alone, so a body decoded
// this way and encoded back as latin1 keeps every multi-byte sequence byte-exact.
//
// It is lossless only when the JSON has no \uXXXX escape >= 0x80 (those parse to
// real characters, which latin1 cannot carry back); such bodies use UTF-8.

const BACKSLASH_U = Buffer.from('\\u');

/** True when `raw` can be handled as byte strings. */
export function byteStringsSafe(raw: Buffer): boolean {
  let i = raw.indexOf(BACKSLASH_U);
  while (i !== -1) {
    // Escapes below 0x80 (\u001b in terminal output, \u0000) are fine; anything else is not.
    if (!(raw[i + 2] === 0x30 && raw[i + 3] === 0x30 && raw[i + 4] <= 0x37 && raw[i + 4] >= 0x30)) return false;
    i = raw.indexOf(BACKSLASH_U, i + 6);
  }
  return true;
}

/** Decodes a body: byte strings when lossless, else UTF-8. */
export function decodeBody(raw: Buffer, allowByteStrings: boolean): { text: string; byteStrings: boolean } {
  if (allowByteStrings && byteStringsSafe(raw)) return { text: raw.toString('latin1'), byteStrings: true };
  return { text: raw.toString('utf8'), byteStrings: false };
}

/** Encodes JSON built from a decoded body back to bytes in the same representation. */
export function encodeBody(json: string, byteStrings: boolean): Buffer {
  return Buffer.from(json, byteStrings ? 'latin1' : 'utf8');
}

/** A byte string as a real JavaScript string (for the few values shown back to clients). */
export function toUnicode(s: string, byteStrings: boolean): string {
  if (!byteStrings) return s;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'latin1').toString('utf8');
  return s;
}
