import Anthropic from '@anthropic-ai/sdk';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicStream, anthropicTextEvents, chunk, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';

// The real Claude Code CLI (@anthropic-ai/claude-code, a devDependency) runs a
// tool-using task through the gateway against an OpenAI-compatible upstream:
// the upstream asks for a Bash call, the CLI runs it and sends the result back,
// and the upstream's final answer comes out of `claude -p`.

const run = promisify(execFile);
const CLAUDE = resolve('node_modules/.bin/claude');

/** Runs `claude -p` against a gateway port, headless, in a throwaway HOME. */
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

describe('Claude Code CLI through an openai-chat provider', () => {
  let upstream: ScriptedUpstream;
  let anthropicUp: ScriptedUpstream;
  let gw: RunningGateway;
  let home: string;
  let work: string;

  beforeAll(async () => {
    if (!existsSync(CLAUDE)) throw new Error(`${CLAUDE} is missing: run npm install (it is a devDependency)`);
    upstream = await ScriptedUpstream.start();
    anthropicUp = await ScriptedUpstream.start();
    gw = await startGateway({
      providers: {
        local: { type: 'openai-compatible', baseUrl: upstream.url, apiKey: 'sk-local' },
        ds: { type: 'deepseek', baseUrl: upstream.url, apiKey: 'sk-deepseek' },
        an: { type: 'anthropic-compatible', baseUrl: anthropicUp.url, apiKey: 'sk-an' },
      },
    });
    home = mkdtempSync(join(tmpdir(), 'sb-claude-home-'));
    work = mkdtempSync(join(tmpdir(), 'sb-claude-work-'));
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
    await anthropicUp?.close();
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

    const result = await claude(gw.url('local'), home, work, 'Run `echo conformance-ok` with Bash and tell me what it printed.');
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

  it('carries DeepSeek reasoning through Claude Code and back on the tool-call turn', async () => {
    const reasoning = 'The user wants a marker printed; I will call Bash with echo.';
    upstream.next((req, res) => {
      expect(req.body.thinking).toEqual({ type: 'enabled' });
      return sse(
        res,
        openaiStream([
          chunk({ role: 'assistant', content: null, reasoning_content: 'The user wants a marker printed; ' }),
          chunk({ reasoning_content: 'I will call Bash with echo.' }),
          chunk({ tool_calls: [{ index: 0, id: 'call_ds_1', type: 'function', function: { name: 'Bash', arguments: '{"command":"echo ds-ok","description":"Print a marker"}' } }] }),
          chunk({}, 'tool_calls'),
          { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'deepseek-v4-pro', choices: [], usage: { prompt_tokens: 900, completion_tokens: 40, prompt_cache_hit_tokens: 600, prompt_cache_miss_tokens: 300 } },
        ]),
      );
    });
    upstream.next((req, res) => {
      // DeepSeek answers 400 unless the tool-call turn carries its reasoning_content back.
      const assistant = req.body.messages.find((m: { role: string; tool_calls?: unknown }) => m.role === 'assistant' && m.tool_calls);
      const tool = req.body.messages.find((m: { role: string }) => m.role === 'tool');
      const ok = assistant?.reasoning_content === reasoning;
      return sse(res, openaiStream([chunk({ content: ok ? `reasoning kept; tool said ${String(tool?.content).trim()}` : 'reasoning LOST' }), chunk({}, 'stop')]));
    });

    const result = await claude(gw.url('ds'), home, work, 'Print a marker with Bash.');
    expect(result.is_error).toBe(false);
    expect(result.result).toBe('reasoning kept; tool said ds-ok');
  }, 120_000);

  it('passes an Anthropic-dialect tool round trip through unchanged', async () => {
    const turn1 = anthropicStream([
      { type: 'message_start', message: { id: 'msg_a1', type: 'message', role: 'assistant', model: 'claude-opus-5-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 50, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_01AN', name: 'Bash', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"command":"echo an' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '-ok","description":"Print a marker"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 20 } },
      { type: 'message_stop' },
    ]);
    anthropicUp.next((_req, res) => sse(res, turn1));
    anthropicUp.next((req, res) => {
      const last = req.body.messages[req.body.messages.length - 1];
      const toolResult = (last.content as Array<{ type: string; content?: unknown }>).find((b) => b.type === 'tool_result');
      const text = typeof toolResult?.content === 'string' ? toolResult.content : JSON.stringify(toolResult?.content);
      return sse(res, anthropicStream(anthropicTextEvents(`passthrough tool said ${text.trim()}`)));
    });

    const result = await claude(gw.url('an'), home, work, 'Print a marker with Bash.');
    expect(result.is_error).toBe(false);
    expect(result.result).toBe('passthrough tool said an-ok');
    const [first] = anthropicUp.requests;
    expect(first.url).toBe('/v1/messages?beta=true');
    expect(first.headers['anthropic-beta']).toContain('claude-code-20250219');
    expect(first.headers['x-api-key']).toBe('sk-an');
    // Passthrough keeps everything Claude Code sent, Anthropic-only fields included.
    expect(first.body.context_management).toBeDefined();
    expect(first.body.messages.some((m: { role: string }) => m.role === 'system')).toBe(true);
  }, 120_000);
});

describe('Claude Code and the SDK through the router while a provider is down', () => {
  let upstream: ScriptedUpstream;
  let gw: RunningGateway;
  let home: string;
  let work: string;

  beforeAll(async () => {
    upstream = await ScriptedUpstream.start();
    const dead = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const port = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(port));
      });
    });
    gw = await startGateway({
      providers: {
        down: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${dead}` },
        local: { type: 'openai-compatible', baseUrl: upstream.url },
      },
      router: { order: ['down', 'local'] },
    });
    home = mkdtempSync(join(tmpdir(), 'sb-claude-home-'));
    work = mkdtempSync(join(tmpdir(), 'sb-claude-work-'));
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('the Claude Code session completes its tool round trip on the provider that is up', async () => {
    upstream.next((_req, res) =>
      sse(res, openaiStream([chunk({ tool_calls: [{ index: 0, id: 'call_r1', type: 'function', function: { name: 'Bash', arguments: '{"command":"echo routed-ok","description":"Print a marker"}' } }] }), chunk({}, 'tool_calls')])),
    );
    upstream.next((req, res) => {
      const tool = req.body.messages.find((m: { role: string }) => m.role === 'tool');
      return sse(res, openaiStream([chunk({ content: `router says ${String(tool?.content).trim()}` }), chunk({}, 'stop')]));
    });
    const result = await claude(gw.url('router'), home, work, 'Print a marker with Bash.');
    expect(result.is_error).toBe(false);
    expect(result.result).toBe('router says routed-ok');
    expect(upstream.requests).toHaveLength(2);
    const failovers: string[] = gw.gateway.router.events.recent().filter((e) => e.type === 'failover').map((e) => e.reason);
    expect(failovers[0]).toMatch(/^down 502 → local$/);
  }, 120_000);

  it('@anthropic-ai/sdk streams through the router with the first provider down', async () => {
    gw.gateway.router.reset();
    upstream.next((_req, res) => sse(res, openaiStream([chunk({ content: 'sdk via router' }), chunk({}, 'stop')])));
    const client = new Anthropic({ baseURL: gw.url('router'), apiKey: 'x', maxRetries: 0 });
    const msg = await client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'sdk via router' });
  });
});
