import { create } from 'zustand';
import type { GatewayEvent } from '../api/types';
import type { StreamStatus } from '../events/stream';

// The live event stream's status and the newest events (routes excluded from the
// kept list beyond the newest few, so failovers and circuit changes stay visible).

export const MAX_EVENTS = 300;
const MAX_ROUTES = 50;

export interface EventsState {
  status: StreamStatus;
  /** Newest first. */
  events: GatewayEvent[];
  add(e: GatewayEvent): void;
  setStatus(s: StreamStatus): void;
  clear(): void;
}

export const useEvents = create<EventsState>((set) => ({
  status: 'connecting',
  events: [],
  add: (e) =>
    set((s) => {
      const events = [e, ...s.events];
      // Keep at most MAX_ROUTES route events so a busy hour does not push failovers out.
      let routes = 0;
      const kept = events.filter((x) => x.type !== 'route' || ++routes <= MAX_ROUTES).slice(0, MAX_EVENTS);
      return { events: kept };
    }),
  setStatus: (status) => set({ status }),
  clear: () => set({ events: [] }),
}));

/** Failovers, retries, circuit changes, cooldowns and health flips: the events a person needs to see why. */
export function isIncident(e: GatewayEvent): boolean {
  return e.type === 'failover' || e.type === 'retry' || e.type === 'circuit' || e.type === 'cooldown' || e.type === 'health';
}
