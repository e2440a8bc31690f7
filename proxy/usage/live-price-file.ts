import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { SerialWriter } from '../config/state-file.js';
import { checkRates } from './openrouter-prices.js';
import type { PriceRates } from './prices.js';

// The last good live price list per provider, kept in <stateDir>/live-prices.json
// (0600, temp file + rename) so a gateway that starts offline still prices with
// what it fetched before. A missing or unreadable file only means "no saved list".

export interface SavedList {
  /** The catalog URL it was fetched from: a list is reused only for the same URL. */
  url: string;
  fetchedAt: number;
  rates: Map<string, PriceRates>;
}

interface FileShape {
  version: 1;
  providers: Record<string, { url: string; fetchedAt: string; models: Record<string, PriceRates> }>;
}

export class LivePriceFile {
  readonly path: string;
  private readonly writer: SerialWriter;

  constructor(
    dir: string,
    private readonly log?: Logger,
  ) {
    this.path = join(dir, 'live-prices.json');
    this.writer = new SerialWriter(this.path, 'cannot save live prices; they hold until restart', log);
  }

  /** Saved lists by provider id; entries that do not check out are skipped. */
  async load(): Promise<Map<string, SavedList>> {
    const out = new Map<string, SavedList>();
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(this.path, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log?.warn({ path: this.path, err: (err as Error).message }, 'saved live prices are unreadable; ignoring them');
      return out;
    }
    const providers = (doc as Partial<FileShape> | null)?.providers;
    if (!providers || typeof providers !== 'object') return out;
    for (const [id, entry] of Object.entries(providers)) {
      const fetchedAt = Date.parse(entry?.fetchedAt);
      if (typeof entry?.url !== 'string' || !Number.isFinite(fetchedAt) || !entry.models || typeof entry.models !== 'object') continue;
      const rates = new Map<string, PriceRates>();
      for (const [model, r] of Object.entries(entry.models)) {
        const checked = checkRates(r);
        if (checked) rates.set(model, checked);
      }
      if (rates.size) out.set(id, { url: entry.url, fetchedAt, rates });
    }
    return out;
  }

  /** Replaces the file with `lists`. Writes run one after another; a failure is logged, never thrown. */
  save(lists: ReadonlyMap<string, SavedList>): Promise<void> {
    const doc: FileShape = { version: 1, providers: {} };
    for (const [id, l] of lists) doc.providers[id] = { url: l.url, fetchedAt: new Date(l.fetchedAt).toISOString(), models: Object.fromEntries(l.rates) };
    return this.writer.write(JSON.stringify(doc));
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
