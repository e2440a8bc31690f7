import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, formatZodIssues } from './errors.js';
import { resolveSettings, type Env, type Settings } from './resolve.js';
import { ConfigSchema, type ConfigFile } from './schema.js';

/** Where the config lives when --config is not given. */
export function defaultConfigPath(env: Env): string {
  if (env.SWITCHBOARD_CONFIG) return resolve(env.SWITCHBOARD_CONFIG);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'switchboard', 'config.json');
}

export interface LoadedConfig {
  settings: Settings;
  /** The file read, or null when running from the environment alone. */
  path: string | null;
}

/**
 * Reads and validates the config file (not yet resolved). An explicit path must
 * exist; the default path may be absent: then the file is {} (providers come from
 * the environment) and `path` is null.
 */
export function readConfigFile(explicitPath: string | undefined, env: Env): { file: ConfigFile; path: string | null } {
  const path = explicitPath ? resolve(explicitPath) : defaultConfigPath(env);
  if (!existsSync(path)) {
    if (explicitPath) throw new ConfigError(`config file not found: ${path}`);
    return { file: {}, path: null };
  }
  return { file: parseConfig(readFileSync(path, 'utf8'), path), path };
}

/** Reads, validates and resolves the config (without the state dir's provider changes: see config/provider-store.ts). */
export function loadConfig(explicitPath: string | undefined, env: Env): LoadedConfig {
  const { file, path } = readConfigFile(explicitPath, env);
  return { settings: resolveSettings(file, env), path };
}

export function parseConfig(text: string, source: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatZodIssues(source, parsed.error));
  return parsed.data;
}
