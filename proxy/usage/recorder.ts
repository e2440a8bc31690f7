import type { ExecuteResult } from '../router/execute.js';
import type { UsageLedger } from './ledger/index.js';
import type { UsageRow } from './ledger/row.js';

/** Sees every finished /v1/messages request (budgets, metrics). Must be cheap and must not throw. */
export type UsageListener = (row: UsageRow, result: ExecuteResult | null) => void;

/**
 * Where a finished request's usage row goes: the ledger (batched to SQLite) and
 * in-process listeners. The row is built once per request and only when someone
 * wants it, so a gateway with recording, budgets and metrics all off pays nothing.
 */
export class UsageRecorder {
  private readonly listeners = new Set<UsageListener>();

  /** Suspends recording (rows are not built); the benchmark measures recording's cost with it. */
  paused = false;

  constructor(public ledger: UsageLedger | null = null) {}

  /** True when a row built for this request would go anywhere. */
  get active(): boolean {
    return !this.paused && (this.ledger !== null || this.listeners.size > 0);
  }

  subscribe(listener: UsageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(row: UsageRow, result: ExecuteResult | null): void {
    this.ledger?.record(row);
    for (const l of this.listeners) {
      try {
        l(row, result);
      } catch {
        // A listener's bug must not fail a request that has already been answered.
      }
    }
  }
}
