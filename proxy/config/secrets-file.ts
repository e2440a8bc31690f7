import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { writeFileAtomic } from './state-file.js';

// Provider keys set through the admin API (the window's Providers page) live here,
// never in a config file we write: <stateDir>/secrets.json, mode 0600, written with
// temp-file-and-rename so a crash never leaves half a file. Keyed by provider id:
//   { "version": 1, "keys": { "openai": "sk-...", "lmstudio": "..." } }

export const SECRETS_FILE = 'secrets.json';

/**
 * Where provider keys set through the admin API are kept. Headless: secrets.json
 * (fileSecrets). The desktop app supplies one backed by the OS keychain (Electron
 * safeStorage), so the gateway code is the same and never learns which it has.
 */
export interface SecretsSource {
  /** A key's source as providers report it (ResolvedProvider.keySource, the provider view's key.source). */
  readonly name: string;
  /** The same in the start-up key report ("secrets.json (0600)"). */
  readonly label: string;
  /** Where the keys live, for the banner (a path and its mode). */
  readonly where: string;
  /** Every saved key (provider id -> key); {} when none. Throws a ConfigError when the store is unusable. */
  read(warn?: (msg: string) => void): Record<string, string>;
  /** Replaces the saved keys as a whole. */
  write(keys: Readonly<Record<string, string>>): Promise<void>;
}

/** The headless source: <stateDir>/secrets.json, mode 0600. */
export function fileSecrets(stateDir: string): SecretsSource {
  const path = secretsPath(stateDir);
  return {
    name: SECRETS_FILE,
    label: `${SECRETS_FILE} (0600)`,
    where: `${path} (0600)`,
    read: (warn) => readSecrets(path, warn),
    write: (keys) => writeSecrets(path, keys),
  };
}

export function secretsPath(stateDir: string): string {
  return join(stateDir, SECRETS_FILE);
}

/**
 * The saved keys; {} when the file does not exist. A file that cannot be read or
 * does not check out is a ConfigError: starting without the keys and later saving
 * over the file would lose them. A file readable by others is tightened to 0600.
 */
export function readSecrets(path: string, warn: (msg: string) => void = () => {}): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read the provider key file ${path}: ${(err as Error).message}`);
  }
  const bad = (why: string) => new ConfigError(`the provider key file ${path} ${why}; fix it, or delete it and set the keys again`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw bad(`is not valid JSON (${(err as Error).message})`);
  }
  const keys = (raw as { keys?: unknown } | null)?.keys;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
    throw bad('is not {"version": 1, "keys": {"<provider id>": "<key>"}}');
  }
  const out: Record<string, string> = {};
  for (const [id, key] of Object.entries(keys)) {
    // The key itself is never part of a message.
    if (typeof key !== 'string' || key.length === 0) throw bad(`has an entry for "${id}" that is not a non-empty string`);
    out[id] = key;
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    warn(`the provider key file ${path} was readable by other users; restricted it to 0600`);
    chmodSync(path, 0o600);
  }
  return out;
}

/** Replaces the file's keys (atomic, 0600). An empty set still writes the file, so a cleared key stays cleared. */
export function writeSecrets(path: string, keys: Readonly<Record<string, string>>): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(keys).sort(([a], [b]) => a.localeCompare(b)));
  return writeFileAtomic(path, JSON.stringify({ version: 1, keys: sorted }, null, 2) + '\n', 0o600);
}

/** How the UI shows a key: the last four characters of a long one, nothing of a short one. */
export function keyHint(key: string): string {
  return key.length >= 12 ? `••••${key.slice(-4)}` : '••••';
}
