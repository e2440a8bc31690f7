import type { SecretsSource } from '../../proxy/config/secrets-file.js';

// Provider keys in the desktop app: each key encrypted with Electron's safeStorage
// (the OS keychain: macOS Keychain, Windows DPAPI, libsecret/kwallet on Linux) and the
// ciphertext kept in electron-store. Both are injected, so this runs without Electron.
// Where no real keychain is available (safeStorage says encryption is unavailable, or
// Linux falls back to its hard-coded "basic_text" password), keys go to the 0600
// secrets.json instead, as the headless gateway does, and a warning says so.
// Key values are never logged or put in a message.

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which backend encrypts ("basic_text" is not a keychain). */
  getSelectedStorageBackend?(): string;
}

/** The part of electron-store used here (get/set/has on one key). */
export interface RecordStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  has(key: string): boolean;
}

/** electron-store key of the encrypted records: { version: 1, keys: { <provider id>: <base64 ciphertext> } }. */
export const RECORD_KEY = 'providerKeys';

interface Records {
  version: 1;
  keys: Record<string, string>;
}

/** Whether safeStorage is backed by a real keychain here. */
export function keychainUsable(safe: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!safe.isEncryptionAvailable()) return false;
  if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text') return false;
  return true;
}

export interface KeychainOptions {
  safeStorage: SafeStorageLike;
  store: RecordStore;
  /** Used instead when there is no usable keychain: the headless secrets.json (0600). */
  fallback: SecretsSource;
  platform: NodeJS.Platform;
  warn: (msg: string) => void;
}

/**
 * The desktop app's SecretsSource. On first use, keys the headless gateway saved in
 * secrets.json are imported (the file is left for `npm run serve`, which still reads it).
 */
export function keychainSecrets(opts: KeychainOptions): SecretsSource {
  const { safeStorage: safe, store, fallback, warn } = opts;
  if (!keychainUsable(safe, opts.platform)) {
    warn(`no OS keychain is available to encrypt provider keys (Electron safeStorage), so they are kept in ${fallback.where} instead, readable only by you`);
    return fallback;
  }
  return {
    name: 'OS keychain',
    label: 'the OS keychain',
    where: 'the OS keychain (Electron safeStorage, stored encrypted in the app settings)',
    read(warnRead = warn) {
      if (!store.has(RECORD_KEY)) {
        const imported = fallback.read(warnRead);
        const n = Object.keys(imported).length;
        if (n) {
          writeRecords(store, safe, imported);
          warnRead(`imported ${n} provider key${n === 1 ? '' : 's'} from ${fallback.where} into the OS keychain; that file is still read by the headless gateway (delete it if you do not run one)`);
        }
        return imported;
      }
      return readRecords(store, safe, warnRead);
    },
    async write(keys) {
      writeRecords(store, safe, keys);
    },
  };
}

function writeRecords(store: RecordStore, safe: SafeStorageLike, keys: Readonly<Record<string, string>>): void {
  const out: Records = { version: 1, keys: {} };
  for (const id of Object.keys(keys).sort()) out.keys[id] = safe.encryptString(keys[id]).toString('base64');
  store.set(RECORD_KEY, out);
}

function readRecords(store: RecordStore, safe: SafeStorageLike, warn: (msg: string) => void): Record<string, string> {
  const raw = store.get(RECORD_KEY) as Partial<Records> | undefined;
  const out: Record<string, string> = {};
  if (!raw || typeof raw !== 'object' || typeof raw.keys !== 'object' || raw.keys === null) {
    warn('the saved provider keys are not in the expected form; set them again in Settings');
    return out;
  }
  for (const [id, cipher] of Object.entries(raw.keys)) {
    try {
      if (typeof cipher !== 'string') throw new Error('not a string');
      out[id] = safe.decryptString(Buffer.from(cipher, 'base64'));
    } catch {
      // The error text could carry key material from a bad decrypt; name only the provider.
      warn(`the saved key for provider "${id}" could not be decrypted (the OS keychain may have been reset); set it again in Settings`);
    }
  }
  return out;
}
