import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext, Target } from '../../dialects/types.js';
import { downgradePlan, type DowngradePlan } from '../../budget/plan.js';
import type { MessagesRequest } from '../../protocol/anthropic/types.js';
import { GatewayError } from '../../protocol/anthropic/errors.js';
import { parseJsonBody, validateMessagesRequest } from '../../protocol/anthropic/validate.js';
import { execute, sendError } from '../../router/execute.js';
import { parseExplicitModel } from '../../router/model-map.js';
import { planTargets } from '../../router/plan.js';
import { applyScenarioRoute, scenarioReason } from '../../router/scenario-routes.js';
import { tierFacts } from '../../router/scenario.js';
import type { Scenario } from '../../router/state.js';
import type { RouteMode } from '../../events/bus.js';
import type { ListenerContext } from '../context.js';
import { headerProvider, requestContext } from '../request-context.js';
import { ResponseSink } from '../sink.js';
import { sessionIdOf } from '../../router/affinity.js';
import { usageRow } from '../../usage/record.js';

export function messagesRoute(app: FastifyInstance, lc: ListenerContext): void {
  app.post('/v1/messages', async (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    const started = performance.now();
    try {
      const raw = request.body as Buffer;
      const parsed = parseJsonBody(raw, true);
      let body = validateMessagesRequest(parsed.value);
      let byteStrings = parsed.byteStrings;
      if (byteStrings && !isAscii(body.model)) {
        // Model names are compared and mapped as real strings; this rare case takes the UTF-8 path.
        body = validateMessagesRequest(parseJsonBody(raw).value);
        byteStrings = false;
      }
      const ctx = requestContext(request, raw, body, byteStrings, body.stream === true);
      const chosen = headerProvider(request);
      // Budgets: one field read while under budget; the decision (and any date math) only while an action is in force.
      let downgrade: DowngradePlan | null = null;
      if (lc.budget?.enforcing) {
        const decision = lc.budget.decide();
        if (decision.kind === 'block') {
          sendError(res, decision.error);
          recordBlocked(lc, request.headers, ctx, body, started, decision.error);
          return;
        }
        if (decision.kind === 'downgrade') downgrade = downgradePlan(decision, lc.settings.providers, body.model, lc.prices);
      }
      const planBody = downgrade?.model ? { ...body, model: downgrade.model } : body;
      let targets = planTargets(lc.settings, lc.port, planBody.model, chosen, lc.router.priority);
      const explicit = chosen !== undefined || parseExplicitModel(body.model) !== null;
      let mode: RouteMode = explicit ? 'explicit' : 'pinned';
      let scenario: Scenario = 'default';
      let reason = explicit ? 'explicit choice' : `port ${lc.port.port} is pinned`;
      // Affinity's session (none for scenario-routed requests) and the ledger's (always, when known).
      let sessionId: string | null = null;
      let session: string | null | undefined;
      let mapped: Target[] = [];
      if (downgrade?.targets) {
        // Every request, explicit and pinned ones too: the budget outranks the choice. No affinity moves.
        targets = downgrade.targets;
        reason = 'cheapest first';
      } else if (lc.port.use === 'router' && !explicit) {
        // Only the router port pays for request facts, strategy ordering and scenario routes.
        // One read of the router's current routes: a change swaps the whole object, so this request sees one version.
        const routes = lc.router.routes;
        const facts = tierFacts(planBody, { headers: request.headers, longContextThreshold: routes.thresholds.longContextThreshold });
        const ordered = lc.router.order(targets, facts);
        const plan = applyScenarioRoute(routes.scenarios, lc.settings.providers, facts.scenario, ordered.targets, planBody.model);
        targets = plan.targets;
        mapped = targets.slice(0, plan.mapped);
        mode = lc.router.strategy;
        scenario = facts.scenario;
        reason = plan.mapped ? `${ordered.reason}, after the ${scenario} scenario route` : ordered.reason;
        // A scenario-routed request (a background haiku call) must not move the session's affinity.
        session = facts.sessionId;
        sessionId = plan.mapped ? null : facts.sessionId;
      }
      // A downgraded request says so: x-switchboard-budget, the route event's reason, the ledger's strategy column.
      if (downgrade) mode = downgrade.mode;
      const sink = new ResponseSink(res, lc.redact);
      const result = await execute(ctx, targets, res, sink, { client: lc.client, redact: lc.redact, router: lc.router, sessionId, headers: downgrade?.headers, shutdown: lc.shutdown });
      if (lc.usage?.active) {
        const lastStatus = result.attempts[result.attempts.length - 1]?.status ?? 0;
        lc.usage.record(
          usageRow({
            ctx,
            result,
            port: lc.port.port,
            strategy: mode,
            scenario,
            sessionId: session !== undefined ? session : sessionIdOf(request.headers, body),
            startedAt: started,
            firstByteAt: sink.firstByteAt,
            status: result.error ? result.error.status : lastStatus === 499 ? 499 : 200,
            errorType: result.error?.type ?? null,
            prices: lc.prices,
          }),
          result,
        );
      }
      if (result.target) {
        const fallback = result.attempts.length > 1 ? ` after ${result.attempts.length - 1} failed attempt${result.attempts.length > 2 ? 's' : ''}` : '';
        const served = mapped.includes(result.target) ? scenarioReason(scenario, result.target) : `${result.target.provider.id} (${reason})`;
        lc.router.events.emit({ type: 'route', at: Date.now(), port: lc.port.port, provider: result.target.provider.id, model: result.target.model, strategy: mode, scenario, reason: `${downgrade?.note ?? ''}${served}${fallback}` });
      }
      if (result.error) {
        lc.log.warn({ port: lc.port.port, model: body.model, attempts: result.attempts, status: result.error.status }, lc.redact(result.error.message));
      } else if (lc.log.isLevelEnabled('debug')) {
        lc.log.debug({ port: lc.port.port, model: body.model, provider: result.target?.provider.id, upstreamModel: result.target?.model, attempts: result.attempts.length, ms: Math.round(performance.now() - started), usage: result.outcome.usage }, 'message');
      }
    } catch (err) {
      const ge = err instanceof GatewayError ? err : new GatewayError(500, 'internal error in Switchboard');
      if (!(err instanceof GatewayError)) lc.log.error({ err }, 'unexpected error handling /v1/messages');
      sendError(res, ge);
    }
  });
}

/** A blocked request still gets its ledger row (status 402, no attempts), so usage shows what the budget refused. */
function recordBlocked(lc: ListenerContext, headers: IncomingHttpHeaders, ctx: RequestContext, body: MessagesRequest, started: number, error: GatewayError): void {
  if (!lc.usage?.active) return;
  lc.usage.record(
    usageRow({ ctx, result: null, port: lc.port.port, strategy: 'budget-block', scenario: 'default', sessionId: sessionIdOf(headers, body), startedAt: started, firstByteAt: null, status: error.status, errorType: error.type }),
    null,
  );
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
