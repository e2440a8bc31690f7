import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';

// The real Claude Code CLI (@anthropic-ai/claude-code, a devDependency) runs a
// tool-using task through the gateway against an OpenAI-compatible upstream:
// the upstream asks for a Bash call, the CLI runs it and sends the result back,
// and the upstream's final answer comes out of `claude -p`.

const run = promisify(execFile);
const CLAUDE = resolve('node_modules/.bin/claude');

describe('Claude Code CLI through an openai-chat provider', () => {
  let upstream: ScriptedUpstream;
  let gw: RunningGateway;
  let home: string;
  let work: string;

  beforeAll(async () => {
    if (!existsSync(CLAUDE)) throw new Error(`${CLAUDE} is missing: run npm install (it is a devDependency)`);
    upstream = await ScriptedUpstream.start();
    gw = await startGateway({ providers: { local: { type: 'openai-compatible', baseUrl: upstream.url, apiKey: 'sk-local' } } });
    home = mkdtempSync(join(tmpdir(), 'sb-claude-home-'));
    work = mkdtempSync(join(tmpdir(), 'sb-claude-work-'));
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('completes a Bash tool round trip and returns the final answer', async () => {
    // Turn 1: the model calls Bash, arguments streamed in pieces like OpenAI does.
    upstream.next((_req, res) =>
      sse(
        res,
        openaiStream([
          chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_bash_1', type: 'function', function: { name: 'Bash', arguments: '' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"command":"echo conf' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: 'ormance-ok","description":"Print a marker"}' } }] }),
          chunk({}, 'tool_calls'),
          usageChunk(1200, 30),
        ]),
      ),
    );
    // Turn 2: the model reads the tool result and answers.
    upstream.next((req, res) => {
      const toolMsg = (req.body.messages as Array<{ role: string; content: unknown }>).find((m) => m.role === 'tool');
      const seen = typeof toolMsg?.content === 'string' ? toolMsg.content.trim() : 'nothing';
      return sse(res, openaiStream([chunk({ role: 'assistant', content: 'The command printed: ' }), chunk({ content: seen }), chunk({}, 'stop'), usageChunk(1300, 12)]));
    });

    const { stdout } = await run(CLAUDE, ['-p', 'Run `echo conformance-ok` with Bash and tell me what it printed.', '--output-format', 'json', '--allowedTools', 'Bash'], {
      cwd: work,
      timeout: 90_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        ANTHROPIC_BASE_URL: gw.url('local'),
        ANTHROPIC_API_KEY: 'sk-any',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      },
    });
    const result = JSON.parse(stdout) as { result: string; is_error: boolean; num_turns: number };
    expect(result.is_error).toBe(false);
    expect(result.result).toBe('The command printed: conformance-ok');
    expect(result.num_turns).toBe(2);

    expect(upstream.requests).toHaveLength(2);
    const [first, second] = upstream.requests;
    // What Claude Code sent reached the upstream translated: system-role entries kept, no Anthropic-only fields.
    expect(first.url).toBe('/chat/completions');
    expect(first.body.stream).toBe(true);
    expect(first.raw).not.toMatch(/"(cache_control|context_management|output_config|defer_loading|safeguards)"/);
    expect(first.body.messages[0].role).toBe('system');
    expect(JSON.stringify(first.body.messages)).toContain('# Environment');
    expect(first.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain('Bash');
    expect(first.body.tools.map((t: { function: { name: string } }) => t.function.name)).not.toContain('DeferredToolPlaceholder');
    // Turn 2 carries the assistant tool call and the tool result in OpenAI form.
    const assistant = second.body.messages.find((m: { role: string; tool_calls?: unknown[] }) => m.role === 'assistant' && m.tool_calls);
    expect(assistant.tool_calls[0]).toMatchObject({ id: 'call_bash_1', type: 'function', function: { name: 'Bash' } });
    expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toMatchObject({ command: 'echo conformance-ok' });
    const tool = second.body.messages.find((m: { role: string }) => m.role === 'tool');
    expect(tool).toMatchObject({ tool_call_id: 'call_bash_1' });
    expect(tool.content).toContain('conformance-ok');
  }, 120_000);
});
