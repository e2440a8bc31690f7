// "No polling storms": a burst of events asks for the same data many times, and
// each endpoint must be fetched at most once per interval. A Coalescer wraps one
// fetch: request() is cheap and idempotent; the fetch runs at most once per
// `minIntervalMs`, never twice at the same time, and a request that arrives while
// a fetch is running schedules exactly one more run after it (so the newest data
// is always fetched, and nothing is lost).

export interface Coalescer {
  /** Ask for a (re)fetch; coalesced with every other ask until the fetch starts. */
  request(): void;
  /** Run now if nothing is running (ignores the interval); used for a first load. */
  now(): Promise<void>;
  cancel(): void;
  /** Fetches started so far (tests). */
  readonly runs: number;
}

export interface CoalesceOptions {
  /** At most one run per this many ms (default 1000). */
  minIntervalMs?: number;
  /** A request waits at least this long, so events of one burst share a run (default 50). */
  delayMs?: number;
  now?: () => number;
}

export function coalesce(fn: () => Promise<unknown>, opts: CoalesceOptions = {}): Coalescer {
  const minInterval = opts.minIntervalMs ?? 1000;
  const delay = opts.delayMs ?? 50;
  const clock = opts.now ?? (() => Date.now());
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let dirty = false;
  let lastStart = -Infinity;
  let runs = 0;
  let cancelled = false;

  const run = (): Promise<void> => {
    timer = null;
    dirty = false;
    lastStart = clock();
    runs++;
    running = Promise.resolve()
      .then(fn)
      .then(
        () => undefined,
        () => undefined, // the store shows its own error; the coalescer only schedules
      )
      .finally(() => {
        running = null;
        if (dirty && !cancelled) schedule();
      });
    return running;
  };

  const schedule = () => {
    if (timer || cancelled) return;
    const wait = Math.max(delay, lastStart + minInterval - clock());
    timer = setTimeout(run, wait);
  };

  return {
    request() {
      if (cancelled) return;
      if (running) {
        dirty = true;
        return;
      }
      schedule();
    },
    now() {
      if (running) {
        dirty = true;
        return running;
      }
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      return run();
    },
    cancel() {
      cancelled = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    get runs() {
      return runs;
    },
  };
}
