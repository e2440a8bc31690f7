import type { ResolvedPort, Settings } from '../config/resolve.js';
import type { Target } from '../dialects/types.js';
import { GatewayError, invalidRequest } from '../protocol/anthropic/errors.js';
import { parseExplicitModel, upstreamModelFor } from './model-map.js';

/**
 * The ordered candidates for one request. An explicit choice always wins
 * (`provider,model` in the model field, or the x-switchboard-provider header);
 * a provider's own port is pinned to it; the router port starts from its priority
 * order, which the route then reorders by strategy and scenario (router/runtime.ts,
 * router/scenario-routes.ts).
 * `routerOrder` is the live priority (RouterRuntime.priority, changeable at runtime);
 * it defaults to the configured order.
 */
export function planTargets(settings: Settings, port: ResolvedPort, requestedModel: string, headerProvider: string | undefined, routerOrder: readonly string[] = settings.routerOrder): Target[] {
  const explicit = parseExplicitModel(requestedModel);
  if (explicit) {
    const provider = settings.providers.get(explicit.provider);
    if (!provider) throw unknownProvider(settings, explicit.provider, 'the model field');
    return [{ provider, model: explicit.model }];
  }

  let ids: readonly string[];
  if (port.use === 'router') ids = routerOrder;
  else ids = port.fallbackToRouter ? [port.use, ...routerOrder.filter((id) => id !== port.use)] : [port.use];

  if (headerProvider) {
    if (!settings.providers.has(headerProvider)) throw unknownProvider(settings, headerProvider, 'x-switchboard-provider');
    ids = [headerProvider, ...ids.filter((id) => id !== headerProvider)];
  }

  const targets: Target[] = [];
  for (const id of ids) {
    const provider = settings.providers.get(id);
    if (provider) targets.push({ provider, model: upstreamModelFor(provider, requestedModel) });
  }
  if (targets.length === 0) {
    throw invalidRequest(
      `Switchboard has no provider enabled on port ${port.port}. Set a provider key (for example OPENROUTER_API_KEY or GITHUB_TOKEN) or add providers to the config file, then restart.`,
    );
  }
  return targets;
}

function unknownProvider(settings: Settings, id: string, where: string): GatewayError {
  const known = [...settings.providers.keys()].join(', ') || 'none';
  return invalidRequest(`unknown provider "${id}" in ${where} (enabled providers: ${known})`);
}
