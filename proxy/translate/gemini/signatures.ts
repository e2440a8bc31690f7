import { createHash } from 'node:crypto';

// How Gemini state survives a round trip through Claude Code, the only storage a
// stateless gateway has (reference §3.6):
//
// - functionCall parts: the thoughtSignature (and Gemini's own call id, when it
//   sent one) ride inside the tool_use id, which Claude Code must replay verbatim
//   to pair the tool_result. The id names the provider+model by a hash, so a
//   signature is only replayed to the model that issued it.
// - every other signed part (text, thought): a thinking block whose `swb1.`
//   envelope (sessions/thinking-envelope.ts, already bound to provider+model)
//   carries the signature in `state`, tagged with where it goes back.

const ID_MARK = 'toolu_swg1';
const TAG_LEN = 8;
const NONCE_LEN = 8;
const HEAD = ID_MARK.length + TAG_LEN + NONCE_LEN;
const STD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** What a Gemini functionCall part needs to be rebuilt exactly. */
export interface CallState {
  /** Gemini's functionCall.id, if it sent one. */
  callId?: string;
  thoughtSignature?: string;
}

/** 8 url-safe chars naming provider+model; ids from another binding never restore state. */
export function bindingTag(providerId: string, model: string): string {
  return createHash('sha256').update(providerId + '\0' + model).digest('base64url').slice(0, TAG_LEN);
}

/**
 * An Anthropic tool_use id (^[a-zA-Z0-9_-]+$) for one Gemini call. Plain `toolu_…` when there is
 * nothing to carry; otherwise marker + binding tag + nonce + kind + payload:
 * kind 'b' = the signature itself in base64url (the usual case, no size overhead),
 * kind 'j' = base64url JSON {i?, s?} (a call id, or a signature that is not standard base64).
 * `seed` (message id + block index) makes ids unique per call yet reproducible.
 */
export function encodeToolId(state: CallState, tag: string, seed: string): string {
  const sig = state.thoughtSignature || undefined;
  const id = state.callId || undefined;
  const hash = createHash('sha256').update(seed).digest('base64url');
  if (!sig && !id) return 'toolu_' + hash.slice(0, 22);
  const nonce = hash.slice(0, NONCE_LEN);
  // Only padded base64 round-trips exactly through the padding-free form.
  if (sig && !id && sig.length % 4 === 0 && STD_BASE64.test(sig)) {
    return ID_MARK + tag + nonce + 'b' + sig.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  }
  const payload: { i?: string; s?: string } = {};
  if (id) payload.i = id;
  if (sig) payload.s = sig;
  return ID_MARK + tag + nonce + 'j' + Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/**
 * The call state carried by a tool_use id, when the id was minted for the same binding; null
 * for plain ids, other providers' ids, and ids bound to another provider or model.
 * `byteStrings`: return strings as byte strings, to match a request body decoded that way.
 */
export function decodeToolId(id: unknown, tag: string, byteStrings = false): CallState | null {
  if (typeof id !== 'string' || id.length <= HEAD + 1 || !id.startsWith(ID_MARK)) return null;
  if (id.slice(ID_MARK.length, ID_MARK.length + TAG_LEN) !== tag) return null;
  const kind = id.charCodeAt(HEAD);
  const payload = id.slice(HEAD + 1);
  if (kind === 98 /* b */) {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    return { thoughtSignature: b64 + '='.repeat((4 - (b64.length % 4)) % 4) };
  }
  if (kind !== 106 /* j */) return null;
  try {
    const raw = JSON.parse(Buffer.from(payload, 'base64url').toString(byteStrings ? 'latin1' : 'utf8')) as Record<string, unknown>;
    const out: CallState = {};
    if (typeof raw.i === 'string' && raw.i) out.callId = raw.i;
    if (typeof raw.s === 'string' && raw.s) out.thoughtSignature = raw.s;
    return out.callId || out.thoughtSignature ? out : null;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------ envelope state

/** Where a signature carried by a thinking block goes back. */
export type CarrierKind =
  /** onto the thought part the thinking block itself stands for */
  | 'thought'
  /** onto the text part translated from the text block just before the carrier */
  | 'prev';

const STATE_PREFIX = 'g1';

export function encodeCarrierState(kind: CarrierKind, signature: string): string {
  return STATE_PREFIX + (kind === 'thought' ? 't' : 'p') + ':' + signature;
}

export function decodeCarrierState(state: string | undefined): { kind: CarrierKind; signature: string } | null {
  if (!state || !state.startsWith(STATE_PREFIX) || state.charCodeAt(STATE_PREFIX.length + 1) !== 58 /* : */) return null;
  const k = state.charAt(STATE_PREFIX.length);
  const signature = state.slice(STATE_PREFIX.length + 2);
  if (!signature) return null;
  if (k === 't') return { kind: 'thought', signature };
  if (k === 'p') return { kind: 'prev', signature };
  return null;
}

/**
 * The documented escape hatch for function calls Gemini did not sign (history from another
 * provider or model): reference §2.3 "Thought signatures" [S]. Only sent to models that
 * require signatures, and only on the first functionCall part of a model turn.
 */
export const DUMMY_SIGNATURE = 'skip_thought_signature_validator';
