import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretRedactor } from '../log.js';
import { GatewayError } from '../protocol/anthropic/errors.js';
import { CLOUD_PLATFORM, GoogleTokenServer, type ServiceAccount } from '../test/google-token-server.js';
import { GoogleTokenSource } from './google.js';

// google-auth-library for real, against a local token endpoint that verifies the signed
// JWT assertion: caching, refresh ahead of expiry, single flight, failures, redaction.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GoogleTokenSource', () => {
  let server: GoogleTokenServer;
  let dir: string;
  let sa: ServiceAccount;

  beforeAll(async () => {
    server = await GoogleTokenServer.start();
    dir = mkdtempSync(join(tmpdir(), 'sb-google-auth-'));
    sa = server.writeServiceAccount(dir);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const source = (extra: Partial<ConstructorParameters<typeof GoogleTokenSource>[0]> = {}) =>
    new GoogleTokenSource({ id: 'vx', label: 'Vertex AI Claude', credentialsFile: { path: sa.path, source: 'providers.vx.credentialsFile' }, needsProject: true, ...extra });

  it('signs a verified JWT assertion, caches the token and hands it out synchronously', async () => {
    server.expiresIn = 3600;
    const before = server.requests.length;
    const ts = source();
    const first = await ts.headers();
    expect(server.requests.length).toBe(before + 1);
    const req = server.requests[server.requests.length - 1];
    expect(req).toMatchObject({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', refused: null });
    expect(req.claims).toMatchObject({ iss: sa.email, aud: server.url, scope: CLOUD_PLATFORM });
    expect(first.authorization).toBe(`Bearer ${server.issued[server.issued.length - 1]}`);
    expect(ts.projectId).toBe('p');
    for (let i = 0; i < 50; i++) {
      const h = ts.headers();
      expect(h).not.toBeInstanceOf(Promise);
      expect(h).toBe(first);
    }
    expect(server.requests.length).toBe(before + 1);
  });

  it('shares one token request among concurrent callers', async () => {
    server.delayMs = 100;
    const before = server.requests.length;
    const ts = source();
    const all = await Promise.all(Array.from({ length: 20 }, () => ts.headers()));
    server.delayMs = 0;
    expect(server.requests.length).toBe(before + 1);
    expect(new Set(all.map((h) => h.authorization)).size).toBe(1);
    expect(ts.fetches).toBe(1);
  });

  it('refreshes ahead of expiry while the current token keeps serving, and waits once it is spent', async () => {
    server.expiresIn = 2;
    const ts = source();
    const a = await ts.headers();
    // Half the 2 s lifetime later the refresh starts; this call still gets the current token.
    await sleep(1100);
    const during = ts.headers();
    expect(during).toBe(a);
    await sleep(300);
    const b = ts.headers();
    expect(b).not.toBeInstanceOf(Promise);
    expect((b as Record<string, string>).authorization).not.toBe(a.authorization);
    expect(ts.fetches).toBe(2);
    // Nobody asks until the token is past use: the next caller waits for a new one.
    await sleep(2000);
    const c = ts.headers();
    expect(c).toBeInstanceOf(Promise);
    expect((await c).authorization).not.toBe((b as Record<string, string>).authorization);
    server.expiresIn = 3600;
  }, 10_000);

  it('obtains a new token after invalidate (the upstream answered 401)', async () => {
    const ts = source();
    const a = await ts.headers();
    ts.invalidate();
    const b = await ts.headers();
    expect(b.authorization).not.toBe(a.authorization);
  });

  it('turns a refused assertion into a clear Anthropic-format error naming the file', async () => {
    server.next({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } });
    const err = await Promise.resolve(source().headers()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    const ge = err as GatewayError;
    expect(ge.status).toBe(500);
    expect(ge.type).toBe('api_error');
    expect(ge.message).toContain('Vertex AI Claude: Google refused to issue an access token');
    expect(ge.message).toContain(sa.path);
    expect(ge.message).toContain('invalid_grant: Invalid JWT Signature.');
  });

  it('names a missing, unreadable or malformed credentials file and says what to do', async () => {
    const missing = join(dir, 'nope.json');
    const e1 = (await Promise.resolve(new GoogleTokenSource({ id: 'vx', label: 'Vertex AI Claude', credentialsFile: { path: missing, source: '$GOOGLE_APPLICATION_CREDENTIALS' } }).headers()).catch((e: unknown) => e)) as GatewayError;
    expect(e1.status).toBe(500);
    expect(e1.message).toBe(
      `Vertex AI Claude: the Google credentials file ${missing} ($GOOGLE_APPLICATION_CREDENTIALS) does not exist. Point $GOOGLE_APPLICATION_CREDENTIALS at a service-account key file, or unset it to use Application Default Credentials ("gcloud auth application-default login").`,
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"type": "service_account", ');
    const e2 = (await Promise.resolve(source({ credentialsFile: { path: bad, source: 'providers.vx.credentialsFile' } }).headers()).catch((e: unknown) => e)) as GatewayError;
    expect(e2.message).toMatch(/credentials file .*bad\.json \(providers\.vx\.credentialsFile\) is not valid JSON/);
    writeFileSync(bad, JSON.stringify({ type: 'service_account', client_email: 'x@y' }));
    const e3 = (await Promise.resolve(source({ credentialsFile: { path: bad, source: 'providers.vx.credentialsFile' } }).headers()).catch((e: unknown) => e)) as GatewayError;
    expect(e3.message).toContain('lacks "private_key"');
    writeFileSync(bad, JSON.stringify({ installed: { client_id: 'x' } }));
    const e4 = (await Promise.resolve(source({ credentialsFile: { path: bad, source: 'providers.vx.credentialsFile' } }).headers()).catch((e: unknown) => e)) as GatewayError;
    expect(e4.message).toContain('has no "type"; expected "service_account"');
  });

  it('reads the file again once it is fixed', async () => {
    const later = join(dir, 'later.json');
    const ts = source({ credentialsFile: { path: later, source: 'providers.vx.credentialsFile' } });
    await expect(Promise.resolve(ts.headers())).rejects.toThrow(/does not exist/);
    writeFileSync(later, JSON.stringify({ type: 'service_account', client_email: sa.email, private_key: sa.privateKey, token_uri: server.url, project_id: 'p' }));
    expect((await ts.headers()).authorization).toMatch(/^Bearer ya29\.test-/);
  });

  it('bounds a token fetch that never answers', async () => {
    server.next('hang');
    const err = (await Promise.resolve(source({ timeoutMs: 300 }).headers()).catch((e: unknown) => e)) as GatewayError;
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.status).toBe(504);
    expect(err.type).toBe('timeout_error');
    expect(err.message).toContain('no Google access token within 0.3 s');
  });

  it('needs a project: configured wins over the file; none anywhere is a clear error', async () => {
    const configured = source({ project: 'other-project' });
    await configured.headers();
    expect(configured.projectId).toBe('other-project');
    const noProject = server.writeServiceAccount(dir, { projectId: null, name: 'no-project.json' });
    const err = (await Promise.resolve(source({ credentialsFile: { path: noProject.path, source: 'providers.vx.credentialsFile' } }).headers()).catch((e: unknown) => e)) as GatewayError;
    expect(err.message).toContain('no Google Cloud project: set providers.vx.project');
  });

  it('refreshes gcloud user credentials (authorized_user) with the refresh_token grant', async () => {
    const user = server.writeAuthorizedUser(dir, { quotaProject: 'quota-p' });
    const ts = source({ credentialsFile: { path: user.path, source: '$GOOGLE_APPLICATION_CREDENTIALS' } });
    const h = await ts.headers();
    expect(server.requests[server.requests.length - 1]).toMatchObject({ grantType: 'refresh_token', refused: null });
    expect(h.authorization).toBe(`Bearer ${server.issued[server.issued.length - 1]}`);
    expect(h['x-goog-user-project']).toBe('quota-p');
    expect(ts.projectId).toBe('quota-p');
  });

  it('registers tokens and key material with the redactor and never logs them', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const redact = secretRedactor([]);
    const ts = source();
    ts.bind({ redact, log });
    await ts.warm();
    const token = (ts.headers() as Record<string, string>).authorization.slice(7);
    expect(redact(`echo ${token}`)).toBe('echo [redacted]');
    expect(redact(sa.privateKey)).toBe('[redacted]');
    expect(redact(JSON.stringify({ private_key: sa.privateKey }))).toBe('{"private_key":"[redacted]"}');
    expect(redact.found(Buffer.from(`x${token}x`))).toBe(true);
    // Nothing enumerable holds the token or the key (a provider object logged by mistake).
    const visible = JSON.stringify({ ...ts, log: null });
    expect(visible).not.toContain(token);
    expect(visible).not.toContain('PRIVATE KEY');
    const all = lines.join('');
    expect(all).toContain('Google credentials ready');
    expect(all).not.toContain(token);
    expect(all).not.toContain('PRIVATE KEY');
  });

  it('unbind takes its secrets back out of the redactor, leaving what another holder added', async () => {
    const redact = secretRedactor([]);
    const ts = source();
    ts.bind({ redact, log: pino({ level: 'silent' }) });
    await ts.warm();
    const token = (ts.headers() as Record<string, string>).authorization.slice(7);
    // A second provider reading the same key file holds the key too.
    redact.add(sa.privateKey);
    ts.unbind();
    expect(redact(`echo ${token}`)).toBe(`echo ${token}`);
    expect(redact(sa.privateKey)).toBe('[redacted]');
    redact.remove(sa.privateKey);
    expect(redact(sa.privateKey)).toBe(sa.privateKey);
  });
});
