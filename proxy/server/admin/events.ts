import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventBus, GatewayEvent } from '../../events/bus.js';
import type { AdminContext } from './setup.js';

// GET /api/events: the gateway's event bus as server-sent events. Each subscriber
// is a bus listener writing straight to its socket; a reconnect replays what it
// missed from the bus's ring (Last-Event-ID or ?after=).

/** A subscriber this far behind is not reading; it is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1 << 20;

export function frame(e: GatewayEvent & { id: number }): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

/** Replay point: Last-Event-ID header, else ?after=; without either, only new events. */
function replayAfter(request: FastifyRequest): number | null {
  const header = request.headers['last-event-id'];
  const raw = typeof header === 'string' && header.trim() ? header.trim() : (request.query as Record<string, unknown> | undefined)?.after;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) return null;
  return Number(raw);
}

export function eventsRoute(app: FastifyInstance, bus: EventBus, admin: AdminContext, onRequest: (req: FastifyRequest, reply: FastifyReply, done: () => void) => void): void {
  const open = new Set<ServerResponse>();
  // Streams never finish on their own; without this, closing the listener would wait forever.
  app.addHook('preClose', (done) => {
    for (const res of open) res.end();
    done();
  });

  app.get('/api/events', { onRequest }, (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    if (request.raw.socket.destroyed) return; // gone already: 'close' will not fire again
    const send = (e: GatewayEvent & { id: number }) => {
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
      else res.write(frame(e));
    };
    // Replay and subscribe in one synchronous step, so no event falls between them.
    const after = replayAfter(request);
    if (after !== null) for (const e of bus.recent(after)) send(e);
    const unsubscribe = bus.subscribe(send);
    const timer = setInterval(() => res.write(': keep-alive\n\n'), admin.keepAliveMs);
    timer.unref();
    open.add(res);
    res.on('close', () => {
      unsubscribe();
      clearInterval(timer);
      open.delete(res);
    });
  });
}
