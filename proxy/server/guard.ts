import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHostname } from '../config/resolve.js';
import { HOP_HEADER } from '../dialects/headers.js';
import { GatewayError } from '../protocol/anthropic/errors.js';

/** Routes that answer without the client key: base-URL probes that reveal nothing. */
const OPEN_PATHS = new Set(['/', '/health']);
/** Admin routes (and the seeds' /stats) check their own, stronger token (EventSource cannot send a client key). */
const ADMIN_PATH = /^\/(?:(?:api|admin)\/|stats$)/;
/** The window's static files (server/ui.ts): a browser loading a page cannot send a client key, and they hold no data. */
const UI_PATH = /^\/ui(?:\/|$)/;

export interface GuardOptions {
  allowedHosts: string[];
  allowedOrigins: string[];
  clientApiKey?: string;
  /** Paths that check their own, stronger token (GET /metrics when it requires the admin token). */
  ownTokenPaths?: ReadonlySet<string>;
}

/**
 * Refuses what a local gateway must never serve: a Host that is not a loopback
 * name (DNS rebinding), a browser Origin from elsewhere (a web page calling
 * localhost), a request that came back from ourselves, and, when a client key
 * is set, a request without it. Returns the error, or null to let it through.
 */
export function checkRequest(headers: IncomingHttpHeaders, url: string, opts: GuardOptions): GatewayError | null {
  const host = headers.host;
  if (host !== undefined && !hostAllowed(host, opts.allowedHosts)) {
    return new GatewayError(403, `Host "${host}" is not allowed: Switchboard only answers loopback names (add it to server.allowedHosts to opt in)`, { retryable: false });
  }
  const origin = headers.origin;
  if (origin !== undefined && !originAllowed(origin, opts.allowedOrigins)) {
    return new GatewayError(403, `requests from the web origin ${origin} are not allowed`, { retryable: false });
  }
  if (headers[HOP_HEADER] !== undefined) {
    return new GatewayError(400, 'request loop: a provider base URL points back at Switchboard', { retryable: false });
  }
  // Deny by default: only the probes stay open. The listener passes the matched route, so
  // encoded paths ("/%761/messages") and absolute-form targets cannot slip past.
  const path = url.split('?')[0];
  if (opts.clientApiKey && !OPEN_PATHS.has(path) && !ADMIN_PATH.test(path) && !UI_PATH.test(path) && !opts.ownTokenPaths?.has(path) && !clientKeyMatches(headers, opts.clientApiKey)) {
    return new GatewayError(401, 'invalid x-api-key: this Switchboard requires the client key set in server.clientApiKey', { retryable: false });
  }
  return null;
}

function hostAllowed(host: string, extra: string[]): boolean {
  const name = stripPort(host);
  return isLoopbackHostname(name) || extra.includes(name) || extra.includes(host);
}

function originAllowed(origin: string, extra: string[]): boolean {
  if (extra.includes(origin)) return true;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && isLoopbackHostname(u.hostname);
  } catch {
    return false; // "null" and other opaque origins
  }
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    // "[::1]" or "[::1]:port"; anything else after the bracket ("[::1].evil.com") is kept and fails.
    const end = host.indexOf(']') + 1;
    return end > 0 && /^(:\d*)?$/.test(host.slice(end)) ? host.slice(0, end) : host;
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function clientKeyMatches(headers: IncomingHttpHeaders, key: string): boolean {
  const auth = headers.authorization;
  const given = (typeof headers['x-api-key'] === 'string' && headers['x-api-key']) || (typeof auth === 'string' && /^bearer /i.test(auth) ? auth.slice(7).trim() : '');
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}
