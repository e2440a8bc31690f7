// Claude Code stores the thinking blocks it receives and replays them verbatim,
// so a thinking block's signature is the only cross-turn storage a stateless
// gateway has. Signatures we mint carry an envelope naming their origin; on the
// way back we restore the provider's native reasoning field for the same
// provider and model, and drop the block everywhere else (never forging one,
// never sending a foreign signature to Anthropic).

const PREFIX = 'swb1.';

export interface ThinkingEnvelope {
  /** Provider id that produced the reasoning. */
  provider: string;
  /** Upstream model that produced it. */
  model: string;
  /** The reasoning text, present when the client was sent the signature without the text. */
  reasoning?: string;
  /** Provider-native opaque state (Gemini thoughtSignature, OpenRouter reasoning_details). */
  state?: string;
}

export function encodeEnvelope(env: ThinkingEnvelope): string {
  const payload: Record<string, string> = { p: env.provider, m: env.model };
  if (env.reasoning) payload.r = env.reasoning;
  if (env.state) payload.s = env.state;
  return PREFIX + Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** True when a signature was minted by Switchboard (cheap prefix test). */
export function isEnvelope(signature: unknown): signature is string {
  return typeof signature === 'string' && signature.startsWith(PREFIX);
}

/** `byteStrings`: return text as byte strings, to match a request body decoded that way. */
export function decodeEnvelope(signature: unknown, byteStrings = false): ThinkingEnvelope | null {
  if (!isEnvelope(signature)) return null;
  try {
    const raw = JSON.parse(Buffer.from(signature.slice(PREFIX.length), 'base64url').toString(byteStrings ? 'latin1' : 'utf8')) as Record<string, unknown>;
    if (typeof raw.p !== 'string' || typeof raw.m !== 'string') return null;
    const env: ThinkingEnvelope = { provider: raw.p, model: raw.m };
    if (typeof raw.r === 'string') env.reasoning = raw.r;
    if (typeof raw.s === 'string') env.state = raw.s;
    return env;
  } catch {
    return null;
  }
}

/** The byte marker to look for in a raw request body before parsing it for envelopes. */
export const ENVELOPE_MARKER = PREFIX;
