import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSecrets } from '../../proxy/config/secrets-file.js';
import { keychainSecrets, keychainUsable, RECORD_KEY, type RecordStore, type SafeStorageLike } from './secret-store.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-secret-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A stand-in for safeStorage: reversible, but the ciphertext never contains the plain text. */
function fakeSafeStorage(opts: { available?: boolean; backend?: string } = {}): SafeStorageLike & { calls: number } {
  const s = {
    calls: 0,
    isEncryptionAvailable: () => opts.available ?? true,
    encryptString(plain: string) {
      s.calls++;
      return Buffer.from(Buffer.from('enc:' + plain).map((b) => b ^ 0x5a));
    },
    decryptString(buf: Buffer) {
      const plain = Buffer.from(buf.map((b) => b ^ 0x5a)).toString();
      if (!plain.startsWith('enc:')) throw new Error(`bad ciphertext ${plain}`);
      return plain.slice(4);
    },
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
  };
  return s;
}

function memoryStore(): RecordStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: (k) => structuredClone(data.get(k)), set: (k, v) => void data.set(k, structuredClone(v)), has: (k) => data.has(k) };
}

describe('provider keys in the OS keychain', () => {
  it('round-trips keys encrypted: the store holds only ciphertext, never the key', async () => {
    const store = memoryStore();
    const safe = fakeSafeStorage();
    const stateDir = join(dir, `s${n++}`);
    const warnings: string[] = [];
    const src = keychainSecrets({ safeStorage: safe, store, fallback: fileSecrets(stateDir), platform: 'darwin', warn: (m) => warnings.push(m) });
    expect(src).toMatchObject({ name: 'OS keychain', label: 'the OS keychain' });
    expect(src.read()).toEqual({});
    await src.write({ openrouter: 'sk-or-v1-secret-aaaa', openai: 'sk-openai-secret-bbbb' });
    const stored = JSON.stringify(store.data.get(RECORD_KEY));
    expect(stored).not.toContain('secret');
    expect(Object.keys((store.data.get(RECORD_KEY) as { keys: object }).keys)).toEqual(['openai', 'openrouter']);
    expect(src.read()).toEqual({ openrouter: 'sk-or-v1-secret-aaaa', openai: 'sk-openai-secret-bbbb' });
    await src.write({});
    expect(src.read()).toEqual({});
    expect(existsSync(join(stateDir, 'secrets.json'))).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('imports keys the headless gateway saved in secrets.json, once, leaving that file in place', async () => {
    const stateDir = join(dir, `s${n++}`);
    const file = fileSecrets(stateDir);
    await file.write({ deepseek: 'sk-deepseek-file-cccc' });
    const store = memoryStore();
    const warnings: string[] = [];
    const src = keychainSecrets({ safeStorage: fakeSafeStorage(), store, fallback: file, platform: 'win32', warn: (m) => warnings.push(m) });
    expect(src.read()).toEqual({ deepseek: 'sk-deepseek-file-cccc' });
    expect(store.has(RECORD_KEY)).toBe(true);
    expect(warnings).toEqual([`imported 1 provider key from ${file.where} into the OS keychain; that file is still read by the headless gateway (delete it if you do not run one)`]);
    await file.write({ deepseek: 'sk-changed-later-dddd' });
    expect(src.read()).toEqual({ deepseek: 'sk-deepseek-file-cccc' }); // the keychain is the desktop's source from then on
    expect(existsSync(join(stateDir, 'secrets.json'))).toBe(true);
  });

  it('falls back to the 0600 secrets.json, with a warning, when there is no usable keychain', async () => {
    expect(keychainUsable(fakeSafeStorage({ available: false }), 'darwin')).toBe(false);
    expect(keychainUsable(fakeSafeStorage({ backend: 'basic_text' }), 'linux')).toBe(false);
    expect(keychainUsable(fakeSafeStorage({ backend: 'kwallet5' }), 'linux')).toBe(true);
    const stateDir = join(dir, `s${n++}`);
    const fallback = fileSecrets(stateDir);
    const warnings: string[] = [];
    const safe = fakeSafeStorage({ backend: 'basic_text' });
    const src = keychainSecrets({ safeStorage: safe, store: memoryStore(), fallback, platform: 'linux', warn: (m) => warnings.push(m) });
    expect(src).toBe(fallback);
    expect(warnings).toEqual([`no OS keychain is available to encrypt provider keys (Electron safeStorage), so they are kept in ${fallback.where} instead, readable only by you`]);
    await src.write({ openai: 'sk-openai-fallback-eeee' });
    expect(fallback.read()).toEqual({ openai: 'sk-openai-fallback-eeee' });
    expect(safe.calls).toBe(0);
  });

  it('skips a record that cannot be decrypted, naming the provider but never a key', async () => {
    const store = memoryStore();
    const safe = fakeSafeStorage();
    const src = keychainSecrets({ safeStorage: safe, store, fallback: fileSecrets(join(dir, `s${n++}`)), platform: 'darwin', warn: () => {} });
    await src.write({ good: 'sk-good-key-ffff', bad: 'sk-bad-key-gggg' });
    const rec = store.get(RECORD_KEY) as { version: 1; keys: Record<string, string> };
    rec.keys.bad = Buffer.from('sk-bad-key-gggg-tampered').toString('base64');
    store.set(RECORD_KEY, rec);
    const warnings: string[] = [];
    expect(src.read((m) => warnings.push(m))).toEqual({ good: 'sk-good-key-ffff' });
    expect(warnings).toEqual(['the saved key for provider "bad" could not be decrypted (the OS keychain may have been reset); set it again in Settings']);
    expect(warnings.join()).not.toContain('sk-');
  });
});
