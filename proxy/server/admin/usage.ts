import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, invalidRequest } from '../../protocol/anthropic/errors.js';
import type { UsageLedger } from '../../usage/ledger/index.js';
import {
  breakdown,
  exportUsage,
  listRequests,
  parseBreakdownQuery,
  parseExportQuery,
  parseRequestsQuery,
  parseSeriesQuery,
  parseSummaryQuery,
  requestDetail,
  series,
  summary,
} from '../../usage/query/index.js';
import type { ListenerContext } from '../context.js';
import { requireAdmin } from './auth.js';
import type { AdminContext } from './setup.js';
import { buildStats, recordingOffMessage } from './stats.js';

// The usage API (/api/usage/*) and the seeds' GET /stats, on router ports behind
// the admin token. Queries live in usage/query/; this file only parses, checks
// that recording is on, and shapes the HTTP answer. better-sqlite3 is synchronous:
// each call holds the event loop for its query (a few ms on the rollup), and the
// export yields between pages.

type Hook = (req: FastifyRequest, reply: FastifyReply, done: () => void) => void;

export function usageRoutes(app: FastifyInstance, lc: ListenerContext, admin: AdminContext): void {
  const auth = { onRequest: requireAdmin(admin.token.value) };
  // A download link (<a href>, the desktop's save dialog) cannot send a header; as for /api/events.
  const exportAuth: { onRequest: Hook } = { onRequest: requireAdmin(admin.token.value, true) };

  /** The open ledger with every row recorded so far written, so answers include the request just served. */
  const ledger = (): UsageLedger => {
    const l = lc.usage?.ledger ?? null;
    if (!l || !l.db.open) throw new GatewayError(503, recordingOffMessage(lc), { retryable: false });
    try {
      if (l.pending) l.flush();
    } catch {
      // The database refused the write (it is retried in the background); answer from what is on disk.
    }
    return l;
  };

  app.get('/api/usage/summary', auth, async (request) => {
    const db = ledger().db;
    return summary(db, parseSummaryQuery(request.query));
  });

  app.get('/api/usage/series', auth, async (request) => {
    const db = ledger().db;
    return series(db, parseSeriesQuery(request.query));
  });

  app.get('/api/usage/breakdown', auth, async (request) => {
    const db = ledger().db;
    return breakdown(db, parseBreakdownQuery(request.query));
  });

  app.get('/api/usage/requests', auth, async (request) => {
    const db = ledger().db;
    return listRequests(db, parseRequestsQuery(request.query));
  });

  app.get('/api/usage/requests/:id', auth, async (request) => {
    const db = ledger().db;
    const id = (request.params as { id: string }).id;
    if (!/^\d{1,15}$/.test(id)) throw invalidRequest(`id: "${id}" is not a request id (a whole number from /api/usage/requests)`);
    return requestDetail(db, Number(id));
  });

  app.get('/api/usage/export', exportAuth, async (request, reply) => {
    const db = ledger().db;
    const plan = exportUsage(db, parseExportQuery(request.query));
    reply
      .header('content-disposition', `attachment; filename="${plan.filename}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .type(plan.contentType);
    return reply.send(Readable.from(plan.chunks));
  });

  // The seeds' endpoint: a summary for people and status bars (recording off is reported, not an error).
  app.get('/stats', auth, async () => buildStats(lc, lc.usage?.ledger?.db.open ? ledger() : null, admin.ports()));
}
