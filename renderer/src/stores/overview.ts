import { create } from 'zustand';
import { api } from '../api';
import type { BreakdownRow, SummaryResult } from '../api/types';
import { localTz, todayDate } from '../format';

// The Overview page's figures: spend today (per port and in all), and requests
// per minute over the last five minutes per port. Three rollup reads.

export const RPM_WINDOW_MIN = 5;

export interface OverviewStore {
  today: SummaryResult | null;
  portsToday: BreakdownRow[];
  portsRecent: BreakdownRow[];
  error: unknown;
  loaded: boolean;
  load(): Promise<void>;
}

export const useOverview = create<OverviewStore>((set) => ({
  today: null,
  portsToday: [],
  portsRecent: [],
  error: null,
  loaded: false,
  async load() {
    const tz = localTz();
    const from = todayDate();
    try {
      const [today, portsToday, portsRecent] = await Promise.all([
        api().summary({ from, tz }),
        api().breakdown({ groupBy: 'port', from, tz, limit: 100 }),
        api().breakdown({ groupBy: 'port', from: `-${RPM_WINDOW_MIN}m`, tz, limit: 100 }),
      ]);
      set({ today, portsToday: portsToday.rows, portsRecent: portsRecent.rows, error: null, loaded: true });
    } catch (error) {
      set({ error, loaded: true });
    }
  },
}));

/** Requests per minute on one port over the recent window. */
export function rpmFor(rows: BreakdownRow[], port: number): number {
  const r = rows.find((x) => Number(x.key) === port);
  return r ? r.totals.requests / RPM_WINDOW_MIN : 0;
}

export function spendFor(rows: BreakdownRow[], port: number): number {
  return rows.find((x) => Number(x.key) === port)?.totals.costUsd ?? 0;
}
