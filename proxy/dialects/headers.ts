import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedProvider } from '../config/resolve.js';
import { ACCEPT_ENCODING } from '../upstream/client.js';

/** Marks requests we send, so a provider pointed back at Switchboard is caught. */
export const HOP_HEADER = 'x-switchboard-hop';

/** Headers every upstream request carries: auth, content type, encodings we can decode, hop marker. */
export function baseHeaders(provider: ResolvedProvider, client: IncomingHttpHeaders): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    'accept-encoding': ACCEPT_ENCODING,
    [HOP_HEADER]: '1',
    ...provider.headers,
  };
  const key = provider.apiKey;
  if (key) {
    if (provider.auth === 'x-api-key') h['x-api-key'] = key;
    else if (provider.auth === 'bearer') h.authorization = `Bearer ${key}`;
    else if (provider.auth === 'x-goog-api-key') h['x-goog-api-key'] = key;
  } else if (provider.forwardClientAuth) {
    // The user's own Anthropic credentials (API key or OAuth token) go to the provider they were made for.
    const apiKey = single(client['x-api-key']);
    const bearer = single(client.authorization);
    if (apiKey) h['x-api-key'] = apiKey;
    if (bearer) h.authorization = bearer;
  }
  return h;
}

export function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
