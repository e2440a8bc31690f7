import type { z } from 'zod';

/** A configuration problem, worded for the person who wrote the file. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** "providers.openrouter.baseUrl: Invalid URL", one per issue, each naming its field (under `prefix`, if given). */
export function zodIssueLines(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((issue) => {
    const full = [...prefix, ...issue.path];
    const path = full.length ? full.map(String).join('.') : '(root)';
    let msg = issue.message;
    if (issue.code === 'unrecognized_keys') msg = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${path}: ${msg}`;
  });
}

/** "providers.openrouter.baseUrl: Invalid URL" — one line per issue, naming the field. */
export function formatZodIssues(source: string, error: z.ZodError): string {
  const lines = zodIssueLines(error).map((l) => `  ${l}`);
  // One problem fits on one line; several get a line each.
  if (lines.length === 1) return `${source} is not a valid Switchboard config: ${lines[0].trim()}`;
  return `${source} is not a valid Switchboard config:\n${lines.join('\n')}`;
}
