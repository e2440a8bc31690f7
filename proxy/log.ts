import pino, { type Logger } from 'pino';

/**
 * Structured logs to stderr. Headers and bodies are never logged; the paths
 * below are censored in case an error object carries them anyway.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['headers', 'req.headers', '*.headers', 'apiKey', '*.apiKey', 'authorization', '*.authorization', 'x-api-key', '*["x-api-key"]'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

/** Replaces every configured secret in text with [redacted]; `found` tests a chunk without decoding it. */
export interface Redact {
  (s: string): string;
  found(chunk: string | Buffer): boolean;
}

export function secretRedactor(secrets: Array<string | undefined>): Redact {
  const list = [...new Set(secrets.filter((s): s is string => !!s && s.length >= 6))];
  const bytes = list.map((s) => Buffer.from(s));
  const redact = ((s: string) => {
    let out = s;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }) as Redact;
  redact.found = (chunk) => {
    if (typeof chunk === 'string') {
      for (const secret of list) if (chunk.includes(secret)) return true;
      return false;
    }
    for (const b of bytes) if (chunk.indexOf(b) !== -1) return true;
    return false;
  };
  return redact;
}
