import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

// What the window's end-to-end test needs around a real gateway: an up-to-date
// build of renderer/, the UI served from the router port (or, on a gateway that
// does not serve /ui yet, from a small static server that forwards everything
// else to the gateway, so the page is still same-origin), and headless Chromium.

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const DIST = join(ROOT, 'renderer', 'dist');
export const SHOTS = join(ROOT, 'test-results', 'ui');
export const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds renderer/dist when it is missing or older than any source file (once, about 2 s). */
export function ensureUiBuilt(): void {
  const index = join(DIST, 'index.html');
  const src = Math.max(newest(join(ROOT, 'renderer', 'src')), statSync(join(ROOT, 'renderer', 'index.html')).mtimeMs, statSync(join(ROOT, 'renderer', 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= src) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'renderer', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000, env: { ...process.env, NODE_ENV: 'production' } }); // vitest sets NODE_ENV=test, which would give React's development build
  if (r.status !== 0) throw new Error(`vite build renderer failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };

export interface UiServer {
  /** Origin whose /ui/ is the window and whose /api goes to the gateway. */
  origin: string;
  /** True when the gateway itself serves /ui (proxy/server/ui.ts). */
  servedByGateway: boolean;
  close(): Promise<void>;
}

/** The gateway's own /ui when it has one; else a static server for dist that forwards the rest to the gateway. */
export async function serveUi(gatewayUrl: string): Promise<UiServer> {
  const probe = await fetch(`${gatewayUrl}/ui/`).catch(() => null);
  if (probe?.ok && (probe.headers.get('content-type') ?? '').includes('text/html')) {
    return { origin: gatewayUrl, servedByGateway: true, close: async () => undefined };
  }
  const target = new URL(gatewayUrl);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/ui' || path.startsWith('/ui/')) {
      const rel = decodeURIComponent(path.slice(4)) || 'index.html';
      const file = resolve(DIST, rel);
      const ok = file.startsWith(DIST) && existsSync(file) && statSync(file).isFile();
      const chosen = ok ? file : join(DIST, 'index.html');
      res.writeHead(200, { 'content-type': TYPES[extname(chosen)] ?? 'application/octet-stream', 'content-security-policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'" });
      res.end(readFileSync(chosen));
      return;
    }
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      res.flushHeaders(); // an event stream's headers must not wait for its first event
      ur.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    servedByGateway: false,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

/** Headless Debian Chromium; chromium.launch gives it a fresh temporary profile of its own each time. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 60_000 });
}

export function shotsDir(): string {
  mkdirSync(SHOTS, { recursive: true });
  return SHOTS;
}
