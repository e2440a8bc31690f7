// Summarises a V8 .cpuprofile (from BENCH_PROF=1 runs, or node --cpu-prof):
// self time by function, self time by area (Switchboard, fastify, undici, Node
// internals, GC...), and inclusive time of Switchboard's own functions.
//
//   node bench/profile.js FILE.cpuprofile [topN]

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Area a frame belongs to, from its script URL and name. */
export function areaOf(cf) {
  const url = cf.url || '';
  const name = cf.functionName;
  if (!url) {
    if (name === '(garbage collector)') return 'gc';
    if (name === '(idle)') return 'idle';
    if (name === '(program)') return 'program (native, unattributed)';
    if (name === '(root)') return 'root';
    return 'native builtin';
  }
  if (url.includes('/dist/proxy/')) return 'switchboard';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function shortUrl(url) {
  if (!url) return '';
  const i = url.indexOf('/dist/proxy/');
  if (i !== -1) return url.slice(i + 6);
  const j = url.lastIndexOf('node_modules/');
  if (j !== -1) return url.slice(j + 13);
  return url.replace(/^file:\/\//, '');
}

export function frameKey(cf) {
  const name = cf.functionName || '(anonymous)';
  const url = shortUrl(cf.url);
  return url ? `${name}  ${url}:${cf.lineNumber + 1}` : name;
}

/**
 * Returns { totalUs, busyUs, self: [{key, area, us}], areas: [{area, us}], inclusive: [{key, us}] }.
 * busyUs excludes (idle); percentages should be taken of busyUs.
 */
export function summarise(profile) {
  const byId = new Map();
  const parent = new Map();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const { samples, timeDeltas } = profile;
  const self = new Map();
  const areas = new Map();
  const incl = new Map();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < samples.length; i++) {
    // A sample lasts until the next one (as DevTools counts it).
    const us = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    if (us <= 0) continue;
    const node = byId.get(samples[i]);
    const cf = node.callFrame;
    total += us;
    const area = areaOf(cf);
    if (area === 'idle') {
      idle += us;
      continue;
    }
    const key = frameKey(cf);
    const s = self.get(key) ?? { key, area, us: 0 };
    s.us += us;
    self.set(key, s);
    areas.set(area, (areas.get(area) ?? 0) + us);
    // Inclusive: every distinct Switchboard function on the stack.
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame;
      if (areaOf(f) !== 'switchboard') continue;
      const k = frameKey(f);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const sorted = (m) => [...m.values()].sort((a, b) => b.us - a.us);
  return {
    totalUs: total,
    busyUs: total - idle,
    self: sorted(self),
    areas: [...areas].map(([area, us]) => ({ area, us })).sort((a, b) => b.us - a.us),
    inclusive: [...incl].map(([key, us]) => ({ key, us })).sort((a, b) => b.us - a.us),
  };
}

/** Human-readable report; `per` divides times to show µs per request/stream. */
export function formatSummary(sum, { top = 20, per = 1, perLabel = 'req' } = {}) {
  const pct = (us) => ((100 * us) / sum.busyUs).toFixed(1).padStart(5) + '%';
  const each = (us) => (us / per).toFixed(1).padStart(8) + ` µs/${perLabel}`;
  const lines = [`busy ${(sum.busyUs / 1000).toFixed(1)} ms of ${(sum.totalUs / 1000).toFixed(1)} ms sampled; per ${perLabel}: ${(sum.busyUs / per).toFixed(1)} µs`];
  lines.push('  by area (self time):');
  for (const a of sum.areas.slice(0, 12)) lines.push(`    ${pct(a.us)} ${each(a.us)}  ${a.area}`);
  lines.push(`  top ${top} functions (self time):`);
  for (const s of sum.self.slice(0, top)) lines.push(`    ${pct(s.us)} ${each(s.us)}  ${s.key}  [${s.area}]`);
  lines.push('  Switchboard functions (inclusive time):');
  for (const s of sum.inclusive.slice(0, 15)) lines.push(`    ${pct(s.us)} ${each(s.us)}  ${s.key}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/profile.js FILE.cpuprofile [topN]');
    process.exit(2);
  }
  const sum = summarise(JSON.parse(readFileSync(file, 'utf8')));
  console.log(formatSummary(sum, { top: Number(process.argv[3] ?? 25) }));
}
