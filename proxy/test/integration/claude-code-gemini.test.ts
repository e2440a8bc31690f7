import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gChunk, serveGemini } from '../gemini-upstream.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { ScriptedUpstream } from '../upstream.js';

// The real Claude Code CLI runs a Bash tool round trip through the gemini dialect,
// against a scripted upstream speaking AI Studio's wire format as Gemini 3 does:
// the function call carries a thought signature, and Gemini 3 rejects the next
// turn unless that signature comes back on the same functionCall part. Claude Code
// is the only storage between the turns.

const run = promisify(execFile);
const CLAUDE = resolve('node_modules/.bin/claude');
const SIGNATURE = 'CpQBAdHtim9jYWxsLXNpZ25hdHVyZS1mb3ItYmFzaA==';

async function claude(baseUrl: string, home: string, cwd: string, prompt: string): Promise<{ result: string; is_error: boolean; num_turns: number }> {
  const { stdout } = await run(CLAUDE, ['-p', prompt, '--output-format', 'json', '--allowedTools', 'Bash'], {
    cwd,
    timeout: 90_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: 'sk-any',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
    },
  });
  return JSON.parse(stdout) as { result: string; is_error: boolean; num_turns: number };
}

describe('Claude Code CLI through the gemini dialect (Google AI Studio)', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;
  let home: string;
  let work: string;

  beforeAll(async () => {
    if (!existsSync(CLAUDE)) throw new Error(`${CLAUDE} is missing: run npm install (it is a devDependency)`);
    up = await ScriptedUpstream.start();
    gw = await startGateway({
      providers: { gemini: { type: 'aistudio', baseUrl: up.url + '/v1beta', apiKey: 'AIza-claude-code-test', models: { opus: 'gemini-3-pro-preview', sonnet: 'gemini-3-pro-preview' } } },
    });
    home = mkdtempSync(join(tmpdir(), 'sb-claude-home-'));
    work = mkdtempSync(join(tmpdir(), 'sb-claude-work-'));
  });

  afterAll(async () => {
    await gw?.close();
    await up?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('completes a Bash round trip; the thought signature comes back on the functionCall part', async () => {
    const model = 'gemini-3-pro-preview';
    // Turn 1: a thought summary, then the call, signed as Gemini 3 signs it.
    up.next((_req, res) =>
      serveGemini(res, [
        gChunk([{ text: 'The user wants a marker printed.', thought: true }], { model }),
        gChunk([{ functionCall: { name: 'Bash', args: { command: 'echo gemini-ok', description: 'Print a marker' } }, thoughtSignature: SIGNATURE }], {
          model,
          finish: 'STOP',
          usage: { promptTokenCount: 9000, candidatesTokenCount: 25, thoughtsTokenCount: 60 },
        }),
      ]),
    );
    // Turn 2: answers only if the call came back signed and answered, as Gemini 3 would.
    up.next((req, res) => {
      const contents = req.body.contents as Array<{ role: string; parts: Array<Record<string, any>> }>;
      const call = contents.flatMap((c) => (c.role === 'model' ? c.parts : [])).find((p) => p.functionCall);
      const answer = contents.flatMap((c) => (c.role === 'user' ? c.parts : [])).find((p) => p.functionResponse);
      const signed = call?.thoughtSignature === SIGNATURE && call.functionCall.name === 'Bash';
      const output = String(answer?.functionResponse?.response?.content ?? '').trim();
      return serveGemini(res, [gChunk([{ text: signed ? `signature kept; tool said ${output}` : 'signature LOST' }], { model, finish: 'STOP', usage: { promptTokenCount: 9100, candidatesTokenCount: 8 } })]);
    });

    const result = await claude(gw.url('gemini'), home, work, 'Run `echo gemini-ok` with Bash and tell me what it printed.');
    expect(result.is_error).toBe(false);
    expect(result.result).toBe('signature kept; tool said gemini-ok');
    expect(result.num_turns).toBe(2);

    expect(up.requests).toHaveLength(2);
    const [first] = up.requests;
    expect(first.url).toBe(`/v1beta/models/${model}:streamGenerateContent?alt=sse`);
    expect(first.headers['x-goog-api-key']).toBe('AIza-claude-code-test');
    // Claude Code's tool schemas reach Gemini sanitized, with no Anthropic-only fields.
    expect(first.raw).not.toMatch(/"(\$schema|additionalProperties|cache_control|context_management|output_config|defer_loading|safeguards)"/);
    const names = first.body.tools[0].functionDeclarations.map((d: { name: string }) => d.name);
    expect(names).toContain('Bash');
    expect(names).not.toContain('DeferredToolPlaceholder');
    expect(first.body.systemInstruction.parts[0].text).toContain('# Environment');
    expect(first.body.generationConfig.thinkingConfig).toMatchObject({ includeThoughts: true });

    const rows = gw.gateway.ledger!;
    rows.flush();
    const tokens = rows.db.prepare('SELECT upstream_model, input_tokens, output_tokens FROM requests ORDER BY id').all();
    expect(tokens).toEqual([
      { upstream_model: model, input_tokens: 9000, output_tokens: 85 },
      { upstream_model: model, input_tokens: 9100, output_tokens: 8 },
    ]);
  }, 120_000);
});
