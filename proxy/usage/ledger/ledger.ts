import Database from 'better-sqlite3';
import { prepareLedgerFile } from './location.js';
import { foldIntoRollups } from './rollup.js';
import { COLUMNS, toParams, type UsageRow } from './row.js';
import { applyPragmas, migrate } from './schema.js';
import type { FlushInfo, FlushResult, LedgerOptions } from './types.js';

export type { FlushInfo, FlushResult, LedgerOptions };

// The usage ledger: record() only queues a row in memory; a timer (one batch
// window, ≤ 1 s) or a full batch writes the queue in one transaction. A process
// killed at any moment therefore loses at most the rows of the current window,
// and every batch reported through flush()/onFlush() is committed (see schema.ts
// for why a WAL commit survives SIGKILL).

const DAY_MS = 86_400_000;

export class UsageLedger {
  readonly retentionDays: number | null;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly now: () => number;
  private readonly insertBatch: (rows: UsageRow[]) => void;
  private batch: UsageRow[] = [];
  private batchId = 0;
  private droppedRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly flushListeners = new Set<(info: FlushInfo) => void>();
  private readonly errorListeners = new Set<(err: Error) => void>();
  /** The last background flush or prune failure, for status reports. */
  lastError: Error | null = null;

  /** Opens (creating directory 0700 and file 0600 if needed), migrates, and prunes by retention. */
  static open(path: string, opts: LedgerOptions = {}): UsageLedger {
    if (path !== ':memory:') prepareLedgerFile(path);
    const db = new Database(path);
    try {
      applyPragmas(db, opts.busyTimeoutMs);
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    return new UsageLedger(db, path, opts);
  }

  private constructor(
    /** The open database, for the usage queries; writes go through record(). */
    readonly db: Database.Database,
    readonly path: string,
    opts: LedgerOptions,
  ) {
    this.intervalMs = Math.min(1000, Math.max(1, opts.flushIntervalMs ?? 1000));
    this.batchSize = Math.max(1, opts.batchSize ?? 500);
    this.maxPending = Math.max(this.batchSize, opts.maxPending ?? 50_000);
    this.retentionDays = opts.retentionDays === undefined ? 90 : opts.retentionDays;
    this.now = opts.now ?? Date.now;
    const insert = db.prepare(`INSERT INTO requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
    this.insertBatch = db.transaction((rows: UsageRow[]) => {
      let first = 0;
      let last = 0;
      for (const row of rows) {
        last = Number(insert.run(toParams(row)).lastInsertRowid);
        if (first === 0) first = last;
      }
      // The usage API's rollups, folded per batch (rollup.ts): far cheaper than a per-row trigger.
      if (first !== 0) foldIntoRollups(db, first, last);
    });
    if (this.retentionDays !== null) {
      this.background(() => this.prune());
      this.pruneTimer = setInterval(() => this.background(() => this.prune()), DAY_MS).unref();
    }
  }

  /**
   * Queues one row: no I/O and no conversion, so it is cheap on the request path.
   * The first row of a batch arms the window timer; a full batch is written at
   * the next turn of the event loop (not inside the caller). The row is kept by
   * reference until then: do not change it after recording.
   */
  record(row: UsageRow): void {
    if (this.closed) {
      this.droppedRows++;
      return;
    }
    const n = this.batch.push(row);
    if (this.timer === null) this.timer = setTimeout(this.onTimer, this.intervalMs).unref();
    if (n >= this.batchSize && this.immediate === null) this.immediate = setImmediate(this.onTimer);
  }

  /** Writes the queued rows in one transaction; throws if the database refuses (the rows stay queued). */
  flush(): FlushResult {
    this.disarm();
    const rows = this.batch;
    if (rows.length === 0 || !this.db.open) return { batchId: this.batchId, rows: 0 };
    this.batch = [];
    const started = performance.now();
    try {
      this.insertBatch(rows);
    } catch (err) {
      this.requeue(rows);
      throw err;
    }
    const info: FlushInfo = { batchId: ++this.batchId, rows: rows.length, ms: performance.now() - started };
    for (const cb of this.flushListeners) {
      try {
        cb(info);
      } catch {
        // An observer's bug must not turn a committed batch into a reported failure.
      }
    }
    return { batchId: info.batchId, rows: info.rows };
  }

  /** Deletes rows older than `retentionDays`; returns how many. */
  prune(retentionDays: number = this.retentionDays ?? 90): number {
    if (!Number.isFinite(retentionDays) || retentionDays < 0) throw new RangeError(`retention must be a number of days ≥ 0, got ${retentionDays}`);
    const cutoff = this.now() - retentionDays * DAY_MS;
    return this.db.prepare('DELETE FROM requests WHERE ts < ?').run(cutoff).changes;
  }

  /** Observes acknowledged batches; returns an unsubscribe function. */
  onFlush(cb: (info: FlushInfo) => void): () => void {
    this.flushListeners.add(cb);
    return () => this.flushListeners.delete(cb);
  }

  /** Observes background (timer) flush and prune failures; returns an unsubscribe function. */
  onError(cb: (err: Error) => void): () => void {
    this.errorListeners.add(cb);
    return () => this.errorListeners.delete(cb);
  }

  /** Rows recorded but not yet written. */
  get pending(): number {
    return this.batch.length;
  }

  /** Rows lost: recorded after close(), or beyond maxPending while writes failed. */
  get dropped(): number {
    return this.droppedRows;
  }

  /** Writes what is queued (if that throws, the rows are lost) and closes the database; later record() calls are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    try {
      this.flush();
    } finally {
      this.db.close();
    }
  }

  private readonly onTimer = (): void => {
    this.background(() => this.flush());
  };

  private background(fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.lastError = err instanceof Error ? err : new Error(String(err));
      for (const cb of this.errorListeners) cb(this.lastError);
    }
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** A failed batch goes back in front, in order, and is retried next window. */
  private requeue(rows: UsageRow[]): void {
    const all = rows.concat(this.batch);
    const excess = all.length - this.maxPending;
    if (excess > 0) {
      all.splice(0, excess);
      this.droppedRows += excess;
    }
    this.batch = all;
    if (!this.closed && this.timer === null) this.timer = setTimeout(this.onTimer, this.intervalMs).unref();
  }
}
