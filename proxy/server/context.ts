import type { Logger } from 'pino';
import type { ResolvedPort, Settings } from '../config/resolve.js';
import type { CatalogCache } from '../providers/catalog.js';
import type { UpstreamClient } from '../upstream/client.js';

/** What every route handler of one listener can reach. */
export interface ListenerContext {
  settings: Settings;
  port: ResolvedPort;
  client: UpstreamClient;
  catalogs: CatalogCache;
  redact: (s: string) => string;
  log: Logger;
  startedAt: number;
  version: string;
}
