// The window served at /ui on the router port: the built files with the right
// types, caching and security headers, the app's routes falling back to
// index.html, no token needed (static files only), and the Host/Origin guard
// in front of it and of the API calls the page makes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_CSP } from '../../server/ui.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { ScriptedUpstream } from '../upstream.js';
import { expectAnthropicError } from './_helpers.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/ui/assets/index-Bx7kQ2aZ.js"></script></head><body><div id="root"></div></body></html>\n';
const JS = 'console.log("switchboard window");\n';
const CSS = 'body { margin: 0 }\n';

/** A GET of exactly this path with exactly these headers (fetch would resolve dot segments, and not let a test set Host). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const path = url.slice(u.origin.length);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the window at /ui', () => {
  let dir: string;
  let up: ScriptedUpstream;
  let gw: RunningGateway;
  let base: string;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-ui-'));
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    mkdirSync(join(dist, '.vite'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-Bx7kQ2aZ.js'), JS);
    writeFileSync(join(dist, 'assets', 'index-C1d2E3f4.css'), CSS);
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dist, '.vite', 'manifest.json'), '{}');
    up = await ScriptedUpstream.start();
    // A client key is set: the window's files must not need it (a page load cannot send one).
    gw = await startGateway({ server: { clientApiKey: 'client-secret-key' }, providers: { a: { type: 'openai-compatible', baseUrl: up.url } } }, {}, { stateDir: join(dir, 'state'), uiDir: dist });
    base = gw.url('router');
    token = readFileSync(join(dir, 'state', 'admin-token'), 'utf8').trim();
  });
  afterAll(async () => {
    await gw?.close();
    await up?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectSecurityHeaders = (res: Response) => {
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  };

  it('serves index.html at /ui and /ui/, without a token or client key, with the CSP', async () => {
    expect(UI_CSP).toContain("frame-ancestors 'none'");
    for (const path of ['/ui', '/ui/']) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expectSecurityHeaders(res);
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('serves hashed assets with their types, cached for good', async () => {
    const js = await fetch(`${base}/ui/assets/index-Bx7kQ2aZ.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(js);
    expect(await js.text()).toBe(JS);
    const css = await fetch(`${base}/ui/assets/index-C1d2E3f4.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toBe(CSS);
    const svg = await fetch(`${base}/ui/favicon.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('no-cache');
  });

  it("falls back to index.html for the app's routes, not for missing files", async () => {
    for (const path of ['/ui/providers', '/ui/providers/openrouter', '/ui/costs/']) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(INDEX);
    }
    // Sent as written (fetch would resolve the dot segments itself).
    for (const path of ['/ui/assets/missing-123.js', '/ui/.vite/manifest.json', '/ui/%2e%2e/%2e%2e/package.json', '/ui/assets/..%2f..%2fstate%2fadmin-token', '/ui/..%5cstate', '/ui/assets/%00.js']) {
      const res = await rawGet(base + path, { host: new URL(base).host });
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain(token);
      expect(res.body).not.toContain('"name"');
    }
  });

  it('keeps the Host and Origin checks: foreign origins are refused, the page itself is let through', async () => {
    const foreign = await fetch(`${base}/ui/`, { headers: { origin: 'https://evil.example' } });
    await expectAnthropicError(foreign, 403, 'permission_error');
    const rebound = await rawGet(`${base}/ui/`, { host: 'evil.example' });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('<div id="root">');

    // What the page's fetches look like: same origin, admin token from the URL fragment.
    const origin = base;
    const listed = await fetch(`${base}/api/providers`, { headers: { origin, authorization: `Bearer ${token}` } });
    expect(listed.status).toBe(200);
    const added = await fetch(`${base}/api/providers`, {
      method: 'POST',
      headers: { origin, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'openai-compatible', id: 'from-page', baseUrl: up.url, port: 0 }),
    });
    expect(added.status).toBe(201);
    const refused = await fetch(`${base}/api/providers/from-page`, { method: 'DELETE', headers: { origin: 'http://evil.example:8080', authorization: `Bearer ${token}` } });
    await expectAnthropicError(refused, 403, 'permission_error');
    expect(gw.gateway.settings.providers.has('from-page')).toBe(true);
    // The page's files never stand in for the admin token.
    await expectAnthropicError(await fetch(`${base}/api/providers`, { headers: { origin } }), 401, 'authentication_error');
  });

  it('is on the router port only', async () => {
    const res = await fetch(`${gw.url('a')}/ui/`, { headers: { 'x-api-key': 'client-secret-key' } });
    await expectAnthropicError(res, 404, 'not_found_error');
  });
});

describe('/ui without a build', () => {
  it('says how to build it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'switchboard-ui-none-'));
    const gw = await startGateway({}, {}, { stateDir, uiDir: join(stateDir, 'no-such-dist') });
    try {
      const res = await fetch(`${gw.url('router')}/ui/`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.text()).toContain('UI not built: run <code>npm run build</code>');
    } finally {
      await gw.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
