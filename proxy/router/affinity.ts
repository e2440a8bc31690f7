import type { IncomingHttpHeaders } from 'node:http';
import type { MessagesRequest } from '../protocol/anthropic/types.js';
import type { Candidate, Clock, RequestFacts } from './state.js';
import { availableNow, fitsContext } from './strategies/serve.js';

// Session affinity: the requests of one Claude Code session stay on the
// provider that served them while it is healthy, so its prompt cache stays
// warm (a cache read costs a tenth of fresh input, and is faster).

export interface AffinityOptions {
  /** An entry lives this long after the provider last served the session (1 h: the longest prompt-cache TTL). */
  ttlMs: number;
  /** Sessions remembered; the least recently used is forgotten first. */
  maxSessions: number;
}

export const DEFAULT_AFFINITY: AffinityOptions = { ttlMs: 3_600_000, maxSessions: 10_000 };

/** Longer ids are not session ids we know; refusing them keeps the map's memory bounded. */
const MAX_SESSION_ID_LENGTH = 200;

interface Entry {
  providerId: string;
  expiresAt: number;
}

/** Bounded LRU map sessionId → providerId with a TTL. A Map keeps insertion order, so its first key is the least recently used. */
export class SessionAffinity {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: AffinityOptions;

  constructor(
    private readonly clock: Clock,
    opts: Partial<AffinityOptions> = {},
  ) {
    this.opts = { ...DEFAULT_AFFINITY, ...opts };
  }

  get size(): number {
    return this.entries.size;
  }

  /** The provider that last served the session, if within the TTL. Refreshes recency, not the TTL. */
  get(sessionId: string): string | null {
    const e = this.entries.get(sessionId);
    if (!e) return null;
    this.entries.delete(sessionId);
    if (e.expiresAt <= this.clock.now()) return null;
    this.entries.set(sessionId, e);
    return e.providerId;
  }

  /** Records that providerId served the session (call after a success); restarts the TTL. */
  set(sessionId: string, providerId: string): void {
    this.entries.delete(sessionId);
    this.entries.set(sessionId, { providerId, expiresAt: this.clock.now() + this.opts.ttlMs });
    while (this.entries.size > this.opts.maxSessions) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  /** Drops every session pinned to the provider (its circuit opened, it was removed); they re-route freely. */
  forget(providerId: string): void {
    for (const [id, e] of this.entries) if (e.providerId === providerId) this.entries.delete(id);
  }
}

/**
 * The Claude Code session id of a request: the x-claude-code-session-id
 * header, else metadata.user_id as JSON `{"session_id": ...}` (current Claude
 * Code), else the older `user_<hash>_account_<uuid>_session_<uuid>` string.
 */
export function sessionIdOf(headers: IncomingHttpHeaders, body: MessagesRequest): string | null {
  const h = headers['x-claude-code-session-id'];
  const fromHeader = clean(Array.isArray(h) ? h[0] : h);
  if (fromHeader) return fromHeader;
  const userId = body.metadata?.user_id;
  if (typeof userId !== 'string' || userId === '') return null;
  if (userId.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(userId);
      if (typeof parsed === 'object' && parsed !== null) {
        const sid = (parsed as { session_id?: unknown }).session_id;
        return typeof sid === 'string' ? clean(sid) : null;
      }
    } catch {
      // Not JSON after all; try the older format.
    }
  }
  const m = /_session_([A-Za-z0-9-]+)$/.exec(userId);
  return m ? clean(m[1]) : null;
}

function clean(v: string | undefined): string | null {
  const s = v?.trim();
  return s && s.length <= MAX_SESSION_ID_LENGTH ? s : null;
}

/**
 * Moves the session's provider to the front when it is healthy (circuit
 * closed, not cooling down or blocked) and, if facts are given, its context
 * window fits the request. Otherwise the strategy's order stands. Never mutates.
 */
export function applyAffinity(ordered: readonly Candidate[], providerId: string | null, now: number, facts?: RequestFacts): Candidate[] {
  if (providerId === null) return [...ordered];
  const i = ordered.findIndex((c) => c.snapshot.id === providerId);
  if (i <= 0) return [...ordered];
  const c = ordered[i];
  if (c.snapshot.circuit !== 'closed' || !availableNow(c, now) || (facts && !fitsContext(c, facts))) return [...ordered];
  return [c, ...ordered.slice(0, i), ...ordered.slice(i + 1)];
}
