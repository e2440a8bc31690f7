import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { GatewayError } from '../protocol/anthropic/errors.js';
import { METRICS_PATH, metricsRoute } from '../metrics/route.js';
import { adminRoutes } from './admin/routes.js';
import type { ListenerContext } from './context.js';
import { checkRequest } from './guard.js';
import { countTokensRoute } from './routes/count-tokens.js';
import { healthRoutes } from './routes/health.js';
import { messagesRoute } from './routes/messages.js';
import { modelsRoute } from './routes/models.js';
import { uiRoutes } from './ui.js';

/** One fastify instance per port; every port serves the same routes with its own binding. */
export function createListener(lc: ListenerContext): FastifyInstance {
  const app = Fastify({
    bodyLimit: lc.settings.bodyLimit,
    logger: false,
    routerOptions: { ignoreTrailingSlash: true },
    // Streams run for minutes: no server-side request or socket timeouts.
    requestTimeout: 0,
    connectionTimeout: 0,
    keepAliveTimeout: 65_000,
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    // Malformed URLs are refused before hooks and the error handler run: keep Anthropic's shape.
    frameworkErrors: (err, _request, reply) => {
      (reply as FastifyReply).code(400).type('application/json').send(new GatewayError(400, err.message, { retryable: false }).toBody());
    },
  });

  // Bodies are kept as raw bytes: the anthropic dialect forwards them untouched,
  // and parsing here lets us word JSON errors ourselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // A /metrics behind the admin token is not also asked for the client key (as /api/ is not).
  const ownTokenPaths = lc.metrics && lc.settings.metrics.requireToken ? new Set([METRICS_PATH]) : undefined;
  const guard = { allowedHosts: lc.settings.allowedHosts, allowedOrigins: lc.settings.allowedOrigins, clientApiKey: lc.settings.clientApiKey, ownTokenPaths };
  app.addHook('onRequest', (request, reply, done) => {
    const refused = checkRequest(request.headers, request.routeOptions.url ?? request.url, guard);
    if (refused) {
      reply.code(refused.status).type('application/json').send(refused.toBody());
      return;
    }
    done();
  });

  app.setErrorHandler((err: FastifyError | GatewayError, _request, reply) => {
    const ge = toGatewayError(err, lc.settings.bodyLimit);
    if (ge.status >= 500) lc.log.error({ err }, 'request failed');
    reply.code(ge.status).headers(ge.headers).type('application/json').send(ge.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const ge = new GatewayError(404, `Switchboard has no route ${request.method} ${request.url.split('?')[0]}`, { retryable: false });
    reply.code(404).type('application/json').send(ge.toBody());
  });

  messagesRoute(app, lc);
  countTokensRoute(app, lc);
  modelsRoute(app, lc);
  healthRoutes(app, lc);
  metricsRoute(app, lc);
  if (lc.port.use === 'router' && lc.admin) adminRoutes(app, lc, lc.admin);
  if (lc.port.use === 'router' && lc.uiDir) uiRoutes(app, lc.uiDir);
  return app;
}

function toGatewayError(err: FastifyError | GatewayError, limitBytes: number): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = (err as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new GatewayError(413, `request body is larger than the ${Math.round(limitBytes / 1048576)} MB limit`, { type: 'request_too_large', retryable: false });
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return new GatewayError(400, err.message, { retryable: false });
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return new GatewayError(status, err.message, { retryable: false });
  return new GatewayError(500, 'internal error in Switchboard', { retryable: false });
}
