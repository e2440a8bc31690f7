// The load loops, each bounded by a count and a time: sequential alternation
// (c=1 latency and the stream scenarios) and the fixed-duration closed loop at
// c=N (throughput). Gateway CPU and memory are read over IPC around each loop.

import { once } from './client.js';
import { rpc } from './processes.js';
import { cpuMs, cpuSplit, dist, memory } from './stats.js';

/**
 * Alternates direct and gateway requests one by one (identical conditions for
 * both), bounded by count and time; returns per-side samples and gateway CPU.
 */
export async function alternate(direct, gateway, gw, count, maxMs, upstream = null) {
  const d = [];
  const g = [];
  const gReads = [];
  const before = await rpc(gw, 'stats');
  const upBefore = upstream ? await rpc(upstream, 'stats') : null;
  const deadline = performance.now() + maxMs;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    d.push(await once(direct.pool, direct.req));
    const r = await once(gateway.pool, gateway.req);
    g.push(r);
    gReads.push(r.reads);
  }
  const after = await rpc(gw, 'stats');
  // The direct pool keeps its connections; new upstream connections are the gateway's (keep-alive misses).
  const upstreamConnections = upstream ? (await rpc(upstream, 'stats')).connections - upBefore.connections : undefined;
  const gwCpu = cpuMs(after.cpu) - cpuMs(before.cpu);
  const split = cpuSplit(before, after, g.length);
  return { direct: d, gateway: g, n: g.length, gwCpuMs: gwCpu, gwCpuPer: gwCpu / g.length, gwCpuSplit: split, truncated: g.length < count, clientReadsP50: dist(gReads).p50, gwMemoryAfter: memory(after), upstreamConnections };
}

/** Sums throughput rounds into one result. */
export function mergeRounds(parts) {
  const sum = (f) => parts.reduce((a, p) => a + f(p), 0);
  const requests = sum((p) => p.requests);
  const seconds = sum((p) => p.seconds);
  const cpuMs = { upstream: sum((p) => p.cpuMs.upstream), gateway: sum((p) => p.cpuMs.gateway), client: sum((p) => p.cpuMs.client) };
  const split = parts[0].gatewayCpuSplitPerRequest
    ? { userMs: sum((p) => p.gatewayCpuSplitPerRequest.userMs * p.requests) / requests, systemMs: sum((p) => p.gatewayCpuSplitPerRequest.systemMs * p.requests) / requests }
    : null;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    roundsRps: parts.map((p) => p.rps),
    cpuMs,
    gatewayCpuSplitPerRequest: split,
    coresBusy: (cpuMs.upstream + cpuMs.gateway + cpuMs.client) / (seconds * 1000),
    gwMemoryAfter: parts[parts.length - 1].gwMemoryAfter,
  };
}

/**
 * Fixed-duration closed loop with `conc` workers; returns req/s and CPU of every
 * process. `procs` is [upstream, gateway]; null entries (warm-up) are not measured.
 */
export async function throughput(side, procs, conc, ms, max) {
  const before = await Promise.all(procs.map((p) => (p ? rpc(p, 'stats') : null)));
  const clientBefore = process.cpuUsage();
  let done = 0;
  let started = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  let last = t0;
  const worker = async () => {
    while (performance.now() < end && started < max) {
      started++;
      await once(side.pool, side.req);
      done++;
      last = performance.now();
    }
  };
  await Promise.all(Array.from({ length: conc }, worker));
  const elapsed = last - t0;
  const clientCpu = cpuMs(process.cpuUsage(clientBefore));
  const after = await Promise.all(procs.map((p) => (p ? rpc(p, 'stats') : null)));
  const cpu = procs.map((p, i) => (p ? cpuMs(after[i].cpu) - cpuMs(before[i].cpu) : 0));
  const gwSplit = procs[1] ? cpuSplit(before[1], after[1], done) : null;
  return { requests: done, seconds: elapsed / 1000, rps: done / (elapsed / 1000), cpuMs: { upstream: cpu[0], gateway: cpu[1], client: clientCpu }, gatewayCpuSplitPerRequest: gwSplit, coresBusy: (cpu[0] + cpu[1] + clientCpu) / elapsed, gwMemoryAfter: procs[1] ? memory(after[1]) : undefined };
}
