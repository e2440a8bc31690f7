import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BudgetChange } from '../budget/types.js';
import { BudgetBody, ScenariosBody, ThresholdsBody } from './saved-choices.js';
import type { Thresholds } from '../router/route-settings.js';
import { type RoutedScenario } from '../router/scenario-routes.js';
import type { StrategyName } from '../router/state.js';
import { isStrategyName } from '../router/strategies/index.js';
import type { Env } from './resolve.js';

// Runtime choices the user made through the admin API (strategy, router priority,
// scenario routes, thresholds, budgets),
// kept in <stateDir>/state.json so they survive restarts. They override the config
// file's router.strategy / router.order until changed again. A missing or corrupt
// file means "no saved choices": routing must never fail to start over it.

export interface PersistedState {
  strategy?: StrategyName;
  priority?: string[];
  /** The enabled providers when `priority` was saved, so providers enabled later can join its end. */
  priorityProviders?: string[];
  /** Scenario routes set through the admin API, per scenario ("provider" or "provider,model"; [] removes the config's). */
  scenarios?: Partial<Record<RoutedScenario, string[]>>;
  /** Router thresholds set through the admin API (only those changed). */
  thresholds?: Partial<Thresholds>;
  /** Budget limits and action changed through the admin API (only the fields changed). */
  budgets?: BudgetChange;
}

/** `$XDG_STATE_HOME/switchboard`, else `~/.local/state/switchboard`. */
export function defaultStateDir(env: Env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'switchboard');
}

/** Writes to a temp file beside `path`, then renames it over: readers never see half a file. */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Atomic writes of one file, one after another (a later save never lands under an
 * earlier one); a failure is logged with `failed`, never thrown.
 */
export class SerialWriter {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly failed: string,
    private readonly log?: Logger,
  ) {}

  write(text: string): Promise<void> {
    this.writing = this.writing.then(() =>
      writeFileAtomic(this.path, text).catch((err: unknown) => {
        this.log?.warn({ path: this.path, err: (err as Error).message }, this.failed);
      }),
    );
    return this.writing;
  }

  /** Resolves once every write so far is on disk (or has failed and been logged). */
  flush(): Promise<void> {
    return this.writing;
  }
}

export class StateFile {
  readonly path: string;
  /** Everything in the file, unknown keys included, so a save keeps what newer versions wrote. */
  private doc: Record<string, unknown> = {};
  private readonly writer: SerialWriter;

  constructor(
    dir: string,
    private readonly log: Logger,
  ) {
    this.path = join(dir, 'state.json');
    this.writer = new SerialWriter(this.path, 'cannot save routing state; the change holds until restart', log);
  }

  /** The saved choices; fields that do not check out are left out, with a warning. */
  async load(): Promise<PersistedState> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn({ path: this.path, err: (err as Error).message }, 'cannot read saved routing state; using the config file');
      return {};
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.log.warn({ path: this.path }, 'saved routing state is not valid JSON; ignoring it and using the config file');
      return {};
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      this.log.warn({ path: this.path }, 'saved routing state is not a JSON object; ignoring it');
      return {};
    }
    this.doc = raw as Record<string, unknown>;
    const out: PersistedState = {};
    const { strategy, priority, priorityProviders } = this.doc;
    if (typeof strategy === 'string' && isStrategyName(strategy)) out.strategy = strategy;
    else if (strategy !== undefined) this.log.warn({ path: this.path, strategy }, 'saved strategy is unknown; ignoring it');
    if (isStringArray(priority)) out.priority = priority;
    else if (priority !== undefined) this.log.warn({ path: this.path }, 'saved priority is not a list of provider ids; ignoring it');
    if (isStringArray(priorityProviders)) out.priorityProviders = priorityProviders;
    if (this.doc.scenarios !== undefined) {
      const scenarios = checked(ScenariosBody, this.doc.scenarios);
      if (scenarios) out.scenarios = scenarios;
      else this.log.warn({ path: this.path }, 'saved scenario routes are not valid; ignoring them');
    }
    if (this.doc.thresholds !== undefined) {
      const thresholds = checked(ThresholdsBody, this.doc.thresholds);
      if (thresholds) out.thresholds = thresholds;
      else this.log.warn({ path: this.path }, 'saved router thresholds are not valid; ignoring them');
    }
    if (this.doc.budgets !== undefined) {
      const budgets = checked(BudgetBody, this.doc.budgets);
      if (budgets) out.budgets = budgets;
      else this.log.warn({ path: this.path }, 'saved budgets are not valid; ignoring them');
    }
    return out;
  }

  /** Merges `change` into the file. Writes run one after another; a failure is logged, never thrown. */
  save(change: PersistedState): Promise<void> {
    Object.assign(this.doc, change, { version: 1 });
    return this.writer.write(JSON.stringify(this.doc, null, 2) + '\n');
  }

  /** Resolves once every save so far is on disk (or has failed and been logged). */
  flush(): Promise<void> {
    return this.writer.flush();
  }
}

/** A saved value through the API's own schema (saved-choices.ts): its data, or null when it does not check out. */
function checked<T>(schema: z.ZodType<T>, v: unknown): T | null {
  const r = schema.safeParse(v);
  return r.success ? r.data : null;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
