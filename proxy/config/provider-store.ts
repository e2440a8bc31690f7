import { ConfigError, zodIssueLines } from './errors.js';
import { baseEntries, composeConfig, effectiveEntries, emptyOverlay, overlayPath, readOverlay, writeOverlay, type Overlay } from './provider-overlay.js';
import { resolveSettings, type Env, type Settings } from './resolve.js';
import { ConfigSchema, type ConfigFile, type ProviderConfig } from './schema.js';
import { fileSecrets, type SecretsSource } from './secrets-file.js';

// Where the gateway's providers come from: the config file (or the environment),
// then the changes made through the admin API (providers.json) and the keys set
// there (secrets.json), both in the state dir. `switchboard serve` and the test
// harness open one of these; the Gateway uses it to apply and save live edits.

export interface ProviderSource {
  /** The config file as parsed ({} without one). */
  base: ConfigFile;
  /** The config file's path, or null when running from the environment. */
  path: string | null;
  env: Env;
  stateDir: string;
  /** Where keys set through the API are kept (default: secrets.json in stateDir; the desktop app: the OS keychain). */
  secrets?: SecretsSource;
}

/** A candidate state: what an edit would make of the overlay and the keys. */
export interface ProviderEdits {
  overlay: Overlay;
  secrets: Record<string, string>;
}

export class ProviderStore {
  readonly base: ConfigFile;
  readonly path: string | null;
  readonly env: Env;
  readonly stateDir: string;
  readonly overlayPath: string;
  /** Where keys set through the API are read from and saved. */
  readonly secrets: SecretsSource;
  private current: ProviderEdits;

  private constructor(src: ProviderSource, secrets: SecretsSource, edits: ProviderEdits) {
    this.base = src.base;
    this.path = src.path;
    this.env = src.env;
    this.stateDir = src.stateDir;
    this.overlayPath = overlayPath(src.stateDir);
    this.secrets = secrets;
    this.current = edits;
  }

  /** Reads providers.json and secrets.json (sync: it runs once, before anything binds). Malformed files are ConfigErrors. */
  static open(src: ProviderSource, warn?: (msg: string) => void): ProviderStore {
    const secrets = src.secrets ?? fileSecrets(src.stateDir);
    return new ProviderStore(src, secrets, { overlay: readOverlay(overlayPath(src.stateDir)), secrets: secrets.read(warn) });
  }

  /** A store over a config alone, without reading the state dir (nothing saved yet). */
  static fresh(src: ProviderSource): ProviderStore {
    return new ProviderStore(src, src.secrets ?? fileSecrets(src.stateDir), { overlay: emptyOverlay(), secrets: {} });
  }

  get edits(): ProviderEdits {
    return this.current;
  }

  /** The config file's provider entries (or the environment's), before any API change. */
  baseEntries(): Record<string, ProviderConfig> {
    return baseEntries(this.base, this.env);
  }

  /** Every provider entry in effect (disabled ones included), for `edits` or the current state. */
  entries(edits: ProviderEdits = this.current): Record<string, ProviderConfig> {
    return effectiveEntries(this.baseEntries(), edits.overlay);
  }

  /** The config the gateway would run with `edits`. */
  config(edits: ProviderEdits = this.current): ConfigFile {
    return composeConfig(this.base, edits.overlay, this.env);
  }

  /**
   * Validates `edits` as a whole, exactly as a config file would be (schema, then
   * resolution), and returns the settings. Throws a ConfigError naming the field.
   */
  resolve(edits: ProviderEdits = this.current): Settings {
    const parsed = ConfigSchema.safeParse(this.config(edits));
    if (!parsed.success) throw new ConfigError(zodIssueLines(parsed.error).join('; '));
    return resolveSettings(parsed.data, this.env, { secrets: edits.secrets, secretsName: this.secrets.name, ports: edits.overlay.ports });
  }

  /** Writes both files (keys first, so no provider is ever saved without its key) and adopts `edits`. */
  async save(edits: ProviderEdits): Promise<void> {
    if (!sameJson(edits.secrets, this.current.secrets)) await this.secrets.write(edits.secrets);
    if (!sameJson(edits.overlay, this.current.overlay)) await writeOverlay(this.overlayPath, edits.overlay);
    this.current = edits;
  }

  /** Where each enabled provider's key came from, in one line for the start-up log. */
  keyReport(settings: Settings): string {
    const counts = new Map<string, number>();
    for (const p of settings.providers.values()) {
      if (!p.apiKey) continue;
      const where = p.keySource === this.secrets.name ? this.secrets.label : p.keySource;
      counts.set(where, (counts.get(where) ?? 0) + 1);
    }
    if (counts.size === 0) return 'provider keys: none';
    return `provider keys: ${[...counts].map(([where, n]) => `${n} from ${where}`).join(', ')}`;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
