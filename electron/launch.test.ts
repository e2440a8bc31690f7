import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { electronPackageDir, findElectron, missingMessage } from './launch.mjs';

// `npm start` without the Electron binary: one sentence on stderr, exit 1, no stack
// trace, and nothing from the electron package run (its index.js would download).

const LAUNCHER = fileURLToPath(new URL('./launch.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'switchboard-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Loaded into the launcher's process: records every outgoing connection and child process.
const WATCH = join(dir, 'watch.mjs');
writeFileSync(
  WATCH,
  `import net from 'node:net';
import cp from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const log = (what) => appendFileSync(process.env.WATCH_LOG, what + '\\n');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) { log('connect ' + JSON.stringify(args[0])); return connect.apply(this, args); };
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  const orig = cp[name];
  cp[name] = function (...args) { log(name + ' ' + String(args[0])); return orig.apply(this, args); };
}
globalThis.fetch = (url) => { log('fetch ' + url); return Promise.reject(new Error('no network')); };
syncBuiltinESMExports();
`,
);

/** A stand-in electron package whose code, if ever run, leaves a marker. */
function fakeElectron(opts: { pathTxt?: string; binary?: boolean } = {}): { dir: string; marker: string } {
  const pkg = mkdtempSync(join(dir, 'electron-'));
  const marker = join(pkg, 'RAN');
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1', main: 'index.js' }));
  for (const f of ['index.js', 'install.js', 'cli.js']) writeFileSync(join(pkg, f), `require('fs').writeFileSync(${JSON.stringify(marker)}, ${JSON.stringify(f)});`);
  if (opts.pathTxt) writeFileSync(join(pkg, 'path.txt'), opts.pathTxt);
  if (opts.binary && opts.pathTxt) {
    mkdirSync(dirname(join(pkg, 'dist', opts.pathTxt)), { recursive: true });
    writeFileSync(join(pkg, 'dist', opts.pathTxt), '');
  }
  return { dir: pkg, marker };
}

function runLauncher(env: Record<string, string>) {
  const watchLog = join(dir, `watch-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(watchLog, '');
  const base = { ...process.env };
  delete base.SWITCHBOARD_ELECTRON_DIR;
  delete base.ELECTRON_OVERRIDE_DIST_PATH;
  const r = spawnSync(process.execPath, ['--import', WATCH, LAUNCHER], { env: { ...base, WATCH_LOG: watchLog, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, watched: readFileSync(watchLog, 'utf8') };
}

function expectOneSentence(stderr: string, missing: string): void {
  expect(stderr).toBe(missingMessage(missing) + '\n');
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
  expect(stderr).toContain('npm run serve');
}

describe('npm start launcher', () => {
  it('(control) the watcher does record connections and child processes', () => {
    const probe = join(dir, 'probe.mjs');
    writeFileSync(probe, "import { spawnSync } from 'node:child_process'; import net from 'node:net'; spawnSync(process.execPath, ['-e', '0']); net.connect(9, '127.0.0.1').on('error', () => {});");
    const watchLog = join(dir, 'control.log');
    writeFileSync(watchLog, '');
    spawnSync(process.execPath, ['--import', WATCH, probe], { env: { ...process.env, WATCH_LOG: watchLog }, encoding: 'utf8', timeout: 20_000 });
    expect(readFileSync(watchLog, 'utf8')).toMatch(/^spawnSync .+\nconnect .+\n$/);
  });

  it('without a downloaded binary: one sentence naming what is missing, exit 1, nothing downloaded or run', () => {
    const fake = fakeElectron();
    const r = runLauncher({ SWITCHBOARD_ELECTRON_DIR: fake.dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expectOneSentence(r.stderr, 'node_modules/electron/dist is missing');
    expect(r.stderr).toBe(
      "Switchboard's desktop app needs the Electron binary, which is not installed (node_modules/electron/dist is missing, and npm start never downloads it): run `npm run serve` for the headless gateway and open the /ui link it prints, or run `node node_modules/electron/install.js` on a machine that can reach GitHub.\n",
    );
    expect(r.watched).toBe(''); // no connection, no child process (no build, no electron)
    expect(existsSync(fake.marker)).toBe(false); // the electron package's code never ran
  });

  it('with path.txt but no executable (an interrupted download): names the missing file', () => {
    const fake = fakeElectron({ pathTxt: 'electron' });
    const r = runLauncher({ SWITCHBOARD_ELECTRON_DIR: fake.dir });
    expect(r.status).toBe(1);
    expectOneSentence(r.stderr, 'node_modules/electron/dist/electron is missing');
    expect(r.watched).toBe('');
    expect(existsSync(fake.marker)).toBe(false);
  });

  it('with the real node_modules/electron of this checkout, when its binary is absent', (ctx) => {
    const real = findElectron(electronPackageDir(process.env), process.env);
    if (real.ok) return ctx.skip(); // a machine with the binary would really launch the app
    const r = runLauncher({});
    expect(r.status).toBe(1);
    expectOneSentence(r.stderr, real.missing);
    expect(r.watched).toBe('');
  });

  it('finds the binary from path.txt, or under $ELECTRON_OVERRIDE_DIST_PATH, without loading the package', () => {
    const fake = fakeElectron({ pathTxt: 'Electron.app/Contents/MacOS/Electron', binary: true });
    expect(findElectron(fake.dir, {})).toEqual({ ok: true, executable: join(fake.dir, 'dist', 'Electron.app/Contents/MacOS/Electron') });
    const override = mkdtempSync(join(dir, 'override-'));
    writeFileSync(join(override, 'electron'), '');
    expect(findElectron(fakeElectron().dir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({ ok: true, executable: join(override, 'electron') });
    expect(findElectron(null, {})).toEqual({ ok: false, missing: 'the electron package is not installed: run npm install' });
    expect(electronPackageDir({ SWITCHBOARD_ELECTRON_DIR: 'x/y' })).toBe(resolve('x/y'));
    expect(existsSync(fake.marker)).toBe(false);
  });
});
