import { randomBytes } from 'node:crypto';

// Anthropic requires tool_use ids to match ^[a-zA-Z0-9_-]+$. Upstream ids that
// do not (`call:1`, dotted UUIDs, empty strings) are rewritten deterministically,
// so the same upstream id maps to the same client id on every turn and the
// rewritten id round-trips unchanged.

const VALID = /^[a-zA-Z0-9_-]+$/;

export function clientToolId(upstreamId: string | undefined | null): string {
  if (upstreamId && VALID.test(upstreamId)) return upstreamId;
  if (upstreamId) return upstreamId.replace(/[^a-zA-Z0-9_-]/g, '_');
  return mintToolId();
}

export function mintToolId(): string {
  return 'toolu_' + randomBytes(12).toString('base64url').replace(/[^a-zA-Z0-9]/g, 'x');
}
