// Test utility: parse, validate and accumulate an Anthropic Messages SSE stream
// the way strict clients (Claude Code, the SDKs) consume it. Used by the
// translator unit tests and by gateway integration tests.

/** One SSE frame. `data` is the parsed JSON (test code inspects it freely). */
export interface AnthropicSseEvent {
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test utility: frames are inspected ad hoc
  data: any;
}

/** Splits SSE text into frames; throws on a frame whose data is not JSON. Comment lines are skipped. */
export function parseAnthropicSse(text: string): AnthropicSseEvent[] {
  const out: AnthropicSseEvent[] = [];
  const frames = text.replace(/\r\n?/g, '\n').split('\n\n');
  for (const frame of frames) {
    if (!frame.trim()) continue;
    let event = '';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (!data.length) continue;
    const raw = data.join('\n');
    try {
      out.push({ event, data: JSON.parse(raw) });
    } catch {
      throw new Error(`SSE frame data is not JSON: ${raw.slice(0, 200)}`);
    }
  }
  return out;
}

const STOP_REASONS = new Set([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);
const ERROR_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'conflict_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
]);
const DELTA_FOR_BLOCK: Record<string, Set<string>> = {
  text: new Set(['text_delta', 'citations_delta']),
  thinking: new Set(['thinking_delta', 'signature_delta']),
  tool_use: new Set(['input_json_delta']),
  server_tool_use: new Set(['input_json_delta']),
};
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

/**
 * Throws a descriptive Error on any violation of the Messages stream grammar:
 * message_start first and once; ping anywhere; blocks strictly sequential with
 * indices 0..n; deltas only for the open block and of its type; thinking blocks
 * closed by a signature_delta; message_delta once after the last block; message_stop
 * last — or a terminal `error` event after which nothing follows.
 */
export function assertValidAnthropicStream(events: AnthropicSseEvent[]): void {
  const fail = (i: number, why: string): never => {
    const ev = events[i];
    throw new Error(`invalid Anthropic stream at event #${i}${ev ? ` (${ev.event})` : ''}: ${why}`);
  };
  if (events.length === 0) fail(0, 'empty stream');

  let sawStart = false;
  let sawDelta = false;
  let sawStop = false;
  let nextIndex = 0;
  let open: { index: number; type: string; text: string; json: string; signed: boolean } | null = null;

  for (let i = 0; i < events.length; i++) {
    const { event, data } = events[i];
    if (!event) fail(i, 'frame without an `event:` line (the SDK drops it)');
    if (!data || typeof data !== 'object' || data.type !== event) fail(i, `data.type ${JSON.stringify(data?.type)} does not match event name`);
    if (sawStop) fail(i, 'event after message_stop');

    if (event === 'error') {
      if (!data.error || !ERROR_TYPES.has(data.error.type)) fail(i, `unknown error type ${JSON.stringify(data.error?.type)}`);
      if (typeof data.error.message !== 'string' || !data.error.message) fail(i, 'error without message');
      if (i !== events.length - 1) fail(i + 1, 'event after terminal error');
      return;
    }
    if (event === 'ping') {
      if (!sawStart) fail(i, 'ping before message_start');
      continue;
    }
    if (event === 'message_start') {
      if (sawStart) fail(i, 'duplicate message_start');
      if (i !== 0) fail(i, 'message_start is not the first event');
      const m = data.message;
      if (!m || m.type !== 'message' || m.role !== 'assistant') fail(i, 'message_start.message is not an assistant message');
      if (!Array.isArray(m.content) || m.content.length !== 0) fail(i, 'message_start content must be []');
      if (m.stop_reason !== null) fail(i, 'message_start stop_reason must be null');
      if (typeof m.id !== 'string' || typeof m.model !== 'string') fail(i, 'message_start without id/model');
      checkUsage(m.usage, (why) => fail(i, `message_start usage: ${why}`));
      sawStart = true;
      continue;
    }
    if (!sawStart) fail(i, `${event} before message_start`);

    switch (event) {
      case 'content_block_start': {
        if (sawDelta) fail(i, 'content block after message_delta');
        if (open) fail(i, `block ${data.index} started while block ${open.index} is open`);
        if (data.index !== nextIndex) fail(i, `block index ${data.index}, expected ${nextIndex}`);
        const b = data.content_block;
        if (!b || !DELTA_FOR_BLOCK[b.type]) fail(i, `unknown block type ${JSON.stringify(b?.type)}`);
        if (b.type === 'text' && b.text !== '') fail(i, 'text block must start with text ""');
        if (b.type === 'thinking' && b.thinking !== '') fail(i, 'thinking block must start with thinking ""');
        if (b.type === 'tool_use') {
          if (typeof b.id !== 'string' || !TOOL_ID.test(b.id)) fail(i, `tool_use id ${JSON.stringify(b.id)} does not match ^[a-zA-Z0-9_-]+$`);
          if (typeof b.name !== 'string' || !b.name) fail(i, 'tool_use without name');
          if (!b.input || typeof b.input !== 'object' || Object.keys(b.input).length) fail(i, 'tool_use must start with input {}');
        }
        open = { index: data.index, type: b.type, text: '', json: '', signed: false };
        nextIndex++;
        break;
      }
      case 'content_block_delta': {
        if (!open) fail(i, `delta for block ${data.index} but no block is open`);
        const o = open!;
        if (data.index !== o.index) fail(i, `delta for block ${data.index} while block ${o.index} is open`);
        const d = data.delta;
        if (!d || !DELTA_FOR_BLOCK[o.type].has(d.type)) fail(i, `${d?.type} in a ${o.type} block (Content block is not a ${d?.type?.split('_')[0]} block)`);
        if (o.signed) fail(i, 'delta after the signature_delta of a thinking block');
        if (d.type === 'text_delta') {
          if (typeof d.text !== 'string') fail(i, 'text_delta without text');
          o.text += d.text;
        } else if (d.type === 'thinking_delta') {
          if (typeof d.thinking !== 'string') fail(i, 'thinking_delta without thinking');
        } else if (d.type === 'signature_delta') {
          if (typeof d.signature !== 'string' || !d.signature) fail(i, 'empty signature');
          o.signed = true;
        } else if (d.type === 'input_json_delta') {
          if (typeof d.partial_json !== 'string') fail(i, 'input_json_delta without partial_json');
          o.json += d.partial_json;
        }
        break;
      }
      case 'content_block_stop': {
        if (!open) fail(i, `stop for block ${data.index} but no block is open`);
        const o = open!;
        if (data.index !== o.index) fail(i, `stop for block ${data.index} while block ${o.index} is open`);
        if (o.type === 'thinking' && !o.signed) fail(i, `thinking block ${o.index} closed without signature_delta`);
        if (o.type === 'text' && !o.text.trim()) fail(i, `text block ${o.index} is empty (clients persist it and later requests 400)`);
        if (o.type === 'tool_use' && o.json !== '') {
          let v: unknown;
          try {
            v = JSON.parse(o.json);
          } catch {
            fail(i, `tool_use block ${o.index} input is not valid JSON: ${o.json.slice(0, 200)}`);
          }
          if (!v || typeof v !== 'object' || Array.isArray(v)) fail(i, `tool_use block ${o.index} input is not an object`);
        }
        open = null;
        break;
      }
      case 'message_delta': {
        if (sawDelta) fail(i, 'duplicate message_delta');
        if (open) fail(i, `message_delta while block ${open.index} is open`);
        if (!data.delta || !STOP_REASONS.has(data.delta.stop_reason)) fail(i, `invalid stop_reason ${JSON.stringify(data.delta?.stop_reason)}`);
        if (data.delta.stop_sequence !== null && typeof data.delta.stop_sequence !== 'string') fail(i, 'invalid stop_sequence');
        if (!data.usage || typeof data.usage.output_tokens !== 'number') fail(i, 'message_delta usage.output_tokens missing');
        sawDelta = true;
        break;
      }
      case 'message_stop':
        if (!sawDelta) fail(i, 'message_stop before message_delta');
        sawStop = true;
        break;
      default:
        fail(i, `unknown event ${JSON.stringify(event)}`);
    }
  }
  if (!sawStop) fail(events.length, 'stream ended without message_stop or error (truncated)');
}

function checkUsage(u: unknown, fail: (why: string) => never): void {
  if (!u || typeof u !== 'object') fail('missing');
  const usage = u as Record<string, unknown>;
  for (const k of ['input_tokens', 'output_tokens']) if (typeof usage[k] !== 'number') fail(`${k} is not a number`);
}

export interface AccumulatedBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface AccumulatedMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AccumulatedBlock[];
  stop_reason: string | null;
  stop_sequence: string | null;
  usage: Record<string, number>;
  /** Set when the stream ended with an `error` event. */
  error?: { type: string; message: string };
}

/**
 * Rebuilds the final message like the SDK's MessageStream: blocks by index,
 * text/thinking/signature concatenated, tool input parsed from the joined
 * partial_json, message_delta fields and usage overwritten by non-null values.
 */
export function accumulateMessage(events: AnthropicSseEvent[]): AccumulatedMessage {
  let msg: AccumulatedMessage | null = null;
  const json: string[] = [];
  for (const { event, data } of events) {
    if (event === 'message_start') {
      msg = { ...data.message, content: [], usage: { ...data.message.usage } };
      continue;
    }
    if (event === 'error') {
      if (!msg) msg = { id: '', type: 'message', role: 'assistant', model: '', content: [], stop_reason: null, stop_sequence: null, usage: {} };
      msg.error = { type: data.error.type, message: data.error.message };
      continue;
    }
    if (!msg) continue;
    switch (event) {
      case 'content_block_start':
        msg.content[data.index] = { ...data.content_block };
        json[data.index] = '';
        break;
      case 'content_block_delta': {
        const b = msg.content[data.index];
        const d = data.delta;
        if (d.type === 'text_delta') b.text = (b.text ?? '') + d.text;
        else if (d.type === 'thinking_delta') b.thinking = (b.thinking ?? '') + d.thinking;
        else if (d.type === 'signature_delta') b.signature = d.signature;
        else if (d.type === 'input_json_delta') json[data.index] += d.partial_json;
        break;
      }
      case 'content_block_stop': {
        const b = msg.content[data.index];
        if (b && (b.type === 'tool_use' || b.type === 'server_tool_use')) {
          const raw = json[data.index];
          b.input = raw ? JSON.parse(raw) : {};
        }
        break;
      }
      case 'message_delta':
        msg.stop_reason = data.delta.stop_reason;
        msg.stop_sequence = data.delta.stop_sequence ?? null;
        for (const [k, v] of Object.entries(data.usage ?? {})) if (v != null) msg.usage[k] = v as number;
        break;
    }
  }
  if (!msg) throw new Error('no message_start in stream');
  return msg;
}
