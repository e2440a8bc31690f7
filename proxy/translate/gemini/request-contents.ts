import { toUnicode } from '../../protocol/anthropic/byte-strings.js';
import type { ContentBlock, MessagesRequest, TextBlock, ToolResultBlock, ToolUseBlock } from '../../protocol/anthropic/types.js';
import type { GeminiContent, GeminiFunctionResponsePart, GeminiPart } from '../../protocol/gemini/types.js';
import { decodeEnvelope } from '../../sessions/thinking-envelope.js';
import { isBlank } from '../openai-chat/request.js';
import type { GeminiTarget } from './options.js';
import { mediaPart, userParts } from './request-media.js';
import { bindingTag, type CallState, decodeCarrierState, decodeToolId, DUMMY_SIGNATURE } from './signatures.js';
import { geminiFunctionName } from './tool-names.js';

// Anthropic messages → Gemini contents + systemInstruction. Gemini's turn rules are
// hard 400s (reference §2.3 "Turn-structure rules"), so the history is built in
// passes: translate each message into turns, drop empty ones, merge same-role
// neighbours, pair every function-call turn with one function-response turn (in
// call order, missing results answered with an error), then fix the ends.

/** Claude Code's per-session billing line; it busts upstream prefix caches and means nothing to Gemini. */
const BILLING_PREFIX = 'x-anthropic-billing-header:';
/** Text for the user turn Gemini needs where the history has none (it must start and end with one). */
const CONTINUE = 'Continue.';
const NO_RESULT = 'No result was provided for this tool call.';

interface Turn {
  role: 'user' | 'model';
  parts: GeminiPart[];
  /** A user turn of functionResponse parts: the client tool_use id answered by each part. */
  answers?: string[];
  /** A model turn: the client tool_use id of each functionCall part, in order. */
  calls?: string[];
}

interface KnownCall {
  name: string;
  state: CallState | null;
}

export interface ContentsResult {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
}

export function toGeminiContents(body: MessagesRequest, target: GeminiTarget): ContentsResult {
  const b = new ContentsBuilder(target);
  b.system(body.system);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  b.indexCalls(messages);
  for (const m of messages) {
    if (!m) continue;
    if (m.role === 'user') b.user(m.content);
    else if (m.role === 'assistant') b.assistant(m.content);
    else if (m.role === 'system') b.system(m.content);
  }
  return b.result();
}

class ContentsBuilder {
  private readonly tag: string;
  private readonly bytes: boolean;
  private readonly systemText: string[] = [];
  private readonly turns: Turn[] = [];
  private readonly calls = new Map<string, KnownCall>();

  constructor(private readonly target: GeminiTarget) {
    this.tag = bindingTag(target.providerId, target.model);
    this.bytes = target.byteStrings === true;
  }

  /** system (top level) and role "system" messages both end up in systemInstruction, in order. */
  system(content: string | ContentBlock[] | undefined): void {
    if (typeof content === 'string') {
      if (!isBlank(content)) this.systemText.push(content);
      return;
    }
    if (!Array.isArray(content)) return;
    for (const blk of content) {
      const t = blk as TextBlock;
      if (t && t.type === 'text' && typeof t.text === 'string' && !isBlank(t.text) && !t.text.startsWith(BILLING_PREFIX)) this.systemText.push(t.text);
    }
  }

  /** Every tool_use in the history, so a tool_result can name its function (Gemini pairs by name). */
  indexCalls(messages: MessagesRequest['messages']): void {
    for (const m of messages) {
      if (!m || m.role !== 'assistant' || !Array.isArray(m.content)) continue;
      for (const blk of m.content) {
        if (blk && blk.type === 'tool_use' && typeof blk.id === 'string') {
          this.calls.set(blk.id, { name: this.fnName(blk.name), state: decodeToolId(blk.id, this.tag, this.bytes) });
        }
      }
    }
  }

  user(content: string | ContentBlock[]): void {
    if (typeof content === 'string') {
      if (!isBlank(content)) this.turns.push({ role: 'user', parts: [{ text: content }] });
      return;
    }
    if (!Array.isArray(content)) return;
    const answers: string[] = [];
    const responses: GeminiPart[] = [];
    let media: GeminiPart[] = [];
    const rest: GeminiPart[] = [];
    for (const blk of content) {
      if (!blk) continue;
      if (blk.type === 'tool_result') {
        const r = blk as ToolResultBlock;
        const call = this.calls.get(r.tool_use_id);
        if (!call) {
          // Its call is not in the history (trimmed): Gemini cannot pair it, so it becomes text.
          rest.push({ text: 'Result of tool call ' + r.tool_use_id + ':\n' + resultText(r) });
          continue;
        }
        const { part, extra } = this.toolResult(r, call);
        answers.push(r.tool_use_id);
        responses.push(part);
        if (extra.length) media = media.concat(extra);
      } else if ((blk.type as string) === 'mid_conv_system') {
        this.system((blk as { content?: string | ContentBlock[] }).content);
      } else {
        rest.push(...userParts(blk));
      }
    }
    // Only functionResponse parts may share a Content (Gemini 2.x counts siblings as responses).
    if (responses.length) this.turns.push({ role: 'user', parts: responses, answers });
    const follow = media.concat(rest);
    if (follow.length) this.turns.push({ role: 'user', parts: follow });
  }

  assistant(content: string | ContentBlock[]): void {
    if (typeof content === 'string') {
      if (!isBlank(content)) this.turns.push({ role: 'model', parts: [{ text: content }] });
      return;
    }
    if (!Array.isArray(content)) return;
    const parts: GeminiPart[] = [];
    const calls: string[] = [];
    for (const blk of content) {
      if (!blk) continue;
      if (blk.type === 'text') {
        if (typeof blk.text === 'string' && !isBlank(blk.text)) parts.push({ text: blk.text });
      } else if (blk.type === 'tool_use') {
        parts.push(this.functionCall(blk));
        calls.push(blk.id);
      } else if (blk.type === 'thinking') {
        this.restoreThinking(blk.thinking, blk.signature, parts);
      }
      // redacted_thinking, server-tool blocks: nothing Gemini can take.
    }
    if (parts.length) this.turns.push(calls.length ? { role: 'model', parts, calls } : { role: 'model', parts });
  }

  result(): ContentsResult {
    const turns = this.pair(merge(this.turns.filter((t) => t.parts.length > 0)));
    if (turns.length === 0 || turns[0].role !== 'user') turns.unshift({ role: 'user', parts: [{ text: CONTINUE }] });
    if (turns[turns.length - 1].role !== 'user') turns.push({ role: 'user', parts: [{ text: CONTINUE }] });
    const contents: GeminiContent[] = [];
    for (const t of turns) {
      if (t.role === 'model' && this.target.requiresSignatures) requireSignature(t.parts);
      contents.push({ role: t.role, parts: t.parts });
    }
    const out: ContentsResult = { contents };
    if (this.systemText.length) out.systemInstruction = { parts: [{ text: this.systemText.join('\n\n') }] };
    return out;
  }

  // ------------------------------------------------------------ pieces

  private fnName(name: unknown): string {
    return geminiFunctionName(typeof name === 'string' ? toUnicode(name, this.bytes) : '');
  }

  private functionCall(blk: ToolUseBlock): GeminiPart {
    const state = this.calls.get(blk.id)?.state ?? null;
    const input = blk.input && typeof blk.input === 'object' && !Array.isArray(blk.input) ? blk.input : {};
    const part: GeminiPart = { functionCall: state?.callId ? { id: state.callId, name: this.fnName(blk.name), args: input } : { name: this.fnName(blk.name), args: input } };
    if (state?.thoughtSignature) part.thoughtSignature = state.thoughtSignature;
    return part;
  }

  /**
   * Only our own envelopes for this provider and model give anything back: a signed
   * thought run becomes its thought part again; a 'prev' carrier puts its signature back
   * on the text part just before it. Anthropic signatures and other providers' blocks are dropped.
   */
  private restoreThinking(thinking: unknown, signature: unknown, parts: GeminiPart[]): void {
    const env = decodeEnvelope(signature, this.bytes);
    if (!env || env.provider !== this.target.providerId || env.model !== this.target.model) return;
    const carried = decodeCarrierState(env.state);
    if (!carried) return;
    if (carried.kind === 'thought') {
      const text = typeof thinking === 'string' && thinking ? thinking : (env.reasoning ?? '');
      if (text) parts.push({ text, thought: true, thoughtSignature: carried.signature });
      return;
    }
    const prev = parts[parts.length - 1];
    if (prev && typeof prev.text === 'string' && prev.thought !== true && !prev.thoughtSignature) prev.thoughtSignature = carried.signature;
  }

  private toolResult(r: ToolResultBlock, call: KnownCall): { part: GeminiPart; extra: GeminiPart[] } {
    let text = '';
    const media: GeminiFunctionResponsePart[] = [];
    const c = r.content;
    if (typeof c === 'string') text = c;
    else if (Array.isArray(c)) {
      for (const inner of c) {
        if (!inner) continue;
        if (inner.type === 'text') {
          if (typeof inner.text === 'string') text = text ? text + '\n' + inner.text : inner.text;
        } else {
          const m = mediaPart(inner);
          if (m) media.push(m);
          else for (const p of userParts(inner)) if (typeof p.text === 'string') text = text ? text + '\n' + p.text : p.text;
        }
      }
    }
    // The response must be an object.
    const response: Record<string, unknown> = r.is_error ? { error: text } : { content: text };
    const fr: GeminiPart['functionResponse'] = call.state?.callId ? { id: call.state.callId, name: call.name, response } : { name: call.name, response };
    if (!media.length) return { part: { functionResponse: fr }, extra: [] };
    if (this.target.multimodalToolResults) return { part: { functionResponse: { ...fr, parts: media } }, extra: [] };
    // Gemini 2.x: no media inside (or beside) a function response; it follows in the next user Content.
    const extra: GeminiPart[] = [{ text: 'Media returned by tool call ' + call.name + ' (' + r.tool_use_id + '):' }];
    for (const m of media) extra.push(m.inlineData ? { inlineData: m.inlineData } : { fileData: m.fileData! });
    return { part: { functionResponse: fr }, extra };
  }

  /** Every call turn gets exactly one response turn, in call order; stray responses become text. */
  private pair(turns: Turn[]): Turn[] {
    const out: Turn[] = [];
    for (let i = 0; i < turns.length; i++) {
      const t = turns[i];
      if (t.answers) {
        out.push(strayAnswers(t.parts));
        continue;
      }
      out.push(t);
      if (!t.calls) continue;
      const next = turns[i + 1];
      const answered = next?.answers ? next : null;
      if (answered) i++;
      const used = new Set<number>();
      const parts: GeminiPart[] = [];
      for (const id of t.calls) {
        const k = answered ? answered.answers!.findIndex((a, j) => a === id && !used.has(j)) : -1;
        if (k >= 0) {
          used.add(k);
          parts.push(answered!.parts[k]);
        } else {
          const call = this.calls.get(id);
          const name = call?.name ?? 'unknown_tool';
          const response = { error: NO_RESULT };
          parts.push({ functionResponse: call?.state?.callId ? { id: call.state.callId, name, response } : { name, response } });
        }
      }
      out.push({ role: 'user', parts, answers: t.calls.slice() });
      const stray = answered ? answered.parts.filter((_, j) => !used.has(j)) : [];
      if (stray.length) out.push(strayAnswers(stray));
    }
    return merge(out);
  }
}

/** Consecutive turns of one role become one, except that function responses never share a Content with other parts. */
function merge(turns: Turn[]): Turn[] {
  const out: Turn[] = [];
  for (const t of turns) {
    const last = out[out.length - 1];
    if (last && last.role === t.role && !last.answers === !t.answers) {
      last.parts = last.parts.concat(t.parts);
      if (t.answers) last.answers = last.answers!.concat(t.answers);
      if (t.calls) last.calls = (last.calls ?? []).concat(t.calls);
    } else {
      out.push({ ...t, parts: t.parts.slice() });
    }
  }
  return out;
}

/** Function responses with no matching call turn, as plain text. */
function strayAnswers(parts: GeminiPart[]): Turn {
  return {
    role: 'user',
    parts: parts.map((p) => ({ text: 'Result of tool call ' + (p.functionResponse?.name ?? '') + ':\n' + JSON.stringify(p.functionResponse?.response ?? {}) })),
  };
}

/** The text of a tool_result (for results that must travel as text). */
function resultText(r: ToolResultBlock): string {
  const c = r.content;
  let text = '';
  if (typeof c === 'string') text = c;
  else if (Array.isArray(c)) for (const inner of c) if (inner && inner.type === 'text' && typeof inner.text === 'string') text = text ? text + '\n' + inner.text : inner.text;
  return r.is_error ? '[tool error] ' + text : text;
}

/** Gemini 3 rejects a call turn whose first functionCall has no signature; history from elsewhere gets the dummy. */
function requireSignature(parts: GeminiPart[]): void {
  for (const p of parts) {
    if (!p.functionCall) continue;
    if (!p.thoughtSignature) p.thoughtSignature = DUMMY_SIGNATURE;
    return;
  }
}
