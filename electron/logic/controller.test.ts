import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsSource } from '../../proxy/config/secrets-file.js';
import type { GatewayEvent } from '../../proxy/events/bus.js';
import { ScriptedUpstream } from '../../proxy/test/upstream.js';
import { GatewayController } from './controller.js';
import type { GatewaySnapshot } from './snapshot.js';
import { trayLook } from './tray-state.js';

// The desktop app's gateway lifecycle against a real gateway on free ports, with
// provider keys from a keychain-like SecretsSource (no Electron involved).

const dir = mkdtempSync(join(tmpdir(), 'switchboard-controller-'));
let up: ScriptedUpstream;
beforeAll(async () => {
  up = await ScriptedUpstream.start();
});
afterAll(async () => {
  await up.close();
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;

function keychain(keys: Record<string, string>): SecretsSource {
  return { name: 'OS keychain', label: 'the OS keychain', where: 'the OS keychain', read: () => ({ ...keys }), write: async () => {} };
}

function controller(config: object, seen: { snapshots: GatewaySnapshot[]; events: GatewayEvent[] }) {
  const base = join(dir, `c${n++}`);
  const configPath = `${base}-config.json`;
  writeFileSync(configPath, JSON.stringify(config));
  return new GatewayController({
    env: {},
    configPath,
    stateDir: `${base}-state`,
    secrets: keychain({ oa: 'sk-oa-from-keychain-1234' }),
    gateway: { logger: pino({ level: 'silent' }), ledgerPath: `${base}-usage.db`, healthProbes: { intervalMs: 0 }, prices: { fetch: false }, uiDir: null },
    onChange: (s) => seen.snapshots.push(s),
    onEvent: (e) => seen.events.push(e),
  });
}

describe('GatewayController', () => {
  it('starts the gateway with keys from the given source, reports it, switches strategy, and stops it', async () => {
    const seen = { snapshots: [] as GatewaySnapshot[], events: [] as GatewayEvent[] };
    const c = controller({ providers: { oa: { type: 'openai-compatible', baseUrl: up.url, apiKeyEnv: 'NOT_SET', models: { sonnet: 'm' } } }, ports: [{ port: 0, use: 'router' }, { port: 0, use: 'oa' }] }, seen);
    expect(c.snapshot().run).toBe('stopped');
    await c.start();
    const s = c.snapshot();
    expect(seen.snapshots.map((x) => x.run)).toEqual(['starting', 'running']);
    expect(s).toMatchObject({ run: 'running', error: null, strategy: 'intelligent', providers: [{ id: 'oa', label: 'OpenAI-compatible server (oa)', health: 'unknown' }] });
    expect(s.ports.map((p) => [p.use, p.label, p.health])).toEqual([
      ['router', 'Router', null],
      ['oa', 'OpenAI-compatible server (oa)', 'unknown'],
    ]);
    expect(s.ports[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(trayLook(s).state).toBe('running-healthy');
    expect(c.adminUrl).toBe(s.ports[0].url);
    expect(c.adminToken).toMatch(/^[\w-]{20,}$/);
    expect(c.gateway?.settings.providers.get('oa')).toMatchObject({ apiKey: 'sk-oa-from-keychain-1234', keySource: 'OS keychain' });

    await c.setStrategy('cost');
    expect(c.snapshot().strategy).toBe('cost');
    expect(seen.events.map((e) => e.type)).toContain('strategy');
    expect(seen.snapshots.at(-1)?.strategy).toBe('cost');

    await c.stop(1000);
    expect(seen.snapshots.slice(-2).map((x) => x.run)).toEqual(['stopping', 'stopped']);
    expect(c.adminUrl).toBeNull();
    expect(c.gateway).toBeNull();
    // Start again builds a new gateway, which restores the saved strategy.
    await c.start();
    expect(c.snapshot()).toMatchObject({ run: 'running', strategy: 'cost' });
    await c.stop(1000);
  });

  it('reports a start that fails (a port in use) as state failed with the reason, without throwing', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const seen = { snapshots: [] as GatewaySnapshot[], events: [] as GatewayEvent[] };
      const c = controller({ providers: {}, ports: [{ port, use: 'router' }] }, seen);
      await c.start();
      const s = c.snapshot();
      expect(s.run).toBe('failed');
      expect(s.error).toMatch(/^a port is already in use \(.*\d+\); is another Switchboard running\?$/);
      expect(trayLook(s)).toMatchObject({ state: 'down' });
      expect(c.adminUrl).toBeNull();
    } finally {
      blocker.close();
    }
  });

  it('reports a bad config file as failed, naming the field', async () => {
    const seen = { snapshots: [] as GatewaySnapshot[], events: [] as GatewayEvent[] };
    const c = controller({ providers: { x: { type: 'nope' } } }, seen);
    await c.start();
    expect(c.snapshot().run).toBe('failed');
    expect(c.snapshot().error).toMatch(/providers\.x/);
  });
});
