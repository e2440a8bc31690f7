import type { StopReason } from '../../protocol/anthropic/types.js';
import type { GeminiFunctionCall, GeminiPart } from '../../protocol/gemini/types.js';
import { encodeEnvelope } from '../../sessions/thinking-envelope.js';
import { isBlank } from '../openai-chat/request.js';
import { parseArguments } from '../openai-chat/response.js';
import type { GeminiResponseContext } from './options.js';
import { bindingTag, encodeCarrierState, encodeToolId } from './signatures.js';
import { blockedPromptNote, finishNote, geminiStopReason } from './stop-reason.js';

// Gemini parts (in arrival order, whole response or stream chunks alike) → Anthropic
// content blocks, written to a sink: SSE frames for streams, a content array for JSON.
// Keeping one state machine for both means a signature lands in the same place
// whichever way the answer came.
//
// Blocks: thought parts → thinking (closed with a `swb1.` envelope); text → text
// (never blank); each functionCall → a complete tool_use (start, one input delta,
// stop). Signatures: on a functionCall → inside its tool_use id; on a thought part →
// in its thinking block's envelope; on a text part → in a signature-only thinking
// block right after that text block (signatures/carrier 'prev').

export interface BlockSink {
  start(index: number, block: Record<string, unknown>): void;
  text(index: number, text: string): void;
  thinking(index: number, text: string): void;
  signature(index: number, signature: string): void;
  /** The complete tool input as JSON. */
  input(index: number, json: string): void;
  stop(index: number): void;
}

const NONE = 0;
const THINKING = 1;
const TEXT = 2;

/** Name given to a call whose name is missing: Claude Code answers with a tool error the model can recover from. */
const UNNAMED_TOOL = 'unnamed_tool';

export interface Ending {
  finishReason: string | null;
  finishMessage?: string;
  /** promptFeedback.blockReason: Gemini refused the prompt itself. */
  blockReason?: string | null;
  blockMessage?: string;
}

export class PartTranslator {
  private readonly tag: string;
  private nextIndex = 0;
  private kind = NONE;
  private openIndex = -1;
  private thinkSig: string | null = null;
  /** Thought text of the open block, kept for envelopes of signed runs when the client sees no text. */
  private thinkText = '';
  private textSig: string | null = null;
  /** Whitespace seen while no text block is open: held so no blank text block is ever opened. */
  private pendingWs = '';
  private calls = 0;
  private visible = 0;

  constructor(
    private readonly ctx: GeminiResponseContext,
    private readonly sink: BlockSink,
  ) {
    this.tag = bindingTag(ctx.providerId, ctx.upstreamModel);
  }

  /** Blocks started so far (carriers and thinking included). */
  get blockCount(): number {
    return this.nextIndex;
  }

  get sawToolCall(): boolean {
    return this.calls > 0;
  }

  part(p: GeminiPart | null | undefined): void {
    if (!p || typeof p !== 'object') return;
    const fc = p.functionCall;
    const sig = signatureOf(p.thoughtSignature) ?? (fc && typeof fc === 'object' ? signatureOf(fc.thoughtSignature) : null);
    if (fc && typeof fc === 'object') this.call(fc, sig);
    else if (p.thought === true) this.thought(typeof p.text === 'string' ? p.text : '', sig);
    else if (typeof p.text === 'string') this.text(p.text, sig);
    else if (sig) this.looseSignature(sig);
    // executableCode, codeExecutionResult, inlineData output: nothing Claude Code can use.
  }

  /** Closes the open block, adds the explanatory text an ending needs, and says how the turn stopped. */
  conclude(end: Ending): StopReason {
    this.closeOpen();
    const blocked = typeof end.blockReason === 'string' && end.blockReason !== '' && end.blockReason !== 'BLOCK_REASON_UNSPECIFIED';
    const note = blocked ? blockedPromptNote(end.blockReason as string, end.blockMessage) : finishNote(end.finishReason, end.finishMessage, this.visible > 0);
    if (note) {
      this.openBlock(TEXT, { type: 'text', text: '' });
      this.sink.text(this.openIndex, note);
      this.closeOpen();
    }
    if (blocked && !this.sawToolCall) return 'refusal';
    return geminiStopReason(end.finishReason, this.sawToolCall);
  }

  // ------------------------------------------------------------ parts

  private call(fc: GeminiFunctionCall, sig: string | null): void {
    this.closeOpen();
    this.pendingWs = '';
    const raw = typeof fc.name === 'string' && fc.name ? fc.name : UNNAMED_TOOL;
    const name = this.ctx.toolNames?.get(raw) ?? raw;
    const index = this.nextIndex++;
    const state = { callId: typeof fc.id === 'string' ? fc.id : undefined, thoughtSignature: sig ?? undefined };
    const id = encodeToolId(state, this.tag, this.ctx.messageId + ':' + index);
    this.sink.start(index, { type: 'tool_use', id, name, input: {} });
    this.sink.input(index, JSON.stringify(parseArguments(fc.args)));
    this.sink.stop(index);
    this.calls++;
    this.visible++;
  }

  private thought(text: string, sig: string | null): void {
    if (this.ctx.thinkingDisplay === 'off') return;
    // A signature closes a thought run: what follows it is a new block.
    if (this.kind === THINKING && this.thinkSig !== null) this.closeOpen();
    if (this.kind !== THINKING) {
      if (!text && !sig) return;
      this.closeOpen();
      this.openBlock(THINKING, { type: 'thinking', thinking: '' });
      this.pendingWs = '';
    }
    if (text) {
      if (this.ctx.thinkingDisplay === 'summarized') this.sink.thinking(this.openIndex, text);
      this.thinkText += text;
    }
    if (sig) this.thinkSig = sig;
  }

  private text(text: string, sig: string | null): void {
    // One signature per text block: a second signed part starts a new block.
    if (sig && this.kind === TEXT && this.textSig !== null) this.closeOpen();
    if (text) {
      if (this.kind === TEXT) {
        this.sink.text(this.openIndex, text);
      } else if (isBlank(text)) {
        this.pendingWs += text;
      } else {
        this.closeOpen();
        this.openBlock(TEXT, { type: 'text', text: '' });
        this.visible++;
        this.sink.text(this.openIndex, this.pendingWs ? this.pendingWs + text : text);
        this.pendingWs = '';
      }
    }
    if (sig) this.looseSignature(sig);
  }

  /**
   * A signature on an empty part (Gemini 3 streams end with `{text:"", thoughtSignature}`)
   * belongs to the block it ends. With no text or thinking block open (after a tool call)
   * it is dropped: Gemini validates only functionCall signatures, which travel in ids.
   */
  private looseSignature(sig: string): void {
    if (this.kind === TEXT && this.textSig === null) this.textSig = sig;
    else if (this.kind === THINKING && this.thinkSig === null) this.thinkSig = sig;
  }

  // ------------------------------------------------------------ blocks

  private openBlock(kind: number, block: Record<string, unknown>): void {
    this.kind = kind;
    this.openIndex = this.nextIndex++;
    this.sink.start(this.openIndex, block);
  }

  private closeOpen(): void {
    const index = this.openIndex;
    const kind = this.kind;
    this.kind = NONE;
    if (kind === THINKING) {
      // Every thinking block ends with a signature; ours is an envelope naming its origin.
      const sig = this.thinkSig;
      const omitted = this.ctx.thinkingDisplay === 'omitted';
      this.sink.signature(
        index,
        encodeEnvelope({
          provider: this.ctx.providerId,
          model: this.ctx.upstreamModel,
          // The text goes back with a signed run; the client has none to replay when it was omitted.
          reasoning: sig && omitted && this.thinkText ? this.thinkText : undefined,
          state: sig ? encodeCarrierState('thought', sig) : undefined,
        }),
      );
      this.sink.stop(index);
      this.thinkSig = null;
      this.thinkText = '';
    } else if (kind === TEXT) {
      this.sink.stop(index);
      const sig = this.textSig;
      this.textSig = null;
      if (sig && this.ctx.thinkingDisplay !== 'off') {
        const carrier = this.nextIndex++;
        this.sink.start(carrier, { type: 'thinking', thinking: '' });
        this.sink.signature(carrier, encodeEnvelope({ provider: this.ctx.providerId, model: this.ctx.upstreamModel, state: encodeCarrierState('prev', sig) }));
        this.sink.stop(carrier);
      }
    }
  }
}

function signatureOf(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

