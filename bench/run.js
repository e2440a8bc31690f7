// Switchboard performance benchmark (run with `npm run bench`, which builds first).
//
// Three processes on 127.0.0.1: this driver (undici Pool as the load client),
// bench/upstream.js (a cheap scripted upstream) and bench/gateway-child.js (the
// built gateway). For each dialect — openai-chat (Anthropic → OpenAI Chat
// Completions translation), anthropic (passthrough) and gemini (Anthropic →
// Gemini generateContent translation; the translating ones have targets) —
// the same scenarios run directly against the upstream and through the gateway:
//
//   c=1 non-streaming latency   sequential, direct and gateway requests alternated
//   c=32 throughput             fixed duration, two rounds of direct then gateway
//   1000-chunk streams          sequential, alternated; TTFB = first body byte
//   paced streams (info)        one SSE event per upstream write, alternated
//   router overhead             c=32 via the router port vs a pinned port (openai-chat)
//   recording overhead          c=32 with usage recording on vs paused, alternated rounds
//
// The gateway's CPU (user+system, read over IPC) is sampled around each gateway
// scenario; its peak RSS is getrusage maxRSS. Each dialect gets a fresh gateway
// process so the peak RSS is that dialect's own. Also recorded: new gateway→
// upstream connections per scenario (keep-alive misses) and CPU used by other
// processes on the machine (a busy machine makes every figure pessimistic).
//
// The client body is the real Claude Code first turn (proxy/test/fixtures/
// claude-code-turn1.json, 12 tools) with model claude-sonnet-5-5 and `stream`
// set per scenario, sent with Claude Code's headers. "Direct" sends exactly the
// request the gateway sends upstream (URL, headers, body), built once up front
// with the gateway's own dist/ dialect code: for openai-chat that is the
// translated Chat Completions body.
//
// Flags: --quick (short smoke run), --dialect openai-chat|anthropic|gemini (only one),
//        --out FILE (results JSON; default bench/results.json).
// Env:   BENCH_PROF=1 writes one CPU profile of the gateway per gateway scenario
//        to /tmp/switchboard-bench-prof/ and prints a self-time summary
//        (CPU figures are inflated while profiling; do not compare them to targets).
//        BENCH_PROF_INTERVAL_US sampling interval (default 100).
//        BENCH_GATEWAY_NODE_FLAGS extra node flags for the gateway process only.
//        BENCH_STREAM_EVENTS (read by the upstream) changes the stream length; the
//        answer checks expect 1000, so only for experiments.
//
// Layout: lib/plan.js (flags, sizes, targets), lib/processes.js (children, IPC),
// lib/requests.js (bodies, config, direct/gateway requests), lib/checks.js
// (answers and upstream body equality), lib/client.js (one timed request),
// lib/load.js (the loops), lib/stats.js (percentiles, CPU, memory),
// lib/dialect.js (one dialect's scenarios), lib/report.js (tables, notes).

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { runDialect } from './lib/dialect.js';
import { DIALECT_NAMES, ONLY, OUT, PLAN, PROF_DIR, PROFILE, QUICK, TARGET_DIALECTS } from './lib/plan.js';
import { firstLine, killAll, rpc, start } from './lib/processes.js';
import { fixtureName, log, printDialect, printFooter, printHeader, targetResults } from './lib/report.js';
import { MODEL, clientBodies } from './lib/requests.js';
import { calibrate, cpuMs } from './lib/stats.js';

async function main() {
  const began = performance.now();
  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGb: os.totalmem() / 2 ** 30,
    loadavg: os.loadavg(),
  };
  const bodies = clientBodies();
  const calibrationBefore = calibrate(bodies.nonStream);
  printHeader(machine, bodies);

  if (PROFILE) mkdirSync(PROF_DIR, { recursive: true });
  const upstream = start('upstream.js', []);
  const { port, streamBytes } = await firstLine(upstream, 'upstream');
  const upstreamUrl = `http://127.0.0.1:${port}`;

  const results = {};
  try {
    for (const name of DIALECT_NAMES) {
      if (ONLY && ONLY !== name) continue;
      log(`running ${name}…`);
      results[name] = await runDialect(name, upstreamUrl, upstream, bodies);
    }
    const upStats = await rpc(upstream, 'stats');
    results.upstreamCpuMsPerRequest = cpuMs(upStats.cpu) / upStats.requests;
  } finally {
    await rpc(upstream, 'exit', {}, 2_000).catch(() => {});
    killAll();
  }

  const calibrationAfter = calibrate(bodies.nonStream);
  machine.calibrationUs = { before: calibrationBefore, after: calibrationAfter };
  const seconds = (performance.now() - began) / 1000;
  console.log('');
  const dialects = Object.fromEntries(DIALECT_NAMES.filter((name) => results[name]).map((name) => [name, results[name]]));
  const report = {
    date: new Date().toISOString(),
    quick: QUICK,
    profiled: PROFILE,
    plan: PLAN,
    machine,
    seconds,
    body: { fixture: fixtureName(), model: MODEL, nonStreamBytes: bodies.nonStream.length, streamBytes: bodies.stream.length, tools: bodies.tools, deferredTools: bodies.deferredTools },
    upstreamStreamBytes: streamBytes,
    dialects,
    targets: dialects['openai-chat'] ? targetResults(dialects['openai-chat']) : null,
    // The same targets for every translating dialect, keyed by dialect.
    targetsByDialect: Object.fromEntries(TARGET_DIALECTS.filter((name) => dialects[name]).map((name) => [name, targetResults(dialects[name])])),
  };
  for (const [name, r] of Object.entries(dialects)) printDialect(name, r);
  printFooter(report, results.upstreamCpuMsPerRequest, OUT);
  writeFileSync(OUT, JSON.stringify(report, null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('benchmark failed:', err?.stack ?? err);
    killAll();
    process.exit(1);
  },
);
