import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLoopbackPeer, resolveAdminToken, tokenMatches } from './auth.js';

const log = pino({ level: 'silent' });
const posix = process.platform !== 'win32';

describe('admin token', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-token-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('server.adminToken wins over $SWITCHBOARD_ADMIN_TOKEN, which wins over the file', async () => {
    const env = { SWITCHBOARD_ADMIN_TOKEN: ' from-env-0123456789 ' };
    expect(await resolveAdminToken({ configured: 'from-config-0123456789', env, stateDir: dir, log })).toEqual({ value: 'from-config-0123456789', source: 'config', path: null });
    expect(await resolveAdminToken({ env, stateDir: dir, log })).toEqual({ value: 'from-env-0123456789', source: 'env', path: null });
  });

  it('generates 32 random bytes once, in a 0700 dir with a 0600 file, and reuses them', async () => {
    const stateDir = join(dir, 'switchboard');
    const first = await resolveAdminToken({ env: {}, stateDir, log });
    expect(first.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first).toMatchObject({ source: 'file', path: join(stateDir, 'admin-token') });
    expect(readFileSync(first.path!, 'utf8')).toBe(first.value + '\n');
    if (posix) {
      expect(statSync(first.path!).mode & 0o777).toBe(0o600);
      expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    }
    expect((await resolveAdminToken({ env: {}, stateDir, log })).value).toBe(first.value);
    expect((await resolveAdminToken({ env: {}, stateDir: join(dir, 'other'), log })).value).not.toBe(first.value);
  });

  it('replaces an empty or malformed token file', async () => {
    writeFileSync(join(dir, 'admin-token'), 'short\n');
    const t = await resolveAdminToken({ env: {}, stateDir: dir, log });
    expect(t.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(join(dir, 'admin-token'), 'utf8').trim()).toBe(t.value);
  });

  it.skipIf(!posix)('tightens a token file others could read', async () => {
    writeFileSync(join(dir, 'admin-token'), 'a-user-chosen-token-123\n');
    chmodSync(join(dir, 'admin-token'), 0o644);
    expect((await resolveAdminToken({ env: {}, stateDir: dir, log })).value).toBe('a-user-chosen-token-123');
    expect(statSync(join(dir, 'admin-token')).mode & 0o777).toBe(0o600);
  });

  it('compares tokens exactly, whatever their lengths', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
  });

  it('answers loopback peers only', () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.3.4.5']) expect(isLoopbackPeer(a), a).toBe(true);
    for (const a of ['192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', undefined]) expect(isLoopbackPeer(a), String(a)).toBe(false);
  });
});
