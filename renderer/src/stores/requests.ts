import { create } from 'zustand';
import { api } from '../api';
import type { RequestDetail, RequestRow } from '../api/types';

// The request log's live tail: the newest page, then only rows written since
// (GET /api/usage/requests?after=<newestId>, a 0.1 ms index read on a million
// rows), older pages on demand. New rows are also how the window learns that the
// ledger changed, so other stores refetch their aggregates then.

export const PAGE = 100;
/** The tail keeps at most this many rows in memory; older ones are a page away. */
export const MAX_ROWS = 1000;

export type StatusFilter = 'all' | 'ok' | 'error';

export interface RequestsStore {
  rows: RequestRow[];
  newestId: number | null;
  nextBefore: number | null;
  filter: StatusFilter;
  loaded: boolean;
  error: unknown;
  /** Detail dialog. */
  detail: RequestDetail | null;
  detailError: unknown;
  load(): Promise<void>;
  /** Rows written since the last look; resolves to how many arrived. */
  poll(): Promise<number>;
  loadOlder(): Promise<void>;
  setFilter(f: StatusFilter): Promise<void>;
  openDetail(id: number): Promise<void>;
  closeDetail(): void;
}

const statusParam = (f: StatusFilter) => (f === 'all' ? undefined : f);

/** Bumped when the filter changes: an answer for the previous filter is dropped, never mixed in. */
let filterGen = 0;

export const useRequests = create<RequestsStore>((set, get) => ({
  rows: [],
  newestId: null,
  nextBefore: null,
  filter: 'all',
  loaded: false,
  error: null,
  detail: null,
  detailError: null,
  async load() {
    const mine = filterGen;
    try {
      const r = await api().requests({ limit: PAGE, status: statusParam(get().filter) });
      if (mine === filterGen) set({ rows: r.rows, newestId: r.newestId, nextBefore: r.nextBefore, loaded: true, error: null });
    } catch (error) {
      if (mine === filterGen) set({ error, loaded: true });
    }
  },
  async poll() {
    const { newestId, loaded } = get();
    if (!loaded || newestId === null) {
      const before = get().rows.length;
      await get().load();
      return Math.max(0, get().rows.length - before);
    }
    const mine = filterGen;
    try {
      const r = await api().requests({ after: newestId, limit: PAGE, status: statusParam(get().filter) });
      if (mine !== filterGen) return 0;
      if (r.hasMore) {
        // More arrived than one page: start the tail again from the newest page.
        await get().load();
        return PAGE;
      }
      const seen = new Set(get().rows.map((x) => x.id));
      const fresh = r.rows.filter((x) => !seen.has(x.id));
      set((s) => ({ rows: [...fresh, ...s.rows].slice(0, MAX_ROWS), newestId: r.newestId ?? s.newestId, error: null }));
      // With a status filter, rows of the other kind also move newestId: report those as changes too.
      return fresh.length || (r.newestId !== null && r.newestId !== newestId ? 1 : 0);
    } catch (error) {
      set({ error });
      return 0;
    }
  },
  async loadOlder() {
    const before = get().nextBefore;
    if (before === null) return;
    const mine = filterGen;
    try {
      const r = await api().requests({ before, limit: PAGE, status: statusParam(get().filter) });
      if (mine === filterGen) set((s) => ({ rows: [...s.rows, ...r.rows], nextBefore: r.nextBefore, error: null }));
    } catch (error) {
      set({ error });
    }
  },
  async setFilter(filter) {
    filterGen++;
    set({ filter, rows: [], nextBefore: null, newestId: null });
    await get().load();
  },
  async openDetail(id) {
    set({ detailError: null });
    try {
      set({ detail: await api().requestDetail(id) });
    } catch (detailError) {
      set({ detailError, detail: null });
    }
  },
  closeDetail: () => set({ detail: null, detailError: null }),
}));
