import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

// The React window (renderer/dist, Vite's build output) at /ui on router ports.
// Static files only, so no admin token: the page gets the token from its URL
// fragment (#token=..., never sent to a server) and sends it with every /api call.
// The listener's guard still applies (loopback Host names, no foreign Origin).

export const UI_PREFIX = '/ui';

/** Same-origin only: scripts and styles from the gateway, no inline script, no framing. */
export const UI_CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

/** Vite names what it emits under assets/ by content hash: such a URL never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard</title></head>
<body><h1>UI not built</h1><p>UI not built: run <code>npm run build</code> in the Switchboard directory, then reload this page.</p>
<p>The gateway itself is running; the admin API is at <code>/api</code>.</p></body></html>
`;

/** renderer/dist of the package this module belongs to (from proxy/server/ or dist/proxy/server/). */
export function defaultUiDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && isSwitchboardPackage(pkg)) return join(dir, 'renderer', 'dist');
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../renderer/dist');
}

function isSwitchboardPackage(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'switchboard';
  } catch {
    return false;
  }
}

/** GET /ui and /ui/*: files from `dir`, index.html for app routes (paths without an extension). */
export function uiRoutes(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  const serve = async (rel: string, reply: FastifyReply) => {
    reply.headers(SECURITY_HEADERS);
    const index = join(root, 'index.html');
    if (!existsSync(index)) return reply.code(503).type(TYPES['.html']).header('cache-control', 'no-store').send(NOT_BUILT);
    const file = resolveFile(root, rel);
    if (file === 'bad') return reply.code(404).type(TYPES['.txt']).send('not found');
    if (file !== null) {
      const info = await stat(file).catch(() => null);
      if (info?.isFile()) {
        const ext = extname(file).toLowerCase();
        const immutable = rel.startsWith('assets/');
        return reply
          .type(TYPES[ext] ?? 'application/octet-stream')
          .header('cache-control', immutable ? IMMUTABLE : 'no-cache')
          .send(await readFile(file));
      }
    }
    // A missing file with an extension is a missing file; anything else is a route of the app.
    if (extname(rel)) return reply.code(404).type(TYPES['.txt']).send('not found');
    return reply.type(TYPES['.html']).header('cache-control', 'no-cache').send(await readFile(index));
  };
  app.get(UI_PREFIX, (_request, reply) => serve('', reply));
  app.get(`${UI_PREFIX}/*`, (request, reply) => serve((request.params as { '*': string })['*'] ?? '', reply));
}

/** The file for a path under the root; null for the app's index; 'bad' for anything escaping it or hidden (.vite/). */
function resolveFile(root: string, rel: string): string | null | 'bad' {
  if (rel === '' || rel.endsWith('/')) return null;
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p.startsWith('.') || p.includes('\\') || p.includes('\0'))) return 'bad';
  const file = resolve(root, ...parts);
  return file.startsWith(root + sep) ? file : 'bad';
}
