import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ConfigError } from '../../config/errors.js';
import { isLoopbackHostname, type Env } from '../../config/resolve.js';
import { writeFileAtomic } from '../../config/state-file.js';
import { GatewayError } from '../../protocol/anthropic/errors.js';

// The admin API's token. It changes routing for every client of this machine, so
// it is separate from the client key and never derived from provider keys.

export const TOKEN_HEADER = 'x-switchboard-admin-token';
export const TOKEN_ENV = 'SWITCHBOARD_ADMIN_TOKEN';

export interface AdminToken {
  value: string;
  /** Where it came from; a generated token lives in `path`. */
  source: 'config' | 'env' | 'file';
  path: string | null;
}

/** server.adminToken, else $SWITCHBOARD_ADMIN_TOKEN, else the token file in the state dir (created once, 0600). */
export async function resolveAdminToken(opts: { configured?: string; env: Env; stateDir: string; log: Logger }): Promise<AdminToken> {
  if (opts.configured) return { value: opts.configured, source: 'config', path: null };
  const fromEnv = opts.env[TOKEN_ENV]?.trim();
  if (fromEnv) return { value: fromEnv, source: 'env', path: null };
  const path = join(opts.stateDir, 'admin-token');
  const existing = await readTokenFile(path, opts.log);
  if (existing) return { value: existing, source: 'file', path };
  const value = randomBytes(32).toString('base64url');
  try {
    await writeFileAtomic(path, value + '\n', 0o600);
  } catch (err) {
    throw new ConfigError(`cannot write the admin token file ${path}: ${(err as Error).message} (or set server.adminToken or $${TOKEN_ENV})`);
  }
  return { value, source: 'file', path };
}

async function readTokenFile(path: string, log: Logger): Promise<string | null> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`cannot read the admin token file ${path}: ${(err as Error).message}`);
  }
  if (!/^[\x21-\x7e]{16,}$/.test(text)) {
    log.warn({ path }, 'admin token file is empty or malformed; writing a new token');
    return null;
  }
  if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) {
    // Someone loosened it (a copy, a restore): other local users must not read it.
    log.warn({ path }, 'admin token file was readable by other users; restricting it to 0600');
    await chmod(path, 0o600);
  }
  return text;
}

/** Constant time in the token's length too: both sides are hashed to the same size first. */
export function tokenMatches(given: string, token: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** The dedicated header first: a client may also send Authorization for something else. */
function givenToken(request: FastifyRequest, allowQuery: boolean): string | undefined {
  const header = request.headers[TOKEN_HEADER];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && /^bearer /i.test(auth)) return auth.slice(7).trim();
  if (allowQuery) {
    const q = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof q === 'string' && q) return q;
  }
  return undefined;
}

export function isLoopbackPeer(address: string | undefined): boolean {
  return address !== undefined && isLoopbackHostname(address.replace(/^::ffff:/i, ''));
}

/**
 * An onRequest hook for admin routes: the peer must be on this machine (even when
 * server.host opens the listener wider) and must present the token. `allowQuery`
 * lets EventSource, which cannot set headers, pass it as ?token=.
 */
export function requireAdmin(token: string, allowQuery = false) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    let refused: GatewayError | null = null;
    if (!isLoopbackPeer(request.socket.remoteAddress)) {
      refused = new GatewayError(403, 'the admin API only answers requests from this machine', { retryable: false });
    } else {
      const given = givenToken(request, allowQuery);
      if (given === undefined || !tokenMatches(given, token)) {
        const why = given === undefined ? 'missing admin token' : 'wrong admin token';
        refused = new GatewayError(401, `${why}: send it as "Authorization: Bearer <token>" or the ${TOKEN_HEADER} header (see the admin token line Switchboard prints at start)`, { retryable: false });
      }
    }
    if (refused) {
      reply.code(refused.status).type('application/json').send(refused.toBody());
      return;
    }
    done();
  };
}
