// What gets sent: the client body (the real Claude Code first turn), Claude
// Code's headers, the gateway's config, and for each scenario the gateway
// request and its "direct" twin — exactly the request the gateway sends
// upstream, built with the gateway's own dist/ planning and dialect code.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIALECTS } from '../../dist/proxy/dialects/index.js';
import { parseJsonBody } from '../../dist/proxy/protocol/anthropic/validate.js';
import { planTargets } from '../../dist/proxy/router/plan.js';
import { ROOT } from './plan.js';

export const FIXTURE = join(ROOT, 'proxy/test/fixtures/claude-code-turn1.json');
export const MODEL = 'claude-sonnet-5-5';

/** What Claude Code sends besides the body (the SDK's headers included). */
const CLIENT_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json',
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27',
  'anthropic-dangerous-direct-browser-access': 'true',
  'x-api-key': 'sk-ant-bench-not-a-real-key',
  'user-agent': 'claude-cli/2.1.0 (external, cli)',
  'x-app': 'cli',
  'x-claude-code-session-id': '4235ce3a-8a18-4901-86ee-edfd06130fbb',
  'x-stainless-arch': 'x64',
  'x-stainless-lang': 'js',
  'x-stainless-os': 'Linux',
  'x-stainless-package-version': '0.70.0',
  'x-stainless-retry-count': '0',
  'x-stainless-runtime': 'node',
  'x-stainless-runtime-version': process.version,
  'x-stainless-timeout': '600',
};
const CLIENT_PATH = '/v1/messages?beta=true';

export function clientBodies() {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  const make = (stream) => Buffer.from(JSON.stringify({ ...fixture, model: MODEL, stream }));
  const tools = fixture.tools ?? [];
  return {
    nonStream: make(false),
    stream: make(true),
    tools: tools.length,
    deferredTools: tools.filter((t) => t.defer_loading === true).length,
  };
}

/**
 * A provider key of a real key's length: the gateway redacts configured secrets
 * (6+ characters) from everything it sends, so a toy key would skip work every
 * real deployment does.
 */
const PROVIDER_KEY = 'sk-bench-' + 'k'.repeat(40);

export function benchConfig(upstreamUrl) {
  return {
    server: { logLevel: 'silent' },
    providers: {
      oa: { type: 'openai-compatible', baseUrl: upstreamUrl, apiKey: PROVIDER_KEY, maxOutputTokens: 8192 },
      // A second provider on the same upstream, so the router port has a real choice to make.
      oa2: { type: 'openai-compatible', baseUrl: upstreamUrl, apiKey: PROVIDER_KEY, maxOutputTokens: 8192 },
      an: { type: 'anthropic-compatible', baseUrl: upstreamUrl },
      // Google AI Studio's wire format (gemini dialect), model gemini-2.5-pro for the sonnet tier.
      gem: { type: 'aistudio', baseUrl: upstreamUrl + '/v1beta', apiKey: PROVIDER_KEY },
      // The same providers on the upstream's /paced prefix: one SSE event per upstream write.
      'oa-paced': { type: 'openai-compatible', baseUrl: upstreamUrl + '/paced', apiKey: PROVIDER_KEY, maxOutputTokens: 8192 },
      'an-paced': { type: 'anthropic-compatible', baseUrl: upstreamUrl + '/paced' },
      'gem-paced': { type: 'aistudio', baseUrl: upstreamUrl + '/paced/v1beta', apiKey: PROVIDER_KEY },
    },
    router: { order: ['oa', 'oa2'] },
    ports: [
      { port: 0, use: 'router' },
      { port: 0, use: 'oa' },
      { port: 0, use: 'an' },
      { port: 0, use: 'oa-paced' },
      { port: 0, use: 'an-paced' },
      { port: 0, use: 'gem' },
      { port: 0, use: 'gem-paced' },
    ],
  };
}

/** The benchConfig providers a dialect's scenarios go through (plain and paced). */
const PROVIDER_IDS = { 'openai-chat': 'oa', anthropic: 'an', gemini: 'gem' };
export const providerIds = (name) => ({ pid: PROVIDER_IDS[name], pacedPid: `${PROVIDER_IDS[name]}-paced` });

/**
 * The exact upstream request the gateway makes for a client body, built once
 * with the gateway's own (dist/) planning and dialect code.
 */
function upstreamRequest(settings, providerId, raw) {
  // Parsed exactly as the /v1/messages route does (byte strings when lossless).
  const { value: body, byteStrings } = parseJsonBody(raw, true);
  const port = settings.ports.find((p) => p.use === providerId);
  const [target] = planTargets(settings, port, body.model, undefined);
  const ctx = { body, raw, query: '?beta=true', headers: CLIENT_HEADERS, requestedModel: body.model, stream: body.stream === true, messageId: 'msg_bench', byteStrings };
  const req = DIALECTS[target.provider.dialect].messagesRequest(ctx, target);
  const url = new URL(req.url);
  const bytes = typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
  return { path: url.pathname + url.search, headers: req.headers, body: bytes };
}

/**
 * Every side of every scenario as {pool, req}: direct ones go to the upstream
 * pool, gateway ones to the gateway's plain or paced port.
 */
export function dialectRequests(name, settings, bodies, pools) {
  const { pid, pacedPid } = providerIds(name);
  const client = (body, label) => ({ path: CLIENT_PATH, headers: CLIENT_HEADERS, body, label });
  const up = (provider, raw, label) => ({ ...upstreamRequest(settings, provider, raw), label });
  return {
    direct: { pool: pools.upstream, req: up(pid, bodies.nonStream, `${name} direct`) },
    gateway: { pool: pools.gateway, req: client(bodies.nonStream, `${name} gateway`) },
    directStream: { pool: pools.upstream, req: up(pid, bodies.stream, `${name} direct stream`) },
    gatewayStream: { pool: pools.gateway, req: client(bodies.stream, `${name} gateway stream`) },
    directPaced: { pool: pools.upstream, req: up(pacedPid, bodies.stream, `${name} direct paced stream`) },
    gatewayPaced: { pool: pools.paced, req: client(bodies.stream, `${name} gateway paced stream`) },
  };
}
