import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isLoopbackHostname } from '../config/resolve.js';
import { checkRequest, type GuardOptions } from './guard.js';

const NONE: GuardOptions = { allowedHosts: [], allowedOrigins: [] };

function check(headers: IncomingHttpHeaders, url = '/v1/messages', opts: GuardOptions = NONE) {
  const err = checkRequest(headers, url, opts);
  return err ? { status: err.status, type: err.type, message: err.message } : null;
}

describe('isLoopbackHostname', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.8.9.10', '::1', '[::1]', 'app.localhost', 'a.b.localhost'])('%s is loopback', (h) => {
    expect(isLoopbackHostname(h)).toBe(true);
  });

  it.each(['127.0.0.1.evil.com', '127.evil.com', '127.0.0.1.nip.io', 'localhost.evil.com', 'evillocalhost', '0.0.0.0', '::', '::2', '[::ffff:10.0.0.1]', '10.0.0.1', '192.168.1.5', '', '1270.0.0.1'])(
    '%s is not loopback',
    (h) => {
      expect(isLoopbackHostname(h)).toBe(false);
    },
  );
});

describe('Host header', () => {
  it.each(['127.0.0.1', '127.0.0.1:8080', 'localhost', 'localhost:8080', 'Localhost:8080', '[::1]', '[::1]:8080', '127.0.0.2:1'])('accepts %s', (host) => {
    expect(check({ host })).toBeNull();
  });

  it.each(['evil.example.com', 'evil.example.com:8080', '192.168.1.5:8080', '127.0.0.1.evil.com', '127.0.0.1.evil.com:8080', '[::1].evil.com', '[::1]evil', '[::2]:8080', '::1', 'localhost.evil.com:80', ''])(
    'refuses %s with a 403 permission_error',
    (host) => {
      const err = check({ host });
      expect(err).toMatchObject({ status: 403, type: 'permission_error' });
      expect(err!.message).toContain('server.allowedHosts');
    },
  );

  it('no Host header (HTTP/1.0) is let through', () => {
    expect(check({})).toBeNull();
  });

  it('allowedHosts matches the name with or without its port', () => {
    const opts = { ...NONE, allowedHosts: ['box.lan', 'proxy.corp:8443'] };
    expect(check({ host: 'box.lan' }, '/', opts)).toBeNull();
    expect(check({ host: 'box.lan:8080' }, '/', opts)).toBeNull();
    expect(check({ host: 'proxy.corp:8443' }, '/', opts)).toBeNull();
    expect(check({ host: 'proxy.corp:9999' }, '/', opts)?.status).toBe(403);
    expect(check({ host: 'evil.box.lan' }, '/', opts)?.status).toBe(403);
  });
});

describe('Origin header', () => {
  it.each(['http://localhost:5173', 'http://127.0.0.1:3000', 'https://localhost', 'http://[::1]:8080', 'http://app.localhost:3000'])('accepts %s', (origin) => {
    expect(check({ host: 'localhost', origin })).toBeNull();
  });

  it.each(['https://evil.example', 'http://evil.example:5173', 'null', 'http://127.0.0.1.evil.com', 'ws://localhost:8080', 'file://', 'chrome-extension://abc', 'not a url'])('refuses %s', (origin) => {
    const err = check({ host: 'localhost', origin });
    expect(err).toMatchObject({ status: 403, type: 'permission_error' });
    expect(err!.message).toContain(origin);
  });

  it('allowedOrigins matches the exact origin', () => {
    const opts = { ...NONE, allowedOrigins: ['https://my-tool.example'] };
    expect(check({ origin: 'https://my-tool.example' }, '/', opts)).toBeNull();
    expect(check({ origin: 'https://my-tool.example:444' }, '/', opts)?.status).toBe(403);
  });
});

describe('loop marker', () => {
  it('a request carrying x-switchboard-hop is a 400 loop error', () => {
    expect(check({ host: 'localhost', 'x-switchboard-hop': '1' })).toMatchObject({ status: 400, type: 'invalid_request_error', message: expect.stringContaining('loop') });
  });
});

describe('client key', () => {
  const KEY = 'sb-secret-client-key';
  const opts = { ...NONE, clientApiKey: KEY };

  it('is required everywhere but / and /health', () => {
    for (const url of ['/v1/messages', '/v1/messages?beta=true', '/v1/messages/count_tokens', '/v1/models', '/v1/models/:id', '/anything', '/%761/messages', 'http://127.0.0.1:8080/v1/messages', '/health/extra', '']) {
      expect(check({}, url, opts), url).toMatchObject({ status: 401, type: 'authentication_error' });
    }
    for (const url of ['/', '/health', '/health?x=1']) expect(check({}, url, opts), url).toBeNull();
  });

  it('is not asked of admin routes and /stats, which check the admin token instead', () => {
    for (const url of ['/api/usage/summary', '/api/events?after=0', '/admin/routing-strategy', '/stats', '/stats?x=1']) expect(check({}, url, opts), url).toBeNull();
    for (const url of ['/stats/x', '/statsx', '/api', '/apix/usage']) expect(check({}, url, opts), url).toMatchObject({ status: 401 });
  });

  it("is not asked of the window's static files (/ui), whose page load cannot send one", () => {
    for (const url of ['/ui', '/ui/', '/ui/*', '/ui/assets/index-abc.js']) expect(check({}, url, opts), url).toBeNull();
    for (const url of ['/uix', '/ui.html', '/v1/ui']) expect(check({}, url, opts), url).toMatchObject({ status: 401 });
    // Its Host and Origin are checked like any request's.
    expect(check({ origin: 'https://evil.example' }, '/ui/', opts)).toMatchObject({ status: 403 });
    expect(check({ host: 'evil.example:8080' }, '/ui/*', opts)).toMatchObject({ status: 403 });
  });

  it('accepts it as x-api-key or a Bearer token', () => {
    expect(check({ 'x-api-key': KEY }, '/v1/messages', opts)).toBeNull();
    expect(check({ authorization: `Bearer ${KEY}` }, '/v1/messages', opts)).toBeNull();
  });

  it.each<[string, IncomingHttpHeaders]>([
    ['no key', {}],
    ['a wrong x-api-key', { 'x-api-key': 'nope' }],
    ['a longer key', { 'x-api-key': KEY + 'x' }],
    ['a prefix of the key', { 'x-api-key': KEY.slice(0, 5) }],
    ['a wrong Bearer', { authorization: 'Bearer nope' }],
    ['the key without Bearer', { authorization: KEY }],
    ['Basic auth', { authorization: `Basic ${Buffer.from(`u:${KEY}`).toString('base64')}` }],
    ['an empty x-api-key', { 'x-api-key': '' }],
  ])('refuses %s, without echoing the key', (_name, headers) => {
    const err = check(headers, '/v1/messages', opts);
    expect(err).toMatchObject({ status: 401, type: 'authentication_error' });
    expect(err!.message).not.toContain(KEY);
  });

  it('is not asked on a path that checks its own token (/metrics behind the admin token), and only there', () => {
    const own = { ...opts, ownTokenPaths: new Set(['/metrics']) };
    expect(check({}, '/metrics', own)).toBeNull();
    expect(check({}, '/metrics', opts)).toMatchObject({ status: 401 });
    expect(check({}, '/metrics/x', own)).toMatchObject({ status: 401 });
    expect(check({ host: 'evil.com' }, '/metrics', own)?.status).toBe(403);
  });

  it('host and origin are checked before the key', () => {
    expect(check({ host: 'evil.com', 'x-api-key': KEY }, '/v1/messages', opts)?.status).toBe(403);
    expect(check({ host: 'evil.com' }, '/v1/messages', opts)?.status).toBe(403);
    expect(check({ origin: 'https://evil.example' }, '/v1/messages', opts)?.status).toBe(403);
  });

  it('with no client key configured, nothing is asked for', () => {
    expect(check({}, '/v1/messages')).toBeNull();
  });
});
