import { errorEvent } from '../../protocol/anthropic/errors.js';
import {
  blockStart,
  blockStop,
  inputJsonDelta,
  MESSAGE_STOP,
  messageDelta,
  messageStart,
  PING,
  signatureDelta,
  textDelta,
  thinkingDelta,
} from '../../protocol/anthropic/sse.js';
import type { ErrorType, StopReason, Usage } from '../../protocol/anthropic/types.js';
import type { ChatChunk, ChatChunkToolCall, ChatError, ChatUsage } from '../../protocol/openai/types.js';
import { SseParser } from '../../protocol/sse/parser.js';
import { encodeEnvelope } from '../../sessions/thinking-envelope.js';
import { clientToolId } from '../../sessions/tool-ids.js';
import type { ResponseContext } from './options.js';
import { isBlank } from './request.js';
import { toStopReason } from './stop-reason.js';
import { providerCostOf, toAnthropicUsage } from './usage.js';

// OpenAI chat.completion.chunk SSE → Anthropic Messages SSE (reference §3.5).
// Invariants the client enforces: one block open at a time, indices 0..n in
// start order, deltas only for the open block and of its type, a thinking
// block always closed by a signature, and a stream that ends either with
// message_delta + message_stop or with an `error` event — never silently.

const NONE = 0;
const THINKING = 1;
const TEXT = 2;
const TOOL = 3;

const ZERO_USAGE: Usage = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
/** Name given to a tool call whose name never arrived: Claude Code answers with a tool error the model can recover from. */
const UNNAMED_TOOL = 'unnamed_tool';

/** One upstream tool call. `args` accumulates everything received; `sent` is how much reached the client. */
interface ToolSlot {
  /** Upstream `index`, or the position in the delta's tool_calls array when the provider omits it. */
  key: number;
  id: string;
  name: string;
  args: string;
  sent: number;
  /** Anthropic block index; -1 until the block is started. */
  block: number;
  closed: boolean;
  /** Memo of the last completeness check (args length → result). */
  checkedLen: number;
  complete: boolean;
}

export class ChatStreamTranslator {
  private readonly ctx: ResponseContext;
  private readonly parser = new SseParser();
  private started = false;
  private done = false;
  private finishReason: string | null = null;
  private upstreamStop: string | number | null = null;
  private rawUsage: ChatUsage | null = null;
  private finalUsage: Usage | null = null;
  private stop: StopReason | null = null;

  private nextIndex = 0;
  private kind = NONE;
  private openIndex = -1;
  private openSlot: ToolSlot | null = null;
  /** Reasoning of the open thinking block, kept only for display 'omitted' (it goes into the signature). */
  private reasoning = '';
  /** Whitespace-only content seen while no text block is open: held so no blank text block is ever opened. */
  private pendingWs = '';
  private readonly slots: ToolSlot[] = [];
  private sawToolCall = false;
  private refused = false;
  private failed: { type: ErrorType; message: string } | null = null;

  constructor(ctx: ResponseContext) {
    this.ctx = ctx;
  }

  /** message_start (usage zeros; real usage goes in message_delta) and a first ping. Call once, on upstream 200. */
  start(): string {
    if (this.started) return '';
    this.started = true;
    return messageStart(this.ctx.messageId, this.ctx.requestedModel, ZERO_USAGE) + PING;
  }

  /** Upstream bytes in, Anthropic SSE text out (possibly ''): one socket write per upstream read. */
  write(chunk: Buffer): string {
    if (this.done) return '';
    let out = this.started ? '' : this.start();
    const events = this.parser.push(chunk);
    for (let i = 0; i < events.length && !this.done; i++) out += this.onData(events[i].data);
    return out;
  }

  /** Upstream EOF. A stream that never finished is reported as an error, not a clean stop. */
  end(): string {
    if (this.done) return '';
    let out = this.started ? '' : this.start();
    const events = this.parser.end();
    for (let i = 0; i < events.length && !this.done; i++) out += this.onData(events[i].data);
    if (this.done) return out;
    if (this.finishReason !== null) return out + this.finish();
    return out + this.error('api_error', 'upstream stream ended before completion');
  }

  /** Transport failure mid-stream (socket reset, timeout): one terminal error event. */
  fail(type: ErrorType, message: string): string {
    if (this.done) return '';
    return (this.started ? '' : this.start()) + this.error(type, message);
  }


  /** A terminal message_stop or error has been produced. */
  get finished(): boolean {
    return this.done;
  }

  /** The error the stream ended with, if it ended with one. */
  get failure(): { type: ErrorType; message: string } | null {
    return this.failed;
  }

  /** A content block has been opened: the client has (or would have) seen model output. */
  get hasContent(): boolean {
    return this.nextIndex > 0;
  }

  get usage(): Usage {
    return this.finalUsage ?? toAnthropicUsage(this.rawUsage);
  }

  /** The provider's own figure for the request's cost (OpenRouter usage.cost), when its usage said. */
  get providerCostUsd(): number | undefined {
    return providerCostOf(this.rawUsage);
  }

  /** The stop_reason sent, or null when the stream has not ended cleanly. */
  get stopReason(): StopReason | null {
    return this.stop;
  }

  // ------------------------------------------------------------ events

  private onData(data: string): string {
    if (data === '[DONE]') return this.finish();
    if (isBlank(data)) return ''; // empty keep-alive data line
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      return this.error('api_error', 'upstream failed mid-stream: malformed event data');
    }
    if (chunk === null || typeof chunk !== 'object') {
      return this.error('api_error', 'upstream failed mid-stream: malformed event data');
    }
    // OpenRouter reports failures after HTTP 200 as a data event with an error object.
    if (chunk.error) return this.upstreamError(chunk.error);
    if (chunk.usage) this.rawUsage = chunk.usage;
    const choices = chunk.choices;
    if (!choices || choices.length === 0) return ''; // usage-only or Azure filter-results chunk
    const choice = choices[0]; // n is always 1 for us
    if (!choice) return '';
    let out = '';
    const delta = choice.delta;
    if (delta) {
      const r = delta.reasoning_content ?? delta.reasoning;
      if (typeof r === 'string' && r.length) out += this.onReasoning(r);
      const c = delta.content;
      if (typeof c === 'string' && c.length) out += this.onText(c);
      const refusal = delta.refusal;
      if (typeof refusal === 'string' && refusal.length) {
        this.refused = true;
        out += this.onText(refusal);
      }
      const calls = delta.tool_calls;
      if (calls && calls.length) out += this.onToolCalls(calls);
    }
    const fr = choice.finish_reason;
    if (fr) {
      if (fr === 'error') return out + this.error('api_error', 'upstream failed mid-stream (finish_reason "error")');
      this.finishReason = fr;
      if (choice.stop_reason != null) this.upstreamStop = choice.stop_reason;
    }
    return out;
  }

  private onReasoning(r: string): string {
    if (this.ctx.thinkingDisplay === 'off') return '';
    let out = '';
    if (this.kind !== THINKING) {
      // Also after a tool call: a second reasoning segment gets its own block.
      out = this.closeOpen() + this.open(THINKING, { type: 'thinking', thinking: '' });
      this.pendingWs = '';
    }
    if (this.ctx.thinkingDisplay === 'omitted') this.reasoning += r;
    else out += thinkingDelta(this.openIndex, r);
    return out;
  }

  private onText(c: string): string {
    if (this.kind === TEXT) return textDelta(this.openIndex, c);
    if (isBlank(c)) {
      this.pendingWs += c;
      return '';
    }
    const out = this.closeOpen() + this.open(TEXT, { type: 'text', text: '' });
    const text = this.pendingWs ? this.pendingWs + c : c;
    this.pendingWs = '';
    return out + textDelta(this.openIndex, text);
  }

  private onToolCalls(calls: ChatChunkToolCall[]): string {
    let out = '';
    for (let p = 0; p < calls.length; p++) {
      const tc = calls[p];
      if (!tc) continue;
      const fn = tc.function;
      const id = typeof tc.id === 'string' ? tc.id : '';
      const name = fn && typeof fn.name === 'string' ? fn.name : '';
      const rawArgs: unknown = fn ? fn.arguments : undefined;
      // Some servers send arguments as an object; the client needs JSON text.
      const args = typeof rawArgs === 'string' ? rawArgs : rawArgs && typeof rawArgs === 'object' ? JSON.stringify(rawArgs) : '';

      let slot = this.findSlot(tc.index, id, p);
      if (slot && this.isNewCall(slot, id, name)) slot = undefined;
      if (!slot) {
        if (!id && !name && !args) continue;
        slot = { key: typeof tc.index === 'number' ? tc.index : p, id: '', name: '', args: '', sent: 0, block: -1, closed: false, checkedLen: -1, complete: false };
        this.slots.push(slot);
      }
      if (id && !slot.id) slot.id = id;
      if (name && !slot.name) slot.name = name;
      if (args) {
        slot.args += args;
        if (slot === this.openSlot) {
          out += inputJsonDelta(this.openIndex, args);
          slot.sent = slot.args.length;
          continue;
        }
      }
      if (slot.block < 0 && slot.name) out += this.tryStartTool(slot);
    }
    return out;
  }

  /** Slot lookup: by `index`; without one by `id`; without either by position in the array. */
  private findSlot(index: number | undefined, id: string, position: number): ToolSlot | undefined {
    const s = this.slots;
    if (typeof index === 'number') {
      for (let i = s.length - 1; i >= 0; i--) if (s[i].key === index) return s[i];
      return undefined;
    }
    if (id) {
      for (let i = s.length - 1; i >= 0; i--) if (s[i].id === id) return s[i];
      return undefined;
    }
    for (let i = s.length - 1; i >= 0; i--) if (s[i].key === position) return s[i];
    return undefined;
  }

  /** A provider reusing index 0 for every call: a different id, or a fresh name after complete arguments, is a new call. */
  private isNewCall(slot: ToolSlot, id: string, name: string): boolean {
    if (id) return slot.id !== '' && id !== slot.id;
    return name !== '' && slot.name !== '' && slot.args !== '' && isComplete(slot);
  }

  /**
   * Starts the block of a named call unless another call's block is open with
   * unfinished arguments (interleaved parallel calls): blocks cannot interleave,
   * so this call keeps buffering until the open one is complete or the stream ends.
   */
  private tryStartTool(slot: ToolSlot): string {
    if (this.kind === TOOL && this.openSlot !== null && !isComplete(this.openSlot)) return '';
    this.pendingWs = '';
    return this.closeOpen() + this.startTool(slot);
  }

  private startTool(slot: ToolSlot): string {
    this.sawToolCall = true;
    let out = this.open(TOOL, { type: 'tool_use', id: clientToolId(slot.id), name: slot.name || UNNAMED_TOOL, input: {} });
    slot.block = this.openIndex;
    this.openSlot = slot;
    if (slot.args.length > slot.sent) {
      out += inputJsonDelta(this.openIndex, slot.sent ? slot.args.slice(slot.sent) : slot.args);
      slot.sent = slot.args.length;
    }
    return out;
  }

  // ------------------------------------------------------------ blocks

  private open(kind: number, block: Record<string, unknown>): string {
    const index = this.nextIndex++;
    this.kind = kind;
    this.openIndex = index;
    return blockStart(index, block);
  }

  private closeOpen(): string {
    const index = this.openIndex;
    switch (this.kind) {
      case NONE:
        return '';
      case THINKING: {
        // Every thinking block ends with a signature; ours is an envelope naming its origin.
        const omitted = this.ctx.thinkingDisplay === 'omitted';
        const sig = encodeEnvelope({
          provider: this.ctx.providerId,
          model: this.ctx.upstreamModel,
          reasoning: omitted ? this.reasoning : undefined,
        });
        this.reasoning = '';
        this.kind = NONE;
        return signatureDelta(index, sig) + blockStop(index);
      }
      case TOOL:
        if (this.openSlot) this.openSlot.closed = true;
        this.openSlot = null;
        break;
    }
    this.kind = NONE;
    return blockStop(index);
  }

  // ------------------------------------------------------------ endings

  /** Clean end ([DONE], or EOF after a finish_reason). */
  private finish(): string {
    let out = this.closeOpen();
    // Calls still buffered (interleaved, or name arrived late): complete blocks in index order.
    let pending: ToolSlot[] | null = null;
    for (const s of this.slots) if (s.block < 0 && (s.name || s.args)) (pending ??= []).push(s);
    if (pending) {
      pending.sort((a, b) => a.key - b.key);
      for (const s of pending) out += this.startTool(s) + this.closeOpen();
    }
    const stop = toStopReason(this.finishReason, this.sawToolCall, this.upstreamStop, this.ctx.stopSequences);
    const reason: StopReason = this.refused && !this.sawToolCall ? 'refusal' : stop.stopReason;
    const usage = toAnthropicUsage(this.rawUsage);
    this.finalUsage = usage;
    this.stop = reason;
    this.done = true;
    return out + messageDelta(reason, stop.stopSequence, usage) + MESSAGE_STOP;
  }

  private upstreamError(err: ChatError): string {
    const msg = typeof err.message === 'string' && err.message ? err.message : 'unknown error';
    return this.error(errorTypeFor(err), 'upstream failed mid-stream: ' + msg);
  }

  private error(type: ErrorType, message: string): string {
    this.done = true;
    this.failed = { type, message };
    return errorEvent(type, message);
  }
}

/** Error type from an upstream error object (OpenRouter puts the HTTP status in `code`). */
function errorTypeFor(err: ChatError): ErrorType {
  const code = err.code;
  const n = typeof code === 'number' ? code : typeof code === 'string' ? Number(code) : NaN;
  if (n === 429) return 'rate_limit_error';
  if (n === 529 || n === 502 || n === 503) return 'overloaded_error';
  if (n >= 400 && n < 500) return 'invalid_request_error';
  const label = (typeof code === 'string' ? code : '') + ' ' + (typeof err.type === 'string' ? err.type : '');
  if (label.includes('rate_limit')) return 'rate_limit_error';
  if (label.includes('overloaded')) return 'overloaded_error';
  return 'api_error';
}

/** Whether a call's arguments so far form complete JSON (cheap last-character test before parsing; memoized). */
function isComplete(slot: ToolSlot): boolean {
  const args = slot.args;
  if (slot.checkedLen === args.length) return slot.complete;
  slot.checkedLen = args.length;
  let i = args.length - 1;
  while (i >= 0 && isWs(args.charCodeAt(i))) i--;
  const last = i >= 0 ? args.charCodeAt(i) : 0;
  if (last !== 125 /* } */ && last !== 93 /* ] */) return (slot.complete = false);
  try {
    JSON.parse(args);
    return (slot.complete = true);
  } catch {
    return (slot.complete = false);
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
