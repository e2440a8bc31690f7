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

/**
 * Replaces every configured secret in text with [redacted]; `found` tests a chunk without decoding it.
 * `add`/`remove` register secrets obtained at run time (Google access tokens, key material);
 * they are counted, so a secret two holders added stays until both have removed it.
 */
export interface Redact {
  (s: string): string;
  found(chunk: string | Buffer): boolean;
  add(secret: string): void;
  remove(secret: string): void;
}

export function secretRedactor(secrets: Array<string | undefined>): Redact {
  // Parallel arrays, replaced (not mutated) on change so a check in progress sees one consistent list.
  let list = [...new Set(secrets.filter((s): s is string => !!s && s.length >= 6))];
  let bytes = list.map((s) => Buffer.from(s));
  const holders = new Map<string, number>(list.map((s) => [s, 1]));
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
  redact.add = (secret) => {
    if (secret.length < 6) return;
    const n = holders.get(secret) ?? 0;
    holders.set(secret, n + 1);
    if (n > 0) return;
    list = [...list, secret];
    bytes = [...bytes, Buffer.from(secret)];
  };
  redact.remove = (secret) => {
    const n = holders.get(secret);
    if (n === undefined) return;
    if (n > 1) {
      holders.set(secret, n - 1);
      return;
    }
    holders.delete(secret);
    const i = list.indexOf(secret);
    list = list.filter((_, j) => j !== i);
    bytes = bytes.filter((_, j) => j !== i);
  };
  return redact;
}
