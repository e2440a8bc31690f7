import Anthropic from '@anthropic-ai/sdk';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../config/json-schema.js';
import { anthropicMessage, minimalRequest, postMessages } from '../http.js';
import { Scrape } from '../prometheus.js';
import { completion, json, ScriptedUpstream } from '../upstream.js';

// The built CLI, as a user runs it. It is compiled with tsconfig.build.json into
// a private directory under node_modules/.cache (dependencies resolve from the
// repo; a concurrent `npm run build` into dist/ cannot swap files under us).

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
let outDir: string;
let cli: string;
let tmp: string;

beforeAll(() => {
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  outDir = mkdtempSync(join(ROOT, 'node_modules/.cache/switchboard-cli-test-'));
  // version.js reads ../../package.json from dist/proxy/; it also marks the tree as ESM.
  copyFileSync(join(ROOT, 'package.json'), join(outDir, 'package.json'));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(outDir, 'dist'), '--tsBuildInfoFile', join(outDir, 'tsbuildinfo')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  cli = join(outDir, 'dist/proxy/cli.js');
  // tsc emits despite type errors elsewhere in the tree; only a missing CLI is fatal here.
  if (!existsSync(cli)) throw new Error(`build failed:\n${tsc.stdout}\n${tsc.stderr}`);
  tmp = mkdtempSync(join(outDir, 'run-'));
}, 120_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** A clean environment: no provider keys from the machine running the tests. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: tmp, XDG_CONFIG_HOME: join(tmp, 'xdg'), ...extra };
}

function run(args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], { env: env(extraEnv), encoding: 'utf8', timeout: 20_000 });
}

function writeConfig(name: string, config: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return path;
}

const STACK_FRAME = /\n\s+at .+[:(]/;

describe('switchboard CLI', () => {
  it('--help prints usage and exits 0; no command prints usage and exits 1', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage:');
    expect(help.stdout).toContain('switchboard serve');
    expect(help.stdout).toContain('switchboard schema');
    expect(run(['-h']).status).toBe(0);
    const none = run([]);
    expect(none.status).toBe(1);
    expect(none.stdout).toContain('Usage:');
  });

  it('--version prints the package version', () => {
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('schema prints the config JSON Schema, the same as switchboard.schema.json', () => {
    const r = run(['schema']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(configJsonSchema());
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'switchboard.schema.json'), 'utf8'));
  });

  it('an unknown command or option exits 2 with a message', () => {
    const cmd = run(['frobnicate']);
    expect(cmd.status).toBe(2);
    expect(cmd.stderr).toContain('unknown command "frobnicate"');
    const opt = run(['serve', '--bogus']);
    expect(opt.status).toBe(2);
    expect(opt.stderr.trim()).toBe('switchboard: unknown option --bogus');
    const missingValue = run(['serve', '--config']);
    expect(missingValue.status).toBe(2);
    expect(missingValue.stderr).toContain('--config needs a value');
  });

  it.each<[string, unknown, RegExp]>([
    ['a bad field', { providers: { openrouter: { baseUrl: 'not a url', apiKey: 'k' } } }, /providers\.openrouter\.baseUrl/],
    ['an unknown field', { providers: { openrouter: { apikey: 'k' } } }, /providers\.openrouter: unknown field "apikey"/],
    ['invalid JSON', '{ "providers": ', /is not valid JSON/],
    ['a port bound to an unknown provider', { ports: [{ port: 0, use: 'ghost' }] }, /ports\[0\]\.use: "ghost" is not a configured provider/],
  ])('a config with %s prints one clear line and exits 2, without a stack trace', (_name, config, expected) => {
    const path = writeConfig(`bad-${Math.random().toString(36).slice(2)}.json`, config);
    const r = run(['serve', '--config', path]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^switchboard: /);
    expect(lines[0]).toMatch(expected);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('a missing --config file and a bad base URL variable are clear errors too', () => {
    const missing = run(['serve', '--config', join(tmp, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe(`switchboard: config file not found: ${join(tmp, 'nope.json')}`);
    const badEnv = run(['serve'], { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://exa mple' });
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr).toContain('OPENAI_BASE_URL');
    expect(badEnv.stderr).not.toMatch(STACK_FRAME);
  });

  it('a malformed provider key file (secrets.json) is one clear line, never overwritten', () => {
    const stateHome = join(tmp, 'state-bad-secrets');
    mkdirSync(join(stateHome, 'switchboard'), { recursive: true });
    const file = join(stateHome, 'switchboard', 'secrets.json');
    writeFileSync(file, '{"version": 1, "keys": {"openai": "sk-half-writ');
    const r = run(['serve', '--config', writeConfig('plain.json', { ports: [{ port: 0, use: 'router' }] })], { XDG_STATE_HOME: stateHome });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^switchboard: the provider key file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON \\(.+\\); fix it, or delete it and set the keys again$`));
    expect(r.stderr).not.toContain('sk-half-writ');
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "keys": {"openai": "sk-half-writ');
  });

  it('reads keys saved in secrets.json at start and says where every key came from', async () => {
    const stateHome = join(tmp, 'state-keys');
    mkdirSync(join(stateHome, 'switchboard'), { recursive: true, mode: 0o700 });
    writeFileSync(join(stateHome, 'switchboard', 'secrets.json'), JSON.stringify({ version: 1, keys: { openai: 'sk-openai-from-secrets-1234' } }), { mode: 0o600 });
    const path = writeConfig('keys.json', {
      providers: { openai: { baseUrl: 'http://127.0.0.1:9/v1' }, openrouter: { baseUrl: 'http://127.0.0.1:9/v1' } },
      ports: [{ port: 0, use: 'router' }],
    });
    const child = spawn(process.execPath, [cli, 'serve', '--config', path], { env: env({ XDG_STATE_HOME: stateHome, OPENROUTER_API_KEY: 'sk-or-from-env-5678' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner in 15 s; stdout: ${out}; stderr: ${err}`)), 15_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Switchboard window:')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      expect(out).toContain('  provider keys: 1 from secrets.json (0600), 1 from $OPENROUTER_API_KEY\n');
      expect(err).toContain('provider keys: 1 from secrets.json (0600), 1 from $OPENROUTER_API_KEY');
      for (const key of ['sk-openai-from-secrets-1234', 'sk-or-from-env-5678']) {
        expect(out).not.toContain(key);
        expect(err).not.toContain(key);
      }
    } finally {
      const done = exited(child, 10_000);
      child.kill('SIGTERM');
      await done;
    }
  });

  it('a port already in use is a clear error', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const path = writeConfig('busy.json', { ports: [{ port, use: 'router' }] });
      const r = spawn(process.execPath, [cli, 'serve', '--config', path], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      const { code, stderr } = await exited(r, 10_000);
      expect(code).toBe(2);
      expect(stderr).toMatch(/already in use/);
      expect(stderr).not.toMatch(STACK_FRAME);
    } finally {
      blocker.close();
    }
  });
});

describe('switchboard serve', () => {
  let oa: ScriptedUpstream;
  let an: ScriptedUpstream;
  let child: ChildProcess;
  let banner = '';
  let stderr = '';

  beforeAll(async () => {
    oa = (await ScriptedUpstream.start()).otherwise((req, res) => (req.method === 'GET' ? json(res, 200, { data: [{ id: 'served-model' }] }) : json(res, 200, completion({ content: `cli:${req.body.model}` }))));
    an = (await ScriptedUpstream.start()).otherwise((req, res) => (req.method === 'GET' ? json(res, 200, { data: [] }) : json(res, 200, anthropicMessage('cli-anthropic'))));
    const path = writeConfig('serve.json', {
      server: { logLevel: 'info' },
      providers: {
        local: { type: 'openai-compatible', label: 'Local vLLM', baseUrl: oa.url, models: { sonnet: 'served-model' } },
        claude: { type: 'anthropic', baseUrl: an.url, apiKey: 'sk-ant-cli-secret' },
      },
      ports: [
        { port: 0, use: 'router' },
        { port: 0, use: 'local' },
        { port: 0, use: 'claude' },
      ],
      router: { order: ['local', 'claude'] },
    });
    child = spawn(process.execPath, [cli, 'serve', '--config', path], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    banner = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no banner in 15 s; stdout: ${out}; stderr: ${stderr}`)), 15_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/ANTHROPIC_BASE_URL=.*# claude/.test(out)) {
          clearTimeout(timer);
          setTimeout(() => resolve(out), 50);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
  }, 30_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await oa.close();
    await an.close();
  });

  /** The URL printed for a port's use. */
  function urlFor(label: RegExp): string {
    const line = banner.split('\n').find((l) => /^\s+http:\/\//.test(l) && label.test(l));
    if (!line) throw new Error(`no banner line for ${label}:\n${banner}`);
    return line.trim().split(/\s+/)[0];
  }

  it('prints each port with its provider and an export line for each', () => {
    expect(banner).toMatch(/^Switchboard \S+ — config .*serve\.json/);
    const router = urlFor(/router: local → claude/);
    const local = urlFor(/Local vLLM \[openai-chat, key none\]/);
    const claude = urlFor(/Anthropic \(claude\) \[anthropic, key config file\]/);
    for (const url of [router, local, claude]) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set([router, local, claude]).size).toBe(3);
    expect(banner).toContain(`export ANTHROPIC_BASE_URL=${router}\n`);
    expect(banner).toMatch(new RegExp(`export ANTHROPIC_BASE_URL=${local}\\s+# local`));
    expect(banner).toMatch(new RegExp(`export ANTHROPIC_BASE_URL=${claude}\\s+# claude`));
    expect(banner).not.toContain('sk-ant-cli-secret');
    expect(banner).not.toMatch(/:0\b/);
  });

  it('prints the admin API, where its token is stored, and a login link to the window holding it', () => {
    const router = urlFor(/router:/);
    expect(banner).toContain(`router: local → claude [strategy intelligent]`);
    expect(banner).toContain(`Admin API: ${router}/api`);
    const stateDir = join(tmp, '.local/state/switchboard');
    const tokenPath = join(stateDir, 'admin-token');
    expect(banner).toContain(`admin token: stored in ${tokenPath}`);
    expect(banner).toContain(`provider changes are saved in ${join(stateDir, 'providers.json')}, keys set there in ${join(stateDir, 'secrets.json')} (0600)`);
    const token = readFileSync(tokenPath, 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(banner).toContain(`Switchboard window: ${router}/ui/#token=${token}\n`);
    // The link is the one place the token appears; the log never has it.
    expect(banner.split(token)).toHaveLength(2);
    expect(stderr).not.toContain(token);
    if (process.platform !== 'win32') expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
  });

  it('says where provider keys come from, in the banner and the log', () => {
    expect(banner).toContain('  provider keys: 1 from config file\n');
    expect(stderr).toContain('provider keys: 1 from config file');
  });

  it('serves requests on the printed ports', async () => {
    const router = urlFor(/router:/);
    const local = urlFor(/Local vLLM/);
    const claude = urlFor(/Anthropic \(claude\)/);

    const viaRouter = await postMessages(router, minimalRequest());
    expect(viaRouter.status).toBe(200);
    expect((await viaRouter.json()).content[0].text).toBe('cli:served-model');

    const client = new Anthropic({ baseURL: local, apiKey: 'x', maxRetries: 0 });
    const msg = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'cli:served-model' });

    const viaClaude = await postMessages(claude, minimalRequest());
    expect((await viaClaude.json()).content[0].text).toBe('cli-anthropic');
    expect(an.last.headers['x-api-key']).toBe('sk-ant-cli-secret');

    const health = await (await fetch(claude + '/health')).json();
    expect(health).toMatchObject({ status: 'ok', use: 'claude', port: Number(new URL(claude).port) });
    const models = await (await fetch(local + '/v1/models')).json();
    expect(models.data.map((m: { id: string }) => m.id)).toContain('served-model');
  });

  it('serves Prometheus metrics behind the admin token, counting the requests above', async () => {
    const router = urlFor(/router:/);
    expect(banner).toContain(`Prometheus metrics: ${router}/metrics (send the admin token)`);
    const token = readFileSync(join(tmp, '.local/state/switchboard/admin-token'), 'utf8').trim();
    expect((await fetch(router + '/metrics')).status).toBe(401);
    const res = await fetch(router + '/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const s = Scrape.parse(await res.text());
    expect(s.value('switchboard_requests_total', { port: new URL(router).port, provider: 'local', model: 'served-model', status: '200' })).toBe(1);
    expect(s.sum('switchboard_requests_total')).toBe(3);
    expect(s.family('process_resident_memory_bytes').samples).toHaveLength(1);
  });

  it('exits cleanly on SIGTERM, with open keep-alive connections', async () => {
    // fetch keeps its connection open in the pool: stop must not wait for it.
    await fetch(urlFor(/router:/) + '/health');
    const done = exited(child, 10_000);
    child.kill('SIGTERM');
    const { code, signal } = await done;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).not.toContain('sk-ant-cli-secret');
  });
});

function exited(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve({ code: child.exitCode, signal: null, stderr });
    const timer = setTimeout(() => reject(new Error(`did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}
