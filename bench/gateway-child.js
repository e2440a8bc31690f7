// The gateway under test, in its own process: the built dist/ Gateway with the
// same config path as `switchboard serve` (schema parse + resolveSettings), log
// level silent. Started by bench/run.js with child_process.fork.
//
//   argv[2]   upstream base URL (http://127.0.0.1:PORT)
//   stdout    one line: {"ports":{"oa":N,"an":N,"oa-paced":N,"an-paced":N},"rss":...}
//   IPC in    {id, cmd:'stats'}                    -> {id, cpu, rss, maxRssKb, heapUsed}
//             {id, cmd:'prof-start', intervalUs}   -> {id}          (inspector CPU profile)
//             {id, cmd:'prof-stop', file}          -> {id, file}    (writes .cpuprofile)
//             {id, cmd:'exit'}                     -> stops the gateway, exits 0
//
// Exits on its own when the driver disconnects.

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { ConfigSchema } from '../dist/proxy/config/schema.js';
import { resolveSettings } from '../dist/proxy/config/resolve.js';
import { Gateway } from '../dist/proxy/gateway.js';

const upstream = process.argv[2];
if (!upstream) {
  console.error('usage: gateway-child.js UPSTREAM_URL');
  process.exit(2);
}

const config = ConfigSchema.parse({
  server: { logLevel: 'silent' },
  providers: {
    oa: { type: 'openai-compatible', baseUrl: upstream, apiKey: 'bench', maxOutputTokens: 8192 },
    an: { type: 'anthropic-compatible', baseUrl: upstream },
    // Same providers against the upstream's /paced prefix: one SSE event per upstream write.
    'oa-paced': { type: 'openai-compatible', baseUrl: upstream + '/paced', apiKey: 'bench', maxOutputTokens: 8192 },
    'an-paced': { type: 'anthropic-compatible', baseUrl: upstream + '/paced' },
  },
  ports: [
    { port: 0, use: 'oa' },
    { port: 0, use: 'an' },
    { port: 0, use: 'oa-paced' },
    { port: 0, use: 'an-paced' },
  ],
});
const settings = resolveSettings(config, {});
const gateway = new Gateway(settings);
const listening = await gateway.start();

const ports = Object.fromEntries(listening.map((p) => [p.use, p.port]));
process.stdout.write(JSON.stringify({ ports, rss: process.memoryUsage.rss() }) + '\n');

let session = null;

async function handle(m) {
  switch (m.cmd) {
    case 'stats': {
      const mem = process.memoryUsage();
      return { cpu: process.cpuUsage(), rss: mem.rss, heapUsed: mem.heapUsed, maxRssKb: process.resourceUsage().maxRSS };
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
