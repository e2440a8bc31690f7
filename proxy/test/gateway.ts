import pino from 'pino';
import { resolveSettings, type Env } from '../config/resolve.js';
import type { ConfigFile } from '../config/schema.js';
import { ConfigSchema } from '../config/schema.js';
import { Gateway, type ListeningPort } from '../gateway.js';

export interface RunningGateway {
  gateway: Gateway;
  ports: ListeningPort[];
  /** Base URL of the port bound to `use` ('router' or a provider id). */
  url(use?: string): string;
  close(): Promise<void>;
}

/**
 * Starts a real gateway on free loopback ports. `ports` defaults to a router
 * port plus one port per configured provider, all on port 0.
 */
export async function startGateway(config: ConfigFile, env: Env = {}): Promise<RunningGateway> {
  const parsed = ConfigSchema.parse({
    ...config,
    ports: config.ports ?? [{ port: 0, use: 'router' }, ...Object.keys(config.providers ?? {}).map((id) => ({ port: 0, use: id }))],
  });
  const settings = resolveSettings(parsed, env);
  const gateway = new Gateway(settings, { logger: pino({ level: process.env.SWITCHBOARD_TEST_LOG ?? 'silent' }) });
  const ports = await gateway.start();
  return {
    gateway,
    ports,
    url(use = 'router') {
      const p = ports.find((x) => x.use === use);
      if (!p) throw new Error(`no port for ${use}`);
      return p.url;
    },
    close: () => gateway.stop(),
  };
}
