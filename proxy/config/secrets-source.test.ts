import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProvider, parseProviderBody } from './provider-edit.js';
import { ProviderStore } from './provider-store.js';
import { ConfigSchema } from './schema.js';
import { fileSecrets, type SecretsSource } from './secrets-file.js';

// The desktop app keeps provider keys in the OS keychain instead of secrets.json:
// the store must read and save through whatever SecretsSource it is given.

const dir = mkdtempSync(join(tmpdir(), 'switchboard-secrets-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function memorySource(initial: Record<string, string>): SecretsSource & { saved: Array<Record<string, string>> } {
  let keys = { ...initial };
  const saved: Array<Record<string, string>> = [];
  return {
    name: 'OS keychain',
    label: 'the OS keychain',
    where: 'the OS keychain (Electron safeStorage)',
    saved,
    read: () => ({ ...keys }),
    write: async (next) => {
      keys = { ...next };
      saved.push({ ...next });
    },
  };
}

describe('ProviderStore with a SecretsSource', () => {
  it('resolves keys from the given source, names it as the key source, and saves there (not secrets.json)', async () => {
    const stateDir = join(dir, 'a');
    const secrets = memorySource({ openrouter: 'sk-or-from-keychain-1234' });
    const store = ProviderStore.open({ base: ConfigSchema.parse({ providers: { openrouter: {} } }), path: null, env: {}, stateDir, secrets });
    const settings = store.resolve();
    expect(settings.providers.get('openrouter')).toMatchObject({ apiKey: 'sk-or-from-keychain-1234', keySource: 'OS keychain' });
    expect(store.keyReport(settings)).toBe('provider keys: 1 from the OS keychain');

    const { edits } = createProvider({ base: store.baseEntries(), entries: store.entries(), edits: store.edits, ports: [] }, parseProviderBody({ type: 'openai', apiKey: 'sk-openai-keychain-5678' }, null));
    await store.save(edits);
    expect(secrets.saved).toEqual([{ openrouter: 'sk-or-from-keychain-1234', openai: 'sk-openai-keychain-5678' }]);
    expect(existsSync(join(stateDir, 'secrets.json'))).toBe(false);
  });

  it('defaults to secrets.json in the state dir', async () => {
    const stateDir = join(dir, 'b');
    const src = fileSecrets(stateDir);
    expect(src).toMatchObject({ name: 'secrets.json', label: 'secrets.json (0600)', where: `${join(stateDir, 'secrets.json')} (0600)` });
    await src.write({ openai: 'sk-openai-file-0000' });
    const store = ProviderStore.open({ base: ConfigSchema.parse({ providers: { openai: {} } }), path: null, env: {}, stateDir });
    expect(store.resolve().providers.get('openai')).toMatchObject({ apiKey: 'sk-openai-file-0000', keySource: 'secrets.json' });
    expect(store.secrets.where).toBe(src.where);
  });
});
