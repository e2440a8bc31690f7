import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

// A stand-in for Google's OAuth token endpoint over a real socket. It verifies what
// google-auth-library sends as Google would: the RS256 signature of the JWT assertion
// against the service account's public key, its iss/aud/scope/iat/exp claims and the
// jwt-bearer grant type (or the refresh_token grant of gcloud user credentials), and
// issues access tokens with the lifetime a test asks for.

export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

export interface ServiceAccount {
  path: string;
  email: string;
  privateKey: string;
  publicKey: KeyObject;
}

export interface TokenRequest {
  grantType: string;
  /** The verified JWT claims (jwt-bearer), or null for other grants. */
  claims: Record<string, unknown> | null;
  /** Why the request was refused, or null when a token was issued. */
  refused: string | null;
  /** The access token issued. */
  token?: string;
}

type Reply = { status: number; body: unknown } | 'hang';

export class GoogleTokenServer {
  readonly requests: TokenRequest[] = [];
  readonly issued: string[] = [];
  /** Lifetime of issued tokens, seconds. */
  expiresIn = 3600;
  /** Milliseconds to wait before answering. */
  delayMs = 0;
  private readonly replies: Reply[] = [];
  private readonly accounts = new Map<string, KeyObject>();
  private readonly users = new Map<string, { clientSecret: string; refreshToken: string }>();
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
          const scripted = this.replies.shift();
          if (scripted === 'hang') return;
          const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
          const grantType = form.get('grant_type') ?? '';
          const rec: TokenRequest = { grantType, claims: null, refused: null };
          this.requests.push(rec);
          let refusal: string | null = null;
          if (req.method !== 'POST' || req.url !== '/token') refusal = `unexpected ${req.method} ${req.url}`;
          else if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) refusal = 'not a form post';
          else if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
            const checked = this.checkAssertion(form.get('assertion') ?? '');
            rec.claims = checked.claims;
            refusal = checked.refusal;
          } else if (grantType === 'refresh_token') {
            const user = this.users.get(form.get('client_id') ?? '');
            if (!user || user.clientSecret !== form.get('client_secret') || user.refreshToken !== form.get('refresh_token')) refusal = 'unknown client or refresh token';
          } else refusal = `unsupported grant_type ${grantType}`;
          rec.refused = refusal;
          const reply = scripted ?? (refusal ? { status: 400, body: { error: 'invalid_grant', error_description: refusal } } : null);
          if (reply) {
            res.writeHead(reply.status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(reply.body));
            return;
          }
          const token = `ya29.test-${this.issued.length + 1}-${randomBytes(12).toString('hex')}`;
          this.issued.push(token);
          rec.token = token;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ access_token: token, expires_in: this.expiresIn, token_type: 'Bearer' }));
        })();
      });
    });
  }

  static async start(): Promise<GoogleTokenServer> {
    const s = new GoogleTokenServer();
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  /** The token_uri to write into credentials files. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/token`;
  }

  /** Answers the next token request with this (a status and body, or no answer at all). */
  next(reply: Reply): this {
    this.replies.push(reply);
    return this;
  }

  /** Token requests that got a token. */
  get granted(): number {
    return this.requests.filter((r) => r.refused === null).length;
  }

  /** Writes a service-account key file (a fresh RSA key) naming this server as its token_uri. */
  writeServiceAccount(dir: string, opts: { email?: string; projectId?: string | null; name?: string; known?: boolean } = {}): ServiceAccount {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const email = opts.email ?? `switchboard-test-${randomBytes(3).toString('hex')}@p.iam.gserviceaccount.com`;
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const json: Record<string, unknown> = {
      type: 'service_account',
      private_key_id: randomBytes(20).toString('hex'),
      private_key: pem,
      client_email: email,
      client_id: '1234567890',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: this.url,
    };
    if (opts.projectId !== null) json.project_id = opts.projectId ?? 'p';
    const path = join(dir, opts.name ?? 'service-account.json');
    writeFileSync(path, JSON.stringify(json, null, 2));
    // `known: false`: a key this endpoint has never seen, so its assertions are refused.
    if (opts.known !== false) this.accounts.set(email, publicKey);
    return { path, email, privateKey: pem, publicKey };
  }

  /** Writes gcloud-style user credentials (authorized_user) naming this server as their token_uri. */
  writeAuthorizedUser(dir: string, opts: { quotaProject?: string } = {}): { path: string; refreshToken: string; clientSecret: string } {
    const clientId = `${randomBytes(4).toString('hex')}.apps.googleusercontent.com`;
    const clientSecret = `secret-${randomBytes(8).toString('hex')}`;
    const refreshToken = `1//refresh-${randomBytes(12).toString('hex')}`;
    const json: Record<string, unknown> = { type: 'authorized_user', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken, token_uri: this.url };
    if (opts.quotaProject) json.quota_project_id = opts.quotaProject;
    const path = join(dir, 'authorized-user.json');
    writeFileSync(path, JSON.stringify(json));
    this.users.set(clientId, { clientSecret, refreshToken });
    return { path, refreshToken, clientSecret };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private checkAssertion(jwt: string): { claims: Record<string, unknown> | null; refusal: string | null } {
    const parts = jwt.split('.');
    if (parts.length !== 3) return { claims: null, refusal: 'assertion is not a JWT' };
    const [h, p, sig] = parts;
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      return { claims: null, refusal: 'assertion is not JSON' };
    }
    if (header.alg !== 'RS256') return { claims, refusal: `alg ${String(header.alg)}` };
    const key = this.accounts.get(String(claims.iss));
    if (!key) return { claims, refusal: `unknown issuer ${String(claims.iss)}` };
    if (!verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url'))) return { claims, refusal: 'Invalid JWT Signature.' };
    if (claims.aud !== this.url) return { claims, refusal: `aud ${String(claims.aud)}` };
    const scopes = String(claims.scope ?? '').split(' ');
    if (!scopes.includes(CLOUD_PLATFORM)) return { claims, refusal: `scope ${String(claims.scope)}` };
    const now = Math.floor(Date.now() / 1000);
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (!(iat <= now + 60) || !(exp > now) || exp - iat > 3600) return { claims, refusal: 'Invalid JWT: iat/exp' };
    return { claims, refusal: null };
  }
}
