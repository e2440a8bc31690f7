// @ts-check
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm start`: builds and runs the desktop app with the Electron binary, if there is one.
// The electron npm package has no install step: its index.js downloads the binary from
// GitHub the first time it is required, which cannot work on machines without that
// access. So this launcher never requires or runs anything from the electron package:
// it reads the file the package writes after a download (path.txt) and checks that the
// executable exists. When it does not, it prints one sentence and exits 1, before
// building anything. Plain JavaScript (type-checked through JSDoc) so it runs before
// any build; Node built-ins only.

/** @typedef {{ ok: true, executable: string } | { ok: false, missing: string }} ElectronCheck */

/**
 * Where the electron package is, without loading it: $SWITCHBOARD_ELECTRON_DIR, else
 * resolved from here; null when it is not installed.
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | null}
 */
export function electronPackageDir(env) {
  if (env.SWITCHBOARD_ELECTRON_DIR) return resolve(env.SWITCHBOARD_ELECTRON_DIR);
  try {
    // Resolving package.json reads no code of the package.
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * Finds the Electron executable the way the electron package would, minus its download.
 * @param {string | null} dir the electron package's folder
 * @param {NodeJS.ProcessEnv} env
 * @returns {ElectronCheck}
 */
export function findElectron(dir, env) {
  if (!dir) return { ok: false, missing: 'the electron package is not installed: run npm install' };
  const pathTxt = join(dir, 'path.txt');
  const name = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = join(env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron');
    return existsSync(exe) ? { ok: true, executable: exe } : { ok: false, missing: `${exe} from $ELECTRON_OVERRIDE_DIST_PATH does not exist` };
  }
  if (!name) return { ok: false, missing: 'node_modules/electron/dist is missing' };
  const exe = join(dir, 'dist', name);
  return existsSync(exe) ? { ok: true, executable: exe } : { ok: false, missing: `node_modules/electron/dist/${name} is missing` };
}

/**
 * The one sentence `npm start` prints when there is no binary.
 * @param {string} missing
 */
export function missingMessage(missing) {
  return (
    `Switchboard's desktop app needs the Electron binary, which is not installed (${missing}, and npm start never downloads it): ` +
    'run `npm run serve` for the headless gateway and open the /ui link it prints, ' +
    'or run `node node_modules/electron/install.js` on a machine that can reach GitHub.'
  );
}

/** The package root: package.json's "main" points Electron at dist-electron/electron/main.js. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function main() {
  const check = findElectron(electronPackageDir(process.env), process.env);
  if (!check.ok) {
    process.stderr.write(missingMessage(check.missing) + '\n');
    process.exit(1);
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const built = spawnSync(npm, ['run', '-s', 'build:desktop'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set, Electron would run as plain Node
  const child = spawn(check.executable, [ROOT, ...process.argv.slice(2)], { stdio: 'inherit', env, windowsHide: false });
  child.on('error', (err) => {
    process.stderr.write(`Switchboard's desktop app could not start Electron (${check.executable}): ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(sig, () => child.kill(sig));
}

// Run only as the entry point (tests import the functions).
if (process.argv[1] && realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url))) main();
