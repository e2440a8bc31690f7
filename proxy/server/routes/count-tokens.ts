import type { FastifyInstance } from 'fastify';
import { DIALECTS } from '../../dialects/index.js';
import { parseJsonBody, validateMessagesRequest } from '../../protocol/anthropic/validate.js';
import { planTargets } from '../../router/plan.js';
import { collect } from '../../upstream/collect.js';
import type { ListenerContext } from '../context.js';
import { headerProvider, requestContext } from '../request-context.js';

/**
 * Passed through to Anthropic-dialect providers that offer it, asked of Gemini's
 * countTokens (translated request, {totalTokens} read back); counted locally
 * otherwise, and also when the upstream count fails (a count is an estimate;
 * Claude Code calls it often and a failure breaks its context accounting).
 */
export function countTokensRoute(app: FastifyInstance, lc: ListenerContext): void {
  app.post('/v1/messages/count_tokens', async (request, reply) => {
    const raw = request.body as Buffer;
    // Real UTF-8 strings here: the local count tokenizes the text itself.
    const body = validateMessagesRequest(parseJsonBody(raw).value, true);
    const [target] = planTargets(lc.settings, lc.port, body.model, headerProvider(request), lc.router.priority);
    const ctx = requestContext(request, raw, body, false, false);
    const dialect = DIALECTS[target.provider.dialect];
    reply.header('x-switchboard-provider', target.provider.id);
    let upstream = null;
    const auth = target.provider.authHook;
    if (auth === undefined) upstream = dialect.countTokensRequest(ctx, target);
    else {
      // Credentials first (they may also settle the project a Vertex URL names); none: count locally.
      try {
        const authHeaders = await auth.headers();
        upstream = dialect.countTokensRequest(ctx, target);
        if (upstream) Object.assign(upstream.headers, authHeaders);
      } catch (err) {
        lc.log.debug({ provider: target.provider.id, err: lc.redact((err as Error).message) }, 'no credentials for upstream count_tokens; counting locally');
      }
    }
    if (upstream) {
      const abort = new AbortController();
      reply.raw.on('close', () => abort.abort());
      try {
        const res = await collect(lc.client, upstream, abort.signal);
        const ok = res.status >= 200 && res.status < 300;
        // Translating dialects read the count out of the provider's own answer shape.
        const counted = ok && dialect.countTokensResult ? dialect.countTokensResult(res.body) : null;
        if (ok && (counted !== null || !dialect.countTokensResult)) {
          reply.header('x-switchboard-count', 'upstream');
          if (counted !== null) return reply.code(200).send({ input_tokens: counted });
          return reply.code(200).type('application/json').send(res.body);
        }
        lc.log.debug({ provider: target.provider.id, status: res.status }, 'upstream count_tokens failed; counting locally');
      } catch (err) {
        if (abort.signal.aborted) return reply;
        lc.log.debug({ provider: target.provider.id, err: (err as Error).message }, 'upstream count_tokens failed; counting locally');
      }
    }
    reply.header('x-switchboard-count', 'local');
    // Loaded on first use: the BPE tables cost ~60 MB of memory, paid only by ports that count locally.
    const { countRequestTokens } = await import('../../tokens/count.js');
    return { input_tokens: countRequestTokens(body) };
  });
}

