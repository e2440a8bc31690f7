import { create } from 'zustand';
import { api } from '../api';
import type { BreakdownResult, Bucket, SeriesResult, SummaryResult } from '../api/types';
import { localTz } from '../format';

// The Costs page: spend over time stacked by provider, and by model, session and
// project, over a chosen range. The gateway aggregates (rollups) and paginates;
// the window only ever holds one page of sessions.

export type RangeKey = '24h' | '7d' | '30d' | '90d';
export const RANGES: Record<RangeKey, { from: string; label: string; buckets: Bucket[] }> = {
  '24h': { from: '-24h', label: 'Last 24 hours', buckets: ['hour'] },
  '7d': { from: '-7d', label: 'Last 7 days', buckets: ['hour', 'day'] },
  '30d': { from: '-30d', label: 'Last 30 days', buckets: ['hour', 'day', 'week'] },
  '90d': { from: '-90d', label: 'Last 90 days', buckets: ['day', 'week'] },
};
export const SESSION_PAGE = 10;

export interface CostsStore {
  range: RangeKey;
  bucket: Bucket;
  sessionOffset: number;
  summary: SummaryResult | null;
  series: SeriesResult | null;
  byModel: BreakdownResult | null;
  bySession: BreakdownResult | null;
  byProject: BreakdownResult | null;
  error: unknown;
  loaded: boolean;
  load(): Promise<void>;
  setRange(r: RangeKey): Promise<void>;
  setBucket(b: Bucket): Promise<void>;
  setSessionOffset(o: number): Promise<void>;
}

/** Bumped by every load: an answer that comes back after a newer load started (another range) is dropped. */
let generation = 0;

export const useCosts = create<CostsStore>((set, get) => ({
  range: '7d',
  bucket: 'day',
  sessionOffset: 0,
  summary: null,
  series: null,
  byModel: null,
  bySession: null,
  byProject: null,
  error: null,
  loaded: false,
  async load() {
    const { range, bucket, sessionOffset } = get();
    const p = { from: RANGES[range].from, tz: localTz() };
    const mine = ++generation;
    try {
      const [summary, series, byModel, bySession, byProject] = await Promise.all([
        api().summary(p),
        api().series({ ...p, bucket, groupBy: 'provider', top: 8 }),
        api().breakdown({ ...p, groupBy: 'model', limit: 10 }),
        api().breakdown({ ...p, groupBy: 'session', sort: 'lastSeen', limit: SESSION_PAGE, offset: sessionOffset }),
        api().breakdown({ ...p, groupBy: 'project', limit: 10 }),
      ]);
      if (mine === generation) set({ summary, series, byModel, bySession, byProject, error: null, loaded: true });
    } catch (error) {
      if (mine === generation) set({ error, loaded: true });
    }
  },
  async setRange(range) {
    const allowed = RANGES[range].buckets;
    const bucket = allowed.includes(get().bucket) ? get().bucket : allowed[allowed.length > 1 ? 1 : 0];
    set({ range, bucket, sessionOffset: 0 });
    await get().load();
  },
  async setBucket(bucket) {
    set({ bucket });
    await get().load();
  },
  async setSessionOffset(sessionOffset) {
    set({ sessionOffset: Math.max(0, sessionOffset) });
    await get().load();
  },
}));
