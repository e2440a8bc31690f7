import { AdminApi } from './client';
import { browserTokenEnv, readToken } from './token';

// The one AdminApi the window uses. main.tsx sets it up once at startup (reading the
// token); tests put a fake in its place with setApi().

let current: AdminApi | null = null;

export function api(): AdminApi {
  if (!current) current = new AdminApi({ base: window.switchboard?.adminUrl ?? '', token: readToken(browserTokenEnv()) });
  return current;
}

export function setApi(next: AdminApi): void {
  current = next;
}

export { AdminApi, ApiError, queryString } from './client';
export { explain, type Explained } from './explain';
export type * from './types';
