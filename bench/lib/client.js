// The load client: one undici Pool per origin, and one request timed from send
// to the last body byte.

import { CONCURRENCY } from './plan.js';

export const POOL_OPTS = { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 120_000, keepAliveMaxTimeout: 600_000, headersTimeout: 30_000, bodyTimeout: 30_000 };

/** One request; returns its timings (ms). Throws on a non-200 answer. */
export async function once(pool, req, keep = false) {
  const t0 = performance.now();
  const res = await pool.request({ path: req.path, method: 'POST', headers: req.headers, body: req.body });
  let first = 0;
  let bytes = 0;
  let reads = 0;
  const kept = keep || res.statusCode !== 200 ? [] : null;
  for await (const chunk of res.body) {
    if (reads === 0) first = performance.now();
    reads++;
    bytes += chunk.length;
    if (kept) kept.push(chunk);
  }
  const t1 = performance.now();
  if (res.statusCode !== 200) {
    throw new Error(`${req.label}: HTTP ${res.statusCode}: ${Buffer.concat(kept).toString('utf8').slice(0, 500)}`);
  }
  return { ttfb: (first || t1) - t0, total: t1 - t0, bytes, reads, text: kept ? Buffer.concat(kept).toString('utf8') : undefined };
}
