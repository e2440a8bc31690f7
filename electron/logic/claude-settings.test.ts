import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan, claudeSettingsPath, ClaudeSettingsError, mergeBaseUrl, planBaseUrl } from './claude-settings.js';
import { unifiedDiff } from './line-diff.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-claude-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const URL_ = 'http://127.0.0.1:8080';
const WHEN = new Date(2025, 0, 2, 3, 4, 5);

// What Claude Code writes: two-space JSON with permissions, hooks, model, other env vars.
const EXISTING = {
  $schema: 'https://json.schemastore.org/claude-code-settings.json',
  model: 'opus',
  permissions: { allow: ['Bash(npm run test:*)', 'Read(~/.zshrc)'], deny: ['Read(./.env)'] },
  env: { CLAUDE_CODE_ENABLE_TELEMETRY: '0', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999', OTEL_METRICS_EXPORTER: 'otlp' },
  hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo "$CLAUDE_TOOL" ü 🚀' }] }] },
  statusLine: { type: 'command', command: '~/.claude/statusline.sh', padding: 0 },
  feedbackSurveyState: { lastShownTime: 1754089004345 },
};

/** A settings file in a fresh folder; returns its path. */
function settingsFile(text: string | null, mode = 0o644): string {
  const path = join(dir, `c${n++}`, 'settings.json');
  mkdirSync(dirname(path), { recursive: true });
  if (text !== null) writeFileSync(path, text, { mode });
  return path;
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ClaudeSettingsError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('Configure Claude Code (settings.json merge)', () => {
  it('finds the file where Claude Code does', () => {
    expect(claudeSettingsPath('/home/me', {})).toBe(join('/home/me', '.claude', 'settings.json'));
    expect(claudeSettingsPath('/home/me', { CLAUDE_CONFIG_DIR: '/cfg' })).toBe(join('/cfg', 'settings.json'));
  });

  it('changes only env.ANTHROPIC_BASE_URL: every other key keeps its value and order, the rest of the text is byte-identical', () => {
    const before = JSON.stringify(EXISTING, null, 2) + '\n';
    const { text, previous } = mergeBaseUrl(before, URL_);
    expect(previous).toBe('http://127.0.0.1:9999');
    expect(text).toBe(before.replace('"ANTHROPIC_BASE_URL": "http://127.0.0.1:9999"', `"ANTHROPIC_BASE_URL": "${URL_}"`));
    const after = JSON.parse(text);
    expect(Object.keys(after)).toEqual(Object.keys(EXISTING));
    expect(Object.keys(after.env)).toEqual(Object.keys(EXISTING.env));
    expect({ ...after, env: { ...after.env, ANTHROPIC_BASE_URL: 'x' } }).toEqual({ ...EXISTING, env: { ...EXISTING.env, ANTHROPIC_BASE_URL: 'x' } });
  });

  it('adds the key to an env without it (last), and creates env when missing (last), keeping tabs, CRLF and a BOM', () => {
    const noUrl = { model: 'sonnet', env: { FOO: 'bar' } };
    expect(JSON.parse(mergeBaseUrl(JSON.stringify(noUrl, null, 2), URL_).text)).toEqual({ model: 'sonnet', env: { FOO: 'bar', ANTHROPIC_BASE_URL: URL_ } });
    const tabbed = '\uFEFF' + JSON.stringify({ model: 'sonnet', includeCoAuthoredBy: false }, null, '\t').replace(/\n/g, '\r\n') + '\r\n';
    const out = mergeBaseUrl(tabbed, URL_).text;
    expect(out).toBe('\uFEFF{\r\n\t"model": "sonnet",\r\n\t"includeCoAuthoredBy": false,\r\n\t"env": {\r\n\t\t"ANTHROPIC_BASE_URL": "http://127.0.0.1:8080"\r\n\t}\r\n}\r\n');
    expect(mergeBaseUrl(null, URL_).text).toBe('{\n  "env": {\n    "ANTHROPIC_BASE_URL": "http://127.0.0.1:8080"\n  }\n}\n');
    expect(mergeBaseUrl('  \n', URL_).text).toBe('{\n  "env": {\n    "ANTHROPIC_BASE_URL": "http://127.0.0.1:8080"\n  }\n}\n');
  });

  it('refuses a file that is not valid JSON (comments, trailing commas), not an object, or whose env is not an object', () => {
    expect(refusal(() => mergeBaseUrl('{\n  // my settings\n  "model": "opus"\n}\n', URL_, '~/.claude/settings.json'))).toMatch(/^~\/\.claude\/settings\.json is not valid JSON \(.+\), so Switchboard leaves it alone: fix the file, or add "env": \{"ANTHROPIC_BASE_URL": "http:\/\/127\.0\.0\.1:8080"\} to it yourself\.$/);
    expect(refusal(() => mergeBaseUrl('{"model": "opus",}', URL_))).toMatch(/is not valid JSON/);
    expect(refusal(() => mergeBaseUrl('[1, 2]', URL_))).toBe('settings.json does not hold a JSON object, so Switchboard leaves it alone.');
    expect(refusal(() => mergeBaseUrl('{"env": "x"}', URL_))).toBe('settings.json has an "env" that is not an object, so Switchboard leaves it alone.');
  });

  it('previews the change as a unified diff before writing anything', () => {
    const path = settingsFile(JSON.stringify(EXISTING, null, 2) + '\n');
    const plan = planBaseUrl(path, URL_, '~/.claude/settings.json');
    expect(plan.changed).toBe(true);
    expect(plan.preview).toBe(
      [
        '--- ~/.claude/settings.json',
        '+++ ~/.claude/settings.json',
        '@@ -12,7 +12,7 @@',
        '   },',
        '   "env": {',
        '     "CLAUDE_CODE_ENABLE_TELEMETRY": "0",',
        '-    "ANTHROPIC_BASE_URL": "http://127.0.0.1:9999",',
        '+    "ANTHROPIC_BASE_URL": "http://127.0.0.1:8080",',
        '     "OTEL_METRICS_EXPORTER": "otlp"',
        '   },',
        '   "hooks": {',
        '',
      ].join('\n'),
    );
    expect(readFileSync(path, 'utf8')).toBe(plan.before);
    const created = planBaseUrl(settingsFile(null), URL_, '~/.claude/settings.json');
    expect(created.preview.split('\n').slice(0, 3)).toEqual(['--- /dev/null', '+++ ~/.claude/settings.json', '@@ -0,0 +1,5 @@']);
  });

  it('writes a timestamped backup of the old file, then the new one with the same mode; a second run changes nothing', async () => {
    const before = JSON.stringify(EXISTING, null, 2) + '\n';
    const path = settingsFile(before, 0o600);
    const { backup } = await applyPlan(planBaseUrl(path, URL_), WHEN);
    expect(backup).toBe(`${path}.switchboard-20250102-030405.bak`);
    expect(readFileSync(backup!, 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(path, 'utf8')).env.ANTHROPIC_BASE_URL).toBe(URL_);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const again = planBaseUrl(path, URL_);
    expect(again).toMatchObject({ changed: false, preview: '', previous: URL_ });
    expect(await applyPlan(again, WHEN)).toEqual({ backup: null });
    expect(readdirSync(dirname(path)).sort()).toEqual(['settings.json', 'settings.json.switchboard-20250102-030405.bak']);

    // A second real change in the same second gets its own backup name.
    const third = await applyPlan(planBaseUrl(path, 'http://127.0.0.1:8092'), WHEN);
    expect(third.backup).toBe(`${path}.switchboard-20250102-030405-2.bak`);
  });

  it('creates the file (and ~/.claude) when there is none, with no backup', async () => {
    const path = join(dir, `new${n++}`, '.claude', 'settings.json');
    expect(await applyPlan(planBaseUrl(path, URL_), WHEN)).toEqual({ backup: null });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ env: { ANTHROPIC_BASE_URL: URL_ } });
  });

  it('writes nothing when the file changed after the preview, or is unparseable', async () => {
    const path = settingsFile('{"model": "opus"}\n');
    const plan = planBaseUrl(path, URL_);
    writeFileSync(path, '{"model": "haiku"}\n');
    await expect(applyPlan(plan, WHEN)).rejects.toThrow(/changed since the preview was made; nothing was written/);
    expect(readFileSync(path, 'utf8')).toBe('{"model": "haiku"}\n');
    const broken = settingsFile('{"model": ');
    expect(refusal(() => planBaseUrl(broken, URL_))).toMatch(/is not valid JSON/);
    expect(readdirSync(dirname(broken))).toEqual(['settings.json']);
  });
});

describe('unified diff', () => {
  it('is empty for equal texts and splits far-apart changes into hunks', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', { a: 'x', b: 'y' })).toBe('');
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const b = a.replace('line 1\n', 'LINE 1\n').replace('line 18\n', 'LINE 18\n');
    const hunks = unifiedDiff(a, b, { a: 'x', b: 'y' }).split('\n').filter((l) => l.startsWith('@@'));
    expect(hunks).toEqual(['@@ -1,5 +1,5 @@', '@@ -16,5 +16,5 @@']);
  });
});
