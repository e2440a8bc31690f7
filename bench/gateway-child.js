// The gateway under test, in its own process: the built dist/ Gateway, with the
// config going through the same path as `switchboard serve` (schema parse, then
// resolveSettings). Started by bench/run.js with child_process.fork.
//
//   argv[2]   the config file's JSON (providers, ports on 0, logLevel silent)
//   stdout    one line: {"ports":{"<provider id>":PORT,...},"rss":BYTES,"maxRssKb":KB}
//   IPC in    {id, cmd:'stats'}                    -> {id, cpu, rss, heapTotal, heapUsed, external, arrayBuffers, maxRssKb}
//             {id, cmd:'prof-start', intervalUs}   -> {id}          (in-process inspector CPU profile)
//             {id, cmd:'prof-stop', file}          -> {id, file}    (writes a .cpuprofile)
//             {id, cmd:'usage', on}                -> {id, rows, flushMs}  (pause/resume usage recording;
//                                                   rows and ms spent writing ledger batches so far)
//             {id, cmd:'exit'}                     -> stops the gateway, exits 0
//
// Exits on its own when the driver disconnects.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { ConfigSchema } from '../dist/proxy/config/schema.js';
import { resolveSettings } from '../dist/proxy/config/resolve.js';
import { Gateway } from '../dist/proxy/gateway.js';

if (!process.argv[2]) {
  console.error('usage: gateway-child.js CONFIG_JSON');
  process.exit(2);
}
const config = ConfigSchema.parse(JSON.parse(process.argv[2]));
const settings = resolveSettings(config, {});
// A private state dir: the user's saved routing choices must not change what is measured.
const stateDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-state-'));
process.on('exit', () => rmSync(stateDir, { recursive: true, force: true }));
// A real ledger in the temp dir: recording usage is part of the measured hot path.
const gateway = new Gateway(settings, { stateDir, ledgerPath: process.env.BENCH_NO_LEDGER ? null : join(stateDir, 'usage.db') });
const listening = await gateway.start();
// Time spent inside ledger write transactions, for the recording-cost row.
const flushed = { rows: 0, ms: 0 };
gateway.ledger?.onFlush((info) => {
  flushed.rows += info.rows;
  flushed.ms += info.ms;
});

const ports = Object.fromEntries(listening.map((p) => [p.use, p.port]));
process.stdout.write(JSON.stringify({ ports, rss: process.memoryUsage.rss(), maxRssKb: process.resourceUsage().maxRSS }) + '\n');

let session = null;

async function handle(m) {
  switch (m.cmd) {
    case 'stats': {
      const mem = process.memoryUsage();
      return { cpu: process.cpuUsage(), rss: mem.rss, heapTotal: mem.heapTotal, heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers, maxRssKb: process.resourceUsage().maxRSS };
    }
    case 'prof-start': {
      session ??= new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: m.intervalUs ?? 100 });
      await session.post('Profiler.start');
      return {};
    }
    case 'prof-stop': {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      session.disconnect();
      session = null;
      writeFileSync(m.file, JSON.stringify(profile));
      return { file: m.file };
    }
    case 'usage':
      gateway.usage.paused = !m.on;
      return { rows: flushed.rows, flushMs: flushed.ms };
    case 'exit':
      await Promise.race([gateway.stop(), new Promise((r) => setTimeout(r, 2000))]);
      process.exit(0);
      return {};
    default:
      throw new Error(`unknown command ${m.cmd}`);
  }
}

process.on('message', (m) => {
  if (!m || typeof m !== 'object') return;
  handle(m).then(
    (r) => process.send({ id: m.id, ...r }),
    (err) => process.send({ id: m.id, error: String(err?.stack ?? err) }),
  );
});
process.on('disconnect', () => process.exit(0));
