import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { asHttpError, type ProviderManager } from '../../gateway-providers.js';
import { GatewayError } from '../../protocol/anthropic/errors.js';

// /api/providers and /api/ports (README "Managing providers from the API"). Bodies
// are JSON; every change is applied to the running gateway and saved before the
// answer. Keys go in and never come out.

export function providerRoutes(app: FastifyInstance, providers: ProviderManager, auth: onRequestHookHandler): void {
  const opts = { onRequest: auth };
  const handle =
    <T>(fn: (request: FastifyRequest, reply: FastifyReply) => Promise<T> | T) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<T> => {
      try {
        return await fn(request, reply);
      } catch (err) {
        throw asHttpError(err);
      }
    };
  const id = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.get('/api/providers', opts, handle(() => providers.list()));

  app.post(
    '/api/providers',
    opts,
    handle(async (request, reply) => {
      const view = await providers.create(jsonBody(request));
      reply.code(201);
      return view;
    }),
  );

  app.put('/api/providers/:id', opts, handle((request) => providers.update(id(request), jsonBody(request))));

  app.delete(
    '/api/providers/:id',
    opts,
    handle(async (request, reply) => {
      await providers.remove(id(request));
      reply.code(204);
      return reply.send();
    }),
  );

  // Registered before /:id/test so "test" is never read as a provider id.
  app.post('/api/providers/test', opts, handle((request) => providers.testUnsaved(jsonBody(request))));
  app.post('/api/providers/:id/test', opts, handle((request) => providers.test(id(request), jsonBody(request, true))));
  app.get('/api/providers/:id/models', opts, handle((request) => providers.models(id(request))));

  for (const action of ['stop', 'start'] as const) {
    app.post(
      `/api/ports/:port/${action}`,
      opts,
      handle((request) => {
        const raw = (request.params as { port: string }).port;
        const port = Number(raw);
        if (!/^\d{1,5}$/.test(raw) || port > 65535) throw new GatewayError(400, `port: "${raw}" is not a port number`, { retryable: false });
        return providers.setPort(port, action === 'start');
      }),
    );
  }
}

/** The request's JSON body (the listener keeps bodies as raw bytes). `optional`: no body is {}. */
function jsonBody(request: FastifyRequest, optional = false): unknown {
  const raw = request.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  if (!text.trim()) {
    if (optional) return {};
    throw new GatewayError(400, 'the body must be a JSON object', { retryable: false });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GatewayError(400, `the body is not valid JSON: ${(err as Error).message}`, { retryable: false });
  }
}
