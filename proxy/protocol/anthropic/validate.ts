import { decodeBody } from './byte-strings.js';
import { invalidRequest } from './errors.js';
import type { MessagesRequest } from './types.js';

// Checks the shape every dialect relies on, and nothing more: unknown fields and
// block types pass (Claude Code adds new ones often; rejecting them breaks sessions).
// Hand-written rather than a schema library because it runs on every request.

const ROLES = new Set(['user', 'assistant', 'system']);

/**
 * Parses a request body. With `allowByteStrings`, strings come back as byte
 * strings when that is lossless (see byte-strings.ts) and `byteStrings` says so.
 */
export function parseJsonBody(raw: Buffer | undefined, allowByteStrings = false): { value: unknown; byteStrings: boolean } {
  // A POST with no body and no content-type reaches the route with no body at all.
  if (!raw || raw.length === 0) throw invalidRequest('request body is empty; expected a JSON object');
  const { text, byteStrings } = decodeBody(raw, allowByteStrings);
  try {
    return { value: JSON.parse(text), byteStrings };
  } catch (err) {
    throw invalidRequest(`request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** For /v1/messages; `forCount` relaxes what count_tokens does not need (max_tokens). */
export function validateMessagesRequest(body: unknown, forCount = false): MessagesRequest {
  if (!isObject(body)) throw invalidRequest('request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model.length === 0) throw invalidRequest('model: field required (a non-empty string)');
  if (!forCount) {
    const mt = body.max_tokens;
    if (mt === undefined) throw invalidRequest('max_tokens: field required');
    if (typeof mt !== 'number' || !Number.isInteger(mt) || mt < 0) throw invalidRequest('max_tokens: must be a non-negative integer');
  }
  const messages = body.messages;
  if (!Array.isArray(messages)) throw invalidRequest('messages: field required (an array)');
  if (messages.length === 0) throw invalidRequest('messages: at least one message is required');
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isObject(m)) throw invalidRequest(`messages.${i}: must be an object`);
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) throw invalidRequest(`messages.${i}.role: must be "user", "assistant" or "system"`);
    const c = m.content;
    if (typeof c === 'string') continue;
    if (!Array.isArray(c)) throw invalidRequest(`messages.${i}.content: must be a string or an array of content blocks`);
    for (let j = 0; j < c.length; j++) {
      const b = c[j];
      if (!isObject(b) || typeof b.type !== 'string') throw invalidRequest(`messages.${i}.content.${j}: must be a content block with a "type"`);
      checkBlock(b, `messages.${i}.content.${j}`);
    }
  }
  const system = body.system;
  if (system !== undefined && typeof system !== 'string') {
    if (!Array.isArray(system)) throw invalidRequest('system: must be a string or an array of text blocks');
    system.forEach((b, i) => {
      if (!isObject(b) || b.type !== 'text' || typeof b.text !== 'string') throw invalidRequest(`system.${i}: must be a text block`);
    });
  }
  const tools = body.tools;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) throw invalidRequest('tools: must be an array');
    tools.forEach((t, i) => {
      if (!isObject(t) || typeof t.name !== 'string' || !t.name) throw invalidRequest(`tools.${i}.name: field required`);
      const custom = t.type === undefined || t.type === 'custom';
      if (custom && !isObject(t.input_schema)) throw invalidRequest(`tools.${i}.input_schema: field required (a JSON Schema object)`);
    });
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') throw invalidRequest('stream: must be a boolean');
  const stops = body.stop_sequences;
  if (stops !== undefined && (!Array.isArray(stops) || stops.some((s) => typeof s !== 'string'))) throw invalidRequest('stop_sequences: must be an array of strings');
  for (const k of ['temperature', 'top_p', 'top_k'] as const) {
    if (body[k] !== undefined && typeof body[k] !== 'number') throw invalidRequest(`${k}: must be a number`);
  }
  const tc = body.tool_choice;
  if (tc !== undefined && (!isObject(tc) || typeof tc.type !== 'string')) throw invalidRequest('tool_choice: must be an object with a "type"');
  return body as unknown as MessagesRequest;
}

function checkBlock(b: Record<string, unknown>, path: string): void {
  switch (b.type) {
    case 'text':
      if (typeof b.text !== 'string') throw invalidRequest(`${path}.text: field required`);
      break;
    case 'image':
      if (!isObject(b.source)) throw invalidRequest(`${path}.source: field required`);
      break;
    case 'tool_use':
      if (typeof b.id !== 'string' || typeof b.name !== 'string') throw invalidRequest(`${path}: tool_use needs "id" and "name"`);
      if (b.input !== undefined && !isObject(b.input)) throw invalidRequest(`${path}.input: must be an object`);
      break;
    case 'tool_result':
      if (typeof b.tool_use_id !== 'string') throw invalidRequest(`${path}.tool_use_id: field required`);
      if (b.content !== undefined && typeof b.content !== 'string' && !Array.isArray(b.content)) throw invalidRequest(`${path}.content: must be a string or an array of blocks`);
      break;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
