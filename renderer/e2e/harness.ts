import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

// What the window's end-to-end test needs around a real gateway: an up-to-date
// build of renderer/ (which the gateway serves at /ui on its router port) and
// headless Chromium.

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const DIST = join(ROOT, 'renderer', 'dist');
export const SHOTS = join(ROOT, 'test-results', 'ui');
export const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds renderer/dist when it is missing or older than any source file (once, about 2 s). */
export function ensureUiBuilt(): void {
  const index = join(DIST, 'index.html');
  const src = Math.max(newest(join(ROOT, 'renderer', 'src')), statSync(join(ROOT, 'renderer', 'index.html')).mtimeMs, statSync(join(ROOT, 'renderer', 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= src) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'renderer', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000, env: { ...process.env, NODE_ENV: 'production' } }); // vitest sets NODE_ENV=test, which would give React's development build
  if (r.status !== 0) throw new Error(`vite build renderer failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

/** Headless Debian Chromium; chromium.launch gives it a fresh temporary profile of its own each time. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 60_000 });
}

export function shotsDir(): string {
  mkdirSync(SHOTS, { recursive: true });
  return SHOTS;
}
