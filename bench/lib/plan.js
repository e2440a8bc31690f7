// Command-line flags, environment switches, scenario sizes and the targets the
// translating dialects' figures are judged against. Read once, at import.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ and the repository root, for the child scripts, the fixture and the default output. */
export const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = join(BENCH, '..');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.findIndex((a) => a === name || a.startsWith(name + '='));
  if (i === -1) return undefined;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
};
export const QUICK = flag('--quick');
export const ONLY = option('--dialect');
export const OUT = option('--out') ?? join(BENCH, 'results.json');
/** Every dialect the bench measures, in run order. */
export const DIALECT_NAMES = ['openai-chat', 'anthropic', 'gemini'];
/** Dialects judged against TARGETS (the translating ones). */
export const TARGET_DIALECTS = ['openai-chat', 'gemini'];
if (ONLY !== undefined && !DIALECT_NAMES.includes(ONLY)) {
  console.error(`--dialect must be one of ${DIALECT_NAMES.join(', ')}, not ${ONLY}`);
  process.exit(2);
}
export const PROFILE = process.env.BENCH_PROF === '1';
export const PROF_DIR = '/tmp/switchboard-bench-prof';
export const PROF_INTERVAL = Number(process.env.BENCH_PROF_INTERVAL_US ?? 100);
/** Extra node flags for the gateway process only (e.g. --max-semi-space-size=32), to try runtime tuning. */
export const GATEWAY_FLAGS = (process.env.BENCH_GATEWAY_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);

/** Every loop is bounded by a count and a time (ms). */
export const PLAN = QUICK
  ? { warmup: 60, warmStreams: 10, latency: 200, latencyMs: 10_000, tputMs: 1_000, tputMax: 50_000, streams: 20, streamsMs: 10_000, paced: 5, pacedMs: 10_000 }
  : { warmup: 300, warmStreams: 30, latency: 2000, latencyMs: 40_000, tputMs: 5_000, tputMax: 500_000, streams: 200, streamsMs: 40_000, paced: 40, pacedMs: 30_000 };
export const CONCURRENCY = 32;
export const STREAM_EVENTS = 1000;
/** Throughput is measured in rounds of direct then gateway, so slow drift hits both sides alike. */
export const TPUT_ROUNDS = 2;

export const TARGETS = {
  cpuPerRequestMs: { max: 0.25, label: '≤ 0.25 ms' },
  addedP50Ms: { max: 0.5, label: '≤ +0.5 ms' },
  rpsRatio: { min: 0.15, label: '≥ 15 %' },
  cpuPerStreamMs: { max: 4, label: '≤ 4 ms' },
  peakRssMb: { max: 120, label: '≤ 120 MB' },
  routerOverheadMs: { max: 0.05, label: '≤ 0.05 ms' },
  recordingOverheadMs: { max: 0.02, label: '≤ 0.02 ms' },
};
/** Rounds each of recording on and off, alternated (the difference is small, so more rounds than elsewhere). */
export const RECORDING_ROUNDS = 6;
