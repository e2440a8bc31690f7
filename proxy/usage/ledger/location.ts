import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { Env } from '../../config/resolve.js';

/**
 * `$XDG_DATA_HOME/switchboard/usage.db`, else `~/.local/share/switchboard/usage.db`.
 * Data, not state: the ledger is the user's record and worth backing up. A relative
 * XDG_DATA_HOME is ignored, as the XDG spec asks.
 */
export function defaultLedgerPath(env: Env): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'switchboard', 'usage.db');
}

/** Directory 0700 and file 0600 before SQLite opens it; the -wal and -shm files inherit the file's mode. */
export function prepareLedgerFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}
