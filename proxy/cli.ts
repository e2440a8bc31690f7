#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config/errors.js';
import { configJsonSchema } from './config/json-schema.js';
import { readConfigFile } from './config/load.js';
import { overlayIsEmpty } from './config/provider-overlay.js';
import { ProviderStore } from './config/provider-store.js';
import type { Settings } from './config/resolve.js';
import { defaultStateDir } from './config/state-file.js';
import { Gateway, type ListeningPort } from './gateway.js';
import { VERSION } from './version.js';
import { TOKEN_HEADER } from './server/admin/auth.js';

const HELP = `Switchboard ${VERSION} — a local gateway that lets Claude Code use any LLM provider

Usage:
  switchboard serve [--config FILE] [--host ADDRESS]   run the gateway headless
  switchboard schema                                     print the config file's JSON Schema
  switchboard --version | --help

Without --config, $SWITCHBOARD_CONFIG or ~/.config/switchboard/config.json is read if it exists;
otherwise every provider whose key is in the environment is enabled
(ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY, GITHUB_TOKEN, DEEPSEEK_API_KEY, OLLAMA_HOST).
At start it prints a link that opens the Switchboard window, where providers can be added and changed
(changes are saved in the state directory: providers.json, and keys in secrets.json, mode 0600).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command ? 0 : 1;
  }
  if (command === '--version' || command === '-v') {
    console.log(VERSION);
    return 0;
  }
  if (command === 'schema') {
    console.log(JSON.stringify(configJsonSchema(), null, 2));
    return 0;
  }
  if (command !== 'serve') {
    console.error(`unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  const opts = parseFlags(rest);
  const { file, path } = readConfigFile(opts.config, process.env);
  // Provider changes made in the window (providers.json) and keys set there (secrets.json, 0600) live in the state dir.
  const store = ProviderStore.open({ base: file, path, env: process.env, stateDir: defaultStateDir(process.env) }, (msg) => console.error(`switchboard: ${msg}`));
  const settings = resolveWithEdits(store);
  if (opts.host) settings.host = opts.host;
  const gateway = new Gateway(settings, { providerStore: store });
  let ports: ListeningPort[];
  try {
    ports = await gateway.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number };
    if (e.code === 'EADDRINUSE') throw new ConfigError(`a port is already in use (${e.message.replace(/^.*EADDRINUSE:\s*/, '')}); is another Switchboard running? Change "ports" in the config.`);
    if (e.code === 'EACCES') throw new ConfigError(`not allowed to listen: ${e.message}`);
    throw err;
  }
  console.log(banner(gateway, ports, path));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl-C forces it
    stopping = true;
    gateway.log.info({ signal }, 'stopping');
    void gateway.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return -1; // keep running
}

/** The settings in effect; a problem caused by the saved provider changes says where they are. */
function resolveWithEdits(store: ProviderStore): Settings {
  try {
    return store.resolve();
  } catch (err) {
    if (!(err instanceof ConfigError) || overlayIsEmpty(store.edits.overlay)) throw err;
    throw new ConfigError(`${err.message} (with the provider changes saved in ${store.overlayPath}; edit that file, or delete it to use the config alone)`);
  }
}

function parseFlags(args: string[]): { config?: string; host?: string } {
  const out: { config?: string; host?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new ConfigError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--config' || flag === '-c') out.config = value();
    else if (flag === '--host') out.host = value();
    else throw new ConfigError(`unknown option ${a}`);
  }
  return out;
}

export function banner(gateway: Gateway, ports: ListeningPort[], path: string | null): string {
  const { settings, router, admin } = gateway;
  const lines = [`Switchboard ${VERSION} — ${path ? `config ${path}` : 'no config file: providers from the environment'}`];
  for (const p of ports) {
    if (p.use === 'router') {
      // The live order and strategy: choices saved through the admin API override the config file.
      const chain = router.priority.join(' → ') || 'no providers enabled';
      lines.push(`  ${p.url.padEnd(24)} router: ${chain} [strategy ${router.strategy}]`);
    } else {
      const prov = settings.providers.get(p.use)!;
      lines.push(`  ${p.url.padEnd(24)} ${prov.label} [${prov.dialect}, key ${prov.keySource}]`);
    }
  }
  if (gateway.providerStore && settings.providers.size) lines.push(`  ${gateway.providerStore.keyReport(settings)}`);
  for (const note of settings.notes) lines.push(`  note: ${note}`);
  if (settings.providers.size === 0) {
    lines.push(
      '',
      'No provider is enabled yet. Add one in the Switchboard window (link below), or set a key and restart, for example:',
      '  export OPENROUTER_API_KEY=...   (or GITHUB_TOKEN, OPENAI_API_KEY, ANTHROPIC_API_KEY, DEEPSEEK_API_KEY, OLLAMA_HOST)',
      `or write a config file (${path ?? '~/.config/switchboard/config.json'}; see examples/config.example.json).`,
    );
  }
  const main = ports.find((p) => p.use === 'router') ?? ports[0];
  if (main) {
    lines.push('', 'Point Claude Code at it:', `  export ANTHROPIC_BASE_URL=${main.url}`);
    for (const p of ports) if (p !== main) lines.push(`  export ANTHROPIC_BASE_URL=${p.url}   # ${p.use}`);
    if (!settings.clientApiKey) lines.push('  (any ANTHROPIC_API_KEY value works; Switchboard uses the provider keys it was given)');
  }
  const adminPort = ports.find((p) => p.use === 'router');
  if (adminPort && admin) {
    // Where the token is kept; the token itself appears only in the window link below.
    const where = admin.token.path ? `stored in ${admin.token.path}` : admin.token.source === 'config' ? 'server.adminToken in the config file' : '$SWITCHBOARD_ADMIN_TOKEN';
    lines.push('', `Admin API: ${adminPort.url}/api (send the token as "Authorization: Bearer <token>" or ${TOKEN_HEADER})`, `  admin token: ${where}`, `  routing changes are saved in ${admin.statePath}`);
    const store = gateway.providerStore;
    if (store) lines.push(`  provider changes are saved in ${store.overlayPath}, keys set there in ${store.secrets.where}`);
    if (gateway.uiDir) {
      // The one place the token is shown: this terminal, as a link to open. Logs never carry it; the
      // fragment (#...) never leaves the browser.
      const built = existsSync(join(gateway.uiDir, 'index.html'));
      lines.push('', `Switchboard window: ${adminPort.url}/ui/#token=${encodeURIComponent(admin.token.value)}`, `  (this link holds the admin token: open it, do not share it${built ? '' : '; UI not built yet: run npm run build'})`);
    }
  }
  if (gateway.metrics && main) {
    lines.push('', `Prometheus metrics: ${main.url}/metrics (${settings.metrics.requireToken ? 'send the admin token' : 'no token: metrics.requireToken is false'})`);
  }
  return lines.join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(`switchboard: ${err.message}`);
      process.exit(2);
    }
    console.error('switchboard: unexpected error:', err);
    process.exit(1);
  },
);
