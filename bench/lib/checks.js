// Correctness before speed: every kind of answer is checked once, and the body
// the gateway sent upstream must be byte for byte the direct baseline's, or the
// comparison would be between two different workloads.

import { once } from './client.js';
import { rpc } from './processes.js';
import { STREAM_EVENTS } from './plan.js';

function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

function checkAnswer(kind, text) {
  const fail = (why) => {
    throw new Error(`${kind}: unexpected answer (${why}): ${text.slice(0, 300)}`);
  };
  switch (kind) {
    case 'anthropic-json': {
      const m = JSON.parse(text);
      if (m.type !== 'message' || m.content?.[0]?.type !== 'text' || !m.content[0].text.startsWith('Hello')) fail('not a text message');
      if (m.usage?.input_tokens !== 12000) fail('usage missing');
      break;
    }
    case 'openai-json': {
      const m = JSON.parse(text);
      if (m.object !== 'chat.completion') fail('not a chat completion');
      break;
    }
    case 'anthropic-sse': {
      const deltas = text.split('event: content_block_delta\n').length - 1;
      if (deltas !== STREAM_EVENTS) fail(`${deltas} content_block_delta events, expected ${STREAM_EVENTS}`);
      if (!text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')) fail('no message_stop at the end');
      if (!text.includes(' w0') || !text.includes(` w${STREAM_EVENTS - 1}"`)) fail('tokens missing');
      break;
    }
    case 'gemini-json': {
      const m = JSON.parse(text);
      if (!m.candidates?.[0]?.content?.parts?.[0]?.text?.startsWith('Hello')) fail('not a generateContent answer');
      break;
    }
    case 'gemini-sse': {
      const events = text.split('data: ').length - 1;
      if (events !== STREAM_EVENTS) fail(`${events} data events, expected ${STREAM_EVENTS}`);
      if (!text.trimEnd().endsWith('"responseId":"bench"}') || !text.includes('"finishReason":"STOP"')) fail('no final chunk with finishReason');
      break;
    }
    case 'openai-sse': {
      const events = text.split('data: ').length - 1;
      if (events !== STREAM_EVENTS + 3) fail(`${events} data events, expected ${STREAM_EVENTS + 3}`);
      if (!text.endsWith('data: [DONE]\n\n')) fail('no [DONE]');
      break;
    }
  }
}

/** One of each request of a dialect (R from dialectRequests), answers checked; throws on any mismatch. */
/** The upstream wire format each dialect speaks (bench/upstream.js kinds). */
const UPSTREAM_KIND = { 'openai-chat': 'openai', anthropic: 'anthropic', gemini: 'gemini' };

export async function verifyDialect(name, R, upstream) {
  const kind = UPSTREAM_KIND[name];
  const upJson = `${kind}-json`;
  const upSse = `${kind}-sse`;
  checkAnswer(upJson, (await once(R.direct.pool, R.direct.req, true)).text);
  checkAnswer('anthropic-json', (await once(R.gateway.pool, R.gateway.req, true)).text);
  checkAnswer(upSse, (await once(R.directStream.pool, R.directStream.req, true)).text);
  checkAnswer('anthropic-sse', (await once(R.gatewayStream.pool, R.gatewayStream.req, true)).text);
  checkAnswer('anthropic-sse', (await once(R.gatewayPaced.pool, R.gatewayPaced.req, true)).text);
  // The last bodies the upstream saw are the gateway's (it spoke after each direct request).
  const seen = (await rpc(upstream, 'last-bodies')).bodies;
  for (const [k, direct] of [[kind, R.direct.req.body], [`${kind}-stream`, R.directStream.req.body]]) {
    const sent = Buffer.from(seen[k] ?? '', 'base64');
    if (!sent.equals(direct)) {
      throw new Error(`${name}: the gateway sent upstream a ${sent.length}-byte ${k} body that differs from the ${direct.length}-byte direct baseline (first difference at byte ${firstDifference(sent, direct)})`);
    }
  }
}
