import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unifiedDiff } from './line-diff.js';

// "Configure Claude Code": set env.ANTHROPIC_BASE_URL in Claude Code's user settings
// (~/.claude/settings.json) and touch nothing else. Desktop switchers are known for
// clobbering this file, so: the file is parsed, one key is set in place (every other
// key keeps its value and its order; indentation, line endings and a BOM are kept),
// the change is previewed as a diff first, a timestamped backup is written, and a file
// that is not valid JSON is refused, never rewritten.

export class ClaudeSettingsError extends Error {}

/** Claude Code's user settings file: $CLAUDE_CONFIG_DIR/settings.json, else ~/.claude/settings.json. */
export function claudeSettingsPath(home: string, env: Readonly<Record<string, string | undefined>>): string {
  return join(env.CLAUDE_CONFIG_DIR || join(home, '.claude'), 'settings.json');
}

export interface ClaudeSettingsPlan {
  path: string;
  /** The file's text now; null when it does not exist. */
  before: string | null;
  /** The file's text after the change. */
  after: string;
  /** false when env.ANTHROPIC_BASE_URL already has this value (nothing to write). */
  changed: boolean;
  /** The value it has now, if any. */
  previous: string | null;
  /** A unified diff of the change ('' when unchanged). */
  preview: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The settings text with env.ANTHROPIC_BASE_URL set to `baseUrl`; `text` null: a new file. Throws ClaudeSettingsError. */
export function mergeBaseUrl(text: string | null, baseUrl: string, path = 'settings.json'): { text: string; previous: string | null } {
  const bom = text?.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text === null ? '' : text.slice(bom.length);
  let data: Json = {};
  if (body.trim() !== '') {
    try {
      data = JSON.parse(body) as Json;
    } catch (err) {
      throw new ClaudeSettingsError(`${path} is not valid JSON (${(err as Error).message}), so Switchboard leaves it alone: fix the file, or add "env": {"ANTHROPIC_BASE_URL": "${baseUrl}"} to it yourself.`);
    }
  }
  if (!isObject(data)) throw new ClaudeSettingsError(`${path} does not hold a JSON object, so Switchboard leaves it alone.`);
  if (data.env !== undefined && !isObject(data.env)) throw new ClaudeSettingsError(`${path} has an "env" that is not an object, so Switchboard leaves it alone.`);
  const previous = isObject(data.env) && typeof data.env.ANTHROPIC_BASE_URL === 'string' ? data.env.ANTHROPIC_BASE_URL : null;
  // In place: an existing key keeps its position, a new one goes last (JSON.stringify keeps insertion order).
  if (isObject(data.env)) data.env.ANTHROPIC_BASE_URL = baseUrl;
  else data.env = { ANTHROPIC_BASE_URL: baseUrl };
  const indent = /\n([ \t]+)\S/.exec(body)?.[1] ?? '  ';
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const finalEol = text === null || /\r?\n$/.test(body) ? eol : '';
  const out = JSON.stringify(data, null, indent).replace(/\n/g, eol) + finalEol;
  return { text: bom + out, previous };
}

/** What "Configure Claude Code" would do to the file at `path` (read now). Throws ClaudeSettingsError. */
export function planBaseUrl(path: string, baseUrl: string, shownPath = path): ClaudeSettingsPlan {
  let before: string | null = null;
  try {
    before = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ClaudeSettingsError(`cannot read ${shownPath}: ${(err as Error).message}`);
  }
  const { text: after, previous } = mergeBaseUrl(before, baseUrl, shownPath);
  const changed = previous !== baseUrl || before === null;
  return { path, before, after, changed, previous, preview: changed ? unifiedDiff(before ?? '', after, { a: before === null ? '/dev/null' : shownPath, b: shownPath }) : '' };
}

/** "20250102-030405": a backup name that sorts by time. */
export function backupStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * Writes the planned change: the old file is first copied to settings.json.switchboard-<stamp>.bak,
 * then the new text replaces it atomically, with the old file's mode. Refuses when the file changed
 * since the plan was made (Claude Code may have written it meanwhile). Returns the backup's path.
 */
export async function applyPlan(plan: ClaudeSettingsPlan, now: Date = new Date()): Promise<{ backup: string | null }> {
  if (!plan.changed) return { backup: null };
  let current: string | null = null;
  try {
    current = await readFile(plan.path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (current !== plan.before) throw new ClaudeSettingsError(`${plan.path} changed since the preview was made; nothing was written. Try again.`);
  let backup: string | null = null;
  let mode = 0o600;
  if (plan.before !== null) {
    mode = (await stat(plan.path)).mode & 0o777;
    backup = `${plan.path}.switchboard-${backupStamp(now)}.bak`;
    for (let n = 2; existsSync(backup); n++) backup = `${plan.path}.switchboard-${backupStamp(now)}-${n}.bak`;
    await writeFile(backup, plan.before, { mode, flag: 'wx' });
  } else {
    mkdirSync(dirname(plan.path), { recursive: true, mode: 0o700 });
  }
  const tmp = `${plan.path}.switchboard-${process.pid}.tmp`;
  await writeFile(tmp, plan.after, { mode });
  await chmod(tmp, mode);
  await rename(tmp, plan.path);
  return { backup };
}
