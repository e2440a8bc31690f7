import { describe, expect, it, vi } from 'vitest';
import { readToken, TOKEN_KEY, tokenFromHash, type TokenEnv } from './token';

function env(hash: string, stored: string | null = null, injected?: { adminToken?: string }): TokenEnv & { store: Map<string, string>; replaced: string[] } {
  const store = new Map<string, string>();
  if (stored) store.set(TOKEN_KEY, stored);
  const replaced: string[] = [];
  return {
    store,
    replaced,
    location: { hash, pathname: '/ui/', search: '' },
    history: { replaceState: vi.fn((_s, _t, url) => void replaced.push(String(url))) },
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    injected,
  };
}

describe('admin token', () => {
  it('reads #token= (alone or with other fragment parameters), and ignores page routes', () => {
    expect(tokenFromHash('#token=abc')).toBe('abc');
    expect(tokenFromHash('#token=a-b_c&x=1')).toBe('a-b_c');
    expect(tokenFromHash('#/costs')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
  });

  it('takes the fragment once: stores it in sessionStorage and removes it from the address bar', () => {
    const e = env('#token=secret-1');
    expect(readToken(e)).toBe('secret-1');
    expect(e.store.get(TOKEN_KEY)).toBe('secret-1');
    expect(e.replaced).toEqual(['/ui/']);
  });

  it('after a reload (no fragment) the token comes from sessionStorage', () => {
    const e = env('', 'kept');
    expect(readToken(e)).toBe('kept');
    expect(e.replaced).toEqual([]);
  });

  it('the desktop preload wins, and is not written to storage or the URL', () => {
    const e = env('#token=from-link', null, { adminToken: 'from-preload' });
    expect(readToken(e)).toBe('from-preload');
    expect(e.store.size).toBe(0);
    expect(e.replaced).toEqual([]);
  });

  it('works without storage (disabled): the token lives for the page only', () => {
    const e = { ...env('#token=x'), storage: null };
    expect(readToken(e)).toBe('x');
    expect(readToken({ ...e, location: { hash: '', pathname: '/ui/', search: '' } })).toBeNull();
  });
});
