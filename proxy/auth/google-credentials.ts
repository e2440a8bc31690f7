import { readFile } from 'node:fs/promises';
import type { JWTInput } from 'google-auth-library';
import { GatewayError } from '../protocol/anthropic/errors.js';

// Reads a Google credentials JSON file ourselves rather than handing the path to
// google-auth-library, so that a missing or malformed file becomes a message that
// names the file and says what to do, and so that the key material is known to the
// redactor before anything can echo it.

/** Google's OAuth token endpoint, which google-auth-library uses whatever the file says. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface CredentialsFileRef {
  path: string;
  /** Where the path came from, for messages: `providers.<id>.credentialsFile` or `$GOOGLE_APPLICATION_CREDENTIALS`. */
  source: string;
}

export interface LoadedCredentials {
  json: JWTInput & { token_uri?: string };
  /** Who these credentials are, for messages: a service account's email, or the kind of file. */
  who: string;
  /** The project the file names (service accounts' project_id, else a quota project), if any. */
  project?: string;
  /** The file's token endpoint when it is not Google's default (tests, private endpoints). */
  tokenUri?: string;
  /** Key material to redact: the private key (as is and JSON-escaped), client secrets, refresh tokens. */
  secrets: string[];
}

const REQUIRED: Record<string, string[]> = {
  service_account: ['client_email', 'private_key'],
  authorized_user: ['client_id', 'client_secret', 'refresh_token'],
};
/** Types google-auth-library understands beyond the two we check field by field. */
const PASSED_THROUGH = new Set(['external_account', 'impersonated_service_account', 'external_account_authorized_user', 'gdch_service_account']);

/** A credentials problem: the gateway cannot authenticate, so the request cannot be sent (500, not the client's fault). */
export function credentialsError(message: string): GatewayError {
  return new GatewayError(500, message, { type: 'api_error', retryable: true });
}

export async function loadCredentials(ref: CredentialsFileRef, label: string): Promise<LoadedCredentials> {
  const where = `${ref.path} (${ref.source})`;
  const fix = `Point ${ref.source} at a service-account key file, or unset it to use Application Default Credentials ("gcloud auth application-default login").`;
  let text: string;
  try {
    text = await readFile(ref.path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw credentialsError(`${label}: the Google credentials file ${where} does not exist. ${fix}`);
    if (code === 'EISDIR') throw credentialsError(`${label}: the Google credentials file ${where} is a directory. ${fix}`);
    throw credentialsError(`${label}: cannot read the Google credentials file ${where}: ${code ?? (err as Error).message}. ${fix}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw credentialsError(`${label}: the Google credentials file ${where} is not valid JSON; expected a service-account key file ("type": "service_account"). ${fix}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw credentialsError(`${label}: the Google credentials file ${where} is not a JSON object. ${fix}`);
  const o = json as Record<string, unknown>;
  const type = typeof o.type === 'string' ? o.type : '';
  const required = REQUIRED[type];
  if (!required && !PASSED_THROUGH.has(type)) {
    throw credentialsError(`${label}: the Google credentials file ${where} has ${type ? `"type": "${type}"` : 'no "type"'}; expected "service_account" (a key file from the Cloud console) or "authorized_user" (gcloud). ${fix}`);
  }
  const missing = (required ?? []).filter((k) => typeof o[k] !== 'string' || !o[k]);
  if (missing.length) throw credentialsError(`${label}: the Google credentials file ${where} lacks ${missing.map((k) => `"${k}"`).join(', ')}. ${fix}`);

  const str = (k: string) => (typeof o[k] === 'string' && o[k] ? (o[k] as string) : undefined);
  const secrets: string[] = [];
  const key = str('private_key');
  // As loaded, and as it appears inside JSON text (newlines escaped).
  if (key) secrets.push(key, JSON.stringify(key).slice(1, -1));
  for (const k of ['client_secret', 'refresh_token']) {
    const v = str(k);
    if (v) secrets.push(v);
  }
  const tokenUri = str('token_uri');
  return {
    json: o as LoadedCredentials['json'],
    who: type === 'service_account' ? `service account ${str('client_email')}` : type === 'authorized_user' ? 'gcloud user credentials' : `${type} credentials`,
    project: str('project_id') ?? str('quota_project_id'),
    tokenUri: tokenUri && tokenUri !== GOOGLE_TOKEN_URL ? tokenUri : undefined,
    secrets,
  };
}
