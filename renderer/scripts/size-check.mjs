#!/usr/bin/env node
// Initial JavaScript of the Switchboard window, gzipped: the entry chunk and every
// chunk it imports statically (what the browser must load before the first page
// shows), read from Vite's manifest. Lazy pages (dynamicImports) are listed but not
// counted. Fails when the total is above the budget (300 KB by default).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 300 * 1024;

export function initialChunks(manifest) {
  const entries = Object.entries(manifest).filter(([, c]) => c.isEntry);
  const seen = new Set();
  const walk = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imp of manifest[key]?.imports ?? []) walk(imp);
  };
  for (const [key] of entries) walk(key);
  return [...seen].map((k) => manifest[k]);
}

export function measure(distDir) {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8'));
  const gz = (file) => gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length;
  const initial = initialChunks(manifest).map((c) => ({ file: c.file, gzip: gz(c.file) }));
  const initialFiles = new Set(initial.map((c) => c.file));
  const lazy = Object.values(manifest)
    .filter((c) => c.file.endsWith('.js') && !initialFiles.has(c.file))
    .map((c) => ({ file: c.file, gzip: gz(c.file) }));
  const css = [...new Set(initialChunks(manifest).flatMap((c) => c.css ?? []))].map((file) => ({ file, gzip: gz(file) }));
  const total = initial.reduce((a, c) => a + c.gzip, 0);
  return { initial, lazy, css, total, budget: BUDGET_BYTES };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dist = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const r = measure(dist);
  console.log('Switchboard window, gzipped:');
  for (const c of r.initial) console.log(`  initial  ${kb(c.gzip).padStart(9)}  ${c.file}`);
  for (const c of r.css) console.log(`  css      ${kb(c.gzip).padStart(9)}  ${c.file}`);
  for (const c of r.lazy) console.log(`  lazy     ${kb(c.gzip).padStart(9)}  ${c.file}`);
  console.log(`  initial JavaScript: ${kb(r.total)} of ${kb(r.budget)} allowed`);
  if (r.total > r.budget) {
    console.error(`initial JavaScript is ${kb(r.total)}, above the ${kb(r.budget)} budget: lazy-load more (React.lazy) or drop a dependency`);
    process.exit(1);
  }
}
