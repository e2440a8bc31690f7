// What the benchmark prints: progress on stderr, and on stdout the run header,
// one markdown table per dialect (PASS/MISS against TARGETS for the translating dialects),
// the notes under each table and the closing lines.

import { FIXTURE, MODEL } from './requests.js';
import { PROF_DIR, PROF_INTERVAL, PROFILE, QUICK, ROOT, TARGET_DIALECTS, TARGETS } from './plan.js';

/** Progress goes to stderr so stdout is only the report. */
export function log(s) {
  process.stderr.write(s + '\n');
}

const f = (v, d = 2) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d));
const split = (s, d) => (s ? `usr ${f(s.userMs, d)} + sys ${f(s.systemMs, d)}` : '');
const signed = (v, d = 2) => (v >= 0 ? '+' : '') + f(v, d);

/** The fixture's path relative to the repository, as printed and recorded. */
export const fixtureName = () => FIXTURE.slice(ROOT.length + 1);

function verdict(target, value) {
  if (!target) return '';
  const ok = target.max !== undefined ? value <= target.max : value >= target.min;
  return ok ? 'PASS' : 'MISS';
}

function table(r, withTargets) {
  const T = withTargets ? TARGETS : {};
  const t = (k) => (T[k] ? T[k].label : '');
  const v = (k, value) => verdict(T[k], value);
  const rows = [
    ['c=1 non-stream latency p50 (ms)', f(r.latency.direct.p50, 3), f(r.latency.gateway.p50, 3), signed(r.latency.addedP50Ms, 3), t('addedP50Ms'), v('addedP50Ms', r.latency.addedP50Ms)],
    ['c=1 non-stream latency p99 (ms)', f(r.latency.direct.p99, 3), f(r.latency.gateway.p99, 3), signed(r.latency.addedP99Ms, 3), '', ''],
    ['gateway CPU per request, c=1 (ms)', '', f(r.latency.gatewayCpuPerRequestMs, 3), split(r.latency.gatewayCpuSplitPerRequest, 3), t('cpuPerRequestMs'), v('cpuPerRequestMs', r.latency.gatewayCpuPerRequestMs)],
    [`c=${r.throughput.concurrency} throughput (req/s)`, f(r.throughput.direct.rps, 0), f(r.throughput.gateway.rps, 0), f(100 * r.throughput.ratio, 1) + ' % of direct', t('rpsRatio'), v('rpsRatio', r.throughput.ratio)],
    [`gateway CPU per request, c=${r.throughput.concurrency} (ms)`, '', f(r.throughput.gatewayCpuPerRequestMs, 3), split(r.throughput.gateway.gatewayCpuSplitPerRequest, 3), '', ''],
    [`cores busy during c=${r.throughput.concurrency} (all 3 processes)`, f(r.throughput.direct.coresBusy, 2), f(r.throughput.gateway.coresBusy, 2), '', '', ''],
    [`${r.stream.events}-chunk stream TTFB p50 (ms)`, f(r.stream.direct.ttfb.p50, 3), f(r.stream.gateway.ttfb.p50, 3), signed(r.stream.gateway.ttfb.p50 - r.stream.direct.ttfb.p50, 3), '', ''],
    [`${r.stream.events}-chunk stream total p50 (ms)`, f(r.stream.direct.total.p50, 2), f(r.stream.gateway.total.p50, 2), signed(r.stream.gateway.total.p50 - r.stream.direct.total.p50, 2), '', ''],
    [`gateway CPU per ${r.stream.events}-chunk stream (ms)`, '', f(r.stream.gatewayCpuPerStreamMs, 2), split(r.stream.gatewayCpuSplitPerStream, 2), t('cpuPerStreamMs'), v('cpuPerStreamMs', r.stream.gatewayCpuPerStreamMs)],
    ['paced stream TTFB p50 (ms) [info]', f(r.pacedStream.direct.ttfb.p50, 3), f(r.pacedStream.gateway.ttfb.p50, 3), signed(r.pacedStream.gateway.ttfb.p50 - r.pacedStream.direct.ttfb.p50, 3), '', ''],
    ['paced stream total p50 (ms) [info]', f(r.pacedStream.direct.total.p50, 2), f(r.pacedStream.gateway.total.p50, 2), signed(r.pacedStream.gateway.total.p50 - r.pacedStream.direct.total.p50, 2), '', ''],
    ['gateway CPU per paced stream (ms) [info]', '', f(r.pacedStream.gatewayCpuPerStreamMs, 2), split(r.pacedStream.gatewayCpuSplitPerStream, 2), '', ''],
    ...(r.router
      ? [[`router port CPU per request, c=${r.router.concurrency} (ms)`, '', f(r.router.routerCpuPerRequestMs, 3), `pinned ${f(r.router.pinnedCpuPerRequestMs, 3)}, routing ${signed(r.router.overheadMs, 3)}`, t('routerOverheadMs'), v('routerOverheadMs', r.router.overheadMs)]]
      : []),
    ...(r.recording
      ? [[`usage recording CPU per request, c=${r.recording.concurrency} (ms)`, '', f(r.recording.onCpuPerRequestMs, 3), `paused ${f(r.recording.offCpuPerRequestMs, 3)}, recording ${signed(r.recording.overheadMs, 3)} (median of ${r.recording.rounds} pairs; ledger writes ${f((r.recording.ledgerWriteMsPerRow ?? NaN) * 1000, 1)} µs/row)`, t('recordingOverheadMs'), v('recordingOverheadMs', r.recording.overheadMs)]]
      : []),
    ['gateway peak RSS (MB)', '', f(r.gatewayPeakRssMb, 1), `idle ${f(r.gatewayIdleRssMb, 1)}`, t('peakRssMb'), v('peakRssMb', r.gatewayPeakRssMb)],
    ['gateway peak RSS before any c>1 load (MB) [info]', '', f(r.gatewayPeakRssSequentialMb, 1), '', '', ''],
  ];
  const head = ['Metric', 'Direct', 'Via gateway', 'Added / ratio', 'Target', 'Result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|') + '|', ...rows.map(line)].join('\n');
}

/** A translating dialect's figures against TARGETS, for results.json. */
export function targetResults(r) {
  const checks = {
    addedP50Ms: r.latency.addedP50Ms,
    cpuPerRequestMs: r.latency.gatewayCpuPerRequestMs,
    rpsRatio: r.throughput.ratio,
    cpuPerStreamMs: r.stream.gatewayCpuPerStreamMs,
    peakRssMb: r.gatewayPeakRssMb,
    ...(r.router ? { routerOverheadMs: r.router.overheadMs } : {}),
    ...(r.recording ? { recordingOverheadMs: r.recording.overheadMs } : {}),
  };
  return Object.fromEntries(Object.entries(checks).map(([k, value]) => [k, { value, target: TARGETS[k], pass: verdict(TARGETS[k], value) === 'PASS' }]));
}

export function printHeader(machine, bodies) {
  console.log(`Switchboard benchmark${QUICK ? ' (--quick: short smoke run, figures are noisy)' : ''}`);
  console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${f(machine.memoryGb, 1)} GB, ${machine.platform}, node ${machine.node}, load ${machine.loadavg.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(
    `body: Claude Code first turn (${fixtureName()}), model ${MODEL}, ${bodies.tools} tools (${bodies.deferredTools} defer_loading), ` +
      `${bodies.nonStream.length} bytes non-streaming / ${bodies.stream.length} bytes streaming`,
  );
  if (PROFILE) console.log(`BENCH_PROF=1: profiling the gateway every ${PROF_INTERVAL} µs into ${PROF_DIR}; CPU figures are inflated by the profiler.`);
}

/** One dialect's section: title, table, and the notes that say how far to trust it. */
export function printDialect(name, r) {
  const what =
    name === 'openai-chat'
      ? `Anthropic → OpenAI Chat Completions translation; direct = the translated ${r.upstreamBodyBytes}-byte Chat Completions body POSTed to ${r.upstreamPath}`
      : name === 'gemini'
        ? `Anthropic → Gemini generateContent translation; direct = the translated ${r.upstreamBodyBytes}-byte generateContent body POSTed to ${r.upstreamPath}`
        : `Anthropic passthrough; direct = the same ${r.upstreamBodyBytes}-byte Messages body POSTed to ${r.upstreamPath}`;
  console.log(`### ${name} (${what})`);
  console.log('');
  console.log(table(r, TARGET_DIALECTS.includes(name)));
  console.log('');
  const truncated = [r.latency.truncated && 'latency', r.stream.truncated && 'stream', r.pacedStream.truncated && 'paced stream'].filter(Boolean);
  if (truncated.length) console.log(`note: ${truncated.join(', ')} loop(s) hit their time bound before their count`);
  const m = r.gatewayMemory;
  if (m) {
    const at = (x) => `rss ${f(x.rss, 0)} (peak so far ${f(x.peakRss, 0)}), heap ${f(x.heapUsed, 0)}/${f(x.heapTotal, 0)}, external ${f(x.external, 0)}`;
    console.log(`gateway memory, MB: idle rss ${f(r.gatewayIdleRssMb, 0)}; after c=1: ${at(m.afterLatency)}; after c=${r.throughput.concurrency}: ${at(m.afterThroughput)}; after streams: ${at(m.afterStreams)}`);
  }
  const conns = [['c=1 requests', r.latency], ['streams', r.stream], ['paced streams', r.pacedStream]].filter(([, x]) => x.upstreamConnectionsOpened !== undefined);
  console.log(`new gateway→upstream connections: ${conns.map(([k, x]) => `${x.upstreamConnectionsOpened} for ${x.n} ${k}`).join(', ')}`);
  for (const [k, x] of conns) {
    if (x.upstreamConnectionsOpened > 2) console.log(`WARNING: keep-alive is not reused for ${k}: ${x.upstreamConnectionsOpened} new upstream connections for ${x.n} sequential exchanges (each pays a TCP, and against a real provider a TLS, handshake)`);
  }
  if (r.otherLoadCores !== undefined) {
    const busy = r.otherLoadCores > 0.15;
    console.log(`other processes used ${f(r.otherLoadCores, 2)} cores during this run${busy ? ' — WARNING: the machine was not quiet, figures are pessimistic; rerun on an idle machine' : ''}`);
  }
  console.log(
    `n: ${r.latency.n} + ${r.latency.n} requests at c=1; ${r.throughput.direct.requests} direct / ${r.throughput.gateway.requests} gateway requests at c=${r.throughput.concurrency}; ` +
      `${r.stream.n} + ${r.stream.n} streams (${r.stream.direct.bytes} B direct, ${r.stream.gateway.bytes} B via gateway, client reads/stream p50 ${r.stream.gatewayClientReadsP50} vs ${r.pacedStream.gatewayClientReadsP50} paced); ${r.pacedStream.n} + ${r.pacedStream.n} paced streams`,
  );
  console.log('');
}

/** The closing lines: target verdict, the upstream's own cost, the host speed check. */
export function printFooter(report, upstreamCpuMsPerRequest, out) {
  for (const [name, targets] of Object.entries(report.targetsByDialect ?? {})) {
    const misses = Object.entries(targets).filter(([, t]) => !t.pass);
    console.log(misses.length ? `${name} targets: ${misses.length} MISS (${misses.map(([k]) => k).join(', ')})` : `${name} targets: all PASS`);
  }
  const { before, after } = report.machine.calibrationUs;
  console.log(`upstream CPU per request: ${f(upstreamCpuMsPerRequest, 3)} ms (the scripted upstream's own cost, for scale)`);
  console.log(
    `host speed check: decoding + JSON.parse of the body in the driver took ${f(before, 1)} µs before and ${f(after, 1)} µs after the run ` +
      '(compare across runs: a higher figure means a slower or contended host, and every figure above scales with it)',
  );
  console.log(`total time ${report.seconds.toFixed(1)} s; results written to ${out}`);
}
