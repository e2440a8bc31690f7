// The admin token: the desktop app injects it (window.switchboard.adminToken, from
// its Electron preload); headless, the login link carries it in the URL fragment
// (#token=...), which a browser never sends to a server or writes to its logs.
// It is read once at startup, kept in sessionStorage (so a reload still works,
// and closing the tab forgets it), and the fragment is removed from the address bar.

export const TOKEN_KEY = 'switchboard.adminToken';

declare global {
  interface Window {
    /** Set by the desktop app's preload (electron/preload.cts). */
    switchboard?: { adminToken?: string; adminUrl?: string; copy?: (text: string) => Promise<boolean> };
  }
}

export interface TokenEnv {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  injected?: { adminToken?: string } | undefined;
}

/** Takes the token out of the fragment ("#token=abc" or "#token=abc&x=y"); null when there is none. */
export function tokenFromHash(hash: string): string | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!h) return null;
  const params = new URLSearchParams(h.startsWith('/') ? '' : h);
  const t = params.get('token');
  return t && t.trim() ? t.trim() : null;
}

export function readToken(env: TokenEnv): string | null {
  const injected = env.injected?.adminToken;
  if (typeof injected === 'string' && injected) return injected;
  const fromHash = tokenFromHash(env.location.hash);
  if (fromHash) {
    try {
      env.storage?.setItem(TOKEN_KEY, fromHash);
    } catch {
      // storage disabled: the token lives for this page only
    }
    // Drop the fragment so the token is not left in the address bar, bookmarks or screenshots.
    env.history.replaceState(null, '', env.location.pathname + env.location.search);
    return fromHash;
  }
  try {
    return env.storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The browser's own environment. */
export function browserTokenEnv(): TokenEnv {
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  return { location: window.location, history: window.history, storage, injected: window.switchboard };
}
