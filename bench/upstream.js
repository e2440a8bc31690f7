// The benchmark's scripted upstream: a bare node:http server that answers OpenAI
// Chat Completions, Anthropic Messages and Gemini generateContent with precomputed
// bytes, so that what it costs is as small and as constant as possible (it is not
// what we measure).
//
//   POST [/paced]/chat/completions, [/paced]/v1/chat/completions   OpenAI
//   POST [/paced]/v1/messages                                      Anthropic
//   POST [/paced]/v1beta/models/{m}:generateContent                Gemini (AI Studio)
//   POST [/paced]/v1beta/models/{m}:streamGenerateContent?alt=sse  Gemini stream
//
// A request body containing `"stream":true` (Gemini: the streamGenerateContent
// method, its bodies have no stream flag) gets a 1000-delta SSE stream, written
// in as few writes as practical (one res.write for the whole event list); under
// the /paced prefix every event is its own write, one per event-loop turn, which
// is closer to a real model emitting tokens. Other bodies get a small JSON answer.
// The request body is never parsed: only scanned for the stream flag.
//
// Started with child_process.fork: prints {"port":N,...} on stdout, answers
// {cmd:'stats'} IPC messages with its CPU usage, connection count and the last
// body sizes it saw, {cmd:'last-bodies'} with the last body of each kind (base64),
// and exits when its parent goes away.

import { createServer } from 'node:http';

const EVENTS = Number(process.env.BENCH_STREAM_EVENTS ?? 1000);
const STREAM_FLAG = Buffer.from('"stream":true');

// ------------------------------------------------------------------ answers

const openaiJson = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1,
    model: 'up-model',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you with this repository today?' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12000, completion_tokens: 12, total_tokens: 12012, prompt_tokens_details: { cached_tokens: 0 } },
  }),
);

const anthropicJson = Buffer.from(
  JSON.stringify({
    id: 'msg_bench',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-5-5',
    content: [{ type: 'text', text: 'Hello! How can I help you with this repository today?' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12000, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  }),
);

const geminiJson = Buffer.from(
  JSON.stringify({
    candidates: [{ content: { parts: [{ text: 'Hello! How can I help you with this repository today?' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 12000, candidatesTokenCount: 12, totalTokenCount: 12012 },
    modelVersion: 'gemini-2.5-pro',
    responseId: 'bench',
  }),
);

/** One short token per delta: " w0", " w1", ... */
const token = (i) => ' w' + i;

function openaiStreamEvents() {
  const chunk = (delta, finish = null) => ({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [{ index: 0, delta, finish_reason: finish }] });
  const out = [];
  for (let i = 0; i < EVENTS; i++) out.push(chunk(i === 0 ? { role: 'assistant', content: token(i) } : { content: token(i) }));
  out.push(chunk({}, 'stop'));
  out.push({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [], usage: { prompt_tokens: 12000, completion_tokens: EVENTS, total_tokens: 12000 + EVENTS, prompt_tokens_details: { cached_tokens: 0 } } });
  return out.map((c) => `data: ${JSON.stringify(c)}\n\n`).concat('data: [DONE]\n\n');
}

function anthropicStreamEvents() {
  const ev = (e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
  const out = [
    ev({ type: 'message_start', message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-sonnet-5-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12000, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } }),
    ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ev({ type: 'ping' }),
  ];
  for (let i = 0; i < EVENTS; i++) out.push(ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: token(i) } }));
  out.push(ev({ type: 'content_block_stop', index: 0 }));
  out.push(ev({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: EVENTS } }));
  out.push(ev({ type: 'message_stop' }));
  return out;
}

/** AI Studio's alt=sse framing: data lines only (CRLF), no event names, no [DONE]; the last chunk carries finishReason and usage. */
function geminiStreamEvents() {
  const out = [];
  for (let i = 0; i < EVENTS; i++) {
    const last = i === EVENTS - 1;
    const cand = { content: { parts: [{ text: token(i) }], role: 'model' }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) };
    const chunk = { candidates: [cand], ...(last ? { usageMetadata: { promptTokenCount: 12000, candidatesTokenCount: EVENTS, totalTokenCount: 12000 + EVENTS } } : {}), modelVersion: 'gemini-2.5-pro', responseId: 'bench' };
    out.push(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  }
  return out;
}

const streams = {
  openai: { events: openaiStreamEvents().map((s) => Buffer.from(s)) },
  anthropic: { events: anthropicStreamEvents().map((s) => Buffer.from(s)) },
  gemini: { events: geminiStreamEvents().map((s) => Buffer.from(s)) },
};
for (const s of Object.values(streams)) s.all = Buffer.concat(s.events);

const JSON_HEADERS = (len) => ({ 'content-type': 'application/json', 'content-length': String(len) });
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

// ------------------------------------------------------------------ server

const stats = { requests: 0, streams: 0, connections: 0, lastBodyBytes: {}, errors: 0 };
/** The last body of each kind, by reference (no copy), for the driver's byte-for-byte check. */
const lastBodies = {};

function route(url) {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  let paced = false;
  if (path.startsWith('/paced/')) {
    paced = true;
    path = path.slice(6);
  }
  if (path === '/chat/completions' || path === '/v1/chat/completions') return { kind: 'openai', paced };
  if (path === '/v1/messages') return { kind: 'anthropic', paced };
  if (path.startsWith('/v1beta/models/')) {
    if (path.endsWith(':streamGenerateContent')) return { kind: 'gemini', paced, stream: true };
    if (path.endsWith(':generateContent')) return { kind: 'gemini', paced, stream: false };
  }
  return null;
}

const server = createServer((req, res) => {
  const r = req.method === 'POST' ? route(req.url ?? '') : null;
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    chunks.push(c);
    size += c.length;
  });
  req.on('end', () => {
    if (!r) {
      stats.errors++;
      const body = Buffer.from(JSON.stringify({ error: { message: `bench upstream: no route ${req.method} ${req.url}` } }));
      res.writeHead(404, JSON_HEADERS(body.length));
      res.end(body);
      return;
    }
    stats.requests++;
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    // Scanned for every kind, Gemini's too (its path says whether it streams): the same
    // per-request work on every route keeps the dialects' direct baselines comparable.
    const flagged = body.indexOf(STREAM_FLAG) !== -1;
    const stream = r.stream ?? flagged;
    const kind = `${r.kind}${stream ? '-stream' : ''}`;
    stats.lastBodyBytes[kind] = size;
    lastBodies[kind] = body;
    if (!stream) {
      const answer = r.kind === 'openai' ? openaiJson : r.kind === 'gemini' ? geminiJson : anthropicJson;
      res.writeHead(200, JSON_HEADERS(answer.length));
      res.end(answer);
      return;
    }
    stats.streams++;
    const s = streams[r.kind];
    res.writeHead(200, SSE_HEADERS);
    if (!r.paced) {
      res.end(s.all);
      return;
    }
    // One event per write, one write per event-loop turn.
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i === s.events.length) {
        res.end();
        return;
      }
      res.write(s.events[i++]);
      setImmediate(next);
    };
    next();
  });
});
server.on('connection', () => stats.connections++);
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.requestTimeout = 0;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(JSON.stringify({ port, streamBytes: { openai: streams.openai.all.length, anthropic: streams.anthropic.all.length, gemini: streams.gemini.all.length } }) + '\n');
});

process.on('message', (m) => {
  if (m && m.cmd === 'stats') {
    process.send({ id: m.id, cpu: process.cpuUsage(), rss: process.memoryUsage.rss(), maxRssKb: process.resourceUsage().maxRSS, ...stats });
  } else if (m && m.cmd === 'last-bodies') {
    process.send({ id: m.id, bodies: Object.fromEntries(Object.entries(lastBodies).map(([k, b]) => [k, b.toString('base64')])) });
  } else if (m && m.cmd === 'exit') {
    process.exit(0);
  }
});
// The driver went away (finished, crashed or killed): never linger.
process.on('disconnect', () => process.exit(0));
