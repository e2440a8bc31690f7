import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { keyHint, readSecrets, secretsPath, writeSecrets } from './secrets-file.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const posix = process.platform !== 'win32';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('secrets.json', () => {
  it('is {} when absent, and round-trips keys by provider id', async () => {
    const path = secretsPath(join(dir, 'a'));
    expect(readSecrets(path)).toEqual({});
    await writeSecrets(path, { openai: 'sk-openai-0123456789', lmstudio: 'lm-key-42' });
    expect(readSecrets(path)).toEqual({ openai: 'sk-openai-0123456789', lmstudio: 'lm-key-42' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, keys: { lmstudio: 'lm-key-42', openai: 'sk-openai-0123456789' } });
  });

  it.skipIf(!posix)('is written 0600 in a 0700 directory, and leaves no temp file behind', async () => {
    const stateDir = join(dir, 'b', 'state');
    const path = secretsPath(stateDir);
    await writeSecrets(path, { x: 'secret-value-123' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    // Many writes at once: every reader sees a whole file, and only the file stays.
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeSecrets(path, { x: `secret-value-${i}`.padEnd(40, 'x') })));
    expect(readSecrets(path).x).toMatch(/^secret-value-\d+x+$/);
    expect(readdirSync(stateDir)).toEqual(['secrets.json']);
  });

  it.skipIf(!posix)('tightens a file others can read to 0600, and says so', async () => {
    const path = secretsPath(join(dir, 'c'));
    await writeSecrets(path, { x: 'secret-value-123' });
    chmodSync(path, 0o644);
    const warnings: string[] = [];
    expect(readSecrets(path, (m) => warnings.push(m))).toEqual({ x: 'secret-value-123' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([`the provider key file ${path} was readable by other users; restricted it to 0600`]);
  });

  it('refuses a malformed file with a clear error that never shows a key', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"version": 1, "keys": {"openai": "sk-1234567890abcdef"');
    expect(errorOf(() => readSecrets(path))).toMatch(new RegExp(`^the provider key file ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON \\(.+\\); fix it, or delete it and set the keys again$`));
    writeFileSync(path, '["sk-1234567890abcdef"]');
    expect(errorOf(() => readSecrets(path))).toContain('is not {"version": 1, "keys": {"<provider id>": "<key>"}}');
    writeFileSync(path, '{"version": 1, "keys": {"openai": 12345, "x": "sk-1234567890abcdef"}}');
    const msg = errorOf(() => readSecrets(path));
    expect(msg).toContain('has an entry for "openai" that is not a non-empty string');
    expect(msg).not.toContain('sk-1234567890abcdef');
  });

  it('hints at a key with its last four characters only when it is long enough', () => {
    expect(keyHint('sk-or-v1-0123456789abcd')).toBe('••••abcd');
    expect(keyHint('123456789012')).toBe('••••9012');
    expect(keyHint('12345678901')).toBe('••••');
    expect(keyHint('short')).toBe('••••');
  });
});
