import type { UsageLedger } from '../../usage/ledger/index.js';
import { breakdown, emptyTotals, localZone, startOfToday, totals, type BreakdownQuery, type GroupBy, type UsageTotals, type Zone } from '../../usage/query/index.js';
import type { Health } from '../../router/status.js';
import type { ListenerContext } from '../context.js';
import type { AdminPort } from './setup.js';

// GET /stats: the seeds' "detailed statistics" at a glance: spend and traffic for
// the last hour, today and the last 7 days, per provider and model, next to each
// provider's live health. Every figure is one rollup read (a few ms), so a status
// bar can poll it.

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface Recording {
  enabled: boolean;
  /** Rows recorded but not yet written (written at least once a second). */
  pendingRows: number;
  /** Rows lost (recorded after close, or beyond the queue while writes failed). */
  droppedRows: number;
  /** The last background write failure, if any. */
  lastError: string | null;
  /** Why recording is off and how to turn it on, when it is. */
  message?: string;
}

export interface ProviderStats {
  id: string;
  label: string;
  health: Health;
  circuit: string;
  successRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Null when recording is off. */
  lastHour: UsageTotals | null;
  today: UsageTotals | null;
}

export interface Stats {
  service: 'switchboard';
  version: string;
  generatedAt: string;
  uptimeS: number;
  /** The zone "today" is counted in (the gateway's). */
  tz: string;
  router: { strategy: string; priority: readonly string[] };
  recording: Recording;
  usage: {
    lastHour: UsageTotals;
    /** Since local midnight. */
    today: UsageTotals;
    last7Days: UsageTotals;
    todayByProvider: Array<{ provider: string | null; totals: UsageTotals }>;
    /** The 10 dearest upstream models today. */
    todayByModel: Array<{ model: string | null; totals: UsageTotals }>;
  } | null;
  providers: ProviderStats[];
}

/** Why the usage API cannot answer, and what to change. */
export function recordingOffMessage(lc: ListenerContext): string {
  return lc.settings.usage.enabled
    ? 'usage recording is off: the usage ledger could not be opened (the reason is in the gateway log); fix it (usage.dbPath) and restart Switchboard'
    : 'usage recording is off: set "usage": {"enabled": true} in the config (or remove "enabled": false) and restart Switchboard';
}

export function buildStats(lc: ListenerContext, ledger: UsageLedger | null, ports: readonly AdminPort[], now = Date.now(), zone: Zone = localZone()): Stats {
  const status = lc.router.status(ports);
  const todayFrom = startOfToday(zone, now);
  const by = (groupBy: GroupBy, from: number, limit: number) => {
    const q: BreakdownQuery = { range: { from, to: now }, zone, filters: {}, groupBy, sort: 'cost', order: 'desc', limit, offset: 0 };
    return breakdown(ledger!.db, q).rows;
  };
  let usage: Stats['usage'] = null;
  const perProvider = new Map<string, { lastHour: UsageTotals; today: UsageTotals }>();
  if (ledger) {
    const todayByProvider = by('provider', todayFrom, 1000);
    const lastHourByProvider = new Map(by('provider', now - HOUR, 1000).map((r) => [r.key, r.totals]));
    usage = {
      lastHour: totals(ledger.db, { from: now - HOUR, to: now }, {}),
      today: totals(ledger.db, { from: todayFrom, to: now }, {}),
      last7Days: totals(ledger.db, { from: now - 7 * DAY, to: now }, {}),
      todayByProvider: todayByProvider.map((r) => ({ provider: r.key as string | null, totals: r.totals })),
      todayByModel: by('model', todayFrom, 10).map((r) => ({ model: r.key as string | null, totals: r.totals })),
    };
    const none = emptyTotals();
    for (const s of status) {
      perProvider.set(s.id, { lastHour: lastHourByProvider.get(s.id) ?? none, today: todayByProvider.find((r) => r.key === s.id)?.totals ?? none });
    }
  }
  const recording: Recording = ledger
    ? { enabled: true, pendingRows: ledger.pending, droppedRows: ledger.dropped, lastError: ledger.lastError?.message ?? null }
    : { enabled: false, pendingRows: 0, droppedRows: 0, lastError: null, message: recordingOffMessage(lc) };
  return {
    service: 'switchboard',
    version: lc.version,
    generatedAt: new Date(now).toISOString(),
    uptimeS: Math.round((now - lc.startedAt) / 1000),
    tz: zone.name,
    router: { strategy: lc.router.strategy, priority: lc.router.priority },
    recording,
    usage,
    providers: status.map((s) => ({
      id: s.id,
      label: s.label,
      health: s.health,
      circuit: s.circuit,
      successRate: s.successRate,
      latencyP50Ms: s.latency.p50Ms,
      latencyP95Ms: s.latency.p95Ms,
      lastHour: perProvider.get(s.id)?.lastHour ?? null,
      today: perProvider.get(s.id)?.today ?? null,
    })),
  };
}
