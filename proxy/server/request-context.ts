import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../dialects/types.js';
import type { MessagesRequest } from '../protocol/anthropic/types.js';
import { nextMessageId } from './ids.js';

/** The per-request facts every dialect reads, built once from the parsed request. */
export function requestContext(request: FastifyRequest, raw: Buffer, body: MessagesRequest, byteStrings: boolean, stream: boolean): RequestContext {
  const q = request.url.indexOf('?');
  return {
    body,
    raw,
    query: q === -1 ? '' : request.url.slice(q),
    headers: request.headers,
    requestedModel: body.model,
    stream,
    messageId: nextMessageId(),
    byteStrings,
  };
}

/** The explicit provider choice a client can make with the x-switchboard-provider header. */
export function headerProvider(request: FastifyRequest): string | undefined {
  const v = request.headers['x-switchboard-provider'];
  return typeof v === 'string' && v ? v : undefined;
}
