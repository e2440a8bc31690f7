// The ledger's options and acknowledgements.

export interface LedgerOptions {
  /** Longest a recorded row waits before it is written, ms. Default and maximum 1000. */
  flushIntervalMs?: number;
  /** A batch this large is written at the next turn of the event loop. Default 500. */
  batchSize?: number;
  /** Rows older than this are deleted at open and daily. Default 90; null keeps everything. */
  retentionDays?: number | null;
  busyTimeoutMs?: number;
  /** Rows held while the database refuses writes; beyond it the oldest are dropped. Default 50 000. */
  maxPending?: number;
  /** Clock for retention, ms since the epoch. */
  now?: () => number;
}

/** An acknowledged batch: once reported, its rows are committed to the database. */
export interface FlushResult {
  /** Increments with each non-empty batch written by this ledger; an empty flush returns the last one. */
  batchId: number;
  rows: number;
}

export interface FlushInfo extends FlushResult {
  /** Time spent writing the batch, ms. */
  ms: number;
}
