// One dialect's run: a fresh gateway process (so its peak RSS is this dialect's
// own), the correctness checks, warm-up, then the four scenarios, each against
// the upstream directly and through the gateway. Returns the dialect's entry of
// results.json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { ConfigSchema } from '../../dist/proxy/config/schema.js';
import { resolveSettings } from '../../dist/proxy/config/resolve.js';
import { formatSummary, summarise } from '../profile.js';
import { verifyDialect } from './checks.js';
import { POOL_OPTS } from './client.js';
import { alternate, mergeRounds, throughput } from './load.js';
import { CONCURRENCY, GATEWAY_FLAGS, PLAN, PROF_DIR, PROF_INTERVAL, PROFILE, RECORDING_ROUNDS, STREAM_EVENTS, TPUT_ROUNDS } from './plan.js';
import { firstLine, rpc, start } from './processes.js';
import { log } from './report.js';
import { benchConfig, dialectRequests, providerIds } from './requests.js';
import { MB, cpuMs, dist, machineBusyMs, memory } from './stats.js';

/** Runs fn, wrapped in a gateway CPU profile when BENCH_PROF=1. */
async function profiled(gw, name, fn) {
  if (!PROFILE) return { result: await fn() };
  await rpc(gw, 'prof-start', { intervalUs: PROF_INTERVAL });
  const result = await fn();
  const file = join(PROF_DIR, `${name}.cpuprofile`);
  await rpc(gw, 'prof-stop', { file });
  return { result, file };
}

/** A stream scenario's results.json entry from an alternate() result. */
function streamEntry(r, withBytes) {
  const side = (samples) => ({ ttfb: dist(samples.map((x) => x.ttfb)), total: dist(samples.map((x) => x.total)), ...(withBytes ? { bytes: samples[0].bytes } : {}) });
  return {
    events: STREAM_EVENTS,
    n: r.n,
    truncated: r.truncated,
    direct: side(r.direct),
    gateway: side(r.gateway),
    gatewayCpuPerStreamMs: r.gwCpuPer,
    gatewayCpuSplitPerStream: r.gwCpuSplit,
    gatewayClientReadsP50: r.clientReadsP50,
    upstreamConnectionsOpened: r.upstreamConnections,
  };
}

export async function runDialect(name, upstreamUrl, upstream, bodies) {
  const config = benchConfig(upstreamUrl);
  const settings = resolveSettings(ConfigSchema.parse(config), {});
  const { pid, pacedPid } = providerIds(name);

  const gw = start('gateway-child.js', [JSON.stringify(config)], GATEWAY_FLAGS);
  const { ports, rss: startRss } = await firstLine(gw, 'gateway');
  const load0 = { t: performance.now(), machine: machineBusyMs(), client: process.cpuUsage(), upstream: (await rpc(upstream, 'stats')).cpu, gateway: (await rpc(gw, 'stats')).cpu };
  const gwOrigin = (p) => `http://127.0.0.1:${ports[p]}`;

  const pools = { upstream: new Pool(upstreamUrl, POOL_OPTS), gateway: new Pool(gwOrigin(pid), POOL_OPTS), paced: new Pool(gwOrigin(pacedPid), POOL_OPTS) };
  const R = dialectRequests(name, settings, bodies, pools);

  const out = {
    dialect: name,
    clientBodyBytes: bodies.nonStream.length,
    upstreamBodyBytes: R.direct.req.body.length,
    upstreamPath: R.direct.req.path,
    gatewayIdleRssMb: startRss / MB,
  };

  try {
    await verifyDialect(name, R, upstream);

    // Warm-up (JIT, connection pools on all three hops), sequential only so the
    // peak RSS after the c=1 phase is that of one-at-a-time use (Claude Code's pattern).
    await alternate(R.direct, R.gateway, gw, PLAN.warmup, 20_000);
    await alternate(R.directStream, R.gatewayStream, gw, PLAN.warmStreams, 20_000);
    await alternate(R.directPaced, R.gatewayPaced, gw, Math.min(3, PLAN.paced), 20_000);

    log(`  ${name}: c=1 latency (${PLAN.latency} + ${PLAN.latency} requests, alternated)`);
    const lat = await profiled(gw, `${name}-nonstream-c1`, () => alternate(R.direct, R.gateway, gw, PLAN.latency, PLAN.latencyMs, upstream));
    const dl = dist(lat.result.direct.map((r) => r.total));
    const gl = dist(lat.result.gateway.map((r) => r.total));
    out.latency = {
      n: lat.result.n,
      truncated: lat.result.truncated,
      direct: dl,
      gateway: gl,
      addedP50Ms: gl.p50 - dl.p50,
      addedP99Ms: gl.p99 - dl.p99,
      gatewayCpuPerRequestMs: lat.result.gwCpuPer,
      gatewayCpuSplitPerRequest: lat.result.gwCpuSplit,
      upstreamConnectionsOpened: lat.result.upstreamConnections,
    };

    const roundMs = PLAN.tputMs / TPUT_ROUNDS;
    const roundMax = PLAN.tputMax / TPUT_ROUNDS;
    log(`  ${name}: c=${CONCURRENCY} throughput (${TPUT_ROUNDS} rounds of ${roundMs / 1000} s direct then ${roundMs / 1000} s gateway)`);
    await throughput(R.direct, [null, null], CONCURRENCY, 300, 5_000);
    await throughput(R.gateway, [null, null], CONCURRENCY, 300, 5_000);
    // Rounds of direct then gateway, so slow drift (other load, CPU clocks) hits both sides alike.
    const rounds = { direct: [], gateway: [] };
    const tg = await profiled(gw, `${name}-nonstream-c32`, async () => {
      for (let i = 0; i < TPUT_ROUNDS; i++) {
        rounds.direct.push(await throughput(R.direct, [upstream, gw], CONCURRENCY, roundMs, roundMax));
        rounds.gateway.push(await throughput(R.gateway, [upstream, gw], CONCURRENCY, roundMs, roundMax));
      }
      return mergeRounds(rounds.gateway);
    });
    const td = mergeRounds(rounds.direct);
    out.throughput = {
      concurrency: CONCURRENCY,
      direct: td,
      gateway: tg.result,
      ratio: tg.result.rps / td.rps,
      gatewayCpuPerRequestMs: tg.result.cpuMs.gateway / tg.result.requests,
    };

    if (name === 'openai-chat') out.router = await routerOverhead(name, R, pools, gwOrigin, upstream, gw, roundMs, roundMax);
    out.recording = await recordingOverhead(name, R, upstream, gw, roundMs, roundMax);

    log(`  ${name}: ${PLAN.streams} + ${PLAN.streams} streams of ${STREAM_EVENTS} chunks (alternated)`);
    const st = await profiled(gw, `${name}-stream`, () => alternate(R.directStream, R.gatewayStream, gw, PLAN.streams, PLAN.streamsMs, upstream));
    out.stream = streamEntry(st.result, true);

    log(`  ${name}: ${PLAN.paced} + ${PLAN.paced} paced streams (one event per upstream write, alternated)`);
    const pc = await profiled(gw, `${name}-stream-paced`, () => alternate(R.directPaced, R.gatewayPaced, gw, PLAN.paced, PLAN.pacedMs, upstream));
    out.pacedStream = streamEntry(pc.result, false);

    const stats = await rpc(gw, 'stats');
    out.gatewayPeakRssMb = stats.maxRssKb / 1024;
    out.gatewayPeakRssSequentialMb = lat.result.gwMemoryAfter.peakRss;
    out.gatewayMemory = { afterLatency: lat.result.gwMemoryAfter, afterThroughput: tg.result.gwMemoryAfter, afterStreams: st.result.gwMemoryAfter, end: memory(stats) };
    // CPU used on the machine by anything but our three processes, in cores, averaged over this dialect's run.
    const machine = machineBusyMs();
    if (machine !== null && load0.machine !== null) {
      const ours = cpuMs(process.cpuUsage(load0.client)) + cpuMs((await rpc(upstream, 'stats')).cpu) - cpuMs(load0.upstream) + cpuMs(stats.cpu) - cpuMs(load0.gateway);
      out.otherLoadCores = Math.max(0, (machine - load0.machine - ours) / (performance.now() - load0.t));
    }
    out.gatewayFinalRssMb = stats.rss / MB;

    if (PROFILE) {
      out.profiles = {};
      const per = { 'nonstream-c1': [lat, out.latency.n, 'req'], 'nonstream-c32': [tg, tg.result.requests, 'req'], stream: [st, out.stream.n, 'stream'], 'stream-paced': [pc, out.pacedStream.n, 'stream'] };
      for (const [scenario, [p, n, unit]] of Object.entries(per)) {
        const sum = summarise(JSON.parse(readFileSync(p.file, 'utf8')));
        out.profiles[scenario] = p.file;
        log(`\n--- profile ${name} ${scenario} (${p.file})\n` + formatSummary(sum, { top: 25, per: n, perLabel: unit }));
      }
    }
  } finally {
    await Promise.allSettled([pools.upstream.destroy(), pools.gateway.destroy(), pools.paced.destroy(), pools.router?.destroy()]);
    await rpc(gw, 'exit', {}, 5_000).catch(() => {});
    gw.kill('SIGKILL');
  }
  return out;
}

/**
 * The router's bookkeeping (request facts, strategy ordering, outcome recording,
 * events): the same c=32 load through the router port (two providers on the same
 * upstream) and through a pinned port, in alternating rounds; the difference in
 * gateway CPU per request is what routing costs.
 */
async function routerOverhead(name, R, pools, gwOrigin, upstream, gw, roundMs, roundMax) {
  log(`  ${name}: router port vs pinned port, c=${CONCURRENCY} (${TPUT_ROUNDS} rounds each)`);
  pools.router = new Pool(gwOrigin('router'), POOL_OPTS);
  const viaRouter = { pool: pools.router, req: { ...R.gateway.req, label: `${name} router` } };
  await throughput(viaRouter, [null, null], CONCURRENCY, 300, 5_000);
  const rounds = { pinned: [], router: [] };
  for (let i = 0; i < TPUT_ROUNDS; i++) {
    rounds.pinned.push(await throughput(R.gateway, [upstream, gw], CONCURRENCY, roundMs, roundMax));
    rounds.router.push(await throughput(viaRouter, [upstream, gw], CONCURRENCY, roundMs, roundMax));
  }
  const pinned = mergeRounds(rounds.pinned);
  const router = mergeRounds(rounds.router);
  const pinnedCpu = pinned.cpuMs.gateway / pinned.requests;
  const routerCpu = router.cpuMs.gateway / router.requests;
  return { concurrency: CONCURRENCY, pinnedRps: pinned.rps, routerRps: router.rps, pinnedCpuPerRequestMs: pinnedCpu, routerCpuPerRequestMs: routerCpu, overheadMs: routerCpu - pinnedCpu };
}

/**
 * What recording usage costs (building the row, the ledger's batched SQLite
 * writes, in-process listeners): the same c=32 load through the pinned port with
 * recording on and paused, in alternating rounds; the median of the per-pair
 * differences in gateway CPU per request. The ledger's own write time per row is read from its flush reports.
 */
async function recordingOverhead(name, R, upstream, gw, roundMs, roundMax) {
  const rounds = Math.max(2, RECORDING_ROUNDS);
  const ms = Math.max(500, (roundMs * TPUT_ROUNDS) / rounds);
  log(`  ${name}: usage recording on vs paused, c=${CONCURRENCY} (${rounds} rounds of ${ms / 1000} s each)`);
  const on = [];
  const off = [];
  const before = await rpc(gw, 'usage', { on: true });
  let writes = before;
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first, so drift within a pair cancels out.
    for (const recording of i % 2 === 0 ? [true, false] : [false, true]) {
      await rpc(gw, 'usage', { on: recording });
      const r = await throughput(R.gateway, [upstream, gw], CONCURRENCY, ms, roundMax);
      (recording ? on : off).push(r);
    }
  }
  writes = await rpc(gw, 'usage', { on: true });
  const a = mergeRounds(on);
  const b = mergeRounds(off);
  const onCpu = a.cpuMs.gateway / a.requests;
  const offCpu = b.cpuMs.gateway / b.requests;
  const rows = writes.rows - before.rows;
  // The difference is a few % of the request's CPU, so one disturbed round would swing a mean:
  // the figure is the median of the per-pair differences (each pair ran back to back).
  const perReq = (r) => r.cpuMs.gateway / r.requests;
  const diffs = on.map((r, i) => perReq(r) - perReq(off[i])).sort((x, y) => x - y);
  const mid = diffs.length / 2;
  const median = diffs.length % 2 ? diffs[Math.floor(mid)] : (diffs[mid - 1] + diffs[mid]) / 2;
  return {
    concurrency: CONCURRENCY,
    rounds,
    onCpuPerRequestMs: onCpu,
    offCpuPerRequestMs: offCpu,
    overheadMs: median,
    overheadMeanMs: onCpu - offCpu,
    pairDifferencesMs: diffs,
    ledgerRowsWritten: rows,
    ledgerWriteMsPerRow: rows ? (writes.flushMs - before.flushMs) / rows : null,
  };
}
