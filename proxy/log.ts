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

/** Builds a function that replaces every configured secret in text with [redacted]. */
export function secretRedactor(secrets: Array<string | undefined>): (s: string) => string {
  const list = secrets.filter((s): s is string => !!s && s.length >= 6);
  if (list.length === 0) return (s) => s;
  return (s) => {
    let out = s;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  };
}
